"""The data-exchange API's own tables (idempotent requests, webhook subscriptions and deliveries) and the question
"which observation keys entered the warehouse after an instant": Ibis expressions over load_batch/observation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import ibis
import pandas as pd
import pyarrow as pa

from warehouse.db import Warehouse
from warehouse.load import now_utc
from warehouse.schema import register, table

#: One answered write request per (caller, Idempotency-Key): a repeat gets this answer back and writes nothing.
register(
    "api_request",
    ibis.schema(
        {
            "who": "string",
            "idem_key": "string",
            "at": "timestamp",
            "status": "int32",
            "body": "string",
        }
    ),
)
#: A connected system's callback: each new batch it may see is POSTed there, signed with `secret` (HMAC-SHA256).
register(
    "api_subscription",
    ibis.schema(
        {
            "subscription_id": "string",
            "who": "string",
            "claims": "string",  # the claims at creation, JSON: deliveries are scoped by them, through access.yml
            "url": "string",
            "groups": "string",  # ';'-separated group codes (semantic/groups.yml); empty: every group
            "secret": "string",
            "created_at": "timestamp",
        }
    ),
)
#: Every delivery attempt of a batch to a subscription: status code (0: no answer), error, attempt number.
register(
    "api_delivery",
    ibis.schema(
        {
            "subscription_id": "string",
            "batch_id": "string",
            "attempt": "int32",
            "at": "timestamp",
            "status": "int32",
            "error": "string",
        }
    ),
)


@dataclass(frozen=True)
class Changes:
    """Observation keys written by the batches loaded after an instant, and the instant to ask from next time."""

    keys: pd.DataFrame  # indicator_code, area_code, period_start, freq, batch_id
    next_after: datetime


def batches_after(wh: Warehouse, after: datetime, limit: int | None = None) -> pd.DataFrame:
    """Load batches that wrote new rows, loaded strictly after `after` (naive UTC), oldest first."""
    b = table("load_batch")
    expr = b.filter(b.loaded_at > after, b.rows_written > 0).order_by("loaded_at")
    if limit:
        expr = expr.limit(limit)
    return wh.execute(expr.select("batch_id", "source", "loaded_by", "loaded_at", "rows_written"))


def changes_after(wh: Warehouse, after: datetime) -> Changes:
    """Keys of the observations that entered after `after`, and the latest load time among them (or `after`)."""
    batches = batches_after(wh, after)
    if batches.empty:
        return Changes(pd.DataFrame(columns=["indicator_code", "area_code", "period_start", "freq", "batch_id"]), after)
    return Changes(batch_keys(wh, list(batches["batch_id"])), pd.Timestamp(batches["loaded_at"].max()).to_pydatetime())


def batch_keys(wh: Warehouse, batch_ids: list[str]) -> pd.DataFrame:
    obs = table("observation")
    expr = obs.filter(obs.batch_id.isin(batch_ids)).select(
        "indicator_code", "area_code", "period_start", "freq", "batch_id"
    )
    frame = wh.execute(expr.distinct())
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    return frame


def latest_load(wh: Warehouse) -> datetime | None:
    b = table("load_batch")
    value = wh.execute(b.loaded_at.max())
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


# -- idempotent requests --------------------------------------------------------------------------------------------


def answered(wh: Warehouse, who: str, key: str) -> tuple[int, dict] | None:
    r = table("api_request")
    found = wh.execute(r.filter(r.who == who, r.idem_key == key).select("status", "body").limit(1))
    if found.empty:
        return None
    return int(found["status"].iloc[0]), json.loads(found["body"].iloc[0])


def remember(wh: Warehouse, who: str, key: str, status: int, body: dict) -> None:
    row = pa.table(
        {
            "who": [who],
            "idem_key": [key],
            "at": [now_utc()],
            "status": pa.array([status], pa.int32()),
            "body": [json.dumps(body, ensure_ascii=False)],
        }
    )
    with wh.transaction():
        wh.insert("api_request", row)


# -- subscriptions and deliveries -------------------------------------------------------------------------------------


def add_subscription(wh: Warehouse, row: dict) -> None:
    data = pa.table({k: [v] for k, v in {**row, "created_at": now_utc()}.items()})
    with wh.transaction():
        wh.insert("api_subscription", data)


def subscriptions(wh: Warehouse) -> pd.DataFrame:
    return wh.execute(table("api_subscription"))


def log_delivery(wh: Warehouse, subscription_id: str, batch_id: str, attempt: int, status: int, error: str) -> None:
    row = pa.table(
        {
            "subscription_id": [subscription_id],
            "batch_id": [batch_id],
            "attempt": pa.array([attempt], pa.int32()),
            "at": [now_utc()],
            "status": pa.array([status], pa.int32()),
            "error": [error[:500]],
        }
    )
    with wh.transaction():
        wh.insert("api_delivery", row)


def deliveries(wh: Warehouse, subscription_id: str | None = None) -> pd.DataFrame:
    d = table("api_delivery")
    expr = d if subscription_id is None else d.filter(d.subscription_id == subscription_id)
    return wh.execute(expr.order_by("at"))
