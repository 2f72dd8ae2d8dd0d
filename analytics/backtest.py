"""Rolling-origin backtests per series: every model's errors and interval coverage, the model chosen by them, and
the final forecast of the chosen model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.models import BASELINE, MODELS, Forecast, run_model, season_length, select_config
from analytics.series import Series

#: the longest horizon per frequency (and the default): 12 months, 4 quarters, 5 years
HORIZONS = {"M": 12, "Q": 4, "Y": 5}
#: the shortest training window at the first origin
MIN_TRAIN = {"M": 36, "Q": 16, "Y": 12}
#: rolling origins: (selection window, evaluation window), one period apart
ORIGINS = {"M": (12, 12), "Q": (8, 8), "Y": (5, 5)}
#: ETS and SARIMAX re-estimate their parameters every this many origins (once per window) and in between re-run
#: their filter on the longer data with the last estimate's parameters: never estimated on data after the origin
REFIT_EVERY = 12
#: a model failing at more than this share of origins does not compete
MAX_FAILED = 0.2


@dataclass(frozen=True)
class Score:
    """A model's accuracy over a set of (origin, horizon) points."""

    mase: float
    smape: float
    cov80: float
    cov95: float
    n: int

    def as_dict(self) -> dict[str, float]:
        return {"mase": self.mase, "smape": self.smape, "cov80": self.cov80, "cov95": self.cov95, "n": self.n}


@dataclass(eq=False)
class BacktestResult:
    """The outcome for one series.

    `chosen` is the model with the lowest MASE over the selection window; `scores` are every model's out-of-sample
    scores over the later evaluation window, so `ratio` (chosen / seasonal naive) measures the selection procedure
    honestly — the chosen model was not picked on the points it is scored on. `forecast_model` is the same rule
    applied to the latest window: the model used for the forecast that is stored.
    """

    series: Series
    horizon: int
    chosen: str | None
    forecast_model: str | None
    scores: dict[str, Score]
    select_mase: dict[str, float]
    configs: dict[str, dict[str, Any]]
    points: pd.DataFrame
    n_origins: int
    reason: str = ""
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.chosen is not None

    @property
    def ratio(self) -> float:
        if not self.ok or BASELINE not in self.scores:
            return float("nan")
        base = self.scores[BASELINE].mase
        return self.scores[self.chosen].mase / base if base > 0 else float("nan")  # type: ignore[index]

    def chosen_score(self) -> Score | None:
        return self.scores.get(self.chosen or "")


def mase_scale(train: np.ndarray, m: int) -> float:
    """Mean absolute error of the in-sample seasonal naive forecast (naive when m == 1): MASE's denominator."""
    lag = m if len(train) > m + 1 else 1
    diffs = np.abs(train[lag:] - train[:-lag])
    return float(np.mean(diffs)) if len(diffs) else float("nan")


def score(points: pd.DataFrame) -> Score:
    """MASE, sMAPE and the share of actuals inside the 80 % and 95 % intervals, over the given points.

    Columns used: actual, mean, scale, lo80, hi80, lo95, hi95.
    """
    if points.empty:
        return Score(float("nan"), float("nan"), float("nan"), float("nan"), 0)
    err = (points["actual"] - points["mean"]).abs()
    scaled = err / points["scale"].where(points["scale"] > 0)
    denom = points["actual"].abs() + points["mean"].abs()
    smape = (200 * err / denom.where(denom > 0)).mean()
    inside80 = (points["actual"] >= points["lo80"]) & (points["actual"] <= points["hi80"])
    inside95 = (points["actual"] >= points["lo95"]) & (points["actual"] <= points["hi95"])
    return Score(float(scaled.mean()), float(smape), float(inside80.mean()), float(inside95.mean()), len(points))


def origins_for(n: int, freq: str, horizon: int) -> tuple[list[int], int]:
    """Training lengths of the rolling origins (each forecasts the next `horizon` points, all inside the data) and
    how many of them, from the start, form the selection window. Short series get fewer origins."""
    n_sel, n_eval = ORIGINS[freq]
    last = n - horizon
    first = max(last - (n_sel + n_eval) + 1, MIN_TRAIN[freq])
    if last < first + 1:
        return [], 0
    origins = list(range(first, last + 1))
    k = len(origins)
    n_sel = min(n_sel, k // 2)
    return origins, n_sel


def _points(series: Series, name: str, origin: int, fc: Forecast, scale: float, horizon: int) -> list[dict]:
    y = series.y
    periods = series.values.index
    rows = []
    for h in range(1, horizon + 1):
        t = origin + h - 1
        rows.append(
            {
                "model": name,
                "origin": origin,
                "h": h,
                "period": periods[t],
                "actual": y[t],
                **fc.step(h),
                "scale": scale,
            }
        )
    return rows


def _best(mases: dict[str, float]) -> str | None:
    finite = {k: v for k, v in mases.items() if np.isfinite(v)}
    if not finite:
        return None
    # ties go to the simpler model: the catalogue lists baselines first
    order = list(MODELS)
    return min(finite, key=lambda k: (round(finite[k], 12), order.index(k)))


def backtest(
    series: Series,
    horizon: int | None = None,
    models: tuple[str, ...] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Rolling-origin backtest of every model on `series` at horizons 1..`horizon`. `progress(done, total)` is
    called after each origin (a page's progress bar and its time estimate)."""
    freq = series.freq
    horizon = min(horizon or HORIZONS[freq], HORIZONS[freq])
    names = tuple(models or MODELS)
    y = series.y
    m = season_length(freq)
    origins, n_sel = origins_for(len(y), freq, horizon)
    empty = pd.DataFrame()
    if not origins or n_sel == 0:
        need = MIN_TRAIN[freq] + horizon + 1
        return BacktestResult(series, horizon, None, None, {}, {}, {}, empty, 0, f"too short: {len(y)} < {need}")
    # each model's form (ETS components, ARIMA orders) is chosen once, on data before the first origin
    configs = {name: select_config(name, y[: origins[0]], m, series.kind) for name in names}
    rows: list[dict] = []
    failures = dict.fromkeys(names, 0)
    coefs: dict[str, dict[str, Any]] = {}
    for i, origin in enumerate(origins):
        train = y[:origin]
        scale = mase_scale(train, m)
        for name in names:
            fc = None
            if i % REFIT_EVERY and name in coefs:
                # parameters estimated at an earlier origin (on earlier data only): filter the new data, no refit
                fc = run_model(name, train, m, horizon, {**configs[name], **coefs[name]})
            if fc is None or not fc.ok:
                fc = run_model(name, train, m, horizon, configs[name])
                coefs[name] = {k: v for k, v in fc.params.items() if k.startswith("_coef")}
            if not fc.ok:
                failures[name] += 1
            rows += _points(series, name, origin, fc, scale, horizon)
        if progress is not None:
            progress(i + 1, len(origins))
    points = pd.DataFrame(rows)
    points["target"] = points["origin"] + points["h"] - 1
    eval_start = origins[n_sel]
    usable = [n for n in names if failures[n] <= MAX_FAILED * len(origins)]

    def window_mase(frame: pd.DataFrame) -> dict[str, float]:
        out = {}
        for name in usable:
            part = frame[frame["model"] == name]
            out[name] = score(part.dropna(subset=["mean"])).mase
        return out

    # selection: only errors on points known before the evaluation window starts
    select_points = points[(points["origin"] < eval_start) & (points["target"] < eval_start)]
    select_mase = window_mase(select_points)
    chosen = _best(select_mase)
    evaluation = points[points["origin"] >= eval_start]
    scores = {name: score(evaluation[evaluation["model"] == name].dropna(subset=["mean"])) for name in names}
    forecast_model = _best(window_mase(evaluation))
    return BacktestResult(
        series, horizon, chosen, forecast_model, scores, select_mase, configs, points, len(origins), "", failures
    )


def forecast(series: Series, model: str, horizon: int | None = None) -> tuple[Forecast, dict[str, Any]]:
    """The forecast of `model` on the whole series (its form chosen on the whole series too)."""
    horizon = min(horizon or HORIZONS[series.freq], HORIZONS[series.freq])
    m = season_length(series.freq)
    config = select_config(model, series.y, m, series.kind)
    return run_model(model, series.y, m, horizon, config), config


def summary(results: list[BacktestResult]) -> dict[str, Any]:
    """Across series: the median ratio chosen/seasonal-naive MASE, the overall coverage of the chosen models'
    intervals (over every evaluated point), and how many series beat the baseline."""
    ok = [r for r in results if r.ok]
    ratios = np.array([r.ratio for r in ok], dtype=float)
    ratios = ratios[np.isfinite(ratios)]
    chosen_points = [
        r.points[(r.points["model"] == r.chosen) & (r.points["origin"] >= r.points["origin"].min() + _n_sel(r))]
        for r in ok
    ]
    allp = pd.concat(chosen_points) if chosen_points else pd.DataFrame()
    overall = score(allp.dropna(subset=["mean"])) if not allp.empty else None
    return {
        "series": len(results),
        "backtested": len(ok),
        "skipped": len(results) - len(ok),
        "median_ratio": float(np.median(ratios)) if len(ratios) else float("nan"),
        "beat_naive": int((ratios < 1).sum()),
        "coverage80": overall.cov80 if overall else float("nan"),
        "coverage95": overall.cov95 if overall else float("nan"),
        "points": overall.n if overall else 0,
    }


def _n_sel(result: BacktestResult) -> int:
    _, n_sel = origins_for(len(result.series), result.series.freq, result.horizon)
    return n_sel
