"""The tasks, programs and emergency pages render for every persona and show what the CLI answers for the same
question and scope; the overview's direction panel; a dispatch recorded on an event shows up on the tasks and
emergency pages; the CLI's one-row-per-agency answer and its MOC-only answer for MOC staff claims."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from connectors.tasks.task_files import record_dispatch
from semantic import extract
from semantic.access import persona_scope
from semantic.model import load_model
from semantic.spec import QuerySpec
from tests.direction_support import DATA, PERSONAS, cli, direction_url, using
from warehouse.db import Warehouse
from warehouse.schema import table

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 12, 31)
PEOPLE = [p for p in PERSONAS if p != "none"]


@pytest.fixture(scope="module")
def url():
    u = direction_url()
    with using(u):
        yield u


def open_page(persona: str, page: str, **dates: date) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = persona
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if persona == "none":
        return at
    at.switch_page(page)
    at.run()
    for key, value in dates.items():
        at.date_input(key=key).set_value(value)
    if dates:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def vi_int(text: str | int) -> int:
    """A whole number as a table shows it: Vietnamese text ("1.234") or, in a column kept as numbers, the number."""
    return int(str(text).replace(".", ""))


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


@pytest.mark.parametrize("page", ["pages/tasks.py", "pages/programs.py", "pages/emergency.py"])
def test_no_access_persona_sees_the_refusal(url, page):
    at = open_page("none", page)
    assert any("chưa được cấp quyền" in e.value for e in at.error)
    assert not at.metric


@pytest.mark.parametrize("persona", PEOPLE)
def test_tasks_page_matches_the_cli(url, persona):
    at = open_page(persona, "pages/tasks.py", tasks_as_of=AS_OF)
    got = metrics(at)
    want = cli(
        "--view",
        "tasks",
        "--measures",
        "assigned,done_on_time,done_late,overdue,in_progress",
        "--as-of",
        AS_OF.isoformat(),
        "--persona",
        persona,
    ).iloc[0]
    labels = {
        "assigned": "Tổng số nhiệm vụ",
        "done_on_time": "Hoàn thành đúng hạn",
        "done_late": "Hoàn thành quá hạn",
        "overdue": "Quá hạn",
        "in_progress": "Đang thực hiện",
    }
    assert {m: vi_int(got[label]) for m, label in labels.items()} == {m: int(want[m]) for m in labels}
    listed = table_with(at, "Cơ quan được giao")
    assert len(listed) == int(want["assigned"])
    own = {"mof": {"Bộ Tài chính"}, "moc": {"Bộ Xây dựng"}, "hungyen": {"Ủy ban nhân dân tỉnh Hưng Yên"}}
    if persona in own:  # the scope does it: staff see their own tasks only
        assert set(listed["Cơ quan được giao"]) == own[persona]
    if want["overdue"]:  # the overdue tab: overdue tasks only, the longest delay first
        shown = [df for df in at.dataframe if "Số ngày chậm" in df.value.columns][1]
        overdue = shown.value
        assert set(overdue["Tình trạng"]) == {"Quá hạn chưa hoàn thành"}
        # the light is the cell's colour (red), not an emoji that needs a colour-emoji font
        assert "color: #b91c1c" in shown.proto.arrow_data.styler.styles
        assert len(overdue) == int(want["overdue"])
        # the table shows the reader's text ('1.234'), so the order is checked on the numbers it reads as
        delays = [vi_int(d) for d in overdue["Số ngày chậm"]]
        assert delays == sorted(delays, reverse=True)


def test_tasks_page_filters(url):
    at = open_page("leader", "pages/tasks.py", tasks_as_of=AS_OF)
    at.multiselect(key="tasks_kind").set_value(["cong_dien"])
    at.multiselect(key="tasks_status").set_value(["overdue", "done_late"])
    at.run()
    want = cli(
        "--view",
        "tasks",
        "--measures",
        "assigned",
        "--filter",
        "document_kind=cong_dien",
        "--filter",
        "status=overdue,done_late",
        "--as-of",
        AS_OF.isoformat(),
        "--persona",
        "leader",
    )
    assert vi_int(metrics(at)["Tổng số nhiệm vụ"]) == int(want["assigned"].iloc[0])


@pytest.mark.parametrize("persona", PEOPLE)
def test_programs_page_matches_the_cli(url, persona):
    at = open_page(persona, "pages/programs.py")
    want = cli(
        "--view",
        "projects",
        "--measures",
        "disbursement_rate",
        "--dimensions",
        "program_id",
        "--from",
        "2025-12",
        "--to",
        "2025-12",
        "--as-of",
        AS_OF.isoformat(),
        "--persona",
        persona,
    )
    if want.empty:
        assert not [df for df in at.dataframe if "Giải ngân/kế hoạch năm (%)" in df.value.columns]
    else:
        shown = table_with(at, "Giải ngân/kế hoạch năm (%)")["Giải ngân/kế hoạch năm (%)"]
        assert sorted(shown) == sorted(f"{v:.1f}".replace(".", ",") for v in want["disbursement_rate"])
    national = cli(
        "--indicator",
        "PUBINV_DISB",
        "--area",
        "VN",
        "--compare",
        "ytd",
        "--from",
        "2024-01",
        "--to",
        "2025-12",
        "--persona",
        persona,
    )
    ytd = [v for k, v in metrics(at).items() if k.startswith("Lũy kế từ đầu năm")]
    if national.empty:
        assert ytd == []
    else:
        last = national.sort_values("period").iloc[-1]
        assert ytd == [f"{round(last['value']):,} tỷ đồng".replace(",", ".")]
        # GSO's real figures for the first two months of 2025: 73,176.1 billion VND in all; MOC staff see their
        # ministry's slice, the Ministry of Transport's 5,876.3 (merged into MOC) plus MOC's own 26.3
        real = 5903 if persona == "moc" else 73176
        assert (last["period"], round(last["value"])) == ("2025-02", real)


def default_event(persona: str) -> str:
    events = cli(
        "--view",
        "events",
        "--measures",
        "events",
        "--dimensions",
        "event_id,state,started_on",
        "--as-of",
        AS_OF.isoformat(),
        "--persona",
        persona,
    )
    return events.sort_values(["state", "started_on"], ascending=[True, False])["event_id"].iloc[0]


@pytest.mark.parametrize("persona", PEOPLE)
def test_emergency_page_matches_the_cli(url, persona):
    at = open_page(persona, "pages/emergency.py", emergency_as_of=AS_OF)
    event = default_event(persona)
    figs = cli(
        "--view",
        "event_figures",
        "--measures",
        "deaths,houses_damaged",
        "--filter",
        f"event_id={event}",
        "--as-of",
        AS_OF.isoformat(),
        "--persona",
        persona,
    ).iloc[0]
    got = metrics(at)
    for label, m in (("Số người chết", "deaths"), ("Nhà bị hư hỏng", "houses_damaged")):
        assert got[label] == ("–" if pd.isna(figs[m]) else f"{int(figs[m]):,}".replace(",", "."))
    tasks = cli(
        "--view",
        "tasks",
        "--measures",
        "assigned,done_on_time",
        "--filter",
        f"event_id={event}",
        "--as-of",
        AS_OF.isoformat(),
        "--persona",
        persona,
    ).iloc[0]
    if tasks["assigned"]:
        assert vi_int(got["Hoàn thành đúng hạn"]) == int(tasks["done_on_time"])
        assert len(table_with(at, "Cơ quan được giao")) == int(tasks["assigned"])


def test_overview_has_the_direction_panel(url):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "leader"
    at.run()
    assert not at.exception
    assert "Chỉ đạo, điều hành" in [s.value for s in at.subheader]
    overdue = table_with(at, "Quá hạn chưa hoàn thành")
    want = cli(
        "--view",
        "tasks",
        "--measures",
        "overdue",
        "--dimensions",
        "assignee_agency",
        "--as-of",
        AS_OF.isoformat(),
        "--persona",
        "leader",
    )
    assert overdue["Quá hạn chưa hoàn thành"].sum() == want["overdue"].sum() > 0
    assert any("Lũ muộn Nam Trung Bộ" in m.value for m in at.markdown)  # an active emergency on 31/12/2025


def test_a_recorded_dispatch_appears_on_the_pages(url, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copy(url.split("://", 1)[1], copy)
    copy_url = f"duckdb://{copy}"
    wh = Warehouse(copy_url)
    record_dispatch(
        wh,
        "EV-2025-12-LUNTB",
        "241/CĐ-TTg",
        date(2025, 12, 22),
        [
            {
                "assignee_agency": "MOC",
                "content": "Thông tuyến đèo Khánh Lê trước ngày 27/12",
                "deadline": "2025-12-27",
                "started_on": "2025-12-22",
            },
            {
                "assignee_area": "66",
                "content": "Hỗ trợ lương thực cho các xã bị chia cắt",
                "deadline": "2025-12-25",
                "started_on": "2025-12-22",
                "completed_on": "2025-12-24",
            },
        ],
        title_vi="Công điện khắc phục sạt lở đèo",
        demo=True,
    )
    wh.close()
    with using(copy_url):
        at = open_page("leader", "pages/tasks.py", tasks_as_of=AS_OF)
        listed = table_with(at, "Cơ quan được giao")
        new = listed[listed["Văn bản"].str.startswith("241/CĐ-TTg")].sort_values("Thời hạn")
        assert list(zip(new["Cơ quan được giao"], new["Thời hạn"], new["Tình trạng"], strict=True)) == [
            ("Ủy ban nhân dân tỉnh Đắk Lắk", "25/12/2025", "Hoàn thành đúng hạn"),
            ("Bộ Xây dựng", "27/12/2025", "Quá hạn chưa hoàn thành"),
        ]
        at = open_page("moc", "pages/emergency.py", emergency_as_of=AS_OF)
        at.selectbox(key="emergency_event").set_value("EV-2025-12-LUNTB").run()
        assert "241/CĐ-TTg" in set(table_with(at, "Văn bản")["Văn bản"])


def run_cli(url: str, *who: str) -> pd.DataFrame:
    command = [
        sys.executable,
        "-m",
        "semantic",
        "query",
        "--view",
        "tasks",
        "--measures",
        "assigned,overdue,on_time_rate",
        "--dimensions",
        "assignee_agency",
        "--as-of",
        "2025-12-31",
        *who,
        "--format",
        "csv",
    ]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "DIEUHANH_DB": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return pd.read_csv(pd.io.common.StringIO(done.stdout))


def test_cli_one_row_per_agency_and_moc_alone_for_moc_staff(url):
    leader = run_cli(url, "--persona", "leader")
    assert list(leader.columns) == ["assignee_agency", "assigned", "overdue", "on_time_rate"]
    wh = Warehouse(url)
    task = table("task")
    known = task.filter(task.document_date <= AS_OF)
    stored = wh.execute(known.group_by("assignee_agency").aggregate(n=known.count()))
    wh.close()
    assert leader["assignee_agency"].is_unique
    assert dict(zip(leader["assignee_agency"], leader["assigned"], strict=True)) == dict(
        zip(stored["assignee_agency"], stored["n"], strict=True)
    )
    assert 0.01 <= leader["overdue"].sum() / leader["assigned"].sum() <= 0.02  # the demo's 1-2 % overdue
    moc = run_cli(url, "--claims", str(DATA / "moc_staff_claims.json"))
    assert moc.to_dict("records") == leader[leader["assignee_agency"] == "MOC"].to_dict("records")


def test_a_task_extract_is_scoped_and_audited(url):
    # the page's download buttons run the list's spec through the extract writer: MOC staff get MOC's rows only,
    # and the download is written to the audit trail with its row count
    spec = QuerySpec(
        view="tasks", measures=("assigned",), dimensions=("task_id", "assignee_agency", "status"), as_of=AS_OF
    )
    scope = persona_scope("moc")
    wh = Warehouse(url)
    try:
        info = extract.prepare(spec, load_model(), scope, wh)
        buf = io.BytesIO()
        rows = extract.write_csv(spec, load_model(), scope, wh, buf, info)
        data = [line for line in buf.getvalue().decode("utf-8-sig").splitlines() if not line.startswith("#")]
        body = pd.read_csv(io.StringIO("\n".join(data)))
        audit_rows = wh.execute(table("audit").filter(table("audit").action == "download"))
    finally:
        wh.close()
    want = cli("--view", "tasks", "--measures", "assigned", "--as-of", AS_OF.isoformat(), "--persona", "moc")
    assert rows == len(body) == int(want["assigned"].iloc[0])
    assert set(body["assignee_agency"]) == {"MOC"}
    last = audit_rows.sort_values("at").iloc[-1]
    assert (last["who"], last["rows"], last["what"].startswith("csv:")) == (scope.who, rows, True)
