"""Writing in another agency's name (issue 11, item 7): the sender's scope bounds every scoped column of every row
it loads — the area and the agency — so a province cannot file rows as a ministry's, nor a ministry as another's."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from connectors.intake import connector_for, load
from semantic.model import load_model
from semantic.query import execute
from semantic.spec import QuerySpec
from tests import intake_support as s
from warehouse.db import Warehouse
from warehouse.lineage import OPEN_END
from warehouse.load import write_reference

TODAY = date(2025, 6, 1)
HEAD = "indicator_code,area_code,period,value,agency_code\n"


@pytest.fixture
def wh(tmp_path):
    """The intake warehouse plus the people's committees of Hưng Yên (33) and of old Thái Bình (34, merged)."""
    reg = s.registry()
    warehouse = Warehouse(f"duckdb://{tmp_path / 'w.duckdb'}")
    warehouse.ensure_schema()
    ref = s.reference(reg)
    committees = pd.DataFrame(
        [
            ("UBND-33", "UBND Hưng Yên", "Hung Yen PC", "province_committee", s.FOUNDED, OPEN_END),
            ("UBND-34", "UBND Thái Bình", "Thai Binh PC", "province_committee", s.FOUNDED, s.MERGE),
            ("UBND-01", "UBND Hà Nội", "Ha Noi PC", "province_committee", s.FOUNDED, OPEN_END),
        ],
        columns=ref["agency"].columns,
    )
    ref["agency"] = pd.concat([ref["agency"], committees], ignore_index=True)
    codes = list(ref["agency"]["code"])
    from warehouse.lineage import close_agency_lineage

    pairs = [("MPI", "MOF", date(2025, 3, 1)), ("MOT", "MOC", date(2025, 3, 1)), ("UBND-34", "UBND-33", s.MERGE)]
    ref["agency_lineage"] = close_agency_lineage(pairs, codes)
    write_reference(warehouse, ref)
    yield warehouse
    warehouse.close()


def _load(wh, rows: str, scope):
    data = (HEAD + rows).encode()
    return load(connector_for(data, "f.csv", "X"), wh, "t", registry=s.registry(), today=TODAY, scope=scope)


def _problems(report) -> list[tuple[int, str, str, str]]:
    return [(p.row, p.column, p.value, p.rule) for p in report.problems]


def test_province_staff_cannot_file_rows_as_a_ministry(wh):
    report = _load(
        wh,
        "PUBINV_DISB,33,2025-02,10,MOF\nPUBINV_DISB,33,2025-03,11,MOC\nPUBINV_DISB,33,2025-04,12,UBND-01\n",
        s.province("33"),
    )
    assert report.outcome == "rejected"
    assert _problems(report) == [
        (2, "agency_code", "MOF", "scope"),
        (3, "agency_code", "MOC", "scope"),
        (4, "agency_code", "UBND-01", "scope"),
    ]
    assert "agency" in report.problems[0].message_en and "UBND-33" in report.problems[0].message_en
    assert s.count(wh, "observation") == 0
    # the province's own committee (and, before the merger, its predecessor's) or no agency at all: loaded
    ok = _load(wh, "PUBINV_DISB,33,2025-02,10,UBND-33\nPUBINV_DISB,34,2025-01,5,UBND-34\n", s.province("33"))
    assert ok.outcome == "loaded", [p.text() for p in ok.problems]
    assert _load(wh, "PUBINV_DISB,33,2025-03,10,\n", s.province("33")).outcome == "loaded"


def test_the_ministry_does_not_see_rows_filed_in_its_name(wh):
    _load(wh, "PUBINV_DISB,33,2025-02,10,MOC\n", s.province("33"))
    model = load_model(s.DATA / "no-models", s.REGISTRY_DIR)
    spec = QuerySpec(indicators=("PUBINV_DISB",), dimensions=("agency",), boundaries="as-was")
    assert execute(spec, model, s.ministry("MOC"), wh).empty


def test_a_ministry_cannot_file_rows_as_another_ministry_even_of_an_indicator_it_owns(wh):
    """MOF owns PUBINV_DISB and sees every row of it; a row it writes still speaks for MOF only."""
    report = _load(wh, "PUBINV_DISB,VN,2025-02,10,MOC\nPUBINV_DISB,VN,2025-02,12,MOF\n", s.ministry("MOF"))
    assert _problems(report) == [(2, "agency_code", "MOC", "scope")]
    ok = _load(wh, "PUBINV_DISB,VN,2025-02,12,MOF\nPUBINV_DISB,VN,2025-02,40,\n", s.ministry("MOF"))
    assert ok.outcome == "loaded", [p.text() for p in ok.problems]
