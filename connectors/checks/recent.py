"""The recent level of the series a load writes to: the median of each series' last 12 current values (the latest
vintage per period), read only for the indicators in the file — what rules_scale compares a new value with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from warehouse.db import Warehouse
from warehouse.lazy import lazy
from warehouse.schema import table

pd = lazy("pandas")

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


def recent_level_rows(wh: Warehouse, codes: Iterable[str]) -> list[tuple]:
    """`recent_levels` as tuples (SERIES..., level). On a DuckDB file read by one query, no pandas (a large load's
    screen, connectors/staged.py): the latest vintage per period, the last RECENT periods per series, and their
    median as pandas takes it (NaN skipped; the middle value, or the mean of the two middle ones)."""
    wanted = sorted(set(codes))
    if not wanted:
        return []
    if not wh.raw_duckdb:
        frame = recent_levels(wh, wanted)
        return list(frame[[*SERIES, "level"]].astype(object).itertuples(index=False, name=None))
    inlist = ", ".join("'" + c.replace("'", "''") + "'" for c in wanted)
    series = ", ".join(SERIES)
    rows = wh.rows(
        f"""WITH cur AS (SELECT {series}, period_start, arg_max(value, vintage) AS value FROM observation
                WHERE indicator_code IN ({inlist}) AND base = 'level' AND value IS NOT NULL GROUP BY ALL),
            last AS (SELECT *, row_number() OVER (PARTITION BY {series} ORDER BY period_start DESC) AS n FROM cur)
            SELECT {series}, list(value) FROM last WHERE n <= {RECENT} GROUP BY ALL"""
    )
    return [(*r[:-1], _median(r[-1])) for r in rows]


def _median(values: list[float]) -> float:
    vs = sorted(v for v in values if v == v)
    if not vs:
        return float("nan")
    mid = len(vs) // 2
    return vs[mid] if len(vs) % 2 else (vs[mid - 1] + vs[mid]) / 2
