"""Each aggregation rule of the semantic layer against hand-computed values on a tiny warehouse, on every backend."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from semantic.access import persona_scope, scope_from_claims
from semantic.errors import AccessDenied, QueryError, UnknownFieldError
from semantic.model import load_model
from semantic.query import compile
from semantic.scope import Scope
from semantic.spec import Filter, QuerySpec
from tests import tiny


@pytest.fixture(scope="module")
def wh(backend_url):
    warehouse, _ = tiny.build(backend_url)
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="module")
def model():
    return load_model(tiny.HERE / "no-models", tiny.HERE / "indicators")


def values(wh, model, scope=None, **kw) -> list[tuple]:
    frame = wh.execute(compile(QuerySpec(**kw), model, scope or Scope.system()))
    out = []
    for r in frame.itertuples(index=False):
        agency = None if pd.isna(r.agency_code) else r.agency_code
        out.append((r.indicator_code, r.area_code, agency, pd.Timestamp(r.period_start).date(), round(r.value, 6)))
    return out


def one(wh, model, scope=None, **kw) -> float:
    rows = values(wh, model, scope, **kw)
    assert len(rows) == 1, rows
    return rows[0][-1]


M = {"time_from": "2025-02", "time_to": "2025-02"}


def test_lineage_reaggregates_merged_provinces(wh, model):
    # new Hưng Yên (33) on 2025 boundaries = old Hưng Yên 25 (revised) + old Thái Bình 3
    assert one(wh, model, indicators=("FLOW",), areas=("33",), **M) == 28.0


def test_as_was_keeps_the_old_unit(wh, model):
    assert one(wh, model, indicators=("FLOW",), areas=("33",), boundaries="as-was", **M) == 25.0


def test_as_of_returns_the_earlier_vintage(wh, model):
    # on 2025-03-01 only the first estimate (24) was known for old Hưng Yên
    assert one(wh, model, indicators=("FLOW",), areas=("33",), as_of=date(2025, 3, 1), **M) == 27.0
    assert one(wh, model, indicators=("FLOW",), areas=("33",), as_of=date(2025, 3, 28), **M) == 28.0


def test_flow_sums_over_time(wh, model):
    q1 = dict(time_from="2024-Q1", time_to="2024-Q1", grain="quarter")
    assert one(wh, model, indicators=("FLOW",), areas=("33",), **q1) == 66.0  # 10+20+30 + 1+2+3


def test_stock_takes_last_in_period(wh, model):
    assert one(wh, model, indicators=("STOCK",), grain="quarter") == 6.0


def test_index_is_averaged_over_time_and_never_summed_over_areas(wh, model):
    assert one(wh, model, indicators=("IDX",), areas=("VN",), grain="quarter", time_to="2024-Q4") == 101.0
    # old 33 (100) and old 34 (200) merged: an index for the new unit is not faked
    rows = values(wh, model, indicators=("IDX",), time_from="2024-01", time_to="2024-01")
    assert [(r[1], r[4]) for r in rows] == [("01", 150.0), ("VN", 100.0)]


def test_a_coarser_period_bounds_a_range_by_its_last_day(wh, model):
    # "to 2024" on a monthly series ends in December 2024, not in January; "from 2025" starts in January 2025
    rows = values(wh, model, indicators=("IDX",), areas=("VN",), time_from="2024-02", time_to="2024")
    assert [(r[3], r[4]) for r in rows] == [(date(2024, 2, 1), 101.0), (date(2024, 3, 1), 102.0)]
    rows = values(wh, model, indicators=("IDX",), areas=("VN",), time_from="2025", time_to="2025-Q1")
    assert [(r[3], r[4]) for r in rows] == [(date(2025, 1, 1), 104.0), (date(2025, 2, 1), 103.02)]


def test_weighted_mean_over_merged_units(wh, model):
    # (10 x 100 + 20 x 300) / 400
    assert one(wh, model, indicators=("RATE",), areas=("33",)) == 17.5


def test_same_period_last_year_computed_from_levels(wh, model):
    # (25 + 3) / (20 + 2) - 1
    assert one(wh, model, indicators=("FLOW",), areas=("33",), compare="yoy", **M) == round(100 * (28 / 22 - 1), 6)


def test_year_to_date_and_its_change(wh, model):
    assert one(wh, model, indicators=("FLOW",), areas=("33",), compare="ytd", **M) == 42.0  # 12+2 + 28
    assert one(wh, model, indicators=("FLOW",), areas=("33",), compare="ytd_yoy", **M) == round(100 * (42 / 33 - 1), 6)


def test_previous_period(wh, model):
    assert one(wh, model, indicators=("FLOW",), areas=("33",), compare="pop", **M) == 100.0  # 28 vs 14


def test_published_comparison_preferred_over_computed(wh, model):
    rows = values(wh, model, indicators=("IDX",), areas=("VN",), compare="yoy", time_from="2025-01", time_to="2025-02")
    # January: computed 104/100; February: GSO's published 2.5 beats the computed 3.02
    assert [r[-1] for r in rows] == [4.0, 2.5]


def test_total_and_breakdown_never_double_count(wh, model):
    assert one(wh, model, indicators=("FLOW2",), time_from="2024-01", time_to="2024-01") == 100.0
    by_agency = values(wh, model, indicators=("FLOW2",), dimensions=("agency",))
    assert sorted((r[2], r[4]) for r in by_agency) == [("MOC", 20.0), ("MOH", 50.0), ("MOT", 30.0)]


def test_ministry_scope_covers_predecessors_and_owned_indicators(wh, model):
    moc = persona_scope("moc")
    by_agency = values(wh, model, moc, indicators=("FLOW2",), dimensions=("agency",))
    assert sorted((r[2], r[4]) for r in by_agency) == [("MOC", 20.0), ("MOT", 30.0)]
    # without the agency dimension MOC sees the sum of its own rows, and totals of what it owns (OWNED is MOT's)
    totals = values(wh, model, moc, indicators=("FLOW2", "OWNED"))
    assert [(r[0], r[4]) for r in totals] == [("FLOW2", 50.0), ("OWNED", 7.0)]
    assert values(wh, model, moc, indicators=("FLOW",)) == []


def test_province_scope_sees_its_province_and_merged_predecessors(wh, model):
    hy = persona_scope("hungyen")
    rows = values(wh, model, hy, indicators=("FLOW",), areas=("01", "33"), **M)
    assert [(r[1], r[4]) for r in rows] == [("33", 28.0)]
    as_was = values(wh, model, hy, indicators=("FLOW",), boundaries="as-was", **M)
    assert sorted((r[1], r[4]) for r in as_was) == [("33", 25.0), ("34", 3.0)]


def test_no_scope_is_denied(wh, model):
    for claims in ({}, {"roles": ["nobody"]}, {"roles": ["province_staff"]}, {"roles": ["ministry_staff"]}):
        with pytest.raises(AccessDenied):
            compile(QuerySpec(indicators=("FLOW",)), model, scope_from_claims(claims))


def test_unknown_names_list_the_valid_choices(model):
    with pytest.raises(UnknownFieldError) as err:
        compile(QuerySpec(indicators=("NOPE",)), model, Scope.system())
    assert "FLOW" in str(err.value) and "IDX" in str(err.value)
    with pytest.raises(UnknownFieldError) as err:
        compile(QuerySpec(indicators=("FLOW",), dimensions=("colour",)), model, Scope.system())
    assert "agency" in str(err.value)
    with pytest.raises(QueryError):
        QuerySpec(indicators=("FLOW",), compare="mom")


def test_finer_grain_than_published_is_refused(model):
    with pytest.raises(QueryError):
        compile(QuerySpec(indicators=("RATE",), grain="month"), model, Scope.system())


def test_filter_values_are_data_not_sql(wh, model):
    hostile = "x') OR 1=1; DROP TABLE observation; --"
    spec = QuerySpec(indicators=("FLOW",), filters=(Filter("category", "in", (hostile,)),))
    assert wh.execute(compile(spec, model, Scope.system())).empty
    assert one(wh, model, indicators=("FLOW",), areas=("33",), **M) == 28.0  # the table is still there


def test_spec_is_hashable_and_round_trips():
    spec = QuerySpec(indicators=("CPI",), areas=("VN",), compare="yoy", as_of=date(2025, 2, 15))
    assert hash(spec) == hash(QuerySpec.from_dict(spec.to_dict()))
    assert QuerySpec.from_dict(spec.to_dict()) == spec


def test_incomplete_periods_are_not_summed(wh, model):
    # 2025-Q1 has only January and February for Hưng Yên: no quarter figure rather than a short one
    rows = values(wh, model, indicators=("FLOW",), areas=("33",), grain="quarter", time_from="2024-Q1")
    assert [(r[3], r[4]) for r in rows] == [(date(2024, 1, 1), 66.0)]
    # Hà Nội has February 2025 without January: no year-to-date figure
    assert values(wh, model, indicators=("FLOW",), areas=("01",), compare="ytd", **M) == []


def test_comparison_not_offered_is_refused(model):
    with pytest.raises(QueryError) as err:
        compile(QuerySpec(indicators=("STOCK",), compare="yoy"), model, Scope.system())
    assert "STOCK: level" in str(err.value)
