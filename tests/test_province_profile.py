"""A province runs the same software (issue 15): DIEUHANH_PROFILE=province:33 is Hưng Yên's deployment — its
departments, communes and wards of July 2025, its indicators, personas and tasks — chosen by configuration only.

Scope one level down on a hand-made warehouse (the product's reference tables under the province profile and a few
figures whose values are written here): a commune's staff see their commune, a department its own indicators, the
province's leaders the whole province, claims of another province exit 3. Then the app itself on the seeded
province warehouse: AppTest renders of the overview, the communes and departments, the tasks and the targets, and
one real `streamlit run` opened in Chromium."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from semantic.profile import PROFILE_ENV, ProfileError, active, load_profile
from tests.streamlit_support import streamlit_app

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = {PROFILE_ENV: "province:33"}
PHO_HIEN, TAN_HUNG, BA_DINH = "11953", "11977", "00004"  # two wards/communes of Hưng Yên, one of Hà Nội
FIGURES = (
    "indicator_code,area_code,period,value\n"
    f"HY_COMMUNE_BUDGET_REV,{PHO_HIEN},2025-11,10.5\n"
    f"HY_COMMUNE_BUDGET_REV,{TAN_HUNG},2025-11,20\n"
    "HY_BUDGET_REV,33,2025-11,100\n"
    "HY_RETAIL,33,2025-11,200\n"
    "PUBINV_DISB,33,2025-11,300\n"
    "PUBINV_DISB,01,2025-11,999\n"
)


@contextlib.contextmanager
def profile(name: str | None) -> Iterator[None]:
    before = os.environ.get(PROFILE_ENV)
    if name is None:
        os.environ.pop(PROFILE_ENV, None)
    else:
        os.environ[PROFILE_ENV] = name
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(PROFILE_ENV, None)
        else:
            os.environ[PROFILE_ENV] = before


def run(args: list[str], db_url: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != PROFILE_ENV} | {"DIEUHANH_DB": db_url} | (extra or {})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


# -- the profile ---------------------------------------------------------------------------------------------------


def test_the_profile_is_chosen_by_the_environment_and_national_by_default():
    with profile(None):
        assert active().id == "national" and active().home_area == "VN" and not active().departments
    with profile("province:33"):
        hy = active()
    assert (hy.home_area, hy.title_vi, hy.committee) == ("33", "Điều hành số tỉnh Hưng Yên", "UBND-33")
    names = {d.name_vi for d in hy.departments}
    assert {"Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Công an tỉnh"} <= names
    assert set(hy.personas) == {"chutich", "sotc", "phohien", "admin", "none"}


@pytest.mark.parametrize("value", ["province:34", "province:99", "provincial", "province:3", "../national"])
def test_a_profile_that_does_not_exist_is_named_with_the_valid_ones(value):
    with pytest.raises(ProfileError) as err:
        load_profile(value)
    assert repr(value) in err.value.message_en and "national, province:33" in err.value.message_en


def test_home_province_33_is_hung_yen_after_it_absorbed_thai_binh():
    from connectors.seed.reference import PROVINCE_MAPPING, areas, read_csv

    merged = {r["old_code"]: r["new_code"] for r in read_csv(PROVINCE_MAPPING)}
    assert merged["34"] == "33" and merged["33"] == "33"  # Thái Bình joined Hưng Yên on 1 July 2025
    frame = areas()
    communes = frame[(frame["level"] == "commune") & (frame["parent_code"] == "33")]
    assert len(communes) == 104  # the communes and wards of Hưng Yên in data/admin (July 2025)
    assert frame.loc[frame["code"] == PHO_HIEN, "name_vi"].item() == "Phường Phố Hiến"


def test_the_committee_s_document_numbers_are_tasks_only_in_the_province_s_deployment():
    from connectors.tasks.task_rules import _number_form

    for issuer, ok in ((None, False), ("UBND", True)):
        pattern, forms = _number_form(issuer)
        assert bool(pattern.match("12/QĐ-UBND")) is ok and bool(pattern.match("1234/UBND-KT")) is ok
        assert pattern.match("05/CT-TTg")  # the Government's numbers stay valid: a province receives them too
    assert "12/QĐ-UBND" in forms


# -- scope one level down: the CLI on a hand-made warehouse ---------------------------------------------------------


@pytest.fixture(scope="module")
def hy_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("hungyen")
    url = f"duckdb://{folder / 'hy.duckdb'}"
    built = run(["-c", f"from tests.api_support import build_reference_warehouse as b; b({url!r})"], url, PROVINCE)
    assert built.returncode == 0, built.stderr
    (folder / "figures.csv").write_text(FIGURES, encoding="utf-8")
    loaded = run(["-m", "connectors", "load", str(folder / "figures.csv"), "--source", "HY-TK"], url, PROVINCE)
    assert loaded.returncode == 0, loaded.stderr
    return url


def query(url: str, tmp_path: Path, claims: dict, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(claims), encoding="utf-8")
    spec = ["--from", "2025-11", "--to", "2025-11", "--claims", str(path), "--format", "csv"]
    return run(["-m", "semantic", "query", *args, *spec], url, PROVINCE)


def values(done: subprocess.CompletedProcess[str]) -> list[tuple[str, float]]:
    assert done.returncode == 0, done.stderr
    return sorted((r["area_code"], float(r["value"])) for r in csv.DictReader(io.StringIO(done.stdout)))


COMMUNE = {"roles": ["commune_staff"], "commune": PHO_HIEN}
DEPARTMENT = {"roles": ["department_staff"], "agency": "HY-STC"}
LEADER = {"roles": ["province_leader"], "province": "33"}


def test_a_commune_s_staff_see_only_their_commune(hy_url, tmp_path):
    got = query(hy_url, tmp_path, COMMUNE, "--indicator", "HY_COMMUNE_BUDGET_REV")
    assert values(got) == [(PHO_HIEN, 10.5)]
    # asking for the neighbour or the province by name changes nothing: not theirs
    asked = query(hy_url, tmp_path, COMMUNE, "--indicator", "HY_COMMUNE_BUDGET_REV", "--area", f"{TAN_HUNG},33")
    assert values(asked) == []
    assert values(query(hy_url, tmp_path, COMMUNE, "--indicator", "HY_BUDGET_REV,PUBINV_DISB")) == []


def test_a_department_sees_its_own_indicators_and_not_another_department_s(hy_url, tmp_path):
    assert values(query(hy_url, tmp_path, DEPARTMENT, "--indicator", "HY_BUDGET_REV")) == [("33", 100.0)]
    assert values(query(hy_url, tmp_path, DEPARTMENT, "--indicator", "HY_RETAIL")) == []  # Sở Công Thương's


def test_the_province_s_leaders_see_the_whole_province_and_no_other(hy_url, tmp_path):
    got = query(hy_url, tmp_path, LEADER, "--indicator", "HY_COMMUNE_BUDGET_REV,PUBINV_DISB")
    assert values(got) == [(PHO_HIEN, 10.5), (TAN_HUNG, 20.0), ("33", 300.0)]  # Hà Nội's 999 withheld


@pytest.mark.parametrize(
    "claims",
    [
        {**COMMUNE, "commune": BA_DINH},  # a ward of Hà Nội
        {**COMMUNE, "province": "01"},  # their commune, but claims of another province
        {**DEPARTMENT, "province": "01"},
        {**DEPARTMENT, "agency": "MOF"},  # a ministry is no department of this province
        {"roles": ["province_leader"], "province": "01"},
        {"roles": ["province_staff"], "province": PHO_HIEN},  # a commune is not a province
    ],
)
def test_claims_of_another_province_exit_3_and_say_which_claim(hy_url, tmp_path, claims):
    done = query(hy_url, tmp_path, claims, "--indicator", "HY_COMMUNE_BUDGET_REV")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "không" in done.stderr and done.stdout == ""


def test_the_pre_2025_communes_count_in_their_commune_of_2025_and_split_ones_are_withheld(hy_url):
    import math

    import pandas as pd

    from warehouse.db import Warehouse
    from warehouse.schema import table

    wh = Warehouse(hy_url)
    try:
        amap = wh.execute(table("area_map"))
    finally:
        wh.close()
    old = amap[pd.to_datetime(amap["valid_to"]) == pd.Timestamp("2025-07-01")]
    communes = old[old["province_2025"] == "33"]
    assert communes["src_code"].nunique() == 381 + 2  # the old communes, and old Hưng Yên and Thái Bình
    an_tao = communes[communes["src_code"] == "11956"]  # Phường An Tảo, whole into Phường Phố Hiến
    assert list(zip(an_tao["dst_code"], an_tao["weight"], strict=True)) == [(PHO_HIEN, 1.0)]
    lac_dao = communes[communes["src_code"] == "11989"]  # Xã Lạc Đạo, split between Lạc Đạo and Đại Đồng
    assert sorted(lac_dao["dst_code"]) == ["11992", "11995"] and all(math.isnan(w) for w in lac_dao["weight"])


def test_the_areas_listed_to_a_caller_are_the_province_s_communes_scoped_like_the_pages(hy_url):
    from datetime import date

    from semantic.areas import units_on, visible
    from semantic.scope import Scope
    from warehouse.db import Warehouse

    leader = Scope(frozenset({"province_leader"}), None, frozenset({"33"}), True, False)
    staff = Scope(frozenset({"commune_staff"}), None, frozenset({PHO_HIEN}), False, True)
    wh = Warehouse(hy_url)
    try:
        with profile("province:33"):  # what GET /api/v1/areas returns: visible(units_on(...), scope)
            units = visible(units_on(wh, date(2025, 12, 1)), leader)
            mine = visible(units_on(wh, date(2025, 12, 1)), staff)
            before = visible(units_on(wh, date(2024, 12, 1)), leader)
    finally:
        wh.close()
    communes = units[units["level"] == "commune"]
    assert len(communes) == 104 and set(communes["parent_code"]) == {"33"}
    assert list(units["code"][:2]) == ["33", "VN"] and units["parent_code"][0] is None
    assert list(mine["code"]) == [PHO_HIEN]
    # before the merger: the 381 communes of old Hưng Yên and Thái Bình that count in the province today
    assert (before["level"] == "commune").sum() == 381


# -- the app on the seeded province warehouse -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb://{tmp_path_factory.mktemp('hy-seed') / 'warehouse.duckdb'}"
    done = run(["-m", "connectors", "seed"], url, PROVINCE)
    assert done.returncode == 0, done.stderr
    return url


def open_page(url: str, persona: str, page: str | None = None):  # noqa: ANN201 - an AppTest
    from streamlit.testing.v1 import AppTest

    from tests.monitoring_support import using

    with profile("province:33"), using(url):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params["persona"] = persona
        at.run()
        if page:
            at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.slow
def test_the_overview_is_hung_yen_s_with_its_own_indicators_flagged_demo(seeded):
    at = open_page(seeded, "chutich")
    assert at.title[0].value == "Tổng quan kinh tế – xã hội — Điều hành số tỉnh Hưng Yên"
    assert at.sidebar.selectbox(key="area").value == "33"
    labels = " ".join(m.value for m in at.markdown)
    assert "**Thu ngân sách nhà nước trên địa bàn tỉnh** :orange-badge[dữ liệu minh họa]" in labels
    # the province's 2025 targets, demo, assessed against its own figures
    assert "Kim ngạch xuất khẩu của tỉnh (minh họa" in labels


@pytest.mark.slow
def test_communes_are_ranked_and_departments_listed(seeded):
    at = open_page(seeded, "chutich", "pages/communes.py")
    ranked = at.dataframe[0].value
    assert len(ranked) == 104 and [str(r) for r in ranked["Hạng"]][:3] == ["1", "2", "3"]
    values = [float(v.replace(".", "").replace(",", ".")) if isinstance(v, str) else v for v in ranked["Giá trị"]]
    assert values == sorted(values, reverse=True)
    assert "geoBoundaries" in at.info[0].value  # no commune map, and it says why
    departments = at.dataframe[1].value
    assert "Sở Tài chính" in set(departments["Cơ quan"]) and len(departments) == 15


@pytest.mark.slow
def test_tasks_of_the_committee_reach_departments_and_communes_and_a_commune_sees_its_own(seeded):
    at = open_page(seeded, "chutich", "pages/tasks.py")
    shown = " ".join(str(df.value.to_csv()) for df in at.dataframe)
    assert "140/TB-UBND" in shown and "Sở Tài chính" in shown
    commune = open_page(seeded, "phohien", "pages/tasks.py")
    seen = " ".join(str(df.value.to_csv()) for df in commune.dataframe)
    assert "Sở Tài chính" not in seen  # a department's task is not the ward's


@pytest.mark.slow
def test_the_province_s_key_projects_are_its_departments_and_flagged_demo(seeded):
    at = open_page(seeded, "chutich", "pages/programs.py")
    projects = at.dataframe[1].value
    mine = projects[projects["Dự án"].str.endswith("(minh họa)")]
    assert dict(zip(mine["Dự án"], mine["Cơ quan"], strict=True)) == {
        "Tuyến đường bộ kết nối trọng điểm của tỉnh (minh họa)": "Sở Xây dựng",
        "Hạ tầng khu công nghiệp mới của tỉnh (minh họa)": "Ban Quản lý các khu công nghiệp tỉnh",
        "Mở rộng bệnh viện đa khoa tỉnh (minh họa)": "Sở Y tế",
    }


@pytest.mark.slow
def test_streamlit_run_serves_hung_yen_s_overview(seeded, tmp_path):
    with streamlit_app(tmp_path, {"DIEUHANH_DB": seeded, **PROVINCE}) as base:
        from playwright.sync_api import sync_playwright

        from tests.e2e.test_pages_browser import CHROMIUM, FLAGS

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            page = browser.new_page()
            page.goto(f"{base}/?persona=chutich", wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=180_000)
            page.get_by_text("Điều hành số tỉnh Hưng Yên").first.wait_for(timeout=60_000)
            body = page.inner_text("body")
            browser.close()
        assert "Thu ngân sách nhà nước trên địa bàn tỉnh" in body and "Traceback" not in body
