"""A load rebuilds only the rollup rows of the indicators it changed (and of those that read them, such as a rate
weighted by population): the answers stay those of the raw facts, on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from semantic import preagg
from semantic.model import PreAggregation, SemanticModel
from semantic.query import run
from semantic.scope import Scope
from semantic.spec import QuerySpec
from tests import tiny
from warehouse import rollups
from warehouse.load import BatchInfo, write_observations

PRE = (
    PreAggregation(name="monthly_current", grain="month", comparisons=("yoy", "ytd")),
    PreAggregation(name="yearly_current", grain="year"),
)
SPECS = (
    QuerySpec(indicators=("RATE", "POP"), areas=("33",), boundaries="2025"),
    QuerySpec(indicators=("FLOW", "IDX", "STOCK"), time_from="2025-01"),
    QuerySpec(indicators=("FLOW", "IDX"), time_from="2025-01", compare="yoy"),
    QuerySpec(indicators=("FLOW",), areas=("33",), time_from="2025-01", compare="ytd"),
)


@pytest.fixture
def wh(backend_url):
    warehouse, reg = tiny.build(backend_url)
    model = SemanticModel(reg, {}, PRE)
    preagg.refresh(warehouse, model)
    yield warehouse, model
    warehouse.close()


def rows(frame: pd.DataFrame) -> list[tuple]:
    out = frame[["indicator_code", "area_code", "period_start", "base", "value"]].copy()
    out["value"] = out["value"].round(9)
    return sorted(map(tuple, out.astype(str).to_numpy()))


def same_as_raw(wh, model) -> dict[str, list[tuple]]:  # noqa: ANN001
    got = {}
    for spec in SPECS:
        rolled = run(spec, model, Scope.system(), wh)
        assert rows(rolled) == rows(run(spec, model, Scope.system(), wh, use_rollups=False)), spec
        got[spec.to_json()] = rows(rolled)
    return got


def obs(code: str, area: str, period: str, freq: str, value: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_code": code,
                "area_code": area,
                "agency_code": None,
                "category": None,
                "period_start": datetime.fromisoformat(period).date(),
                "freq": freq,
                "base": "level",
                "value": value,
                "status": "revised",
                "source": "test",
                "vintage": datetime(2025, 6, 1),
            }
        ]
    )


def one(frame: pd.DataFrame, code: str, period: str, base: str = "level") -> float:
    hit = frame[
        (frame["indicator_code"] == code) & (frame["period_start"] == pd.Timestamp(period)) & (frame["base"] == base)
    ]
    assert len(hit) == 1, hit
    return float(hit["value"].iloc[0])


def test_a_loaded_weight_rebuilds_the_rate_that_reads_it(wh):
    wh, model = wh
    same_as_raw(wh, model)
    # (10 x 100 + 20 x 300) / 400 = 17.5; old Thái Bình's population revised to 100: (10 x 100 + 20 x 100) / 200
    write_observations(wh, obs("POP", "34", "2024-01-01", "Y", 100.0), BatchInfo(source="test"))
    assert set(rollups.fresh(wh).codes) == {
        "monthly_current",
        "monthly_current__yoy",
        "monthly_current__ytd",
        "yearly_current",
    }
    same_as_raw(wh, model)
    rate = run(SPECS[0], model, Scope.system(), wh)
    assert one(rate, "RATE", "2024-01-01") == 15.0
    assert one(rate, "POP", "2024-01-01") == 200.0


def test_a_load_rebuilds_only_the_indicators_it_changed_and_their_comparisons(wh):
    wh, model = wh
    before = same_as_raw(wh, model)
    # new Hưng Yên, February 2025 revised: 25 + 3 = 28 becomes 30 + 3 = 33; its year to date 14 + 28 = 42 becomes 47
    write_observations(wh, obs("FLOW", "33", "2025-02-01", "M", 30.0), BatchInfo(source="test"))
    after = same_as_raw(wh, model)
    level, yoy, ytd = (run(s, model, Scope.system(), wh) for s in SPECS[1:])
    assert one(level[level["area_code"] == "33"], "FLOW", "2025-02-01") == 33.0
    assert one(ytd, "FLOW", "2025-02-01", "ytd") == 47.0
    # every other indicator's rows are what they were
    for key in before:
        assert [r for r in before[key] if r[0] != "FLOW"] == [r for r in after[key] if r[0] != "FLOW"]
    assert yoy[yoy["indicator_code"] == "IDX"]["value"].round(6).tolist() == [4.0, 2.5]  # computed; published


def test_rebuild_touches_the_rollups_that_hold_or_read_the_loaded_indicators(wh):
    wh, _ = wh
    with wh.transaction() as con:
        assert set(rollups.rebuild(wh, con, {"POP"})) == {"yearly_current"}  # POP, and RATE that it weights
        assert set(rollups.rebuild(wh, con, {"FLOW"})) == {
            "monthly_current",
            "monthly_current__yoy",
            "monthly_current__ytd",
        }
        assert rollups.rebuild(wh, con, {"NOT_IN_ANY"}) == {}
        assert set(rollups.rebuild(wh, con)) == {
            "monthly_current",
            "monthly_current__yoy",
            "monthly_current__ytd",
            "yearly_current",
        }
    assert rollups.fresh(wh).codes  # re-stamped with the data version in every case
