"""Seasonal outliers: Tết moving between January and February is not an outlier; a wild July is, once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.outliers import robust_z, seasonal_outliers

TET = {2019: 2, 2020: 1, 2021: 2, 2022: 2, 2023: 1, 2024: 2, 2025: 1}  # the month of the Lunar New Year


def series() -> pd.Series:
    """Monthly retail-like series: trend, season, a 25-point Tết dip in Tết's month, +15 in July 2024."""
    idx = pd.date_range("2019-01-01", "2025-12-01", freq="MS")
    season = np.array([0, 0, 2, 1, 3, 2, 1, 0, 2, 3, 4, 9])
    rng = np.random.default_rng(7)
    x = pd.Series([100 + 0.2 * i + season[d.month - 1] + rng.normal(0, 0.5) for i, d in enumerate(idx)], index=idx)
    for year, month in TET.items():
        x[pd.Timestamp(year, month, 1)] -= 25
    x[pd.Timestamp(2024, 7, 1)] += 15
    return x


def months(mask: pd.Series) -> list[str]:
    return [d.strftime("%Y-%m") for d in mask.index[mask.to_numpy()]]


def test_a_plain_z_score_flags_tet_and_misses_the_real_outlier():
    x = series()
    assert months(robust_z(x).abs() > 3.5) == ["2019-02", "2020-01", "2021-02", "2022-02"]


def test_seasonal_differences_alone_flag_tet_moving_between_january_and_february():
    flagged = months(seasonal_outliers(series(), 12, lunar_block=False)["outlier"])
    assert "2024-07" in flagged and {"2020-01", "2023-02", "2025-01"} <= set(flagged)


def test_seasonal_robust_z_flags_only_the_real_outlier_and_not_its_echo():
    out = seasonal_outliers(series(), 12)
    assert months(out["outlier"]) == ["2024-07"]  # 2025-07, the return to normal, is its echo
    assert out.loc["2024-07-01", "score"] > 20


def test_hand_computed_scores_on_a_tiny_quarterly_series():
    x = pd.Series(
        [10, 20, 30, 40, 11, 21, 31, 41, 12, 22, 32, 50], index=pd.date_range("2022-01-01", periods=12, freq="QS")
    )
    out = seasonal_outliers(x, 4)
    # lag-4 differences from the 5th quarter: 1,1,1,1,1,1,1,9 -> median 1, MAD 0: no spread, no outlier
    assert out["score"].iloc[4:].tolist() == [0.0] * 8
    x.iloc[7] = 45  # differences 1,1,1,5,1,1,1,5: median 1, MAD still 0
    x.iloc[5] = 23  # differences 1,3,1,5,1,-1,1,5: median 1, |d - 1| = 0,2,0,4,0,2,0,4 -> MAD 1
    out = seasonal_outliers(x, 4)
    assert round(out["score"].iloc[7], 4) == round(4 / 1.4826, 4)  # (5 - 1) / (1.4826 * 1)
    assert not out["outlier"].any()  # 2.7 < 3.5


def test_too_short_a_series_has_no_score():
    x = pd.Series(range(20), index=pd.date_range("2023-01-01", periods=20, freq="MS"), dtype=float)
    assert seasonal_outliers(x, 12)["score"].isna().all()
