"""AppTest behaviour tests of the monitoring pages on the real warehouse: each page renders for each demo persona,
what it shows equals the CLI's answer for the same spec and persona, and scoped personas see only their scope."""

from __future__ import annotations

import json
import urllib.parse
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pages import present, province_map
from semantic import extract, fmt, hotset
from semantic.model import default_model
from semantic.periods import parse_period
from semantic.share import spec_param
from semantic.spec import QuerySpec
from tests.monitoring_support import PERSONAS, cli, real_warehouse_url, using
from warehouse import audit, fastsql
from warehouse.db import shared
from warehouse.schema import table

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "daily": ("pages/daily.py", "Diễn biến hằng ngày"),
    "monthly": ("pages/monthly.py", "Tình hình kinh tế – xã hội hằng tháng"),
    "plan": ("pages/plan.py", "Kế hoạch năm: mục tiêu và thực hiện"),
    "provinces": ("pages/provinces.py", "Bản đồ tỉnh, thành phố"),
    "explore": ("pages/explore.py", "Khám phá dữ liệu"),
}
ACTIVE = tuple(p for p in PERSONAS if p != "none")
REGISTRY = default_model().registry
MONTHLY = [i.code for i in REGISTRY if i.group == "monthly" and i.frequency == "M"]
DAILY = sorted(i.code for i in REGISTRY if i.group == "daily" and i.frequency == "D")


@pytest.fixture(scope="module", autouse=True)
def real():
    with using(real_warehouse_url()):
        yield


def open_page(page: str, persona: str, query: dict[str, str] | None = None, **sidebar: str) -> AppTest:
    """The page as `persona` sees it, the sidebar set as given; the area is the country unless given (a province's
    staff land on their own province: test_a_province_s_staff_land_on_their_province)."""
    if persona != "none":
        sidebar = {"area": "VN", **sidebar}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = persona
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGES[page][0])
    at.run()
    for key, value in sidebar.items():
        widget = at.sidebar.radio(key=key) if key == "boundaries" else at.sidebar.selectbox(key=key)
        widget.set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def vi_float(text: str) -> float:
    """A number as the page shows it ('1.234,5', '+2,91%') back to a float (the test reads what a person reads)."""
    return float(text.replace(".", "").replace(",", ".").rstrip("%"))


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["agency_code"].isna()] if "agency_code" in frame.columns else frame


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_for_every_persona(page, persona):
    at = open_page(page, persona)
    if persona == "none":
        # the frame's notice, or the query path's own refusal when the page is reached directly: never data
        assert at.error and all("chưa được cấp quyền xem dữ liệu" in e.value.lower() for e in at.error)
        assert not at.dataframe and not at.get("plotly_chart")
        return
    assert at.title[0].value == PAGES[page][1]
    assert not at.error, [e.value for e in at.error]
    assert at.dataframe or at.info  # data, or the Vietnamese empty state
    for df in at.dataframe:  # every table offers its CSV and Excel downloads
        assert df.value is not None
    if at.dataframe:
        labels = [b.proto.label for b in at.get("download_button")]
        assert "⬇ Tải CSV" in labels and "⬇ Tải Excel" in labels


def test_monthly_page_shows_cpi_for_february_2025_as_gso_published_it():
    at = open_page("monthly", "leader", period="2025-02")
    table = at.dataframe[0].value.set_index("Mã")
    assert table.loc["CPI", "So với cùng kỳ (%)"] == "+2,91%"
    text = "\n".join(m.value for m in at.markdown)
    assert "Chỉ số giá tiêu dùng (CPI) tháng 2/2025 tăng 2,91% so với cùng kỳ" in text


def test_overview_cards_show_gso_s_february_2025_changes_and_the_plan_status():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "leader"
    at.run()  # the overview is the default page
    at.sidebar.selectbox(key="area").set_value("VN").run()
    at.sidebar.selectbox(key="period").set_value("2025-02").run()
    assert not at.exception, [e.value for e in at.exception]
    cards = {(m.label, m.value): m.proto.delta for m in at.metric}
    # retail sales and exports as GSO published them for February 2025: the level, then the change on a year before
    assert cards[("Tháng 2/2025 · tỷ đồng", "561.673")] == "+9,43% so với cùng kỳ"
    assert cards[("Tháng 2/2025 · triệu USD", "31.109")] == "+25,67% so với cùng kỳ"
    assert cards[("Tháng 2/2025 · %", "+2,91%")] == ""  # CPI is itself a change: no second one
    badges = [m.value for m in at.markdown if m.value.startswith(":") and "So với kế hoạch" in m.value]
    assert badges and ":green-badge[So với kế hoạch: Đúng tiến độ]" in badges


@pytest.mark.parametrize("persona", ACTIVE)
def test_monthly_page_equals_the_cli_within_the_scope(persona):
    at = open_page("monthly", persona, period="2025-02")
    shown = at.dataframe[0].value.set_index("Mã") if at.dataframe else pd.DataFrame()
    columns = {"pop": "So với tháng trước (%)", "yoy": "So với cùng kỳ (%)", "ytd_yoy": "Lũy kế so với cùng kỳ (%)"}
    visible: set[str] = set()
    args = ("--indicator", ",".join(MONTHLY), "--area", "VN", "--from", "2025-02", "--to", "2025-02")
    for base in ("level", "pop", "yoy", "ytd", "ytd_yoy"):
        answer = totals(cli(*args, *(() if base == "level" else ("--compare", base)), persona=persona))
        visible |= set(answer["indicator_code"])
        if base in columns:
            expected = {r.indicator_code: fmt.percent(r.value, 2) for r in answer.itertuples()}
            got = {code: v for code, v in shown[columns[base]].items() if v != "–"} if len(shown) else {}
            assert got == expected, base
    assert set(shown.index) == visible  # the page shows exactly what the persona may see
    if persona in ("mof", "moc"):
        assert "CPI" not in visible  # a ministry sees its own indicators, not GSO's


@pytest.mark.parametrize("persona", ACTIVE)
def test_daily_page_equals_the_cli_within_the_scope(persona):
    at = open_page("daily", persona)
    start = (date.today() - timedelta(days=800)).isoformat()
    answer = totals(cli("--indicator", ",".join(DAILY), "--area", "VN", "--from", start, persona=persona))
    if answer.empty:
        assert at.info and not at.dataframe
        return
    latest = answer.sort_values("period").groupby("indicator_code").tail(1).set_index("indicator_code")
    table = at.dataframe[0].value.set_index("Mã")
    assert set(table.index) == set(latest.index)
    for code, row in latest.iterrows():  # in the reader's format: the indicator's decimals, dd/mm/yyyy
        assert table.loc[code, "Giá trị"] == fmt.number(row["value"], REGISTRY[code].decimals)
        assert table.loc[code, "Ngày"] == fmt.day(row["period"])
        series = answer[answer["indicator_code"] == code].sort_values("period")
        if len(series) > 1:  # the change since the observation before, from the CLI's own levels
            before = series["value"].iloc[-2]
            expected = (row["value"] / before - 1) * 100
            assert vi_float(table.loc[code, "so với phiên trước (%)"]) == pytest.approx(expected, abs=0.006)


@pytest.mark.parametrize("persona", ACTIVE)
def test_plan_page_shows_the_targets_in_scope_with_actuals_from_the_cli(persona):
    at = open_page("plan", persona)
    targets = cli(
        "--view",
        "plan_targets",
        "--measures",
        "targets",
        "--dimensions",
        "seq,area,document_date",
        "--filter",
        "year=2025",
        persona=persona,
    )
    today = min(date.today(), date(2025, 12, 31)).isoformat()
    expected = set() if targets.empty else set(targets[targets["document_date"].str[:10] <= today]["seq"])
    if not expected:
        assert not at.dataframe and at.info
        return
    table = at.dataframe[0].value
    assert set(table["#"]) == expected
    if "BUDGET_REV" in set(
        cli(
            "--view",
            "plan_targets",
            "--measures",
            "targets",
            "--dimensions",
            "indicator",
            "--filter",
            "year=2025",
            persona=persona,
        )["indicator"]
    ):
        ytd = totals(
            cli(
                "--indicator",
                "BUDGET_REV",
                "--area",
                "VN",
                "--from",
                "2025",
                "--to",
                "2025-12-31",
                "--compare",
                "ytd",
                "--as-of",
                date.today().isoformat(),
                persona=persona,
            )
        )
        last = ytd.sort_values("period").iloc[-1]
        row = table[table["Mục tiêu"].str.startswith("Thu ngân sách")].iloc[0]
        month = date.fromisoformat(last["period"] + "-01")
        assert row["Thực hiện"] == f"{fmt.number(last['value'], 0)} ({fmt.period(month, 'M')})"


def _map(at: AppTest) -> tuple[list[str], dict]:
    """(province codes drawn, the archipelagos trace) of the page's map figure."""
    data = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    return province_map.provinces(data), next(t for t in data if t.get("meta") == "archipelagos")


def test_choropleth_has_34_provinces_for_2025_and_63_as_was_with_the_archipelagos():
    at = open_page("provinces", "leader")
    at.selectbox(key="prov_code").set_value("PUBINV_DISB").run()
    drawn, islands = _map(at)
    assert len(drawn) == 34 and "33" in drawn and "34" not in drawn  # Thái Bình is part of Hưng Yên since 2025
    assert islands["text"] == ["Quần đảo Hoàng Sa (Việt Nam)", "Quần đảo Trường Sa (Việt Nam)"]
    assert (islands["y"], islands["x"]) == ([16.5, 10.0], [112.0, 114.0])

    at.sidebar.radio(key="boundaries").set_value("as-was").run()
    at.selectbox(key="prov_period_PUBINV_DISB_as-was").set_value(date(2024, 12, 1)).run()
    assert not at.exception
    drawn, islands = _map(at)
    assert len(drawn) == 63 and {"33", "34"} <= set(drawn)  # old Hưng Yên and old Thái Bình, as they were
    assert islands["text"] == ["Quần đảo Hoàng Sa (Việt Nam)", "Quần đảo Trường Sa (Việt Nam)"]
    answer = cli("--indicator", "PUBINV_DISB", "--from", "2024-12", "--to", "2024-12", "--boundaries", "as-was")
    answer = totals(answer[answer["area_code"] != "VN"]).set_index("area_code")
    ranking = at.dataframe[0].value.set_index("Mã")
    assert set(ranking.index) == set(answer.index) & set(drawn)
    for code, row in ranking.iterrows():
        assert row["Giá trị"] == fmt.number(answer.loc[code, "value"], REGISTRY["PUBINV_DISB"].decimals)


@pytest.mark.parametrize("persona", ACTIVE)
def test_provinces_ranking_equals_the_cli_within_the_scope(persona):
    at = open_page("provinces", persona)
    if not at.dataframe:
        assert at.info
        return
    code = at.selectbox(key="prov_code").value
    compare = at.selectbox(key=f"prov_compare_{code}").value
    period = next(s for s in at.selectbox if s.key.startswith("prov_period")).value
    key = {"M": f"{period:%Y-%m}", "Q": f"{period.year}-Q{(period.month - 1) // 3 + 1}"}.get(
        REGISTRY[code].frequency, str(period.year)
    )
    extra = ("--compare", compare) if compare else ()
    answer = totals(cli("--indicator", code, "--from", key, "--to", key, *extra, persona=persona))
    answer = answer[answer["area_code"] != "VN"].set_index("area_code")
    ranking = at.dataframe[0].value.set_index("Mã")
    assert set(ranking.index) == set(answer.index)
    if persona == "hungyen":
        assert set(ranking.index) <= {"33"}
    for area, row in ranking.iterrows():
        assert vi_float(row["Giá trị"]) == pytest.approx(
            answer.loc[area, "value"], abs=0.5 * 10 ** -REGISTRY[code].decimals
        )


#: CPI and IIP vs the same month a year before, for the country, July 2024 to February 2025 (16 rows), and the
#: CLI's arguments for the same query
YOY = QuerySpec(indicators=("CPI", "IIP"), areas=("VN",), compare="yoy", time_from="2024-07", time_to="2025-02")
YOY_ARGS = ("--indicator", "CPI,IIP", "--area", "VN", "--from", "2024-07", "--to", "2025-02", "--compare", "yoy")


@pytest.mark.parametrize("persona", ["analyst", "leader", "hungyen"])
def test_explore_runs_the_spec_in_the_link_and_shows_sql_only_to_analysts(persona, monkeypatch):
    spec = YOY
    executed: list[str] = []  # every SQL text the one query path sent to the warehouse while the page ran
    real_run = fastsql.run
    monkeypatch.setattr(fastsql, "run", lambda wh, sql, schema: executed.append(sql) or real_run(wh, sql, schema))
    at = open_page("explore", persona, query={"q": spec_param(spec)})
    assert at.query_params["q"] == spec_param(spec)  # the view stays in the link
    table = at.dataframe[0].value
    answer = cli(*YOY_ARGS, persona=persona)
    assert len(table) == len(answer) == 16
    # shown as a person reads it: names, periods by name, a percent change with 2 decimals and its own unit
    assert [vi_float(v) for v in table["Giá trị"]] == list(answer["value"].round(2))
    assert set(table["Chỉ tiêu"]) == {REGISTRY["CPI"].name_vi, REGISTRY["IIP"].name_vi}
    assert set(table["Địa bàn"]) == {"Việt Nam"} and set(table["Đơn vị"]) == {"%"}
    assert list(table["Kỳ"][:2]) == ["Tháng 7/2024", "Tháng 8/2024"]
    assert set(table["Cơ sở so sánh"]) == {"So với cùng kỳ"}
    assert not {"indicator_code", "area_code", "value", "period_start"} & set(table.columns)
    sql_shown = any(e.label == "Xem câu lệnh SQL" for e in at.expander)
    assert sql_shown == (persona == "analyst")
    if sql_shown:  # what Khám phá shows is the very text that ran, not a recompilation of its own
        shown = next(c.value for c in at.code if "?q=" not in c.value)  # not the link to copy
        assert shown.startswith("SELECT") and shown in executed, (len(shown), [len(x) for x in executed])


@pytest.mark.parametrize(
    "link",
    [
        {"view": "tasks", "measures": ["assigned"], "filters": [{"dimension": "nope", "values": ["x"]}]},
        {"indicators": ["CPI"], "filters": [{"dimension": "nope", "values": ["x"]}]},
        {"indicators": ["CPI"], "areas": [["01"]]},
        {"indicators": ["CPI"], "time_from": 2024},
        {"indicators": ["CPI"], "filters": [{"dimension": "area", "values": [{"a": 1}]}]},
        "[" * 5000,
    ],
    ids=["cube_filter", "indicator_filter", "nested_areas", "number_period", "nested_value", "deep"],
)
def test_a_tampered_link_shows_an_error_never_a_traceback(link):
    # the link is read once per session, on the page's first run: the error is read there (open_page would rerun
    # the page to set the sidebar, and the message belongs to the run that read the link)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "analyst"
    at.query_params["q"] = link if isinstance(link, str) else json.dumps(link)
    at.run()
    at.switch_page(PAGES["explore"][0])
    at.run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Đã có lỗi")


def test_no_page_shows_error_details_to_a_user():
    """The backstop behind validation: whatever slips through shows no traceback, server path or code."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] is False


def test_a_code_picked_in_the_filter_builder_stays_a_code():
    """Area 01 is province 01 (Hà Nội), not the number 1 that matches nothing; the value list shows it by name."""
    spec = QuerySpec(indicators=("PUBINV_DISB",), time_from="2024-12", time_to="2024-12")
    at = open_page("explore", "leader", query={"q": spec_param(spec)})
    at.multiselect(key="ex_fdims_observations").set_value(["area"]).run()
    values = at.multiselect(key="ex_fval_observations_area")
    assert "01" in values.options or "Thành phố Hà Nội" in values.options
    values.set_value(["01"]).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["Địa bàn"]) == ["Thành phố Hà Nội"] and list(table["Giá trị"]) == ["9.823"]
    assert json.loads(at.query_params["q"])["filters"] == [{"dimension": "area", "op": "in", "values": ["01"]}]


def test_explore_queries_a_cube_and_pivots_and_charts_it():
    at = open_page("explore", "analyst")
    at.selectbox(key="ex_view").set_value("plan_targets").run()
    at.selectbox(key="ex_from").set_value("").run()
    at.multiselect(key="ex_measures_plan_targets").set_value(["targets"]).run()
    at.multiselect(key="ex_dims_plan_targets").set_value(["year", "comparator"]).run()
    assert not at.exception and not at.error
    answer = cli(
        "--view", "plan_targets", "--measures", "targets", "--dimensions", "year,comparator", persona="analyst"
    )
    year, comparator, targets = (present.header(h, "vi", default_model()) for h in ("year", "comparator", "targets"))
    words = {"about": "Khoảng", "range": "Trong khoảng", "below": "Dưới", "above": "Trên", "at_least": "Ít nhất"}
    table = at.dataframe[0].value  # Vietnamese headers; a year without a thousands mark; counts as 1.234
    assert table.to_dict("records") == [
        {year: str(r.year), comparator: words[r.comparator], targets: fmt.number(r.targets, 0)}
        for r in answer.itertuples()
    ]
    assert json.loads(at.query_params["q"])["view"] == "plan_targets"
    at.segmented_control(key="ex_output").set_value("pivot").run()
    pivot = at.dataframe[0].value.set_index(year)
    for r in answer.itertuples():
        assert pivot.loc[str(r.year), words[r.comparator]] == fmt.number(r.targets, 0)  # a column per comparator
    # the pivot by year alone is the cube's own sum over comparators (the declared aggregation), not a first value
    at.multiselect(key="ex_pivot_cols").set_value([]).run()
    by_year = at.dataframe[0].value.set_index(year)
    for y, n in answer.groupby("year")["targets"].sum().items():
        assert by_year.loc[str(y), targets] == fmt.number(n, 0)
    at.segmented_control(key="ex_output").set_value("chart").run()
    assert not at.exception and len(at.get("plotly_chart")) == 1


def test_pages_show_their_empty_and_error_states_in_vietnamese():
    # no daily series is kept for a province: the empty state, not an error
    at = open_page("daily", "hungyen", area="33")
    assert [i.value for i in at.info] == ["Chưa có số liệu trong phạm vi được xem."]
    assert not at.error and not at.dataframe
    # a period mistyped in a link (the page's pickers offer only real ones): the error names it in Vietnamese
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "analyst"
    at.query_params["q"] = json.dumps({"indicators": ["CPI"], "time_from": "2025-13"})
    at.run()
    at.switch_page(PAGES["explore"][0])
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Đã có lỗi khi truy vấn dữ liệu: kỳ '2025-13' không hợp lệ; dùng dạng 2025, 2025-Q1, 2025-03 hoặc 2025-03-14"
    ]


def test_a_province_s_staff_land_on_their_province_and_a_leader_on_the_country():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "hungyen"
    at.run()
    assert at.sidebar.selectbox(key="area").value == "33"
    assert [m.label for m in at.metric][0].startswith("Tháng")  # the overview's cards are drawn, for Hưng Yên
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "leader"
    at.run()
    assert at.sidebar.selectbox(key="area").value == "VN"


def test_the_sidebar_area_scopes_the_monthly_page_to_a_province():
    at = open_page("monthly", "hungyen", period="2025-02", area="33")
    table = at.dataframe[0].value.set_index("Mã")
    args = ("--indicator", ",".join(MONTHLY), "--area", "33", "--from", "2025-02", "--to", "2025-02")
    levels = totals(cli(*args, persona="hungyen")).set_index("indicator_code")
    assert set(levels.index) <= set(table.index) and len(levels) >= 1
    for code, row in levels.iterrows():
        if REGISTRY[code].kind == "flow":
            assert table.loc[code, "Tháng báo cáo"] == fmt.number(row["value"], REGISTRY[code].decimals)
    # a province's staff cannot pick another province: the area list holds the country and their own province
    assert at.sidebar.selectbox(key="area").options == ["Việt Nam", "Tỉnh Hưng Yên (33)"]


def test_a_large_extract_says_how_many_rows_and_waits_for_the_reader(monkeypatch):
    monkeypatch.setattr(extract, "LARGE_ROWS", 10)  # the real threshold is 100,000 rows; the rule is the same
    spec = YOY
    at = open_page("explore", "analyst", query={"q": spec_param(spec)})
    assert [w.value for w in at.warning if "16 dòng" in w.value] == [
        "Tệp trích xuất có 16 dòng: tạo tệp có thể mất một lúc; Excel mở tối đa 1.048.576 dòng mỗi trang tính."
    ]
    assert not at.get("download_button")  # nothing is cut: the reader is asked, then gets every row
    at.checkbox(key="ex_table_go").check().run()
    assert [b.proto.label for b in at.get("download_button")] == ["⬇ Tải CSV", "⬇ Tải Excel"]


def test_plan_drill_by_province_equals_the_cli():
    at = open_page("plan", "leader")
    code = at.selectbox(key="plan_drill").value
    assert REGISTRY[code].breakdown != "agency"  # the 2025 plan's first drillable target is drilled by province
    drill = at.dataframe[-1].value.set_index("Mã")
    base = "ytd" if REGISTRY[code].kind == "flow" else None
    answer = cli("--indicator", code, "--from", "2025", "--to", "2025-12-31", "--as-of", date.today().isoformat(),
                 *(("--compare", base) if base else ()))  # fmt: skip
    answer = totals(answer[answer["area_code"] != "VN"]).sort_values("period").groupby("area_code").tail(1)
    assert set(drill.index) == set(answer["area_code"]) and len(drill) >= 30
    for r in answer.itertuples():
        assert drill.loc[r.area_code, "Giá trị"] == fmt.number(r.value, REGISTRY[code].decimals)


def test_forecasts_are_there_right_after_the_seed():
    """Dự báo on the seeded warehouse (what `streamlit run app.py` builds on a fresh clone): the shipped vintages,
    no request to run a command."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = "leader"
    at.run()
    at.switch_page("pages/forecast.py").run()
    assert not at.exception and not at.error
    assert not [i.value for i in at.info if "Chưa có dự báo" in i.value]
    assert at.multiselect[0].value == [("CPI", None)]
    names = [t.get("name") for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert "Dự báo" in names and "Dải 80 %" in names


def test_explore_filters_on_a_value_with_a_comma_picked_from_its_list():
    """'Dệt, may' (textiles and garments) is one export category: picked from the list, it filters as one value."""
    spec = QuerySpec(
        indicators=("EXPORTS",), dimensions=("category",), areas=("VN",), time_from="2025-01", time_to="2025-02"
    )
    at = open_page("explore", "analyst", query={"q": spec_param(spec)})
    at.multiselect(key="ex_fdims_observations").set_value(["category"]).run()
    values = at.multiselect(key="ex_fval_observations_category")
    assert "Dệt, may" in values.options and len(values.options) > 5
    values.set_value(["Dệt, may"]).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    every = cli("--indicator", "EXPORTS", "--dimensions", "category", "--area", "VN", "--from", "2025-01", "--to",
                "2025-02", persona="analyst")  # fmt: skip
    answer = every[every["category"] == "Dệt, may"]
    assert set(table["Phân loại"]) == {"Dệt, may"} and len(table) == len(answer) == 2
    assert [vi_float(v) for v in table["Giá trị"]] == list(answer["value"].round(REGISTRY["EXPORTS"].decimals))
    assert json.loads(at.query_params["q"])["filters"] == [
        {"dimension": "category", "op": "in", "values": ["Dệt, may"]}
    ]
    # a shared link with the filter reopens it in the builder
    again = open_page("explore", "analyst", query={"q": at.query_params["q"]})
    assert again.multiselect(key="ex_fval_observations_category").value == ["Dệt, may"]


def test_explore_pivots_indicators_by_period_and_never_shows_a_first_value():
    spec = YOY
    at = open_page("explore", "analyst", query={"q": spec_param(spec)})
    at.segmented_control(key="ex_output").set_value("pivot").run()
    pivot = at.dataframe[0].value.set_index("Kỳ")
    answer = cli(*YOY_ARGS, persona="analyst")
    assert list(pivot.index) == [fmt.period(date(2024, m, 1), "M") for m in range(7, 13)] + [
        "Tháng 1/2025",
        "Tháng 2/2025",
    ]
    for r in answer.itertuples():
        shown = pivot.loc[fmt.period(parse_period(r.period)[0], "M"), REGISTRY[r.indicator_code].name_vi]
        assert vi_float(shown) == round(r.value, 2)
    # rows x columns that leave the indicator varying: said, and no table of first values
    at.multiselect(key="ex_pivot_cols").set_value([]).run()
    assert not at.dataframe
    assert [w.value for w in at.warning if "chưa xác định duy nhất" in w.value][0].count("«Chỉ tiêu»") == 1


def test_explore_charts_each_series_in_period_order_with_vietnamese_axes():
    spec = YOY
    at = open_page("explore", "analyst", query={"q": spec_param(spec)})
    at.segmented_control(key="ex_output").set_value("chart").run()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    traces = figure["data"]
    assert sorted(t["name"] for t in traces) == sorted([REGISTRY["CPI"].name_vi, REGISTRY["IIP"].name_vi])
    for t in traces:
        assert t["x"] == sorted(t["x"]) and len(t["x"]) == 8  # one line per indicator, drawn in period order
    assert figure["layout"]["xaxis"]["title"]["text"] == "Kỳ"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Giá trị (%)"


def test_explore_offers_periods_by_name_and_a_link_to_copy():
    spec = QuerySpec(indicators=("GDP",), grain="quarter", time_from="2024-Q1", time_to="2025-Q2")
    at = open_page("explore", "analyst", query={"q": spec_param(spec)})
    picker = at.selectbox(key="ex_from")
    # quarters by name for a quarterly view (no months), the open end first
    assert picker.value == "2024-Q1" and picker.options[0] == "Từ đầu chuỗi"
    assert "Quý I/2024" in picker.options and "Quý IV/2025" in picker.options and "Tháng 3/2025" not in picker.options
    link = [c.value for c in at.code if "?q=" in c.value]
    assert len(link) == 1 and json.loads(urllib.parse.unquote(link[0].split("?q=", 1)[1])) == json.loads(
        spec_param(spec)
    )


def _page_queries_audited() -> int:
    """The audit trail's page queries so far (deferred rows written first)."""
    wh = shared()  # the app's own warehouse (DIEUHANH_DB)
    audit.flush(wh)
    t = table("audit")
    return int(wh.execute(t.filter(t.action == "query", t.what == "page").count()))


@pytest.mark.parametrize("page", ["pages/quality.py", "pages/overview.py", "pages/plan.py"])
def test_every_serving_of_a_cached_page_is_audited_like_the_first(page):
    """Chất lượng dữ liệu's report, the overview's warning badges and the year's plan assessment (Kế hoạch năm,
    Tổng quan) are computed inside st.cache_data: a second
    user with the same scope is served from the cache, and still leaves as many audit rows as the first did."""
    st.cache_data.clear()  # the first serving computes (a miss), the second is served from the cache (a hit)
    counts = [_page_queries_audited()]
    for _ in range(2):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params["persona"] = "hungyen"
        at.run()
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        counts.append(_page_queries_audited())
    first, second = counts[1] - counts[0], counts[2] - counts[1]
    assert first > 0 and second == first, counts


def _plan_table(persona: str) -> pd.DataFrame:
    at = open_page("plan", persona)
    return at.dataframe[0].value if at.dataframe else pd.DataFrame()


def test_the_shared_plan_assessment_never_serves_one_scope_another_s_targets():
    """Kế hoạch năm and Tổng quan share one cached assessment per (scope, day, data version), across sessions: a
    ministry's or a province's staff served right after the leader filled the cache see exactly what they see on a
    server whose cache is empty, never the leader's targets."""
    st.cache_data.clear()
    leader = _plan_table("leader")
    assert len(leader) > 0
    after = {p: _plan_table(p) for p in ("hungyen", "mof", "moc")}
    differs = 0
    for persona, shown in after.items():
        st.cache_data.clear()  # the persona alone, on an empty cache
        alone = _plan_table(persona)
        pd.testing.assert_frame_equal(shown.reset_index(drop=True), alone.reset_index(drop=True))
        differs += not shown.equals(leader)
    assert differs > 0  # at least one scope sees other targets than the leader: the test can tell them apart


def test_a_server_start_compiles_the_hot_set_and_only_for_each_scope(tmp_path, monkeypatch):
    """The hot set: the (spec, scope grant) pairs the pages compiled, written without rows or names, compiled again
    by the next server at its start (ui.warm_up's thread): a new user's first visit then pays no compile, and an
    entry compiles for its own grant only (the compile cache is keyed by scope)."""
    from pages import ui
    from semantic import compiled

    monkeypatch.setenv("DIEUHANH_AUDIT_DIR", str(tmp_path))
    monkeypatch.setattr(ui, "_hot_seen", set())
    st.cache_data.clear()
    compiled.clear()
    open_page("monthly", "hungyen")
    text = hotset.hot_path(shared().url).read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines and all(entry["scope"]["areas"] == ["33"] for entry in lines)  # Hưng Yên's grant, nobody else's
    assert "demo-hungyen" not in text and "Hưng Yên (demo)" not in text  # no name: the grant only
    compiled.clear()  # a fresh server ...
    assert ui._precompile_hot() == len(lines)  # ... compiles the hot set at its start
    st.cache_data.clear()
    before = compiled.stats.misses + compiled.stats.loaded
    open_page("monthly", "hungyen")
    assert compiled.stats.misses + compiled.stats.loaded == before  # every query of the visit was compiled already
    st.cache_data.clear()
    open_page("monthly", "mof")  # another grant: compiled (or read) for itself, never served Hưng Yên's SQL
    assert compiled.stats.misses + compiled.stats.loaded > before
