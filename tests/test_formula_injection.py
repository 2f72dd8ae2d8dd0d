"""Formula injection (issue 11, item 4): every writer of a spreadsheet-bound file strips control characters first,
then neutralises a leading formula character (ASCII or its full-width and other compatibility forms); control
characters are refused where text enters (observation and task files)."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from connectors.export import export
from connectors.intake import connector_for, load
from connectors.tasks.task_intake import load_task_file
from semantic import extract, safetext
from semantic.model import load_model
from semantic.scope import Scope
from semantic.spec import QuerySpec
from tests import intake_support as s
from tests.tiny import direction
from warehouse.schema import table

#: (stored text, what a spreadsheet-bound writer must write)
CASES = [
    ('\x02=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
    ("\x01\x1f+cmd", "'+cmd"),
    ("＝1+1", "'＝1+1"),
    ("﹦SUM(A1)", "'﹦SUM(A1)"),
    ("＠SUM(A1:A9)", "'＠SUM(A1:A9)"),
    ("－2+3", "'－2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\x7f-3", "'-3"),
    ("\tcmd", "'\tcmd"),
    ("Hà Nội – tỷ đồng", "Hà Nội – tỷ đồng"),
    ("a\x02b", "ab"),
]


@pytest.fixture
def wh(intake_wh):
    return intake_wh


def test_the_formula_leads_are_every_compatibility_form_of_the_four():
    """The list written out for SQL is exactly the characters whose NFKC form starts with = + - @."""
    computed = {
        chr(i)
        for i in range(0x110000)
        if unicodedata.normalize("NFKC", chr(i))[:1] in ("=", "+", "-", "@") and not 0xD800 <= i <= 0xDFFF
    }
    assert computed == set(safetext.FORMULA_LEADS) - {"\t", "\r", "\n"}


@pytest.mark.parametrize(("stored", "written"), CASES)
def test_strip_first_then_neutralise(stored, written):
    assert safetext.cell(stored) == written


def _stored(wh) -> None:
    """CPI_GROUP in VN for Feb 2025, one row per hostile category, written under validation (old data)."""
    n = len(CASES)
    rows = pa.table(
        {
            "indicator_code": ["CPI_GROUP"] * n,
            "area_code": ["VN"] * n,
            "agency_code": pa.nulls(n, pa.string()),
            "category": [c for c, _ in CASES],
            "period_start": [date(2025, 2, 1)] * n,
            "period_end": [date(2025, 2, 28)] * n,
            "freq": ["M"] * n,
            "base": ["level"] * n,
            "value": [float(i) for i in range(n)],
            "status": ["official"] * n,
            "source": ["GSO"] * n,
            "vintage": [datetime(2025, 3, 6)] * n,
            "batch_id": ["old"] * n,
        }
    )
    with wh.transaction():
        wh.insert("observation", rows)
        wh.bump_version()


SPEC = QuerySpec(indicators=("CPI_GROUP",), dimensions=("category",), time_from="2025-02", time_to="2025-02")


def test_xlsx_and_csv_extracts_write_no_live_formula(wh, tmp_path):
    _stored(wh)
    model = load_model(s.DATA / "no-models", s.REGISTRY_DIR)
    scope = Scope.system("leader")
    info = extract.prepare(SPEC, model, scope, wh)
    buf = io.BytesIO()
    extract.write_xlsx(SPEC, model, scope, wh, buf, info)
    sheet = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).worksheets[0]
    header = [c.value for c in sheet[1]]
    got = {c[header.index("category")].value for c in sheet.iter_rows(min_row=2)}
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert got == {w for _, w in CASES}
    out = io.BytesIO()
    extract.write_csv(SPEC, model, scope, wh, out, info)
    body = [r for r in csv.reader(io.StringIO(out.getvalue()[3:].decode())) if r and not r[0].startswith("#")]
    assert {r[body[0].index("category")] for r in body[1:]} == {w for _, w in CASES}
    # a page's own table goes through the same rule
    frame = pd.DataFrame({"category": [c for c, _ in CASES]})
    page_info = extract.frame_info(frame, [], scope, "test")
    sheet = openpyxl.load_workbook(io.BytesIO(extract.frame_xlsx(frame, page_info, wh, scope))).worksheets[0]
    assert [c.value for c in sheet["A"][1:]] == [w for _, w in CASES]
    text = extract.frame_csv(frame, page_info, wh, scope)[3:].decode()
    rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
    assert [r[0] for r in rows[1:]] == [w for _, w in CASES]


@pytest.mark.parametrize("fmt", ["csv", "sdmx-csv"])
def test_connectors_export_writes_no_live_formula(wh, fmt):
    _stored(wh)
    model = load_model(s.DATA / "no-models", s.REGISTRY_DIR)
    scope = Scope.system("leader")
    spec = {"indicators": ("CPI_GROUP",), "time_from": "2025-02", "time_to": "2025-02", "dimensions": ("category",)}
    text = export(wh, scope, fmt, model=model, **spec)
    rows = list(csv.reader(io.StringIO(text)))
    col = rows[0].index("category" if fmt == "csv" else "CATEGORY")
    assert {r[col] for r in rows[1:]} == {w for _, w in CASES}


def test_a_control_character_in_an_observation_file_is_refused_naming_row_and_column(wh):
    text = "indicator_code,area_code,period,value,category,base\nCPI_GROUP,VN,2025-02,1.5,\x02=HYPERLINK(1),yoy\n"
    report = load(
        connector_for(text.encode(), "f.csv", "GSO"),
        wh,
        "t",
        registry=s.registry(),
        today=date(2025, 6, 1),
        scope=Scope.system(),
    )
    assert report.outcome == "rejected"
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(2, "category", "control_character")]
    assert "U+0002" in report.problems[0].message_en
    assert s.count(wh, "observation") == 0


def test_a_control_character_in_a_task_file_is_refused(tmp_duckdb_url):
    direction.build(tmp_duckdb_url).close()
    from warehouse.db import Warehouse

    wh = Warehouse(tmp_duckdb_url)
    header = "Số văn bản,Ngày văn bản,Cơ quan được giao,Nội dung nhiệm vụ,Thời hạn"
    data = f'{header}\n15/CT-TTg,2025-05-02,MOC,"\x02=HYPERLINK(""http://evil"",""x"")",2025-09-30\n'.encode()
    before = int(wh.execute(table("task").count()))
    report = load_task_file(wh, data, "nv.csv", "t", today=date(2025, 6, 1), scope=Scope.system())
    assert report.outcome == "rejected"
    assert [(p.row, p.rule) for p in report.problems] == [(2, "control_character")]
    assert report.problems[0].column == "Nội dung nhiệm vụ"
    assert int(wh.execute(table("task").count())) == before
    wh.close()
