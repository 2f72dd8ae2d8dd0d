"""The upload page (province staff upload, read the report, confirm; another province's row is refused) and the
data-quality page (coverage goal, completeness, timeliness, outliers) in the running app, through AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import warehouse.tables  # noqa: F401 - the tables other parts own (tasks, events...): the app's pages read them
from tests.direction_support import gso_warehouse, using
from warehouse.db import Warehouse
from warehouse.schema import table

ROOT = Path(__file__).resolve().parent.parent
FILE = b"indicator_code,area_code,period,value\nPUBINV_DISB,33,2025-03,1600.5\nPUBINV_DISB,01,2025-03,4700\n"


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    url = f"duckdb://{tmp_path_factory.mktemp('pages') / 'w.duckdb'}"
    gso_warehouse(url, ("PUBINV_DISB", "CPI", "RETAIL")).close()
    with using(url):
        yield url


def open_page(persona: str, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = persona
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_province_staff_upload_check_and_confirm(url):
    at = open_page("hungyen", "pages/upload.py")
    assert any("Hưng Yên" in i.value or "33" in i.value for i in at.info)  # the scope the upload is held to
    at.file_uploader(key="upload_file").set_value(("hy.csv", FILE, "text/csv"))
    at.run()
    at.button(key="upload_check").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    problems = next(df.value for df in at.dataframe if "Quy tắc" in df.value.columns)
    assert list(problems[["Dòng", "Cột", "Giá trị", "Quy tắc"]].itertuples(index=False, name=None)) == [
        (3, "area_code", "01", "scope")
    ]
    assert "ngoài phạm vi" in problems["Lỗi"].iloc[0]
    assert at.button(key="upload_confirm").disabled  # nothing loads until the user chooses what to do
    at.checkbox(key="upload_accept").check()
    at.run()
    at.button(key="upload_confirm").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Đã nạp xong" in s.value for s in at.success)
    wh = Warehouse(url)
    mine = wh.execute(table("observation").filter(table("observation").source == "33"))
    assert list(zip(mine["area_code"], mine["value"], strict=True)) == [("33", 1600.5)]
    batch = wh.execute(table("load_batch").filter(table("load_batch").source == "33"))
    assert list(batch[["loaded_by", "outcome", "rows_rejected"]].iloc[0]) == [
        "Cán bộ tỉnh Hưng Yên (demo)",
        "partial",
        1,
    ]


def test_leaders_cannot_upload(url):
    at = open_page("leader", "pages/upload.py")
    assert any("không có quyền tải dữ liệu" in e.value for e in at.error)
    assert not at.file_uploader


def test_quality_page_shows_coverage_and_completeness(url):
    at = open_page("leader", "pages/quality.py")
    labels = {m.label: m.value for m in at.metric}
    assert "Chỉ tiêu thống kê quốc gia đã số hóa" in labels
    assert "Mục tiêu 2025: 80 %" in labels and "Mục tiêu 2030: 100 %" in labels
    summary = next(df.value for df in at.dataframe if "Đầy đủ (%)" in df.value.columns)
    assert {"PUBINV_DISB", "CPI", "RETAIL"} & set(summary["indicator_code"])
    assert "Kịp thời (%)" in summary.columns and "Bất thường" in summary.columns


def test_quality_page_for_province_staff_is_scoped(url):
    at = open_page("hungyen", "pages/quality.py")
    summary = next((df.value for df in at.dataframe if "Đầy đủ (%)" in df.value.columns), None)
    if summary is not None:
        assert set(summary["area_code"]) <= {"33", "34"}  # new Hưng Yên and the units merged into it
