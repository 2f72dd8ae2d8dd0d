"""Validation of vintages (published_at) against the period, the load time and what the warehouse already holds:
history is never backdated, and a key has one value per vintage (else "current" would be a coin toss)."""

from __future__ import annotations

import math
from typing import Any

from connectors.checks.check import Check, has
from connectors.checks.limits import backdate_days
from warehouse.db import Warehouse
from warehouse.lazy import lazy
from warehouse.load import existing_rows
from warehouse.schema import OBSERVATION_KEY

pd = lazy("pandas")

_COLS = ["indicator_code", "area_code", "agency_code", "category", "_start", "_freq", "_base"]


def _when(ts: Any) -> str:
    t = pd.Timestamp(ts)
    return f"{t:%Y-%m-%d}" if t == t.normalize() else f"{t:%Y-%m-%dT%H:%M:%S}"


def _key(values: tuple) -> tuple:
    *head, start, freq, base = values
    return (*(v if has(v) else None for v in head), pd.Timestamp(start).date(), freq, base)


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return round(a, 9) == round(b, 9)


def rule_vintage(c: Check) -> None:
    """A vintage is not before its period's start; for a sender with a scope, not more than the declared tolerance
    before the load; not before an existing vintage of the same key; and a key's value at a stored vintage is that
    value (a different one needs a later published_at). Rows with the load time as vintage pass."""
    if any(col not in c.f for col in ("_vintage", *_COLS)):
        return
    live = c.live() & c.f["_vintage"].notna() & c.f["_start"].notna() & c.f["_freq"].notna() & c.f["_base"].notna()
    if not live.any():
        return
    vintage = pd.to_datetime(c.f["_vintage"])
    start = pd.to_datetime(c.f["_start"].where(live))
    early = live & (vintage < start)
    c.flag(
        early,
        "published_at",
        "vintage_before_period",
        lambda r: (
            f"published_at {_when(r['_vintage'])} is before the period starts ({r['_start']:%Y-%m-%d}): "
            "a figure cannot be known before its period"
        ),
        lambda r: (
            f"published_at {_when(r['_vintage'])} trước ngày bắt đầu kỳ ({r['_start']:%d/%m/%Y}): "
            "không thể công bố số liệu trước kỳ của nó"
        ),
    )
    live &= ~early
    if c.scope is not None and not c.scope.may("backdate"):
        days = backdate_days()
        floor = pd.Timestamp(c.today) - pd.Timedelta(days=days)
        back = live & (vintage < floor)
        c.flag(
            back,
            "published_at",
            "vintage_backdated",
            lambda r: (
                f"published_at {_when(r['_vintage'])} is more than {days} days before the load "
                f"({c.today:%Y-%m-%d}; setting DIEUHANH_BACKDATE_DAYS): history is loaded by the reference loader"
            ),
            lambda r: (
                f"published_at {_when(r['_vintage'])} sớm hơn quá {days} ngày so với ngày tải "
                f"({c.today:%d/%m/%Y}; thiết lập DIEUHANH_BACKDATE_DAYS): số liệu lịch sử do đơn vị quản trị nạp"
            ),
        )
        live &= ~back
    if c.wh is None or not live.any():
        return
    _against_stored(c, c.wh, live, vintage)


def _against_stored(c: Check, wh: Warehouse, live: pd.Series, vintage: pd.Series) -> None:
    rows = c.f.loc[live, _COLS]
    probe = pd.DataFrame({"indicator_code": rows["indicator_code"], "period_start": pd.to_datetime(rows["_start"])})
    stored = existing_rows(wh, probe)
    if stored.empty:
        return
    by_key: dict[tuple, list[tuple[pd.Timestamp, float]]] = {}
    keys = stored[list(OBSERVATION_KEY)].astype(object).itertuples(index=False, name=None)
    for key, v, when in zip(keys, stored["value"], stored["vintage"], strict=True):
        by_key.setdefault(_key(key), []).append((pd.Timestamp(when), float(v)))
    conflict: dict[Any, str] = {}
    before: dict[Any, str] = {}
    for idx, values in zip(rows.index, rows.itertuples(index=False, name=None), strict=True):
        known = by_key.get(_key(values))
        if not known:
            continue
        mine, value = pd.Timestamp(vintage[idx]), float(c.f.at[idx, "_value"])
        at = [v for t, v in known if t == mine]
        if at and not _same(at[0], value):
            conflict[idx] = f"{at[0]:g}"
        elif not at and max(t for t, _ in known) > mine and not c.history:
            before[idx] = _when(max(t for t, _ in known))
    c.flag(
        pd.Index(list(conflict)),
        "published_at",
        "vintage_conflict",
        lambda r: (
            f"this key already has the value {conflict[r.name]} published {_when(r['_vintage'])}: a "
            "different value needs a later published_at (a revision is a new vintage)"
        ),
        lambda r: (
            f"chỉ tiêu, địa bàn, kỳ này đã có giá trị {conflict[r.name]} công bố {_when(r['_vintage'])}: "
            "giá trị khác cần published_at muộn hơn (số liệu điều chỉnh là một lần công bố mới)"
        ),
    )
    c.flag(
        pd.Index(list(before)),
        "published_at",
        "vintage_before_existing",
        lambda r: (
            f"published_at {_when(r['_vintage'])} is before a stored vintage of this key ({before[r.name]}): "
            "history cannot be inserted behind what was already known"
        ),
        lambda r: (
            f"published_at {_when(r['_vintage'])} trước lần công bố đã lưu của chỉ tiêu, địa bàn, kỳ này "
            f"({before[r.name]}): không thể chèn số liệu vào quá khứ đã biết"
        ),
    )
