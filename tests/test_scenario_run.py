"""Running a scenario on the tiny warehouse (DuckDB and PostgreSQL): activation writes exactly the declared tasks
with deadlines counted from the activation, through the task path (a công điện numbered after the stored 150/CĐ-TTg);
a level change dispatches the next level's tasks; a trigger activates at its threshold and not below; a late or a
missing report raises a warning; a leader's right is checked."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from analytics.scenario_status import alerts, counts, expected
from connectors.tasks.scenario_reports import receive_report
from connectors.tasks.scenarios import activate, change_level, close, load_run, on_reading
from semantic.access import persona_scope
from semantic.errors import AccessDenied, LoadRejected
from semantic.playbook import load_playbook
from semantic.scope import Scope
from tests.support import create_pg_database, drop_pg_database, pg_server_url
from tests.tiny import direction
from warehouse.schema import table

TINY_DIR = Path(__file__).resolve().parent / "data" / "scenarios"
BOOK = load_playbook(TINY_DIR / "tiny_storm.yml")
AT = datetime(2025, 9, 20, 6, 0)
RUN = "tiny_storm-202509200600"


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def wh(request, tmp_path):
    if request.param == "duckdb":
        w = direction.build(f"duckdb://{tmp_path / 'w.duckdb'}")
        yield w
        w.close()
        return
    server = pg_server_url()
    if server is None:
        pytest.fail("no PostgreSQL server (tests/run.sh starts one)", pytrace=False)
    url = create_pg_database(server, "scenario_run")
    w = direction.build(url)
    yield w
    w.close()
    drop_pg_database(server, url)


def tasks_of(wh, event_id: str) -> list[tuple]:
    t = wh.execute(table("task").filter(lambda r: r.event_id == event_id))
    return sorted(
        (
            r.task_id,
            r.document_number,
            r.assignee_agency,
            None if pd.isna(r.assignee_area) else r.assignee_area,
            pd.Timestamp(r.deadline).date(),
        )
        for r in t.itertuples()
    )


def test_activation_creates_the_event_and_exactly_the_declared_tasks(wh):
    done = activate(wh, BOOK, ("33", "01"), AT, 3, "Lãnh đạo", scope=Scope.system())
    assert (done.run_id, done.document_number, done.tasks) == (RUN, "151/CĐ-TTg", 3)
    # level 3: evacuate for each province (30 h -> 21/09 12:00), forecast for MAE (6 h -> 20/09 12:00)
    assert tasks_of(wh, RUN) == [
        (f"{RUN}.evacuate.01", "151/CĐ-TTg", "UBND01", "01", date(2025, 9, 21)),
        (f"{RUN}.evacuate.33", "151/CĐ-TTg", "UBND33", "33", date(2025, 9, 21)),
        (f"{RUN}.forecast.MAE", "151/CĐ-TTg", "MAE", None, date(2025, 9, 20)),
    ]
    event = wh.execute(table("event").filter(lambda r: r.event_id == RUN)).iloc[0]
    assert (event["kind"], int(event["severity"]), event["lead_agency"]) == ("storm", 3, "MAE")
    parties = wh.execute(table("event_party").filter(lambda r: r.event_id == RUN))
    assert sorted(zip(parties["area_code"].fillna("-"), parties["agency_code"], parties["role"], strict=True)) == [
        ("-", "MAE", "assigned"),
        ("-", "MAE", "lead"),
        ("01", "UBND01", "affected"),
        ("01", "UBND01", "assigned"),
        ("33", "UBND33", "affected"),
        ("33", "UBND33", "assigned"),
    ]
    dispatch = wh.execute(table("dispatch").filter(lambda r: r.event_id == RUN))
    assert list(dispatch["document_number"]) == ["151/CĐ-TTg"]
    run = load_run(wh, RUN)
    assert (run.areas, run.level, run.activated_at, run.closed_at) == (("01", "33"), 3, AT, None)
    with pytest.raises(LoadRejected, match="already activated"):
        activate(wh, BOOK, ("33",), AT, 3, "Lãnh đạo", scope=Scope.system())


def test_a_level_change_is_logged_and_dispatches_the_next_levels_tasks(wh):
    activate(wh, BOOK, ("33",), AT, 3, "Lãnh đạo", scope=Scope.system())
    up = change_level(wh, BOOK, RUN, 5, datetime(2025, 9, 21, 18, 0), "Lãnh đạo", scope=Scope.system())
    # levels 4 and 5: roads (MOC, 48 h -> 23/09) and curfew (33, 6 h -> 22/09 00:00)
    assert (up.document_number, up.tasks) == ("152/CĐ-TTg", 2)
    assert [t for t in tasks_of(wh, RUN) if t[1] == "152/CĐ-TTg"] == [
        (f"{RUN}.curfew.33", "152/CĐ-TTg", "UBND33", "33", date(2025, 9, 22)),
        (f"{RUN}.roads.MOC", "152/CĐ-TTg", "MOC", None, date(2025, 9, 23)),
    ]
    down = change_level(wh, BOOK, RUN, 4, datetime(2025, 9, 22, 6, 0), "Lãnh đạo", scope=Scope.system())
    assert (down.document_number, down.tasks) == (None, 0)
    log = wh.execute(table("scenario_log").filter(lambda r: r.run_id == RUN)).sort_values("at")
    assert list(zip(log["kind"], log["level"], strict=True)) == [("activated", 3), ("level", 5), ("level", 4)]
    assert load_run(wh, RUN).level == 4
    with pytest.raises(LoadRejected, match="no level 7"):
        change_level(wh, BOOK, RUN, 7, datetime(2025, 9, 22, 7, 0), "Lãnh đạo", scope=Scope.system())
    close(wh, RUN, datetime(2025, 9, 23, 6, 0), "Lãnh đạo", scope=Scope.system())
    with pytest.raises(LoadRejected, match="was closed"):
        change_level(wh, BOOK, RUN, 5, datetime(2025, 9, 23, 7, 0), "Lãnh đạo", scope=Scope.system())


def test_a_trigger_activates_at_its_threshold_and_not_below(wh):
    assert on_reading(wh, BOOK, "wind_beaufort", 7.9, ("33",), AT, "trigger") is None
    assert wh.execute(table("scenario_run")).empty
    done = on_reading(wh, BOOK, "wind_beaufort", 8, ("33",), AT, "trigger")
    assert (done.run_id, done.level, done.tasks) == (RUN, 3, 2)
    # the same run: 11.9 stays at 3; 12 raises it to 4 and dispatches roads
    assert on_reading(wh, BOOK, "wind_beaufort", 11.9, ("33",), datetime(2025, 9, 20, 9, 0), "trigger") is None
    up = on_reading(wh, BOOK, "wind_beaufort", 12, ("33",), datetime(2025, 9, 20, 12, 0), "trigger")
    assert (up.run_id, up.level, up.tasks) == (RUN, 4, 1)
    log = wh.execute(table("scenario_log").filter(lambda r: r.run_id == RUN)).sort_values("at")
    assert list(log["note"].str.split(";").str[0]) == ["wind_beaufort = 8 ≥ 8", "wind_beaufort = 12 ≥ 12"]
    with pytest.raises(LoadRejected, match="does not watch 'rain'"):
        on_reading(wh, BOOK, "rain", 500, ("33",), AT, "trigger")


def damage(wh, reporter: str, at: datetime, figures: dict, who: str):
    """A damage_6h report of RUN, received from the system (the scope rules are tested on their own)."""
    return receive_report(wh, BOOK, RUN, "damage_6h", reporter, at, figures, who, scope=Scope.system())


def status_at(wh, now, provinces=("01", "33"), agencies=None):
    reports = wh.execute(table("scenario_report").filter(lambda r: r.run_id == RUN))
    return expected(BOOK, AT, [(AT, 3)], provinces, agencies, reports, now)


def test_reports_on_time_late_and_missing_and_their_warnings(wh):
    activate(wh, BOOK, ("33", "01"), AT, 3, "Lãnh đạo", scope=Scope.system())
    hy = persona_scope("hungyen")
    # slot 1 of damage_6h is due 12:00 (grace 1 h): Hưng Yên at 12:30 on time, Hà Nội at 14:00 late
    r = receive_report(
        wh, BOOK, RUN, "damage_6h", "33", datetime(2025, 9, 20, 12, 30), {"deaths": 1, "missing": 2}, "hy", scope=hy
    )
    assert (r.slot, r.due_at, r.late) == (1, datetime(2025, 9, 20, 12, 0), False)
    r = damage(wh, "01", datetime(2025, 9, 20, 14, 0), {"deaths": 0, "missing": 0}, "hn")
    assert (r.slot, r.late) == (1, True)
    status = status_at(wh, datetime(2025, 9, 20, 19, 30))
    # by 19:30: damage_6h slots 1 (12:00) and 2 (18:00, grace to 19:00) for 01 and 33; ministry_daily none yet due
    assert sorted(
        zip(status["duty"], status["reporter"], status["slot"], status["status"], status["hours_late"], strict=True)
    ) == [
        ("damage_6h", "01", 1, "late", 1.0),
        ("damage_6h", "01", 2, "missing", 0.5),
        ("damage_6h", "33", 1, "on_time", 0.0),
        ("damage_6h", "33", 2, "missing", 0.5),
    ]
    assert counts(status).to_dict("records") == [{"duty": "damage_6h", "on_time": 1, "late": 1, "missing": 2, "due": 0}]
    found = alerts(BOOK, RUN, status)
    assert [(a.kind, a.severity, a.area_code) for a in found] == [
        ("late_report", "high", "01"),
        ("late_report", "high", "33"),
        ("late_report", "medium", "01"),
    ]
    assert found[2].message_vi == "Bão thử — Báo cáo 6 giờ: 01 gửi muộn báo cáo hạn 12:00 20/09/2025 (1,0 giờ)"
    # a province's staff: only their province's duties; a ministry duty they do not answer is not theirs to see
    mine = status_at(wh, datetime(2025, 9, 21, 7, 0), provinces=("33",), agencies=())
    assert set(mine["reporter"]) == {"33"}
    # Hưng Yên's staff cannot report for Hà Nội, nor a figure the duty does not carry
    with pytest.raises(AccessDenied):
        receive_report(
            wh, BOOK, RUN, "damage_6h", "01", datetime(2025, 9, 20, 19, 0), {"deaths": 0, "missing": 0}, "hy", scope=hy
        )
    with pytest.raises(LoadRejected, match="missing: missing; not of this duty: cows"):
        damage(wh, "33", datetime(2025, 9, 20, 19, 0), {"deaths": 0, "cows": 1}, "hy")


def test_only_a_leader_directs(wh):
    with pytest.raises(AccessDenied, match="only a leader"):
        activate(wh, BOOK, ("33",), AT, 3, "x", scope=persona_scope("hungyen"))
    done = activate(wh, BOOK, ("33",), AT, 3, "x", scope=persona_scope("leader"))
    assert done.tasks == 2
    with pytest.raises(LoadRejected, match="not a province code of 2025"):
        activate(wh, BOOK, ("99",), datetime(2025, 9, 21), 3, "x", scope=Scope.system())
    with pytest.raises(LoadRejected, match="has no level 2"):
        activate(wh, BOOK, ("33",), datetime(2025, 9, 21), 2, "x", scope=Scope.system())


def test_closing_freezes_the_situation_and_the_after_action_report_counts_by_hand(wh):
    from analytics.after_action import sheets, to_html, to_xlsx
    from analytics.situation import situation
    from semantic.model import default_model
    from semantic.query import execute

    activate(wh, BOOK, ("33", "01"), AT, 3, "Lãnh đạo", scope=Scope.system())
    damage(wh, "33", datetime(2025, 9, 20, 13, 30), {"deaths": 1, "missing": 2}, "hy")
    on_reading(wh, BOOK, "wind_beaufort", 12, ("33",), datetime(2025, 9, 20, 15, 0), "trigger")
    close(wh, RUN, datetime(2025, 9, 22, 16, 0), "Lãnh đạo", scope=Scope.system())
    with pytest.raises(LoadRejected, match="outside the run"):
        damage(wh, "01", datetime(2025, 9, 22, 17, 0), {"deaths": 0, "missing": 0}, "hn")
    scope = Scope.system("test")
    sit = situation(lambda spec: execute(spec, default_model(), scope, wh), BOOK, RUN, scope, datetime(2025, 10, 1))
    assert (sit.closed, sit.now, sit.level) == (True, datetime(2025, 9, 22, 16, 0), 4)
    tables = sheets(sit, BOOK, "vi")
    assert list(tables) == ["Diễn biến chỉ đạo", "Số liệu", "Nhiệm vụ", "Báo cáo theo nghĩa vụ"]
    assert tables["Diễn biến chỉ đạo"]["Quyết định"].to_list() == ["Kích hoạt", "Đổi cấp độ", "Kết thúc"]
    assert tables["Số liệu"].values.tolist() == [["Số người chết", 1.0, "người"], ["Số người mất tích", 2.0, "người"]]
    # 58 h from activation to closing: damage_6h slots 1..9 for two provinces (one answered late), ministry_daily 2
    assert tables["Báo cáo theo nghĩa vụ"].values.tolist() == [
        ["Báo cáo 6 giờ", 0, 1, 17, 0],
        ["Báo cáo ngày của Bộ", 0, 0, 2, 0],
    ]
    # on 22/09: evacuate ×2 (21/09) and forecast (20/09) overdue; roads (from 20/09 15:00 + 48 h = 22/09) not started
    assert dict(tables["Nhiệm vụ"].values.tolist()) == {
        "Hoàn thành đúng hạn": 0,
        "Hoàn thành quá hạn": 0,
        "Quá hạn chưa hoàn thành": 3,
        "Đang thực hiện": 0,
        "Chưa thực hiện": 1,
    }
    book = pd.read_excel(io.BytesIO(to_xlsx(tables)), sheet_name=None, engine="openpyxl")
    assert list(book) == list(tables) and book["Báo cáo theo nghĩa vụ"].iloc[0, 3] == 17
    page = to_html(sit, BOOK, tables, "vi")
    assert page.startswith("<!DOCTYPE html>") and "Báo cáo sau ứng phó: Bão thử" in page and "<td>17</td>" in page


def _cli(url: str, *args: str) -> tuple[int, str, str]:
    import contextlib
    import os

    from connectors.__main__ import main
    from warehouse.db import reset_shared

    out, err = io.StringIO(), io.StringIO()
    before = os.environ.get("DIEUHANH_DB")
    os.environ["DIEUHANH_DB"] = url
    reset_shared()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.environ.pop("DIEUHANH_DB") if before is None else os.environ.update(DIEUHANH_DB=before)
        reset_shared()
    return code, out.getvalue(), err.getvalue()


def test_the_cli_activates_reports_and_refuses_mistakes_with_their_exit_codes(tmp_path):
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    direction.build(url).close()
    books = str(TINY_DIR)
    at = ("--at", "2025-09-20T06:00", "--scenarios", books)
    code, out, _ = _cli(url, "activate", "tiny_storm", "--areas", "33,01", "--level", "3", "--who", "PTT", *at)
    assert (code, out.splitlines()[1]) == (0, f"{RUN}: level 3; 3 tasks (151/CĐ-TTg)")
    code, _, err = _cli(url, "activate", "tiny_storm", "--areas", "33", "--level", "3", "--persona", "hungyen", *at)
    assert code == 3 and "only a leader" in err
    code, _, err = _cli(url, "level", RUN, "--level", "9", *at)
    assert code == 1 and "tiny_storm has no level 9 (levels: 3, 4, 5)" in err
    code, _, err = _cli(url, "close", RUN, "--at", "20/09/2025 6h")
    assert code == 2 and "--at '20/09/2025 6h': use 2025-09-20T06:00" in err
    code, out, _ = _cli(
        url, "reading", "tiny_storm", "--indicator", "wind_beaufort", "--value", "7", "--areas", "38", *at
    )
    assert code == 0 and "below every trigger" in out
    code, out, _ = _cli(
        url,
        "report",
        RUN,
        "--duty",
        "damage_6h",
        "--reporter",
        "01",
        "--figure",
        "deaths=1",
        "--figure",
        "missing=0,5",
        "--at",
        "2025-09-20T13:30",
        "--scenarios",
        books,
    )
    assert (code, out.splitlines()[1]) == (0, f"{RUN} damage_6h 01: slot 1, due 2025-09-20 12:00, late")
    code, _, err = _cli(url, "activate", "no_such", "--areas", "33", "--level", "3", *at)
    assert code == 2 and "unknown scenario 'no_such'; valid choices: tiny_storm" in err
