"""One forecastable series (indicator × area × category × base) cut from indicator-path rows, made regular."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: pandas offsets of the frequencies we forecast (period_start is the first day of the period)
OFFSETS = {"M": "MS", "Q": "QS", "Y": "YS"}
#: which base to forecast when there are no levels: the published rates, most used first
RATE_ORDER = ("yoy", "ytd_yoy", "pop")
#: interior gaps up to this many periods are filled by linear interpolation; a longer gap cuts the series
MAX_GAP = 2


@dataclass(frozen=True, eq=False)
class Series:
    """A regular series: `values` indexed by period_start at `freq`, no gaps.

    `base` says what is forecast: 'level' (the value itself, or 'ytd' cumulative level) when levels exist, else the
    published rate ('yoy', 'ytd_yoy', 'pop') — forecasts of a rate are rates, never turned into levels.
    """

    indicator_code: str
    area_code: str
    category: str | None
    base: str
    freq: str
    values: pd.Series
    vintage: pd.Timestamp | None = None  # the latest vintage among the training rows (what we trained on)
    filled: int = 0  # interior points filled by interpolation

    @property
    def key(self) -> str:
        parts = [self.indicator_code, self.area_code]
        if self.category:
            parts.append(self.category)
        return "|".join([*parts, self.base])

    @property
    def kind(self) -> str:
        """'level' for levels and cumulative levels, 'rate' for published comparisons."""
        return "level" if self.base in ("level", "ytd") else "rate"

    @property
    def y(self) -> np.ndarray:
        return self.values.to_numpy(dtype=float)

    def __len__(self) -> int:
        return len(self.values)

    def future_periods(self, h: int) -> pd.DatetimeIndex:
        last = pd.Timestamp(self.values.index[-1])
        return pd.date_range(last, periods=h + 1, freq=OFFSETS[self.freq])[1:]

    def cut(self, last_period: pd.Timestamp) -> Series:
        """The series as it stood up to `last_period` (inclusive)."""
        return Series(
            self.indicator_code,
            self.area_code,
            self.category,
            self.base,
            self.freq,
            self.values[self.values.index <= last_period],
            self.vintage,
            self.filled,
        )


def regular(values: pd.Series, freq: str) -> tuple[pd.Series, int]:
    """Reindex to every period between the first and last; fill short interior gaps, keep the part after a long
    gap (a model must not learn across a break it cannot see). Returns (series, number of points filled)."""
    values = values.dropna().sort_index()
    values = values[~values.index.duplicated(keep="last")]
    if values.empty:
        return values.astype(float), 0
    index = pd.date_range(values.index.min(), values.index.max(), freq=OFFSETS[freq])
    full = values.reindex(index).astype(float)
    missing = full.isna().to_numpy()
    if missing.any():
        run = 0
        cut_at = 0
        for i, miss in enumerate(missing):
            run = run + 1 if miss else 0
            if run > MAX_GAP:
                cut_at = i + 1
        full = full.iloc[cut_at:]
        filled = int(full.isna().sum())
        full = full.interpolate(limit_area="inside")
        return full.dropna(), filled
    return full, 0


def from_rows(rows: pd.DataFrame, freq: str | None = None) -> list[Series]:
    """Series from indicator-path output rows (indicator_code, area_code, category, period_start, freq, base, value,
    vintage). For each (indicator, area, category): the levels when there are any, else the first published rate in
    RATE_ORDER — so a CPI published only as rates is forecast as its year-on-year rate, and says so."""
    if rows.empty:
        return []
    rows = rows.copy()
    rows["period_start"] = pd.to_datetime(rows["period_start"])
    rows["category"] = rows["category"].where(rows["category"].notna(), None) if "category" in rows else None
    out: list[Series] = []
    keys = ["indicator_code", "area_code", "category"]
    for (code, area, cat), group in rows.groupby(keys, dropna=False, sort=True):
        bases = set(group["base"])
        base = next((b for b in ("level", "ytd", *RATE_ORDER) if b in bases), None)
        if base is None:
            continue
        part = group[group["base"] == base]
        f = freq or str(part["freq"].iloc[0])
        if f not in OFFSETS:
            continue
        values, filled = regular(part.set_index("period_start")["value"], f)
        vintage = pd.to_datetime(part["vintage"]).max() if "vintage" in part else None
        category = None if cat is None or (isinstance(cat, float) and np.isnan(cat)) else str(cat)
        out.append(Series(str(code), str(area), category, base, f, values, vintage, filled))
    return out
