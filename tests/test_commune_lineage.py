"""Commune lineage of a province's deployment (issue 15, build item 1): figures of the pre-2025 communes count in
their commune of 1 July 2025 when the old commune moved whole; a commune split between new ones is never summed
wholly into one of them (the new communes that received a piece withhold their pre-2025 totals), and a commune's
staff see and load their commune's history through the lineage. Tiny data, values computed by hand."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from connectors.intake import connector_for, load
from connectors.seed.reference import LINEAGE_COLUMNS, assemble, ministries, old_communes
from semantic.model import load_model
from semantic.profile import PROFILE_ENV
from semantic.query import compile
from semantic.scope import Scope
from semantic.spec import QuerySpec
from tests import tiny
from warehouse.db import Warehouse
from warehouse.lineage import MERGER_2025, OPEN_END
from warehouse.load import BatchInfo, write_observations, write_reference

OLD_FROM = date(2004, 1, 1)
# old 90001 (its code reused by the new commune it joins) and 80002 -> new 90001; old 80003 split between new
# 90002 and 90003; old 80004 -> 90002; old 80005 -> 90003
MAPPING = """province_code,new_ward_code,new_ward_name,old_ward_code,old_ward_name,merge_type,old_province_code
33,90001,Phường Mới A,90001,Phường Cũ A,full,33
33,90001,Phường Mới A,80002,Xã  Cũ B,full,33
33,90002,Xã Mới B,80003,Xã Cũ C,partial,34
33,90003,Xã Mới C,80003,Xã Cũ C,partial,34
33,90002,Xã Mới B,80004,Xã Cũ D,full,34
33,90003,Xã Mới C,80005,Xã Cũ E,full,34
"""
JAN24 = {"time_from": "2024-01", "time_to": "2024-01"}
AUG25 = {"time_from": "2025-08", "time_to": "2025-08"}


def commune(code: str) -> Scope:
    return Scope(frozenset({"commune_staff"}), None, frozenset({code}), False, True, who=f"staff-{code}")


PROVINCE = Scope(frozenset({"province_leader"}), None, frozenset({"33"}), False, False, who="leader-33")


@pytest.fixture(scope="module", autouse=True)
def province_profile():
    """The province's deployment: its commune lineage switches on the completeness rule of the query."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(PROFILE_ENV, "province:33")
        yield


@pytest.fixture(scope="module")
def mapping(tmp_path_factory):
    path = tmp_path_factory.mktemp("admin") / "map.csv"
    path.write_text(MAPPING, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def wh(backend_url, mapping):
    reg = tiny.registry()
    area = pd.DataFrame(
        [
            ("VN", "Việt Nam", "Viet Nam", "national", None, date(1945, 9, 2), OPEN_END),
            ("33", "Hưng Yên (cũ)", "Hung Yen (old)", "province", "VN", OLD_FROM, MERGER_2025),
            ("34", "Thái Bình", "Thai Binh", "province", "VN", OLD_FROM, MERGER_2025),
            ("33", "Hưng Yên", "Hung Yen", "province", "VN", MERGER_2025, OPEN_END),
            *[(c, c, c, "commune", "33", MERGER_2025, OPEN_END) for c in ("90001", "90002", "90003")],
        ],
        columns=tiny.AREA_COLUMNS,
    )
    lineage = pd.DataFrame([("33", "33", 1.0, "full", MERGER_2025), ("34", "33", 1.0, "full", MERGER_2025)])
    lineage.columns = LINEAGE_COLUMNS
    old, more = old_communes(mapping, "33", {"90001", "90002", "90003"})
    area = pd.concat([area, old], ignore_index=True)
    lineage = pd.concat([lineage, more], ignore_index=True)
    agency = ministries(["MOF", "MOC", "MOT", "MOH", "GSO"], date(1945, 9, 2), {})
    warehouse = Warehouse(backend_url)
    warehouse.ensure_schema()
    write_reference(warehouse, assemble(area, lineage, agency, [], reg))
    v = datetime(2025, 9, 1)
    rows = [
        ("FLOW", "90001", None, "2024-01-01", "M", "level", 1, v),
        ("FLOW", "80002", None, "2024-01-01", "M", "level", 2, v),
        ("FLOW", "80003", None, "2024-01-01", "M", "level", 4, v),
        ("FLOW", "80004", None, "2024-01-01", "M", "level", 8, v),
        ("FLOW", "80005", None, "2024-01-01", "M", "level", 16, v),
        ("FLOW", "80002", None, "2024-04-01", "M", "level", 2, v),  # 90001's other predecessor did not report
        ("FLOW", "90001", None, "2025-08-01", "M", "level", 100, v),
        ("FLOW", "90002", None, "2025-08-01", "M", "level", 200, v),
        ("FLOW", "90003", None, "2025-08-01", "M", "level", 300, v),
    ]
    write_observations(warehouse, tiny._obs(rows), BatchInfo(source="tiny"))
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="module")
def model():
    return load_model(tiny.HERE / "no-models", tiny.HERE / "indicators")


def values(wh, model, scope=None, **kw) -> dict[str, float]:
    frame = wh.execute(compile(QuerySpec(indicators=("FLOW",), **kw), model, scope or Scope.system()))
    return {r.area_code: round(float(r.value), 6) for r in frame.itertuples(index=False)}


def test_old_communes_are_areas_until_the_merger_and_a_split_has_no_known_share(mapping):
    old, lineage = old_communes(mapping, "33", {"90001", "90002", "90003"})
    assert sorted(old["code"]) == ["80002", "80003", "80004", "80005", "90001"]
    assert set(old["valid_to"]) == {MERGER_2025} and set(old["level"]) == {"commune"}
    assert old.set_index("code").loc["80002", "name_vi"] == "Xã Cũ B"  # the source's double space
    assert old.set_index("code").loc["80003", "parent_code"] == "34"  # its province before the merger
    split = lineage[lineage["old_code"] == "80003"]
    assert sorted(split["new_code"]) == ["90002", "90003"] and split["weight"].isna().all()


def test_a_mapping_of_another_province_or_an_unknown_commune_is_refused(mapping, tmp_path):
    from semantic.errors import LoadRejected

    with pytest.raises(LoadRejected, match="is not 01"):
        old_communes(mapping, "01", {"90001", "90002", "90003"})
    with pytest.raises(LoadRejected, match="no 2025 commune"):
        old_communes(mapping, "33", {"90001", "90002"})
    half = tmp_path / "half.csv"
    half.write_text(MAPPING.replace("90003,Xã Mới C,80003,Xã Cũ C,partial", "90003,Xã Mới C,80003,Xã Cũ C,full"))
    with pytest.raises(LoadRejected, match="neither whole nor split"):
        old_communes(half, "33", {"90001", "90002", "90003"})


def test_old_communes_moved_whole_are_summed_and_split_ones_withhold_their_successors(wh, model):
    # 90001 = old 90001 (1) + old 80002 (2); 90002 and 90003 each got a piece of 80003 of unknown size: withheld
    assert values(wh, model, **JAN24) == {"90001": 3.0}
    assert values(wh, model, areas=("90002", "90003"), **JAN24) == {}
    # as they were, every old commune keeps its own figure (80003 whole, once)
    assert values(wh, model, boundaries="as-was", areas=("80003", "80004"), **JAN24) == {"80003": 4.0, "80004": 8.0}
    # a predecessor that did not report: the sum of the others would look like the commune's total; withheld
    assert values(wh, model, areas=("90001",), time_from="2024-04", time_to="2024-04") == {}
    assert values(wh, model, boundaries="as-was", time_from="2024-04", time_to="2024-04") == {"80002": 2.0}
    # after the merger the new communes are themselves
    assert values(wh, model, **AUG25) == {"90001": 100.0, "90002": 200.0, "90003": 300.0}


def test_a_commune_s_staff_see_their_commune_s_history_through_the_lineage(wh, model):
    assert values(wh, model, commune("90001"), **JAN24) == {"90001": 3.0}
    assert values(wh, model, commune("90001"), boundaries="as-was", **JAN24) == {"90001": 1.0, "80002": 2.0}
    # the split commune's figure is history of both communes that received a piece, of no other
    assert values(wh, model, commune("90002"), boundaries="as-was", **JAN24) == {"80003": 4.0, "80004": 8.0}
    assert values(wh, model, commune("90003"), boundaries="as-was", **JAN24) == {"80003": 4.0, "80005": 16.0}
    assert values(wh, model, commune("90003"), **AUG25) == {"90003": 300.0}
    assert values(wh, model, PROVINCE, boundaries="as-was", **JAN24) == {
        "90001": 1.0,
        "80002": 2.0,
        "80003": 4.0,
        "80004": 8.0,
        "80005": 16.0,
    }


def _load(wh, rows: str, scope: Scope):
    data = ("indicator_code,area_code,period,value\n" + rows).encode()
    reg = tiny.registry()
    return load(connector_for(data, "f.csv", "X"), wh, "t", registry=reg, today=date(2025, 9, 2), scope=scope)


def test_a_commune_s_staff_load_their_predecessors_but_not_a_split_or_a_neighbour_s(wh):
    ok = _load(wh, "FLOW,80002,2024-02,5\nFLOW,90001,2024-02,6\n", commune("90001"))
    assert ok.outcome == "loaded", [p.text() for p in ok.problems]
    # 80003 was split with 90003; 80005 is 90003's; the new code 90001 before 2025 is the old commune of 90001
    refused = _load(wh, "FLOW,80003,2024-02,5\n", commune("90002"))
    assert refused.outcome == "rejected" and [p.rule for p in refused.problems] == ["scope"]
    assert _load(wh, "FLOW,80005,2024-02,5\n", commune("90002")).outcome == "rejected"
    assert _load(wh, "FLOW,90001,2024-02,5\n", commune("90003")).outcome == "rejected"
    # the province's staff load the split commune's figure: kept as it was, counted in no 2025 commune
    staff = Scope(frozenset({"province_staff"}), None, frozenset({"33"}), False, True, who="staff-33")
    done = _load(wh, "FLOW,80003,2024-03,7\n", staff)
    assert done.outcome == "loaded", [p.text() for p in done.problems]


def test_a_figure_for_an_old_commune_after_the_merger_is_refused_naming_its_successor(wh):
    report = _load(wh, "FLOW,80002,2025-08,5\n", Scope.system())
    assert report.outcome == "rejected" and report.problems[0].rule == "area_validity"
    assert "90001" in report.problems[0].message_en


def test_a_commune_s_file_names_no_agency_and_the_refusal_names_that_rule(wh):
    data = b"indicator_code,area_code,period,value,agency_code\nFLOW2,90001,2025-08,5,UBND-90001\n"
    report = load(
        connector_for(data, "f.csv", "X"),
        wh,
        "t",
        registry=tiny.registry(),
        today=date(2025, 9, 2),
        scope=commune("90001"),
    )
    assert report.outcome == "rejected"
    [problem] = report.problems
    assert problem.rule == "known_agency" and problem.column == "agency_code"
    assert "file names no agency" in problem.message_en and "UBND xã/phường" in problem.message_vi
    # a ministry's code is an agency, but not the commune's to name: refused by scope, naming the same rule
    data = b"indicator_code,area_code,period,value,agency_code\nFLOW2,90001,2025-08,5,MOF\n"
    report = load(
        connector_for(data, "f.csv", "X"),
        wh,
        "t",
        registry=tiny.registry(),
        today=date(2025, 9, 2),
        scope=commune("90001"),
    )
    [problem] = report.problems
    assert problem.rule == "scope" and "file names no agency" in problem.message_en
    data = b"indicator_code,area_code,period,value,agency_code\nFLOW2,90001,2025-08,5,\n"
    done = load(
        connector_for(data, "f.csv", "X"),
        wh,
        "t",
        registry=tiny.registry(),
        today=date(2025, 9, 2),
        scope=commune("90001"),
    )
    assert done.outcome == "loaded", [p.text() for p in done.problems]
