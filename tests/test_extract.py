"""Extracts: a 1 M-row CSV streamed without truncation (BOM, UTF-8, formula cells neutralised, metadata header,
audited), XLSX split at the sheet limit, and the same writer on every backend."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from semantic import extract
from semantic.access import persona_scope
from semantic.model import load_model
from semantic.scope import Scope
from semantic.spec import QuerySpec
from tests import tiny
from warehouse.schema import table

N = 1_000_000
RISKY = ['=HYPERLINK("http://evil","x")', "+1+2", "-3", "@SUM(A1:A9)", "\tcmd", "Hà Nội – tỷ đồng"]


def _synthetic(wh, n: int) -> None:
    """n rows of FLOW for Hà Nội in August 2025, one per category; the first categories are formula-like text."""
    cats = np.array([f"c{i:07d}" for i in range(n)], dtype=object)
    cats[: len(RISKY)] = RISKY
    rows = pa.table(
        {
            "indicator_code": ["FLOW"] * n,
            "area_code": ["01"] * n,
            "agency_code": pa.nulls(n, pa.string()),
            "category": cats,
            "period_start": [date(2025, 8, 1)] * n,
            "period_end": [date(2025, 8, 31)] * n,
            "freq": ["M"] * n,
            "base": ["level"] * n,
            "value": np.arange(n, dtype="float64"),
            "status": ["official"] * n,
            "source": ["synthetic"] * n,
            "vintage": [datetime(2025, 9, 1)] * n,
            "batch_id": ["synthetic"] * n,
        }
    )
    with wh.transaction():
        wh.insert("observation", rows)


@pytest.fixture(scope="module")
def model():
    return load_model(tiny.HERE / "no-models", tiny.HERE / "indicators")


SPEC = QuerySpec(indicators=("FLOW",), dimensions=("category",), areas=("01",), time_from="2025-08", time_to="2025-08")


def _read(data: bytes) -> tuple[list[list[str]], list[list[str]]]:
    """(metadata lines, data rows incl. header) of an extract, decoded strictly as UTF-8 after the BOM."""
    assert data[:3] == b"\xef\xbb\xbf"
    text = data[3:].decode("utf-8")  # strict: an invalid byte fails the test
    rows = list(csv.reader(io.StringIO(text, newline="")))
    meta = [r for r in rows if r and r[0].startswith("#")]
    body = [r for r in rows if r and not r[0].startswith("#")]
    return meta, body


@pytest.mark.slow
def test_a_million_row_csv_is_complete_excel_ready_neutralised_and_audited(tmp_duckdb_url, model):
    wh, _ = tiny.build(tmp_duckdb_url)
    _synthetic(wh, N)
    scope = Scope.system("tester")
    info = extract.prepare(SPEC, model, scope, wh)
    assert info.rows == N and info.large  # the page asks before making it, it does not cap it
    out = io.BytesIO()
    written = extract.write_csv(SPEC, model, scope, wh, out, info)
    assert written == N
    meta, body = _read(out.getvalue())
    header, data = body[0], body[1:]
    assert header == [
        "indicator_code",
        "area_code",
        "agency_code",
        "category",
        "period_start",
        "freq",
        "base",
        "value",
        "unit",
        "status",
        "vintage",
    ]
    assert len(data) == N  # no truncation
    assert {float(r[7]) for r in data} == {float(i) for i in range(N)}  # every row, once
    cats = {r[3] for r in data}
    for risky in RISKY[:5]:
        assert "'" + risky in cats and risky not in cats, risky  # neutralised with a leading apostrophe
    assert "Hà Nội – tỷ đồng" in cats  # Vietnamese survives, and is not touched
    assert data[0][8] == "tỷ đồng"
    keys = {r[0] for r in meta}
    assert {
        "# Nguồn",
        "# Đơn vị",
        "# Số liệu cập nhật đến",
        "# Phạm vi dữ liệu",
        "# Thời điểm tạo tệp",
        "# Số dòng dữ liệu",
        "# Truy vấn",
    } <= keys
    assert dict((r[0], r[1]) for r in meta)["# Số dòng dữ liệu"] == "1.000.000"
    audit = wh.execute(table("audit"))
    row = audit[audit["action"] == "download"].iloc[-1]
    assert (row["who"], row["what"], int(row["rows"])) == ("tester", "csv:observations:FLOW", N)
    wh.close()


def test_xlsx_splits_at_the_sheet_limit_and_keeps_a_metadata_sheet(tmp_duckdb_url, model):
    wh, _ = tiny.build(tmp_duckdb_url)
    _synthetic(wh, 25)
    scope = Scope.system("tester")
    info = extract.prepare(SPEC, model, scope, wh, lang="en")
    out = io.BytesIO()
    assert extract.write_xlsx(SPEC, model, scope, wh, out, info, sheet_rows=10, lang="en") == 25
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert book.sheetnames == ["Data", "Data 2", "Data 3", "About"]
    rows = [r for name in book.sheetnames[:3] for r in list(book[name].iter_rows(values_only=True))[1:]]
    assert len(rows) == 25
    cats = {r[3] for r in rows}
    assert '\'=HYPERLINK("http://evil","x")' in cats and "'@SUM(A1:A9)" in cats
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Data rows"] == "25" and about["Unit"] == "FLOW: billion VND"
    audit = wh.execute(table("audit"))
    assert audit[audit["action"] == "download"]["what"].tolist() == ["xlsx:observations:FLOW"]
    wh.close()


def test_a_page_table_extract_is_neutralised_and_audited(tmp_duckdb_url):
    wh, _ = tiny.build(tmp_duckdb_url)
    frame = pd.DataFrame({"Chỉ tiêu": ["=1+1", "CPI"], "Giá trị": [-2.5, 2.91]})
    scope = persona_scope("analyst")
    info = extract.frame_info(frame, [("Nguồn", "GSO")], scope, "monthly_2025-02", [QuerySpec(indicators=("CPI",))])
    meta, body = _read(extract.frame_csv(frame, info, wh, scope))
    assert body == [["Chỉ tiêu", "Giá trị"], ["'=1+1", "-2.5"], ["CPI", "2.91"]]  # numbers stay numbers
    assert ["# Nguồn", "GSO"] in meta
    book = openpyxl.load_workbook(io.BytesIO(extract.frame_xlsx(frame, info, wh, scope)), read_only=True)
    assert list(book["Dữ liệu"].iter_rows(values_only=True)) == [
        ("Chỉ tiêu", "Giá trị"),
        ("'=1+1", -2.5),
        ("CPI", 2.91),
    ]
    audit = wh.execute(table("audit"))
    downloads = audit[audit["action"] == "download"]
    assert downloads["what"].tolist() == ["csv:monthly_2025-02", "xlsx:monthly_2025-02"]
    assert downloads["rows"].tolist() == [2, 2]
    wh.close()


def test_the_extract_streams_on_every_backend_and_respects_the_scope(backend_url, model):
    wh, _ = tiny.build(backend_url)
    try:
        _synthetic(wh, 2_000)
        scope = Scope.system("tester")
        out = io.BytesIO()
        assert extract.write_csv(SPEC, model, scope, wh, out, extract.prepare(SPEC, model, scope, wh)) == 2_000
        _, body = _read(out.getvalue())
        assert len(body) == 2_001 and "'+1+2" in {r[3] for r in body}
        # Hưng Yên staff: Hà Nội's rows are outside the scope, so the extract is empty (a header and no rows)
        hung_yen = persona_scope("hungyen")
        out = io.BytesIO()
        assert extract.write_csv(SPEC, model, hung_yen, wh, out, extract.prepare(SPEC, model, hung_yen, wh)) == 0
        assert len(_read(out.getvalue())[1]) == 1
    finally:
        wh.close()


def test_the_unit_line_names_the_comparison_s_unit_not_the_level_s(tmp_duckdb_url, model):
    """A percent change is in %: a yoy extract of FLOW (tỷ đồng) said 'FLOW: tỷ đồng' over a column of percents."""
    wh, _ = tiny.build(tmp_duckdb_url)
    scope = Scope.system("tester")
    units = {
        compare: dict(extract.prepare(SPEC.with_(compare=compare), model, scope, wh, lang="vi").lines)["Đơn vị"]
        for compare in (None, "yoy", "pop", "ytd", "ytd_yoy")
    }
    wh.close()
    assert units == {
        None: "FLOW: tỷ đồng",
        "yoy": "FLOW: %",
        "pop": "FLOW: %",
        "ytd": "FLOW: tỷ đồng",  # a year-to-date sum keeps the level's unit
        "ytd_yoy": "FLOW: %",
    }
