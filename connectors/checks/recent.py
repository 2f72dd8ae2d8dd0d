"""The recent level of the series a load writes to: the median of each series' last 12 current values (the latest
vintage per period), read only for the indicators in the file — what rules_scale compares a new value with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from warehouse.db import Warehouse
from warehouse.schema import table

SERIES = ["indicator_code", "area_code", "agency_code", "category", "freq"]
#: periods a series' recent level is the median of
RECENT = 12


def recent_levels(wh: Warehouse, codes: Iterable[str], before: date | None = None) -> pd.DataFrame:
    """SERIES columns and `level` (the median of the last RECENT level values), one row per series."""
    wanted = sorted(set(codes))
    if not wanted:
        return pd.DataFrame(columns=[*SERIES, "level"])
    obs = table("observation")
    cond = [obs.indicator_code.isin(wanted), obs.base == "level", obs.value.notnull()]
    if before is not None:
        cond.append(obs.period_start < before)
    frame = wh.execute(obs.filter(cond).select(*SERIES, "period_start", "value", "vintage"))
    if frame.empty:
        return pd.DataFrame(columns=[*SERIES, "level"])
    keys = [*SERIES, "period_start"]
    current = frame.sort_values("vintage").groupby(keys, dropna=False).tail(1).sort_values("period_start")
    last = current.groupby(SERIES, dropna=False).tail(RECENT)
    return last.groupby(SERIES, dropna=False)["value"].median().rename("level").reset_index()
