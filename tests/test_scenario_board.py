"""The situation board and the Cảnh báo page (AppTest) on a copy of the direction warehouse with the storm playbook
activated for Hưng Yên (33) and Hà Nội (01) eight hours ago: Hưng Yên reported on time, Hà Nội not at all. A leader
sees both provinces, one report on time and one missing, and the warning; Hưng Yên's staff see only Hưng Yên (on
time, no warning); a ministry not party to the storm sees no run. A new report shows on the next run; a leader
activates from the page; closing freezes the board and offers the after-action report."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from connectors.tasks.scenario_reports import receive_report
from connectors.tasks.scenarios import activate, close
from semantic.playbook import default_playbooks, now_vn
from semantic.scope import Scope
from tests.direction_support import direction_copy, using
from warehouse.db import Warehouse
from warehouse.schema import table

ROOT = Path(__file__).resolve().parent.parent
BOOK = default_playbooks()["storm_flood"]
AT = now_vn() - timedelta(hours=8)
RUN = f"storm_flood-{AT:%Y%m%d%H%M}"
DAMAGE = {"deaths": 2, "missing": 1, "injured": 5, "houses_damaged": 120, "evacuated": 3400}


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    u = direction_copy(tmp_path_factory.mktemp("board"))
    wh = Warehouse(u)
    activate(wh, BOOK, ("33", "01"), AT, 3, "Phó Thủ tướng", scope=Scope.system())
    # an inspection of Hà Nội's key projects the day before (its weekly reports not yet due)
    activate(
        wh,
        default_playbooks()["key_project_inspection"],
        ("01",),
        AT - timedelta(days=1),
        1,
        "Phó Thủ tướng",
        scope=Scope.system(),
    )
    receive_report(
        wh, BOOK, RUN, "damage_6h", "33", AT + timedelta(hours=6, minutes=20), DAMAGE, "Hưng Yên", scope=Scope.system()
    )
    wh.close()
    with using(u):
        yield u


def board(persona: str, lang: str = "vi") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = persona
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/situation.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def test_a_leader_sees_every_province_and_the_missing_report(url):
    at = board("leader")
    assert at.selectbox(key="situation_run").value == RUN
    # header: missing 1 (Hà Nội's first 6-hour report); reports panel: on time 1, late 0, missing 1, due 0
    assert metric(at, "Chưa gửi") == ["1", "1"]
    assert metric(at, "Đúng hạn") == ["1"] and metric(at, "Muộn") == ["0"]
    reports = next(f for f in frames(at) if "Nghĩa vụ báo cáo" in f.columns)
    said = sorted(("Hà Nội" in r, st) for r, st in zip(reports["Đơn vị báo cáo"], reports["Tình trạng"], strict=True))
    assert said == [(False, "Đúng hạn"), (True, "Chưa gửi")]
    tasks = next(f for f in frames(at) if "Nội dung" in f.columns and "Thời hạn" in f.columns)
    # level 3 of the storm: sea_ban and evacuate for two provinces, forecast for MAE
    assert len(tasks) == 5
    assert any("Báo cáo nhanh thiệt hại" in m.value and "01 chưa gửi" in m.value for m in at.markdown)
    assert any(e.label == "Chỉ đạo (lãnh đạo)" for e in at.expander)


def test_the_board_speaks_english_from_the_catalog(url):
    at = board("leader", "en")
    assert at.title[0].value == "Situation board"
    assert metric(at, "Missing") == ["1", "1"] and metric(at, "On time") == ["1"]
    assert any("Quick damage report (every 6 h): 01 has not sent the report due" in m.value for m in at.markdown)


def test_province_staff_see_only_their_province(url):
    at = board("hungyen")
    assert at.selectbox(key="situation_run").value == RUN
    assert metric(at, "Chưa gửi") == ["0", "0"] and metric(at, "Đúng hạn") == ["1"]
    reports = next(f for f in frames(at) if "Nghĩa vụ báo cáo" in f.columns)
    assert len(reports) == 1 and list(reports["Tình trạng"]) == ["Đúng hạn"]
    tasks = next(f for f in frames(at) if "Nội dung" in f.columns and "Thời hạn" in f.columns)
    # sea_ban and evacuate for Hưng Yên only
    assert len(tasks) == 2 and tasks["Cơ quan được giao"].nunique() == 1
    assert not any(e.label == "Chỉ đạo (lãnh đạo)" for e in at.expander)
    assert not any(e.label == "Kích hoạt kịch bản" for e in at.expander)


def test_province_staff_send_their_report_from_the_board(url):
    at = board("hungyen")
    # Hưng Yên owes only its own 6-hour report; Hà Nội's and the ministry's are not offered
    assert at.selectbox(key="report_duty").options == ["Báo cáo nhanh thiệt hại (6 giờ/lần) — 33"]
    at.number_input(key="report_deaths").set_value(3)
    at.button(key="report_go").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the first slot is answered: this is slot 2 (its window opened 6 h after activation), due in 4 h: on time
    assert [s.value for s in at.success] == [
        f"Đã nhận báo cáo kỳ 2 (hạn {AT + timedelta(hours=12):%H:%M %d/%m/%Y}): Đúng hạn"
    ]
    wh = Warehouse(url)
    figs = wh.execute(table("scenario_figure").filter(lambda t: (t.run_id == RUN) & (t.slot == 2)))
    wh.close()
    assert dict(zip(figs["figure"], figs["value"], strict=True)) == {
        "deaths": 3.0,
        "missing": 0.0,
        "injured": 0.0,
        "houses_damaged": 0.0,
        "evacuated": 0.0,
    }


def test_the_inspection_board_shows_the_projects_panel(url):
    at = board("leader")
    assert any("công trình, dự án trọng điểm" in o for o in at.selectbox(key="situation_run").options)
    at.selectbox(key="situation_run").set_value(f"key_project_inspection-{AT - timedelta(days=1):%Y%m%d%H%M}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    heads = [h.value for h in at.subheader]
    assert "Tiến độ dự án" in heads and heads.index("Tiến độ dự án") > heads.index("Nhật ký chỉ đạo")
    assert any(m.value.startswith("**Nhiệm vụ của lần kiểm tra trước chưa hoàn thành** (0)") for m in at.markdown)


def test_a_ministry_not_party_to_it_sees_no_run(url):
    at = board("mof")
    assert any("Chưa có kịch bản" in i.value for i in at.info)


def test_the_warnings_page_lists_the_missing_report(url):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "leader"
    at.run()
    at.switch_page("pages/warnings.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Báo cáo tình huống muộn (1)") for s in at.subheader)


def test_a_new_report_shows_on_the_next_run_and_closing_freezes_the_board(url):
    at = board("leader")
    wh = Warehouse(url)
    receive_report(
        wh, BOOK, RUN, "damage_6h", "01", now_vn() - timedelta(minutes=5), DAMAGE, "Hà Nội", scope=Scope.system()
    )
    time.sleep(6)  # the app looks at the data version at most every 5 s (pages/ui._version)
    at.run()  # what the fragment's timer does every REFRESH_SECONDS
    assert metric(at, "Muộn") == ["1"] and metric(at, "Chưa gửi") == ["0", "0"]
    close(wh, RUN, now_vn(), "Phó Thủ tướng", scope=Scope.system())
    wh.close()
    time.sleep(6)
    at = board("leader")
    assert any("Bảng đã khóa" in i.value for i in at.info)
    assert [b.label for b in at.get("download_button")][-2:] == ["Tải báo cáo (XLSX)", "Tải bản in (HTML)"]


def test_a_leader_activates_from_the_page(url):
    at = board("leader")
    at.selectbox(key="direct_scenario").set_value("fire")
    at.run()
    at.multiselect(key="direct_areas_fire").set_value(["33"])
    at.selectbox(key="direct_level_fire").set_value(2)  # fire, level 2 for 33: fight (33) and police (MPS)
    at.button(key="direct_go").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Đã kích hoạt fire-") and "2 nhiệm vụ" in s.value for s in at.success), [
        s.value for s in at.success
    ]
    wh = Warehouse(url)
    runs = wh.execute(table("scenario_run").filter(lambda t: t.scenario == "fire"))
    wh.close()
    assert list(runs["areas"]) == ["33"] and list(runs["level"]) == [2]
