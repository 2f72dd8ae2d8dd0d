"""Outliers in a regular series by a seasonal method: a robust z-score of the seasonal differences.

A plain z-score flags every Tết month: retail, industry and trade fall or jump around the Lunar New Year, which
moves between January and February. Comparing a month with the same month a year earlier removes the seasonal
pattern; comparing January and February together (their mean, for monthly series) removes Tết's move; the median
and the median absolute deviation keep one wild month from hiding another.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: |z| above this is an outlier (Iglewicz and Hoaglin's 3.5 on the modified z-score)
THRESHOLD = 3.5
_MAD_TO_SD = 1.4826


def robust_z(values: pd.Series) -> pd.Series:
    """(x - median) / (1.4826 * MAD); all zeros when the spread is zero (a constant series has no outlier)."""
    x = values.astype(float)
    med = x.median()
    mad = (x - med).abs().median()
    if not np.isfinite(mad) or mad == 0:
        return pd.Series(np.where(x.notna(), 0.0, np.nan), index=x.index)
    return (x - med) / (_MAD_TO_SD * mad)


def seasonal_scores(values: pd.Series, period: int, lunar_block: bool = True) -> pd.Series:
    """Robust z-scores of x_t - x_{t-period} for a series indexed by period start (one value per period, in order).

    `lunar_block` (monthly series): January and February are scored together on their mean, so that Tết falling in
    January one year and February the next is not an outlier. Fewer than two seasons of data: no score (NaN).
    """
    x = values.astype(float).sort_index()
    if len(x.dropna()) < 2 * period:
        return pd.Series(np.nan, index=x.index)
    if lunar_block and period == 12:
        idx = pd.DatetimeIndex(x.index)
        block = pd.Series(np.where(idx.month <= 2, idx.year, -1), index=x.index)
        means = x.groupby(block).transform("mean")
        x = x.where(block < 0, means)
    diff = x - x.shift(period)
    return robust_z(diff)


def seasonal_outliers(
    values: pd.Series, period: int, threshold: float = THRESHOLD, lunar_block: bool = True
) -> pd.DataFrame:
    """value, score and outlier flag per period.

    A wild month shows twice in seasonal differences: when it happens, and a year later as the fall back to normal
    (the opposite sign). The second is its echo, not an outlier of its own, and is not flagged.
    """
    score = seasonal_scores(values, period, lunar_block)
    flag = (score.abs() > threshold).to_numpy().copy()
    z = score.to_numpy()
    for t in range(period, len(flag)):
        if flag[t] and flag[t - period] and np.sign(z[t]) != np.sign(z[t - period]):
            flag[t] = False
    return pd.DataFrame({"value": values.sort_index(), "score": score, "outlier": flag}, index=score.index)


PERIODS = {"M": 12, "Q": 4}
