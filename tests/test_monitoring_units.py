"""Pure parts of the monitoring pages, hand-computed: daily moves, the monthly sentence, shared-link specs and
filters, the choice of map, and the province polygons dissolved through the lineage."""

from __future__ import annotations

import csv
import json
from datetime import date

import pandas as pd
import pytest

from connectors.seed import geo
from semantic.areas import ARCHIPELAGOS, boundaries_geojson, map_kind
from semantic.errors import QueryError
from semantic.moves import latest_moves, moved_most, window
from semantic.narrative import monthly_sentence
from semantic.share import filters_text, parse_filters, pivot, spec_from_param, spec_param
from semantic.spec import Filter, QuerySpec

pytestmark = pytest.mark.unit


def _daily(code: str, points: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_code": code,
            "area_code": "VN",
            "agency_code": None,
            "category": None,
            "period_start": pd.to_datetime([d for d, _ in points]),
            "freq": "D",
            "base": "level",
            "value": [v for _, v in points],
            "unit": "u",
            "status": "demo",
            "vintage": pd.Timestamp("2025-03-04"),
        }
    )


def test_daily_moves_use_the_previous_observation_and_the_last_one_a_year_before():
    gold = _daily("GOLD", [("2024-02-29", 80.0), ("2024-03-01", 79.0), ("2025-02-28", 90.0), ("2025-03-03", 92.0)])
    usd = _daily("USD", [("2025-02-28", 25_000.0), ("2025-03-03", 24_750.0)])
    moves = latest_moves(pd.concat([gold, usd])).set_index("indicator_code")
    # Monday 3 March 2025 vs Friday 28 February (no weekend rows): +2.2222 %
    assert moves.loc["GOLD", "prev_date"] == date(2025, 2, 28)
    assert moves.loc["GOLD", "pct_prev"] == pytest.approx(2 / 90 * 100)
    # a year before 3 March 2025 is 3 March 2024: the last observation on or before it is 1 March 2024 (79)
    assert moves.loc["GOLD", "year_ago_date"] == date(2024, 3, 1)
    assert moves.loc["GOLD", "pct_year"] == pytest.approx((92 / 79 - 1) * 100)
    assert pd.isna(moves.loc["USD", "pct_year"])
    assert moves.loc["USD", "pct_prev"] == pytest.approx(-1.0)
    assert list(moved_most(moves.reset_index(), 1)["indicator_code"]) == ["GOLD"]
    assert list(window(gold, "GOLD", 30)["value"]) == [90.0, 92.0]


def test_monthly_sentence_reads_as_gso_writes_it():
    assert monthly_sentence("CPI", date(2025, 2, 1), "%", yoy=2.91, is_rate=True) == (
        "CPI tháng 2/2025 tăng 2,91% so với cùng kỳ."
    )
    text = monthly_sentence(
        "Xuất khẩu", date(2025, 6, 1), "triệu USD", level=39_500, yoy=16.3, ytd=219_830, ytd_yoy=14.4, decimals=0
    )
    assert text == (
        "Xuất khẩu tháng 6/2025 đạt 39.500 triệu USD, tăng 16,30% so với cùng kỳ; lũy kế 6 tháng đầu "
        "năm 2025 đạt 219.830 triệu USD, tăng 14,40% so với cùng kỳ."
    )
    assert monthly_sentence("CPI", date(2025, 2, 1), "%", pop=-0.35, is_rate=True, lang="en") == (
        "CPI Feb 2025 down 0.35% on the previous month."
    )
    assert monthly_sentence("CPI", date(2025, 2, 1), "%", is_rate=True) == ""


def test_a_spec_round_trips_through_the_link():
    spec = QuerySpec(
        indicators=("CPI", "IIP"),
        areas=("VN",),
        compare="yoy",
        time_from="2024-01",
        as_of=date(2025, 3, 1),
        filters=(Filter("status", "in", ("official",)),),
    )
    text = spec_param(spec)
    assert " " not in text and "\n" not in text
    assert spec_from_param(text) == spec
    assert spec_from_param(None) is None
    with pytest.raises(QueryError, match=r"\?q="):
        spec_from_param("{not json")
    with pytest.raises(QueryError, match="unknown spec keys"):
        spec_from_param('{"indicatorz": ["CPI"]}')


def test_filter_values_are_text_so_codes_keep_their_leading_zeros():
    assert parse_filters("area = 01, 09\ntask = 007\nvalue > 1e3") == (
        Filter("area", "in", ("01", "09")),
        Filter("task", "in", ("007",)),
        Filter("value", "gt", ("1e3",)),
    )


@pytest.mark.parametrize(
    "link",
    [
        {"indicators": ["CPI"], "areas": [["01"]]},  # a nested list of areas
        {"indicators": ["CPI"], "time_from": 2024},  # a number as a period
        {"indicators": ["CPI"], "time_to": "2025-13"},
        {"indicators": [["CPI"]]},
        {"indicators": "CPI", "dimensions": [{"a": 1}]},
        {"view": ["tasks"], "measures": ["assigned"]},
        {"indicators": ["CPI"], "filters": "area = 01"},
        {"indicators": ["CPI"], "filters": [["area", "in", ["01"]]]},
        {"indicators": ["CPI"], "filters": [{"dimension": "area", "values": [["01"]]}]},
        {"indicators": ["CPI"], "filters": [{"dimension": "area", "values": "01"}]},
        {"indicators": ["CPI"], "filters": [{"dimension": 5, "values": ["01"]}]},
        {"indicators": ["CPI"], "filters": [{"dimension": "area", "vals": ["01"]}]},
        {"indicators": ["CPI"], "filters": [{"dimension": "area", "op": "between", "values": ["01"]}]},
        {"indicators": ["CPI"], "limit": "10"},
        {"indicators": ["CPI"], "limit": -1},
        {"indicators": ["CPI"], "limit": True},
        {"indicators": ["CPI"], "as_of": 20250301},
        {"indicators": ["CPI"], "as_of": "01/03/2025"},
        {"indicators": ["CPI"], "grain": ["month"]},
        {"indicators": ["CPI"], "boundaries": 2025},
        {"indicators": ["CPI"], "compare": {"yoy": 1}},
    ],
)
def test_every_field_of_a_shared_link_is_checked_by_the_specs_rules(link):
    with pytest.raises(QueryError):
        spec_from_param(json.dumps(link))


@pytest.mark.parametrize(
    "spec",
    [
        QuerySpec(view="tasks", measures=("assigned",), filters=(Filter("nope", "in", ("x",)),)),
        QuerySpec(view="tasks", measures=("assigned",), dimensions=("status",), order=("-nope",)),
        QuerySpec(indicators=("CPI",), filters=(Filter("nope", "in", ("x",)),)),
    ],
    ids=["cube_filter", "cube_order", "indicator_filter"],
)
def test_an_unknown_name_in_a_valid_spec_is_a_typed_error_naming_the_choices(spec):
    from semantic.access import persona_scope
    from semantic.errors import UnknownFieldError
    from semantic.model import default_model
    from semantic.query import compile

    with pytest.raises(UnknownFieldError, match="nope.*valid choices"):
        compile(spec, default_model(), persona_scope("leader"))


def test_filters_are_written_one_per_line():
    filters = parse_filters("status = official\nyear >= 2024\n\nagency != MOF, MOC")
    assert filters == (
        Filter("status", "in", ("official",)),
        Filter("year", "gte", ("2024",)),  # text: the dimension's declared type decides, in the compiler
        Filter("agency", "not_in", ("MOF", "MOC")),
    )
    assert parse_filters(filters_text(filters)) == filters
    with pytest.raises(QueryError, match="line 1"):
        parse_filters("status official")


def test_map_kind_follows_the_boundaries_mode_and_the_merger_date():
    assert map_kind("2025", date(2024, 12, 1)) == "34"
    assert map_kind("as-was", date(2024, 12, 1)) == "63"
    assert map_kind("as-was", date(2025, 6, 1)) == "63"
    assert map_kind("as-was", date(2025, 7, 1)) == "34"


def test_province_polygons_are_dissolved_through_the_lineage():
    old_fc, new_fc = geo.build()
    with geo._find("admin/vn_provinces_63_to_34_mapping_2025.csv").open(encoding="utf-8") as fh:
        lineage = list(csv.DictReader(fh))
    with geo._find("admin/vn_provinces_34_2025_cv915.csv").open(encoding="utf-8") as fh:
        official_34 = {r["Mã số"] for r in csv.DictReader(fh)}
    assert sorted(f["id"] for f in old_fc["features"]) == sorted(r["old_code"] for r in lineage)
    assert {f["id"] for f in new_fc["features"]} == official_34
    assert len(old_fc["features"]) == 63 and len(new_fc["features"]) == 34
    # new Hưng Yên (33) = old Hưng Yên (33) + old Thái Bình (34): a MultiPolygon or one merged Polygon
    hung_yen = next(f for f in new_fc["features"] if f["id"] == "33")
    assert hung_yen["properties"]["name_vi"] == "Tỉnh Hưng Yên"
    # the committed files are what the build makes (a rebuild changes nothing)
    for kind, fc in (("63", old_fc), ("34", new_fc)):
        assert boundaries_geojson(kind) == json.loads(json.dumps(fc))


def test_archipelagos_are_drawn_where_they_are():
    where = {a["code"]: (a["lat"], a["lon"]) for a in ARCHIPELAGOS}
    assert where == {"hoang_sa": (16.5, 112.0), "truong_sa": (10.0, 114.0)}


def test_pivot_says_when_rows_and_columns_do_not_identify_each_value():
    frame = pd.DataFrame({"year": [2024, 2024, 2025], "kind": ["a", "b", "a"], "n": [1, 2, 3]})
    table, ambiguous = pivot(frame, ["year"], ["kind"], "n")
    assert not ambiguous
    # 2025 has no "b": an empty cell, not a zero
    assert table.fillna(-1).to_dict("records") == [{"year": 2024, "a": 1, "b": 2}, {"year": 2025, "a": 3, "b": -1}]
    assert pivot(frame, ["year"], [], "n")[1]
