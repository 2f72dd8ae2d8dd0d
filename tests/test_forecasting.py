"""Forecast models and backtests on series of known structure, and the metrics on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.backtest import backtest, mase_scale, origins_for, score, summary
from analytics.models import MODELS, run_model, seasonal_naive
from analytics.series import Series, from_rows, regular

pytestmark = pytest.mark.unit


def _monthly(values: np.ndarray, base: str = "level", start: str = "2014-01-01") -> Series:
    index = pd.date_range(start, periods=len(values), freq="MS")
    return Series("SYN", "VN", None, base, "M", pd.Series(values, index=index))


# -- metrics on hand-made cases ---------------------------------------------------------------------------------


def test_score_hand_computed():
    points = pd.DataFrame(
        {
            "actual": [10.0, 12.0, 8.0, 20.0],
            "mean": [11.0, 12.0, 10.0, 10.0],
            "scale": [2.0, 2.0, 2.0, 2.0],
            "lo80": [9.0, 11.0, 8.5, 15.0],  # the third actual (8.0) is below its 80 % band
            "hi80": [12.0, 13.0, 11.0, 21.0],
            "lo95": [8.0, 10.0, 7.0, 5.0],
            "hi95": [13.0, 14.0, 12.0, 19.0],  # the fourth actual (20.0) is above its 95 % band
        }
    )
    s = score(points)
    # |e| = 1, 0, 2, 10 ; /2 = 0.5, 0, 1, 5 -> MASE 6.5 / 4
    assert s.mase == pytest.approx(1.625)
    # sMAPE: 200|e|/(|y|+|f|) = 200/21, 0, 400/18, 2000/30
    assert s.smape == pytest.approx((200 / 21 + 0 + 400 / 18 + 2000 / 30) / 4)
    assert s.cov80 == pytest.approx(0.75)
    assert s.cov95 == pytest.approx(0.75)
    assert s.n == 4


def test_mase_scale_is_in_sample_seasonal_naive_error():
    y = np.array([1.0, 2, 3, 4, 2, 4, 6, 9])  # m = 4: |2-1|, |4-2|, |6-3|, |9-4| = 1, 2, 3, 5
    assert mase_scale(y, 4) == pytest.approx(11 / 4)
    assert mase_scale(y, 1) == pytest.approx(np.mean(np.abs(np.diff(y))))


def test_seasonal_naive_repeats_last_season_with_widening_band():
    y = np.array([1.0, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6])  # m = 4: seasonal differences all 1 -> sd 1
    fc = seasonal_naive(y, 4, 6, {})
    assert list(fc.mean) == [3, 4, 5, 6, 3, 4]
    half80 = fc.hi80 - fc.mean
    # one season ahead: 1.2816 * 1 ; the second season: * sqrt(2)
    assert half80[0] == pytest.approx(1.2815516, abs=1e-6)
    assert half80[4] == pytest.approx(1.2815516 * np.sqrt(2), abs=1e-6)


def test_origins_leave_the_horizon_inside_the_data():
    origins, n_sel = origins_for(100, "M", 6)
    assert origins == list(range(71, 95))  # 24 origins; the last forecasts points 94..99
    assert n_sel == 12
    short, n_short = origins_for(46, "M", 6)  # a short series: fewer origins, split in half
    assert short == [36, 37, 38, 39, 40] and n_short == 2
    assert origins_for(40, "M", 6) == ([], 0)


# -- models on series of known structure --------------------------------------------------------------------------


def test_pure_seasonal_series_seasonal_naive_is_near_perfect():
    rng = np.random.default_rng(1)
    t = np.arange(120)
    y = 100 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.05, len(t))
    result = backtest(_monthly(y), horizon=6)
    naive = result.scores["seasonal_naive"]
    assert naive.smape < 0.2  # percent: the value one year ago is the answer
    assert naive.cov95 >= 0.9
    # every model that understands seasons is as good; none of them is beaten by a trend-only model
    assert result.scores["drift"].mase > 20 * naive.mase
    assert result.chosen in ("seasonal_naive", "ets", "sarimax", "theta")
    assert result.scores[result.chosen].smape < 0.3


def test_trend_series_drift_and_ets_beat_seasonal_naive():
    rng = np.random.default_rng(2)
    t = np.arange(120)
    y = 50 + 2 * t + rng.normal(0, 1, len(t))
    result = backtest(_monthly(y), horizon=6)
    naive = result.scores["seasonal_naive"].mase
    assert result.scores["drift"].mase < 0.3 * naive
    assert result.scores["ets"].mase < 0.3 * naive
    assert result.ratio < 0.3
    assert result.chosen != "seasonal_naive"


def test_every_model_forecasts_with_ordered_bands():
    rng = np.random.default_rng(3)
    t = np.arange(96)
    y = 200 + t + 15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, len(t))
    for name in MODELS:
        fc = run_model(name, y, 12, 12)
        assert fc.ok, (name, fc.params)
        assert len(fc.mean) == 12
        assert np.all(fc.lo95 <= fc.lo80) and np.all(fc.lo80 <= fc.mean) and np.all(fc.mean <= fc.hi80)
        assert np.all(fc.hi80 <= fc.hi95)


def test_annual_series_use_no_season():
    y = np.array([5.0, 5.4, 5.9, 6.1, 6.6, 7.0, 7.2, 7.7, 8.1, 8.3, 8.9, 9.2, 9.5, 10.1, 10.3, 10.9, 11.2, 11.6, 12.0])
    index = pd.date_range("2005-01-01", periods=len(y), freq="YS")
    result = backtest(Series("GDPX", "VN", None, "level", "Y", pd.Series(y, index=index)), horizon=5)
    assert result.horizon == 5 and result.ok
    assert result.scores["drift"].mase < result.scores["seasonal_naive"].mase  # naive (m = 1) lags the trend


def test_summary_over_series():
    rng = np.random.default_rng(4)
    t = np.arange(100)
    results = [backtest(_monthly(50 + 2 * t + rng.normal(0, 1, 100)), horizon=3)]
    results.append(backtest(_monthly(np.arange(20.0)), horizon=3))  # too short: reported, not scored
    s = summary(results)
    assert s["series"] == 2 and s["backtested"] == 1 and s["skipped"] == 1
    assert s["median_ratio"] == pytest.approx(results[0].ratio)
    assert s["points"] == 12 * 3  # the evaluation window: 12 origins x 3 horizons
    assert "too short" in results[1].reason


# -- series from query rows ---------------------------------------------------------------------------------------


def test_levels_preferred_else_the_published_rate():
    rows = pd.DataFrame(
        {
            "indicator_code": ["A", "A", "A", "B", "B", "B", "B"],
            "area_code": "VN",
            "category": None,
            "period_start": [
                "2024-01-01",
                "2024-02-01",
                "2024-01-01",
                "2024-01-01",
                "2024-02-01",
                "2024-01-01",
                "2024-02-01",
            ],
            "freq": "M",
            "base": ["level", "level", "yoy", "yoy", "yoy", "pop", "pop"],
            "value": [10.0, 11.0, 3.0, 2.9, 3.1, 0.2, 0.3],
            "vintage": pd.Timestamp("2025-03-01"),
        }
    )
    series = {s.indicator_code: s for s in from_rows(rows)}
    assert series["A"].base == "level" and list(series["A"].y) == [10.0, 11.0]
    assert series["B"].base == "yoy" and list(series["B"].y) == [2.9, 3.1]
    assert series["B"].kind == "rate" and series["A"].kind == "level"


def test_regular_fills_short_gaps_and_cuts_long_ones():
    idx = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01", "2024-05-01"])
    filled, n = regular(pd.Series([1.0, 2.0, 4.0, 5.0], index=idx), "M")
    assert list(filled) == [1.0, 2.0, 3.0, 4.0, 5.0] and n == 1
    idx = pd.to_datetime(["2020-01-01", "2024-01-01", "2024-02-01"])
    cut, _ = regular(pd.Series([1.0, 2.0, 3.0], index=idx), "M")
    assert list(cut.index.strftime("%Y-%m")) == ["2024-01", "2024-02"]


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_models_run_on_one_blas_thread_here_and_in_the_backtest_pool():
    # numpy and scipy loaded OpenBLAS (two copies) before analytics.models in this process, as in Streamlit's: the
    # environment variables came too late, and with busy cores OpenBLAS's spinning threads made a backtest 12x slower
    from concurrent.futures import ProcessPoolExecutor

    here = _blas_threads()
    assert len(here) >= 2 and set(here) == {1}, here
    with ProcessPoolExecutor(max_workers=1) as pool:  # the backtest pool's start method (analytics/jobs.py)
        assert set(pool.submit(_blas_threads).result()) == {1}
