"""Situation reports through the upload page (AppTest, Hưng Yên's staff) on a copy of the direction warehouse with
the storm playbook activated for Hưng Yên (33) and Hà Nội (01) eight hours ago: a file in the declared layout is
read, shown, and sent through the one report path — Hưng Yên's report is received (slot 1, late), Hà Nội's is
refused as outside the user's scope; a file with problems sends nothing. The layout's reader on its own: Vietnamese
headers, XLSX, and its problems."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from connectors.tasks.scenario_reports import ReportIn, read_report_file
from connectors.tasks.scenarios import activate
from semantic.playbook import default_playbooks, now_vn
from semantic.scope import Scope
from tests.direction_support import direction_copy, using
from warehouse.db import Warehouse
from warehouse.schema import table

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BOOK = default_playbooks()["storm_flood"]
AT = now_vn() - timedelta(hours=8)
RUN = f"storm_flood-{AT:%Y%m%d%H%M}"
FIGURES = {"deaths": 2, "missing": 1, "injured": 5, "houses_damaged": 120, "evacuated": 3400}


def report_csv(reporter: str) -> list[str]:
    return [f"{RUN},damage_6h,{reporter},{f},{v}" for f, v in FIGURES.items()]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    u = direction_copy(tmp_path_factory.mktemp("sit_upload"))
    wh = Warehouse(u)
    activate(wh, BOOK, ("33", "01"), AT, 3, "Phó Thủ tướng", scope=Scope.system())
    wh.close()
    with using(u):
        yield u


def stored(url: str) -> list[tuple]:
    wh = Warehouse(url)
    try:
        rep = wh.execute(table("scenario_report").filter(lambda t: t.run_id == RUN))
    finally:
        wh.close()
    return sorted((r.area_code, int(r.slot), r.received_by) for r in rep.itertuples())


def open_upload(lang: str = "vi") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "hungyen"
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="upload_kind").options[-1] == ("Báo cáo tình huống" if lang == "vi" else "Situation report")
    at.radio(key="upload_kind").set_value("situation").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_province_staff_send_a_situation_report_file(url):
    at = open_upload()
    assert any("run_id" in c.value and "reporter" in c.value for c in at.caption)  # the declared layout, said
    # a file with a problem: said by row, nothing sent, no send button
    bad = "run_id,duty,reporter,figure,value\n" + "\n".join(report_csv("33")[:-1] + [f"{RUN},damage_6h,33,evacuated,x"])
    at.file_uploader(key="upload_sit_file").set_value(("sai.csv", bad.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == ["Tệp có lỗi, chưa gửi báo cáo nào; sửa rồi tải lại:"]
    problems = at.dataframe[0].value
    assert problems.values.tolist() == [["6", "'x' không phải là số"]]
    assert not [b for b in at.button if b.key == "upload_sit_send"] and stored(url) == []

    # Hưng Yên's report and one for Hà Nội (not the user's province)
    good = "run_id,duty,reporter,figure,value\n" + "\n".join(report_csv("33") + report_csv("01"))
    at.file_uploader(key="upload_sit_file").set_value(("bao_cao.csv", good.encode(), "text/csv")).run()
    assert any("2 báo cáo sẵn sàng gửi" in m.value for m in at.markdown)
    assert stored(url) == []  # reading writes nothing
    at.button(key="upload_sit_send").click().run()
    assert not at.exception, [e.value for e in at.exception]
    due = AT + timedelta(hours=6)
    assert [s.value for s in at.success] == [f"Đã nhận: {RUN} — damage_6h — 33: kỳ 1, hạn {due:%H:%M %d/%m/%Y}, muộn"]
    assert [e.value for e in at.error] == [f"Bị từ chối: {RUN} — damage_6h — 01: tài khoản không được báo cáo thay 01"]
    assert stored(url) == [("33", 1, "Cán bộ tỉnh Hưng Yên (demo)")]


def test_the_outcome_is_said_in_english_too(url):
    at = open_upload("en")
    bad = b"run_id,duty,value\nx,y,1\n"
    at.file_uploader(key="upload_sit_file").set_value(("missing.csv", bad, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == ["The file has problems; no report was sent. Fix them and upload again:"]
    assert at.dataframe[0].value.values.tolist() == [
        ["", "missing columns: reporter, figure (need run_id, duty, reporter, figure, value)"]
    ]


def test_the_layout_reader_takes_vietnamese_headers_and_xlsx():
    frame = pd.DataFrame(
        {
            "Mã lần kích hoạt": [RUN, RUN],
            "Nghĩa vụ báo cáo": ["damage_6h", "damage_6h"],
            "Đơn vị báo cáo": ["33", "33"],
            "Chỉ tiêu": ["deaths", "evacuated"],
            "Giá trị": ["1", "3400,5"],
        }
    )
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    reports, problems = read_report_file(buf.getvalue(), "bao_cao.xlsx")
    assert problems == []
    assert reports == [ReportIn(RUN, "damage_6h", "33", {"deaths": 1.0, "evacuated": 3400.5})]
    _, problems = read_report_file(b"run_id,duty,value\nx,y,1\n", "thieu.csv")
    assert problems == [
        (
            0,
            "missing columns: reporter, figure (need run_id, duty, reporter, figure, value)",
            "thiếu cột: reporter, figure",
        )
    ]
    _, problems = read_report_file(b"\x00\x01garbage", "hong.xlsx")
    assert problems[0][0] == 0 and problems[0][1].startswith("the file cannot be read")
