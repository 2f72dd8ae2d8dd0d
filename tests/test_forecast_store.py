"""Forecast vintages: appended in one transaction, read back through the scoped cubes, past runs kept."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.backtest import backtest, forecast
from analytics.series import Series
from analytics.vintage import Outcome, frames
from semantic.access import persona_scope
from semantic.model import load_model
from semantic.query import execute
from semantic.scope import Scope
from semantic.spec import Filter, QuerySpec
from tests import tiny
from warehouse.forecasts import write_forecasts

ROOT = Path(__file__).resolve().parent.parent
MARCH, APRIL = datetime(2025, 3, 10), datetime(2025, 4, 10)


def _outcome(area: str, slope: float, months: int) -> Outcome:
    t = np.arange(months)
    values = pd.Series(100 + slope * t + np.sin(t), index=pd.date_range("2016-01-01", periods=months, freq="MS"))
    series = Series("FLOW", area, None, "level", "M", values, pd.Timestamp("2025-03-01"))
    result = backtest(series, horizon=3, models=("seasonal_naive", "drift"))
    fc, config = forecast(series, result.forecast_model, 3)
    return Outcome(result, fc, config)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    models = tmp_path_factory.mktemp("models")
    shutil.copy(ROOT / "semantic" / "models" / "forecasts.yml", models)
    return load_model(models, tiny.HERE / "indicators")


@pytest.fixture(scope="module")
def wh(backend_url):
    warehouse, _ = tiny.build(backend_url)
    owners = {"FLOW": "MOF"}
    # March: trained to February 2025 (110 months from 2016-01); April: one month more
    march = [_outcome("VN", 1.0, 110), _outcome("33", 0.5, 110)]
    april = [_outcome("VN", 1.0, 111)]
    for outcomes, at in ((march, MARCH), (april, APRIL)):
        runs, points, scores = frames(outcomes, owners, set(), "live", at)
        assert write_forecasts(warehouse, runs, points, scores) == len(outcomes)
    yield warehouse
    warehouse.close()


def _points(wh, model, scope, **spec) -> pd.DataFrame:
    q = QuerySpec(view="forecasts", dimensions=("area", "period", "generated"), measures=("mean", "hi80"), **spec)
    return execute(q, model, scope, wh)


def test_every_run_is_kept_and_answers_what_was_forecast_when(wh, model):
    rows = _points(wh, model, Scope.system(), filters=(Filter("area", "in", ("VN",)),))
    assert len(rows) == 6  # two runs of 3 months for VN
    # "what did we forecast in March for May 2025": the March run, trained to February, 3 steps ahead
    march = rows[pd.to_datetime(rows["generated"]) == pd.Timestamp(MARCH)]
    assert sorted(pd.to_datetime(march["period"]).dt.strftime("%Y-%m")) == ["2025-03", "2025-04", "2025-05"]
    april = rows[pd.to_datetime(rows["generated"]) == pd.Timestamp(APRIL)]
    assert sorted(pd.to_datetime(april["period"]).dt.strftime("%Y-%m")) == ["2025-04", "2025-05", "2025-06"]


def test_runs_carry_model_scores_and_what_they_were_trained_on(wh, model):
    q = QuerySpec(
        view="forecast_runs", dimensions=("area", "model", "trained_to", "kind", "base"), measures=("mase", "ratio")
    )
    runs = execute(q, model, Scope.system(), wh).sort_values(["area", "trained_to"])
    assert list(runs["area"]) == ["33", "VN", "VN"]
    assert sorted(pd.to_datetime(runs["trained_to"]).dt.strftime("%Y-%m")) == ["2025-02", "2025-02", "2025-03"]
    assert set(runs["kind"]) == {"live"} and set(runs["base"]) == {"level"}
    # a trend with drift: drift beats the seasonal naive baseline
    assert (runs["model"] == "drift").all() and (runs["ratio"] < 1).all()
    scores = execute(
        QuerySpec(view="forecast_scores", dimensions=("area", "model", "chosen"), measures=("mase",)),
        model,
        Scope.system(),
        wh,
    )
    assert len(scores) == 4  # two models, VN (two runs collapse to one row per model) and 33
    assert scores[scores["chosen"]]["model"].eq("drift").all()


def test_province_scope_sees_its_forecasts_and_national_ones_only_where_the_policy_shows_national_figures(wh, model):
    rows = _points(wh, model, persona_scope("hungyen"))  # access.yml: national figures visible to province staff
    assert sorted(rows["area"].value_counts().items()) == [("33", 3), ("VN", 6)]
    own = Scope(frozenset({"province_staff"}), None, frozenset({"33"}), national=False)
    rows = _points(wh, model, own)
    assert set(rows["area"]) == {"33"} and len(rows) == 3
    hanoi = _points(wh, model, Scope(frozenset({"province_staff"}), None, frozenset({"01"}), national=True))
    assert list(hanoi["area"]) == ["VN"] * 6  # Hà Nội has no forecast of its own here: the national ones only


def test_ministry_scope_sees_the_indicators_it_owns(wh, model):
    assert len(_points(wh, model, persona_scope("mof"))) == 9  # FLOW is MOF's: every run
    assert _points(wh, model, persona_scope("moc")).empty


def test_a_bad_vintage_writes_nothing(wh, model):
    runs, points, scores = frames([_outcome("VN", 1.0, 100)], {"FLOW": "MOF"}, set(), "live", datetime(2025, 5, 1))
    points.loc[0, "run_id"] = "no-such-run"
    before = len(_points(wh, model, Scope.system()))
    with pytest.raises(ValueError, match="not written"):
        write_forecasts(wh, runs, points, scores)
    assert len(_points(wh, model, Scope.system())) == before
