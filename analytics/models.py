"""Forecasting models over one regular series: baselines (seasonal naive, drift), ETS, SARIMAX, Theta."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm
from threadpoolctl import threadpool_limits

# One BLAS thread in every process that fits models (numpy's and scipy's OpenBLAS are both loaded by now; a
# process forked later inherits the setting). The parallelism is ours: the backtest's process pool, the app's
# sessions. OpenBLAS's own threads spin while they wait, and with the cores already busy a backtest of six series
# took 190 s with 2 BLAS threads against 16 s with 1 (docs/performance.md). Environment variables cannot do this
# in a process that loaded numpy before us (Streamlit, pytest).
threadpool_limits(limits=1, user_api="blas")

#: Interval levels every model reports (percent).
LEVELS = (80, 95)
_Z = {level: float(norm.ppf(0.5 + level / 200)) for level in LEVELS}


@dataclass(frozen=True, eq=False)
class Forecast:
    """`h` steps ahead: the point forecast and the 80 % / 95 % prediction intervals."""

    model: str
    mean: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    def step(self, h: int) -> dict[str, Any]:
        """The forecast `h` steps ahead (1 = the next period): its mean and interval bounds, by column name."""
        return {k: getattr(self, k)[h - 1] for k in ("mean", "lo80", "hi80", "lo95", "hi95")}

    @property
    def ok(self) -> bool:
        return bool(
            np.all(np.isfinite(self.mean)) and np.all(np.isfinite(self.lo80)) and np.all(self.hi95 >= self.lo95)
        )


def _normal(name: str, mean: np.ndarray, sd: np.ndarray, params: dict[str, Any]) -> Forecast:
    return Forecast(
        name,
        mean,
        mean - _Z[80] * sd,
        mean + _Z[80] * sd,
        mean - _Z[95] * sd,
        mean + _Z[95] * sd,
        params,
    )


def _failed(name: str, h: int, why: str) -> Forecast:
    nan = np.full(h, np.nan)
    return Forecast(name, nan, nan, nan, nan, nan, {"error": why})


def _positive(y: np.ndarray) -> bool:
    return bool(np.all(y > 0))


# -- baselines --------------------------------------------------------------------------------------------------


def seasonal_naive(y: np.ndarray, m: int, h: int, config: dict[str, Any]) -> Forecast:
    """The value one season ago (the last value when m == 1); sd grows with the number of whole seasons ahead."""
    m = max(m, 1)
    if len(y) < m + 2:
        return _failed("seasonal_naive", h, f"needs at least {m + 2} points")
    steps = np.arange(1, h + 1)
    mean = y[len(y) - m + (steps - 1) % m]
    resid = y[m:] - y[:-m]
    sd1 = float(np.sqrt(np.mean(resid**2)))
    sd = sd1 * np.sqrt((steps - 1) // m + 1)
    return _normal("seasonal_naive", mean.astype(float), sd, {"m": m})


def drift(y: np.ndarray, m: int, h: int, config: dict[str, Any]) -> Forecast:
    """The last value plus the average change so far (a straight line from the first to the last point)."""
    n = len(y)
    if n < 3:
        return _failed("drift", h, "needs at least 3 points")
    slope = (y[-1] - y[0]) / (n - 1)
    steps = np.arange(1, h + 1)
    resid = np.diff(y) - slope
    sd1 = float(np.sqrt(np.sum(resid**2) / (n - 2)))
    sd = sd1 * np.sqrt(steps * (1 + steps / (n - 1)))
    return _normal("drift", y[-1] + slope * steps, sd, {"slope": float(slope)})


# -- ETS ----------------------------------------------------------------------------------------------------------


def _ets_forms(y: np.ndarray, m: int) -> list[tuple[str, str | None, bool, str | None]]:
    seasonal = m > 1 and len(y) >= 2 * m + 4
    forms: list[tuple[str, str | None, bool, str | None]] = [("add", None, False, None), ("add", "add", True, None)]
    if seasonal:
        forms += [("add", None, False, "add"), ("add", "add", True, "add")]
    if _positive(y):
        forms += [("mul", None, False, None)]
        if seasonal:
            forms += [("mul", None, False, "mul"), ("mul", "add", True, "mul")]
    return forms


def _ets_fit(y: np.ndarray, m: int, form: tuple[str, str | None, bool, str | None], coef: Any = None) -> Any:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    error, trend, damped, seasonal = form
    # a pandas series: statsmodels 0.15's simulated intervals (multiplicative forms) fail on plain arrays
    model = ETSModel(
        pd.Series(y, index=pd.RangeIndex(len(y))),
        error=error,
        trend=trend,
        damped_trend=damped,
        seasonal=seasonal,
        seasonal_periods=m if seasonal else None,
    )
    if coef is not None:  # parameters estimated at an earlier origin: run the filter only (no optimisation)
        return model.smooth(np.asarray(coef, dtype=float))
    return model.fit(disp=False, maxiter=200)


def ets_select(y: np.ndarray, m: int, kind: str) -> dict[str, Any]:
    """The ETS form (error, trend, damped, seasonal) with the lowest AICc on `y`."""
    best: tuple[float, tuple[str, str | None, bool, str | None]] | None = None
    for form in _ets_forms(y, m):
        try:
            res = _ets_fit(y, m, form)
        except Exception:  # noqa: BLE001 - a form that cannot be fitted is skipped, the others compete
            continue
        score = float(res.aicc)
        if math.isfinite(score) and (best is None or score < best[0]):
            best = (score, form)
    if best is None:
        return {"form": ("add", None, False, None)}
    return {"form": best[1]}


def ets(y: np.ndarray, m: int, h: int, config: dict[str, Any]) -> Forecast:
    form = tuple(config.get("form") or ("add", None, False, None))
    if form[3] is not None and len(y) < 2 * m + 4:
        form = (form[0], form[1], form[2], None)
    res = _ets_fit(y, m, form, config.get("_coef"))
    n = len(y)
    pred = res.get_prediction(start=n, end=n + h - 1, simulate_repetitions=500)
    mean = np.asarray(pred.predicted_mean, dtype=float)
    bands = {}
    for level in LEVELS:
        pi = np.asarray(pred.pred_int(alpha=1 - level / 100), dtype=float)
        bands[level] = (pi[:, 0], pi[:, 1])
    error, trend, damped, seasonal = form
    label = f"ETS({error[0].upper()},{'N' if not trend else ('Ad' if damped else 'A')},"
    label += f"{'N' if not seasonal else seasonal[0].upper()})"
    return Forecast("ets", mean, *bands[80], *bands[95], {"form": label, "_coef": np.asarray(res.params).tolist()})


# -- SARIMAX ------------------------------------------------------------------------------------------------------


def _seasonal_strength(y: np.ndarray, m: int) -> float:
    """Hyndman's seasonal strength from an STL decomposition: > 0.64 calls for a seasonal difference."""
    from statsmodels.tsa.seasonal import STL

    if m < 2 or len(y) < 2 * m + 2:
        return 0.0
    res = STL(y, period=m, robust=True).fit()
    rem, seas = res.resid, res.seasonal
    denom = np.var(rem + seas)
    return 0.0 if denom == 0 else max(0.0, 1 - np.var(rem) / denom)


def _needs_difference(y: np.ndarray) -> bool:
    from statsmodels.tsa.stattools import kpss

    if len(y) < 12 or np.std(y) == 0:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pvalue = kpss(y, regression="c", nlags="auto")[1]
    return bool(pvalue < 0.05)


def _transform(y: np.ndarray, kind: str) -> bool:
    # levels of flows and stocks grow multiplicatively: model their logs; rates (which may cross zero) as they are
    return kind == "level" and _positive(y)


def sarimax_select(y: np.ndarray, m: int, kind: str) -> dict[str, Any]:
    """Differencing by tests (STL seasonal strength, KPSS), then the (p, q)(P, Q) with the lowest AIC."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    log = _transform(y, kind)
    z = np.log(y) if log else y
    big_d = 1 if m > 1 and len(z) >= 3 * m and _seasonal_strength(z, m) > 0.64 else 0
    zs = z[m:] - z[:-m] if big_d else z
    d = 1 if _needs_difference(zs) else 0
    seasonal = m > 1 and len(z) >= 3 * m
    trend = "c" if d + big_d == 0 else None
    best: tuple[float, dict[str, Any]] | None = None

    def attempt(p: int, q: int, sp: int, sq: int) -> None:
        nonlocal best
        seasonal_order = (sp, big_d, sq, m) if m > 1 and (sp or sq or big_d) else (0, 0, 0, 0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = SARIMAX(z, order=(p, d, q), seasonal_order=seasonal_order, trend=trend).fit(
                    disp=False, maxiter=100, cov_type="none"
                )
        except Exception:  # noqa: BLE001 - an order that cannot be fitted is skipped
            return
        score = float(res.aic)
        if math.isfinite(score) and (best is None or score < best[0]):
            best = (score, {"order": (p, d, q), "seasonal_order": seasonal_order, "trend": trend, "log": log})

    # stepwise, to stay cheap: the short-memory part under a seasonal MA, then a seasonal AR on the winner
    for p, q in ((1, 0), (0, 1), (1, 1), (2, 0)):
        attempt(p, q, 0, 1 if seasonal else 0)
    if seasonal and best is not None:
        p, _, q = best[1]["order"]
        attempt(p, q, 1, 0)
    if best is None:
        return {"order": (0, 1, 1), "seasonal_order": (0, 0, 0, 0), "trend": None, "log": log}
    return best[1]


def sarimax(y: np.ndarray, m: int, h: int, config: dict[str, Any]) -> Forecast:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    log = bool(config.get("log")) and _positive(y)
    z = np.log(y) if log else y
    seasonal_order = tuple(config.get("seasonal_order") or (0, 0, 0, 0))
    model = SARIMAX(
        z, order=tuple(config.get("order") or (0, 1, 1)), seasonal_order=seasonal_order, trend=config.get("trend")
    )
    coef = config.get("_coef")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if coef is not None and config.get("_coef_log") == log:  # earlier origin's parameters: filter only
            res = model.filter(np.asarray(coef, dtype=float))
        else:
            res = model.fit(disp=False, maxiter=100, cov_type="none")
    fc = res.get_forecast(h)
    mean = np.asarray(fc.predicted_mean, dtype=float)
    out = [mean]
    for level in LEVELS:
        ci = np.asarray(fc.conf_int(alpha=1 - level / 100), dtype=float)
        out += [ci[:, 0], ci[:, 1]]
    if log:
        out = [np.exp(a) for a in out]  # quantiles survive a monotone transform; the mean becomes the median
    order = config.get("order") or (0, 1, 1)
    label = f"SARIMA{tuple(order)}{tuple(seasonal_order[:3])}[{seasonal_order[3]}]" + (" log" if log else "")
    params = {"spec": label, "_coef": np.asarray(res.params).tolist(), "_coef_log": log}
    return Forecast("sarimax", out[0], out[1], out[2], out[3], out[4], params)


# -- Theta --------------------------------------------------------------------------------------------------------


def theta(y: np.ndarray, m: int, h: int, config: dict[str, Any]) -> Forecast:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    deseason = m > 1 and len(y) >= 2 * m + 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ThetaModel(y, period=m if deseason else 1, deseasonalize=deseason, method="auto").fit(use_mle=True)
        pi = res.prediction_intervals(h, alpha=0.2)
    lo, hi = np.asarray(pi["lower"], dtype=float), np.asarray(pi["upper"], dtype=float)
    # the intervals are normal and symmetric about the forecast: the 95 % band is the 80 % one scaled by z95/z80
    mean, half = (lo + hi) / 2, (hi - lo) / 2
    wide = half * _Z[95] / _Z[80]
    return Forecast("theta", mean, lo, hi, mean - wide, mean + wide, {"deseasonalized": deseason})


# -- the catalogue ------------------------------------------------------------------------------------------------

Fit = Callable[[np.ndarray, int, int, dict[str, Any]], Forecast]
Select = Callable[[np.ndarray, int, str], dict[str, Any]]


@dataclass(frozen=True)
class ModelSpec:
    """A model: `select` picks its form on a training window (once), `forecast` refits and forecasts."""

    name: str
    label_vi: str
    label_en: str
    forecast: Fit
    select: Select | None = None
    baseline: bool = False


def _no_select(y: np.ndarray, m: int, kind: str) -> dict[str, Any]:
    return {}


MODELS: dict[str, ModelSpec] = {
    "seasonal_naive": ModelSpec(
        "seasonal_naive", "Lặp lại cùng kỳ (mùa vụ ngây thơ)", "Seasonal naive", seasonal_naive, baseline=True
    ),
    "drift": ModelSpec("drift", "Xu hướng tuyến tính (drift)", "Drift", drift, baseline=True),
    "ets": ModelSpec("ets", "San bằng mũ (ETS)", "Exponential smoothing (ETS)", ets, ets_select),
    "sarimax": ModelSpec("sarimax", "SARIMA", "SARIMA", sarimax, sarimax_select),
    "theta": ModelSpec("theta", "Theta", "Theta", theta),
}
BASELINE = "seasonal_naive"


def select_config(name: str, y: np.ndarray, m: int, kind: str) -> dict[str, Any]:
    spec = MODELS[name]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return (spec.select or _no_select)(y, m, kind)
    except Exception:  # noqa: BLE001 - a failed search leaves the model's defaults
        return {}


def run_model(
    name: str, y: np.ndarray, m: int, h: int, config: dict[str, Any] | None = None, kind: str = "level"
) -> Forecast:
    """Fit `name` on `y` and forecast `h` steps; a model that fails returns NaNs (it then loses the selection).
    Without `config` the model's form is first chosen on `y` itself."""
    y = np.asarray(y, dtype=float)
    if config is None:
        config = select_config(name, y, m, kind)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = MODELS[name].forecast(y, m, h, config or {})
    except Exception as exc:  # noqa: BLE001 - statsmodels raises many kinds on degenerate windows
        return _failed(name, h, f"{type(exc).__name__}: {exc}")
    return fc if fc.ok else _failed(name, h, "non-finite forecast")


def season_length(freq: str) -> int:
    return {"M": 12, "Q": 4}.get(freq, 1)
