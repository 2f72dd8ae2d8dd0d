"""Day-to-day moves of daily series (markets are shut on some days): the latest observation against the one before
it and against the last observation on or before the same day a year earlier. Pure functions over query results."""

from __future__ import annotations

from datetime import date

import pandas as pd

COLUMNS = [
    "indicator_code",
    "date",
    "value",
    "unit",
    "status",
    "vintage",
    "prev_date",
    "prev_value",
    "pct_prev",
    "year_ago_date",
    "year_ago_value",
    "pct_year",
]


def _year_ago(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def _pct(now: float, then: float | None) -> float | None:
    if then is None or pd.isna(then) or then == 0:
        return None
    return (now / then - 1) * 100


def latest_moves(levels: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator (totals only: no agency or category breakdown) with its latest value and changes."""
    rows = []
    if levels is None or levels.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = levels[(levels["base"] == "level") & levels["agency_code"].isna() & levels["category"].isna()]
    for code, series in frame.groupby("indicator_code", sort=True):
        s = series.assign(d=pd.to_datetime(series["period_start"]).dt.date).sort_values("d")
        last = s.iloc[-1]
        prev = s.iloc[-2] if len(s) > 1 else None
        target = _year_ago(last["d"])
        earlier = s[s["d"] <= target]
        ago = earlier.iloc[-1] if not earlier.empty else None
        rows.append(
            {
                "indicator_code": code,
                "date": last["d"],
                "value": float(last["value"]),
                "unit": last["unit"],
                "status": last["status"],
                "vintage": last["vintage"],
                "prev_date": None if prev is None else prev["d"],
                "prev_value": None if prev is None else float(prev["value"]),
                "pct_prev": None if prev is None else _pct(float(last["value"]), float(prev["value"])),
                "year_ago_date": None if ago is None else ago["d"],
                "year_ago_value": None if ago is None else float(ago["value"]),
                "pct_year": None if ago is None else _pct(float(last["value"]), float(ago["value"])),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def moved_most(moves: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The `n` indicators with the largest absolute change since the previous observation."""
    if moves.empty:
        return moves
    ranked = moves.dropna(subset=["pct_prev"]).copy()
    ranked["_abs"] = ranked["pct_prev"].abs()
    return ranked.sort_values(["_abs", "indicator_code"], ascending=[False, True]).head(n).drop(columns="_abs")


def window(levels: pd.DataFrame, code: str, days: int) -> pd.DataFrame:
    """The last `days` calendar days of one indicator's levels (ending at its latest observation)."""
    s = levels[(levels["indicator_code"] == code) & (levels["base"] == "level")].copy()
    if s.empty:
        return s
    s["period_start"] = pd.to_datetime(s["period_start"])
    end = s["period_start"].max()
    return s[s["period_start"] > end - pd.Timedelta(days=days)].sort_values("period_start")
