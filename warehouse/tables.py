"""Tables owned by other parts of the warehouse (tasks, programs, events, forecasts): registered into the schema."""

from __future__ import annotations

import ibis

from warehouse.schema import register

# -- forecasts (analytics/): append-only vintages; "what did we forecast in March for June" is a query ---------------
#: One forecast run per series: the model chosen by backtest, its form, what it was trained on and its scores.
FORECAST_RUN = ibis.schema(
    {
        "run_id": "string",
        "indicator_code": "string",
        "area_code": "string",
        "category": "string",  # null: the total
        "base": "string",  # what was forecast: level | ytd (levels), yoy | ytd_yoy | pop (published rates)
        "freq": "string",
        "owner_agency": "string",  # the indicator's owner: the agency part of a scope sees its own forecasts
        "model": "string",
        "params": "string",  # JSON: the model's form (ETS components, ARIMA orders, ...)
        "horizon": "int32",
        "trained_to": "date",  # the last period the model saw
        "trained_on": "timestamp",  # the latest vintage among the rows it saw
        "generated_at": "timestamp",
        "kind": "string",  # live: trained on the data as known then | replay: on today's data cut at trained_to
        "mase": "float64",  # the model's backtest scores over the latest rolling origins
        "smape": "float64",
        "cov80": "float64",
        "cov95": "float64",
        "mase_naive": "float64",  # seasonal naive on the same origins
        "ratio": "float64",  # the selection procedure, scored out of sample: chosen / seasonal-naive MASE
        "origins": "int32",
        "status": "string",  # official | demo (the indicator's data are demo data)
    }
)
#: The forecast itself: one row per future period, with 80 % and 95 % prediction intervals.
FORECAST_POINT = ibis.schema(
    {
        "run_id": "string",
        "indicator_code": "string",
        "area_code": "string",
        "category": "string",
        "base": "string",
        "owner_agency": "string",
        "period_start": "date",
        "h": "int32",
        "mean": "float64",
        "lo80": "float64",
        "hi80": "float64",
        "lo95": "float64",
        "hi95": "float64",
        "generated_at": "timestamp",
    }
)
#: Every model's backtest scores in a run: the scorecard (model vs naive).
FORECAST_SCORE = ibis.schema(
    {
        "run_id": "string",
        "indicator_code": "string",
        "area_code": "string",
        "category": "string",
        "owner_agency": "string",
        "model": "string",
        "mase": "float64",
        "smape": "float64",
        "cov80": "float64",
        "cov95": "float64",
        "points": "int64",
        "chosen": "boolean",
        "generated_at": "timestamp",
    }
)
register("forecast_run", FORECAST_RUN)
register("forecast_point", FORECAST_POINT)
register("forecast_score", FORECAST_SCORE)
