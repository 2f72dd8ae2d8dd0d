"""A forecast vintage as rows: runs, points and scores frames for warehouse/forecasts.py to append."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from analytics.backtest import BacktestResult
from analytics.models import BASELINE, Forecast

RUN_COLUMNS = (
    "run_id",
    "indicator_code",
    "area_code",
    "category",
    "base",
    "freq",
    "owner_agency",
    "model",
    "params",
    "horizon",
    "trained_to",
    "trained_on",
    "generated_at",
    "kind",
    "mase",
    "smape",
    "cov80",
    "cov95",
    "mase_naive",
    "ratio",
    "origins",
    "status",
)


@dataclass(eq=False)
class Outcome:
    """One series' backtest and, when a model could be chosen, its forecast."""

    result: BacktestResult
    forecast: Forecast | None = None
    config: dict[str, Any] | None = None


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def frames(
    outcomes: list[Outcome],
    owners: dict[str, str],
    demo: set[str],
    kind: str = "live",
    generated_at: datetime | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(runs, points, scores) for the outcomes that have a forecast; `owners` maps indicator -> owner agency."""
    generated_at = generated_at or now()
    runs, points, scores = [], [], []
    for out in outcomes:
        r, fc = out.result, out.forecast
        if fc is None or not fc.ok or r.forecast_model is None:
            continue
        s = r.series
        run_id = uuid.uuid4().hex
        own = r.scores[r.forecast_model]
        naive = r.scores.get(BASELINE)
        common = {
            "run_id": run_id,
            "indicator_code": s.indicator_code,
            "area_code": s.area_code,
            "category": s.category,
            "owner_agency": owners.get(s.indicator_code),
        }
        runs.append(
            {
                **common,
                "base": s.base,
                "freq": s.freq,
                "model": r.forecast_model,
                "params": _json(
                    {k: v for k, v in {**(out.config or {}), **fc.params}.items() if not k.startswith("_")}
                ),
                "horizon": len(fc.mean),
                "trained_to": pd.Timestamp(s.values.index[-1]).date(),
                "trained_on": s.vintage,
                "generated_at": generated_at,
                "kind": kind,
                "mase": own.mase,
                "smape": own.smape,
                "cov80": own.cov80,
                "cov95": own.cov95,
                "mase_naive": naive.mase if naive else np.nan,
                "ratio": r.ratio,
                "origins": r.n_origins,
                "status": "demo" if s.indicator_code in demo else "official",
            }
        )
        for h, period in enumerate(s.future_periods(len(fc.mean)), start=1):
            points.append(
                {
                    **common,
                    "base": s.base,
                    "period_start": period.date(),
                    "h": h,
                    **fc.step(h),
                    "generated_at": generated_at,
                }
            )
        for model, sc in r.scores.items():
            scores.append(
                {
                    **common,
                    "model": model,
                    "mase": sc.mase,
                    "smape": sc.smape,
                    "cov80": sc.cov80,
                    "cov95": sc.cov95,
                    "points": sc.n,
                    "chosen": model == r.forecast_model,
                    "generated_at": generated_at,
                }
            )
    return pd.DataFrame(runs, columns=list(RUN_COLUMNS)), pd.DataFrame(points), pd.DataFrame(scores)
