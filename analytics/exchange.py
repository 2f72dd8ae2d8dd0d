"""Connections and sharing per information group (semantic/groups.yml): which systems sent each group's data, the
last batch received, whether it is on time for the group's frequency and delay, rows and failures this month; and
what was sent out to subscriptions. Every read is a QuerySpec handed to `run` (the caller's scope, audited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pandas as pd

from semantic.groups import Groups
from semantic.spec import Filter, QuerySpec

Run = Callable[[QuerySpec], pd.DataFrame]
#: the longest a period of each frequency lasts: a group is late when its last batch is older than this + its delay
PERIOD_DAYS = {"D": 1, "M": 31, "Q": 92, "Y": 366}
GROUP_COLUMNS = (
    "group",
    "name_vi",
    "name_en",
    "direction",
    "frequency",
    "systems",
    "last_received",
    "status",
    "rows_month",
    "batches_month",
    "failures_month",
)
SENT_COLUMNS = ("system", "groups", "attempts", "delivered", "failed", "batches_sent", "last_sent")


def _month_start(today: date) -> datetime:
    return datetime(today.year, today.month, 1)


def timeliness(last: datetime | None, frequency: str, delay_days: int, today: date) -> str:
    """'none' (nothing received yet), 'on_time' or 'late' (older than a period and the agreed delay)."""
    if last is None or pd.isna(last):
        return "none"
    allowed = timedelta(days=PERIOD_DAYS[frequency] + delay_days)
    return (
        "late"
        if datetime.combine(today, datetime.min.time()) - pd.Timestamp(last).to_pydatetime() > allowed
        else "on_time"
    )


def group_status(run: Run, groups: Groups, today: date) -> pd.DataFrame:
    """One row per group of indicators (cube groups are listed with no received figures)."""
    start = _month_start(today).isoformat()  # a text value: a spec is JSON (its cache key and audit record)
    codes = sorted({c for g in groups.groups for c in g.indicators})
    ever = run(
        QuerySpec(
            view="exchange_received",
            measures=("last_received",),
            dimensions=("indicator", "loaded_by"),
            filters=(Filter("indicator", "in", tuple(codes)),),
        )
    )
    month = run(
        QuerySpec(
            view="exchange_received",
            measures=("rows", "batches"),
            dimensions=("indicator",),
            filters=(Filter("indicator", "in", tuple(codes)), Filter("loaded_at", "gte", (start,))),
        )
    )
    failed = run(
        QuerySpec(
            view="quality_rejected",
            measures=("problems",),
            dimensions=("indicator",),
            filters=(Filter("indicator", "in", tuple(codes)), Filter("loaded_at", "gte", (start,))),
        )
    )
    rows = []
    for g in groups.groups:
        mine = ever[ever["indicator"].isin(g.indicators)] if len(ever) else ever
        last = mine["last_received"].max() if len(mine) else None
        last = None if last is None or pd.isna(last) else pd.Timestamp(last).to_pydatetime()
        m = month[month["indicator"].isin(g.indicators)] if len(month) else month
        f = failed[failed["indicator"].isin(g.indicators)] if len(failed) else failed
        rows.append(
            {
                "group": g.code,
                "name_vi": g.name_vi,
                "name_en": g.name_en,
                "direction": g.direction,
                "frequency": g.frequency,
                "systems": ", ".join(sorted(set(mine["loaded_by"].dropna()))) if len(mine) else "",
                "last_received": last,
                "status": timeliness(last, g.frequency, g.delay_days, today) if g.indicators else "none",
                "rows_month": int(m["rows"].sum()) if len(m) else 0,
                "batches_month": int(m["batches"].sum()) if len(m) else 0,
                "failures_month": int(f["problems"].sum()) if len(f) else 0,
            }
        )
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))


def sent_status(run: Run, today: date) -> pd.DataFrame:
    """One row per receiving system: webhook deliveries this month, of which delivered and failed, and the last."""
    frame = run(
        QuerySpec(
            view="exchange_sent",
            measures=("attempts", "delivered", "batches_sent", "last_sent"),
            dimensions=("system", "groups"),
            filters=(Filter("at", "gte", (_month_start(today).isoformat(),)),),
        )
    )
    if frame.empty:
        return pd.DataFrame(columns=list(SENT_COLUMNS))
    frame["failed"] = frame["attempts"] - frame["delivered"]
    return frame[list(SENT_COLUMNS)].reset_index(drop=True)
