"""A value about 1000× off its series' recent level: the trace of a decimal mark read wrongly ('3.650' read as
3,65, or '3,650' as 3650) or a unit slip (thousand vs million). Rejected with the level it was compared with."""

from __future__ import annotations

import math
from typing import Any

from connectors.checks.check import Check, has
from connectors.checks.recent import SERIES
from warehouse.lazy import lazy

pd = lazy("pandas")

#: how far from the recent level a value may be (×/÷): a real series does not move 300-fold between releases,
#: while a decimal or unit slip moves it by 1000
FACTOR = 300.0


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v if has(v) else None for v in row)


def rule_scale(c: Check) -> None:
    """Levels ≥ FACTOR times above or below the median of the series' last 12 values in the warehouse."""
    if c.codes.levels is None or not {"_value", "_base", "_freq"} <= set(c.f.columns):
        return
    if c.history:  # a past release is not compared with the warehouse's recent level, which is its future
        return
    live = c.live() & c.f["_value"].notna() & (c.f["_base"] == "level") & c.f["_freq"].notna()
    rows = c.f.loc[live]
    if rows.empty:
        return
    recent = c.codes.levels(tuple(rows["indicator_code"].dropna().unique()))
    if recent.empty:
        return
    level = {
        _key(k): v for k, v in zip(recent[SERIES].itertuples(index=False, name=None), recent["level"], strict=True)
    }
    keys = rows[["indicator_code", "area_code", "agency_code", "category", "_freq"]]
    bad: dict[Any, float] = {}
    for idx, key, v in zip(rows.index, keys.itertuples(index=False, name=None), rows["_value"], strict=True):
        ref = level.get(_key(key))
        if ref is None or not ref or not v or pd.isna(ref):
            continue
        ratio = abs(float(v) / float(ref))
        if ratio >= FACTOR or ratio <= 1 / FACTOR:
            bad[idx] = float(ref)

    def times(r: Any) -> str:
        ratio = abs(float(r["_value"]) / bad[r.name])
        return f"{10 ** round(math.log10(ratio)):g}" if ratio >= 1 else f"1/{10 ** round(-math.log10(ratio)):g}"

    c.flag(
        pd.Index(list(bad)),
        "value",
        "scale",
        lambda r: (
            f"{r['_value']:g} is about {times(r)} × the series' recent level ({bad[r.name]:g}): is the decimal mark "
            "right ('3.650' is 3650 in Vietnamese) or the unit?"
        ),
        lambda r: (
            f"{r['_value']:g} gấp khoảng {times(r)} lần mức gần đây của chuỗi ({bad[r.name]:g}): kiểm tra dấu thập "
            "phân ('3.650' là ba nghìn sáu trăm năm mươi) hoặc đơn vị"
        ),
    )
