"""`python -m connectors tasks`: a task file (Vietnamese headers, a dissolved ministry, a recurring deadline) loads and
the tasks view answers with it; a bad row exits 1 naming row and column in both languages and writes nothing;
ministry staff load only their ministry's tasks; a caller without upload rights exits 3; usage errors exit 2.
The upload page's task choice, as Construction staff: check, read the problems, confirm, see the task listed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from connectors.__main__ import main
from tests.direction_support import direction_copy, using
from tests.tiny import direction
from warehouse.db import Warehouse
from warehouse.schema import table

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
HEADER = "Mã nhiệm vụ,Số văn bản,Ngày văn bản,Cơ quan được giao,Tỉnh/thành phố,Nội dung nhiệm vụ,Thời hạn,"
HEADER += "Ngày hoàn thành,Tình trạng"
#: N2 went to the Ministry of Transport, merged into Construction on 1/3/2025: Construction's task today
GOOD = [
    "N1,15/CT-TTg,2025-05-02,MOC,,Đẩy nhanh giải ngân vốn đầu tư công,2025-09-30,2025-09-15,Hoàn thành đúng hạn",
    "N2,15/CT-TTg,02/05/2025,MOT,,Bảo đảm an toàn giao thông,Thường xuyên,,",
]
MOF_TASK = "N3,15/CT-TTg,2025-05-02,MOF,,Rà soát thủ tục đầu tư,2025-06-30,,"
LATE_DEADLINE = "N4,15/CT-TTg,2025-05-02,MOC,,Sửa đổi quy chuẩn,2025-04-01,,"
TABLES = ("task", "task_event", "load_batch", "rejected_row")
MOC_STAFF = "Cán bộ Bộ Xây dựng (demo)"


@pytest.fixture
def url(tmp_duckdb_url, monkeypatch):
    direction.build(tmp_duckdb_url).close()
    monkeypatch.setenv("DIEUHANH_DB", tmp_duckdb_url)
    return tmp_duckdb_url


def task_file(tmp_path: Path, lines: list[str], name: str = "nhiem_vu.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def state(url: str) -> tuple:
    wh = Warehouse(url)
    try:
        audit = table("audit")
        # the page's own queries are audited too, in batches written every few seconds: only loads count here
        loads = int(wh.execute(audit.filter(audit.action == "load").count()))
        return (*(int(wh.execute(table(t).count())) for t in TABLES), loads, wh.data_version())
    finally:
        wh.close()


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(["tasks", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def problem_lines(err: str) -> tuple[list[str], list[str]]:
    lines = err.splitlines()
    return [x for x in lines if x.startswith("error: ")], [x for x in lines if x.startswith("lỗi: ")]


def python_m(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env={**os.environ, "DIEUHANH_DB": url},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_task_file_loads_and_the_tasks_view_shows_it(url, tmp_path):
    path = task_file(tmp_path, GOOD)
    done = python_m(url, "connectors", "tasks", str(path), "--persona", "moc")
    assert done.returncode == 0, done.stderr
    # N1: the task, "assigned", "completed"; N2: the task, "assigned"
    assert done.stdout.splitlines() == [
        "nhiem_vu.csv: đã nạp; 2 dòng đọc, 2 hợp lệ, 0 lỗi; nhiệm vụ mới: 2; 5 dòng ghi vào kho (nhiệm vụ và diễn "
        "biến), 0 đã có",
        "nhiem_vu.csv: loaded; 2 rows read, 2 valid, 0 rejected; new tasks: 2; 5 rows written (tasks and their "
        "events), 0 unchanged",
    ]
    query = python_m(
        url,
        "semantic",
        "query",
        "--view",
        "tasks",
        "--measures",
        "assigned",
        "--dimensions",
        "task_id,document_kind,assignee_agency,deadline,status",
        "--filter",
        "task_id=N1,N2",
        "--as-of",
        "2025-12-31",
        "--persona",
        "moc",
    )
    assert query.returncode == 0, query.stderr
    shown = pd.read_csv(io.StringIO(query.stdout), dtype=str, keep_default_na=False)
    assert shown.values.tolist() == [
        ["N1", "chi_thi", "MOC", "2025-09-30", "done_on_time", "1"],
        ["N2", "chi_thi", "MOC", "", "not_started", "1"],
    ]
    wh = Warehouse(url)
    try:
        batch = wh.execute(table("load_batch").filter(table("load_batch").source == "tasks"))
        trail = wh.execute(table("audit").filter(table("audit").action == "load"))
        stored = wh.execute(table("task").filter(table("task").task_id == "N2"))
    finally:
        wh.close()
    assert batch[["file_name", "loaded_by", "rows_in", "rows_written", "outcome"]].values.tolist() == [
        ["nhiem_vu.csv", MOC_STAFF, 2, 5, "loaded"]
    ]
    assert trail[["who", "what", "spec", "rows"]].values.tolist() == [[MOC_STAFF, "nhiem_vu.csv", "tasks", 5]]
    assert json.loads(trail["scope"].iloc[0])["agencies"] == ["MOC"]
    assert stored[["original_agency", "assignee_agency", "recurring"]].values.tolist() == [["MOT", "MOC", True]]


def test_loading_the_same_file_again_changes_nothing(url, tmp_path, capsys):
    path = task_file(tmp_path, GOOD)
    assert run(capsys, str(path))[0] == 0
    before = state(url)
    rc, out, _ = run(capsys, str(path), "--lang", "en")
    assert rc == 0
    assert out.splitlines() == [
        "nhiem_vu.csv: unchanged; 2 rows read, 2 valid, 0 rejected; new tasks: 0; 0 rows written (tasks and their "
        "events), 5 unchanged"
    ]
    assert state(url)[:2] == before[:2] and state(url)[-1] == before[-1]  # no task, no event, the same data version


def test_a_bad_row_exits_1_naming_row_and_column_and_writes_nothing(url, tmp_path, capsys):
    path = task_file(tmp_path, [GOOD[0], LATE_DEADLINE], "sai.csv")
    before = state(url)
    rc, out, err = run(capsys, str(path))
    assert rc == 1, err
    en, vi = problem_lines(err)
    assert en == [
        "error: sai.csv: row 3, column Thời hạn, value '2025-04-01' [deadline_before_document]: the deadline is "
        "before the document's date"
    ]
    assert vi == [
        "lỗi: sai.csv: dòng 3, cột Thời hạn, giá trị '2025-04-01' [deadline_before_document]: thời hạn trước ngày "
        "ban hành văn bản"
    ]
    assert out.splitlines() == [
        "sai.csv: bị từ chối; 2 dòng đọc, 1 hợp lệ, 1 lỗi",
        "sai.csv: rejected; 2 rows read, 1 valid, 1 rejected",
    ]
    assert state(url) == before  # no task, no event, no batch, no rejected row, no audit line
    rc, out, err = run(capsys, str(path), "--lang", "en")
    assert rc == 1 and len(problem_lines(err)[0]) == 1 and problem_lines(err)[1] == []
    assert out.splitlines() == ["sai.csv: rejected; 2 rows read, 1 valid, 1 rejected"]


def test_a_check_writes_nothing_and_says_what_a_load_would_add(url, tmp_path, capsys):
    before = state(url)
    rc, out, _ = run(capsys, str(task_file(tmp_path, GOOD)), "--dry-run", "--lang", "vi")
    assert rc == 0
    assert out.splitlines() == ["nhiem_vu.csv: đã kiểm tra (chưa nạp); 2 dòng đọc, 2 hợp lệ, 0 lỗi; nhiệm vụ mới: 2"]
    rc, _, err = run(capsys, str(task_file(tmp_path, [LATE_DEADLINE], "sai.csv")), "--dry-run")
    assert rc == 1 and "[deadline_before_document]" in err
    assert state(url) == before


def test_accept_valid_loads_the_good_rows_and_keeps_the_bad_with_reasons(url, tmp_path, capsys):
    path = task_file(tmp_path, [GOOD[0], LATE_DEADLINE], "sai.csv")
    rc, out, _ = run(capsys, str(path), "--accept-valid", "--who", "nguyen.van.a", "--lang", "en")
    assert rc == 0
    assert out.splitlines() == [
        "sai.csv: partial; 2 rows read, 1 valid, 1 rejected; new tasks: 1; 3 rows written (tasks and their events), "
        "0 unchanged"
    ]
    wh = Warehouse(url)
    try:
        tasks = set(wh.execute(table("task").select("task_id"))["task_id"])
        batch = wh.execute(table("load_batch").filter(table("load_batch").file_name == "sai.csv"))
        rejected = wh.execute(table("rejected_row").filter(table("rejected_row").batch_id == batch["batch_id"][0]))
    finally:
        wh.close()
    assert "N1" in tasks and "N4" not in tasks
    assert batch[["loaded_by", "outcome", "rows_rejected"]].values.tolist() == [["nguyen.van.a", "partial", 1]]
    assert rejected[["row_number", "column_name", "value", "rule"]].values.tolist() == [
        [3, "Thời hạn", "2025-04-01", "deadline_before_document"]
    ]


def test_ministry_staff_cannot_load_another_ministrys_task(url, tmp_path, capsys):
    before = state(url)
    rc, out, err = run(capsys, str(task_file(tmp_path, [MOF_TASK, GOOD[0]])), "--persona", "moc")
    assert rc == 1, err
    en, vi = problem_lines(err)
    assert en == [
        "error: nhiem_vu.csv: row 2, column Cơ quan được giao, value 'MOF' [out_of_scope]: this task is not assigned "
        "to your agency or province"
    ]
    assert vi == [
        "lỗi: nhiem_vu.csv: dòng 2, cột Cơ quan được giao, giá trị 'MOF' [out_of_scope]: nhiệm vụ này không giao "
        "cho cơ quan/tỉnh của bạn"
    ]
    assert "rejected; 2 rows read, 1 valid, 1 rejected" in out
    assert state(url) == before
    # the same task is the Ministry of Finance's to load
    assert run(capsys, str(task_file(tmp_path, [MOF_TASK])), "--persona", "mof")[0] == 0


@pytest.mark.parametrize(
    ("claims", "area", "rc"),
    [
        ({"roles": ["province_staff"], "province": "33", "name": "Sở KH-ĐT Hưng Yên"}, "33", 0),
        ({"roles": ["province_staff"], "province": "33", "name": "Sở KH-ĐT Hưng Yên"}, "01", 1),
    ],
)
def test_province_staff_load_only_their_provinces_tasks(url, tmp_path, capsys, claims, area, rc):
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(claims, ensure_ascii=False), encoding="utf-8")
    line = f"P1,15/CT-TTg,2025-05-02,,{area},Giải phóng mặt bằng,2025-08-31,,"
    got, _, err = run(capsys, str(task_file(tmp_path, [line])), "--claims", str(path))
    assert got == rc, err
    if rc:  # the column the file named the assignee in
        assert "error: nhiem_vu.csv: row 2, column Tỉnh/thành phố, value '01' [out_of_scope]" in err
    else:
        wh = Warehouse(url)
        try:
            stored = wh.execute(table("task").filter(table("task").task_id == "P1"))
        finally:
            wh.close()
        assert stored[["assignee_agency", "assignee_area"]].values.tolist() == [["UBND33", "33"]]


@pytest.mark.parametrize(
    ("persona", "says"),
    [("none", "no access to any data"), ("leader", "your account may not load data")],
)
def test_a_caller_without_upload_rights_exits_3(url, tmp_path, capsys, persona, says):
    before = state(url)
    rc, out, err = run(capsys, str(task_file(tmp_path, GOOD)), "--persona", persona)
    assert rc == 3, err
    assert out == "" and says in err and "lỗi: " in err
    assert state(url) == before


def test_usage_errors_exit_2(url, tmp_path, capsys):
    rc, _, err = run(capsys, str(tmp_path / "khong_co.csv"))
    assert rc == 2 and "cannot read" in err and "không đọc được" in err
    rc, _, err = run(capsys, str(task_file(tmp_path, GOOD)), "--persona", "nobody")
    assert rc == 2 and "unknown persona 'nobody'" in err and "moc" in err
    for bad in (["--persona", "moc", "--claims", "c.json"], ["--lang", "fr"]):
        with pytest.raises(SystemExit) as exit_:
            main(["tasks", str(task_file(tmp_path, GOOD)), *bad])
        assert exit_.value.code == 2


@pytest.fixture
def app_url(tmp_path):
    """A copy of the direction pages' warehouse (real reference tables, the seed's direction demo): loads go to it."""
    url = direction_copy(tmp_path, "app.duckdb")
    with using(url):
        yield url


def open_upload(persona: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = persona
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.radio(key="upload_kind").set_value("tasks").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def check(at: AppTest, name: str, lines: list[str]) -> None:
    data = ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")
    at.file_uploader(key="upload_task_file").set_value((name, data, "text/csv"))
    at.run()
    at.button(key="upload_task_check").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_ministry_staff_check_and_load_a_task_file_on_the_upload_page(app_url):
    at = open_upload("moc")
    assert any("Bộ Xây dựng" in i.value for i in at.info)  # the scope the load is held to, by name
    before = state(app_url)

    check(at, "sai.csv", [MOF_TASK, GOOD[0]])
    assert [h.value for h in at.subheader] == [
        "sai.csv: đã kiểm tra (chưa nạp); 2 dòng đọc, 1 hợp lệ, 1 lỗi; nhiệm vụ mới: 1"
    ]
    problems = next(df.value for df in at.dataframe if "Quy tắc" in df.value.columns)
    assert list(problems[["Dòng", "Cột", "Giá trị", "Quy tắc"]].itertuples(index=False, name=None)) == [
        (2, "Cơ quan được giao", "MOF", "out_of_scope")
    ]
    assert problems["Lỗi"].tolist() == ["nhiệm vụ này không giao cho cơ quan/tỉnh của bạn"]
    assert at.button(key="upload_task_confirm").disabled  # nothing loads until the user chooses what to do
    assert state(app_url) == before

    check(at, "nhiem_vu.csv", GOOD)
    assert any("Tất cả các dòng đều hợp lệ" in s.value for s in at.success)
    preview = next(df.value for df in at.dataframe if "task_id" in df.value.columns)
    assert preview[["task_id", "assignee_agency", "document_kind"]].values.tolist() == [
        ["N1", "MOC", "chi_thi"],
        ["N2", "MOC", "chi_thi"],
    ]
    assert state(app_url) == before  # a check writes nothing
    at.button(key="upload_task_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success if "Đã nạp xong" in s.value] == [
        "Đã nạp xong. nhiem_vu.csv: đã nạp; 2 dòng đọc, 2 hợp lệ, 0 lỗi; nhiệm vụ mới: 2; 5 dòng ghi vào kho (nhiệm "
        "vụ và diễn biến), 0 đã có"
    ]
    wh = Warehouse(app_url)
    try:
        batch = wh.execute(table("load_batch").filter(table("load_batch").file_name == "nhiem_vu.csv"))
        trail = wh.execute(table("audit").filter(table("audit").what == "nhiem_vu.csv"))
    finally:
        wh.close()
    assert batch[["source", "loaded_by", "rows_in", "rows_written", "outcome"]].values.tolist() == [
        ["tasks", MOC_STAFF, 2, 5, "loaded"]
    ]
    assert trail[["who", "action", "rows"]].values.tolist() == [[MOC_STAFF, "load", 5]]

    at.switch_page("pages/tasks.py")
    at.run()
    at.date_input(key="tasks_as_of").set_value(date(2025, 12, 31)).run()
    assert not at.exception, [e.value for e in at.exception]
    listed = next(df.value for df in at.dataframe if "Nội dung" in df.value.columns and "Văn bản" in df.value.columns)
    mine = listed[listed["Văn bản"] == "15/CT-TTg (02/05/2025)"]
    assert sorted(zip(mine["Nội dung"], mine["Thời hạn"], mine["Tình trạng"], strict=True)) == [
        ("Bảo đảm an toàn giao thông", "Thường xuyên", "Chưa thực hiện"),
        ("Đẩy nhanh giải ngân vốn đầu tư công", "30/09/2025", "Hoàn thành đúng hạn"),
    ]
