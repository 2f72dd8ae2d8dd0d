"""The one write path for facts: a batch of observations is written whole or not at all, never overwriting."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd
import pyarrow as pa

from warehouse.db import Warehouse
from warehouse.lineage import period_end
from warehouse.schema import OBSERVATION, OBSERVATION_KEY, table

_KEY = list(OBSERVATION_KEY)


@dataclass(frozen=True)
class BatchInfo:
    source: str
    file_name: str = ""
    file_hash: str = ""
    loaded_by: str = "system"


@dataclass
class LoadResult:
    batch_id: str
    rows_in: int
    rows_written: int
    rows_unchanged: int
    rows_rejected: int = 0
    outcome: str = "loaded"
    messages: list[str] = field(default_factory=list)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _normalise(frame: pd.DataFrame, batch_id: str, loaded_at: datetime) -> pd.DataFrame:
    frame = frame.copy()
    for col in OBSERVATION.names:
        if col not in frame.columns:
            frame[col] = None
    frame["batch_id"] = batch_id
    frame["vintage"] = pd.to_datetime(frame["vintage"]).fillna(pd.Timestamp(loaded_at))
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    frame["period_end"] = [period_end(s, f) for s, f in zip(frame["period_start"], frame["freq"], strict=True)]
    frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype("float64")
    for col in ("agency_code", "category"):
        frame[col] = frame[col].where(frame[col].notna() & (frame[col].astype(str) != ""), None)
    frame["base"] = frame["base"].fillna("level")
    return frame[list(OBSERVATION.names)]


def _existing(wh: Warehouse, frame: pd.DataFrame) -> pd.DataFrame:
    """Existing rows for the batch's indicators and periods: the only rows a new row can equal."""
    obs = table("observation")
    codes = sorted(set(frame["indicator_code"]))
    lo, hi = min(frame["period_start"]), max(frame["period_start"])
    expr = obs.filter(obs.indicator_code.isin(codes), obs.period_start >= lo, obs.period_start <= hi)
    return wh.execute(expr.select(*_KEY, "value", "status", "vintage"))


def _key_frame(frame: pd.DataFrame) -> pd.DataFrame:
    keyed = frame[_KEY].astype(object).where(frame[_KEY].notna(), "\x00")
    keyed["period_start"] = pd.to_datetime(frame["period_start"]).dt.strftime("%Y-%m-%d")
    return keyed


def split_unchanged(existing: pd.DataFrame, incoming: pd.DataFrame, stamped: pd.Series) -> pd.Series:
    """A boolean mask over `incoming`: True where the row is already known.

    A row is known when a row with the same key and vintage holds the same value, or — for rows whose vintage is
    just the load time (`stamped`) — when the latest known value for the key is the same. So loading a file again
    changes nothing, and a changed value becomes a new vintage.
    """
    if existing.empty or incoming.empty:
        return pd.Series(False, index=incoming.index)
    ex = _key_frame(existing)
    ex["value"] = existing["value"].round(9).values
    ex["vintage"] = pd.to_datetime(existing["vintage"]).values
    inc = _key_frame(incoming)
    inc["value"] = incoming["value"].round(9).values
    inc["vintage"] = pd.to_datetime(incoming["vintage"]).values
    inc["_i"] = incoming.index

    same_vintage = inc.merge(ex, on=[*_KEY, "vintage", "value"], how="inner")["_i"]
    latest = ex.sort_values("vintage").groupby(_KEY, dropna=False).tail(1)
    same_latest = inc.merge(latest.drop(columns="vintage"), on=[*_KEY, "value"], how="inner")["_i"]
    known = set(same_vintage) | (set(same_latest) & set(incoming.index[stamped.to_numpy()]))
    return incoming.index.isin(list(known))


def write_observations(
    wh: Warehouse,
    frame: pd.DataFrame,
    info: BatchInfo,
    rejected: pd.DataFrame | None = None,
    rows_in: int | None = None,
) -> LoadResult:
    """Write one batch in one transaction. `frame` holds valid canonical rows; `vintage` may be null (load time)."""
    batch_id = uuid.uuid4().hex
    loaded_at = now_utc()
    stamped = frame["vintage"].isna() if "vintage" in frame.columns else pd.Series(True, index=frame.index)
    rows = _normalise(frame, batch_id, loaded_at)
    rejected = rejected if rejected is not None else pd.DataFrame()
    known = split_unchanged(_existing(wh, rows), rows, stamped.reset_index(drop=True)) if len(rows) else []
    new_rows = rows[~pd.Series(known, index=rows.index)] if len(rows) else rows
    n_in = rows_in if rows_in is not None else len(rows) + len(rejected)
    if len(new_rows) == 0 and len(rejected) == 0:
        outcome = "unchanged"
    elif len(rejected):
        outcome = "partial"
    else:
        outcome = "loaded"
    result = LoadResult(batch_id, n_in, len(new_rows), len(rows) - len(new_rows), len(rejected), outcome)
    batch = pa.table(
        {
            "batch_id": [batch_id],
            "source": [info.source],
            "file_name": [info.file_name],
            "file_hash": [info.file_hash],
            "loaded_by": [info.loaded_by],
            "loaded_at": [loaded_at],
            "rows_in": [n_in],
            "rows_written": [result.rows_written],
            "rows_unchanged": [result.rows_unchanged],
            "rows_rejected": [result.rows_rejected],
            "outcome": [outcome],
        }
    )
    with wh.transaction():
        wh.insert("load_batch", batch)
        if len(new_rows):
            wh.insert("observation", pa.Table.from_pandas(new_rows, preserve_index=False))
        if len(rejected):
            rej = rejected.copy()
            rej["batch_id"] = batch_id
            wh.insert("rejected_row", pa.Table.from_pandas(rej, preserve_index=False))
        if len(new_rows):
            wh.bump_version()
    return result


def write_reference(wh: Warehouse, tables: dict[str, pd.DataFrame]) -> None:
    """Replace reference tables (areas, agencies, indicator registry, targets) together in one transaction."""
    with wh.transaction():
        for name, frame in tables.items():
            wh.replace(name, pa.Table.from_pandas(frame, preserve_index=False))
        wh.bump_version()


def new_batch_id() -> str:
    return uuid.uuid4().hex


def stable_id(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]
