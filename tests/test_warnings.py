"""Warning rules fired and not fired on tiny hand-made tables (analytics/warnings.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.warnings import bounds, evaluate, target_in_force
from semantic.registry import Indicator, WarningRule

pytestmark = pytest.mark.unit


def _ind(code: str, rules: list[dict], **extra) -> Indicator:
    base = dict(
        code=code,
        name_vi=code,
        name_en=code,
        group="monthly",
        unit="%",
        unit_en="%",
        frequency="M",
        kind="rate",
        time_agg="mean",
        space_agg="none",
        owner="GSO",
        source="test",
        release_due_days=30,
    )
    base.update(extra)
    return Indicator(**base, warnings=tuple(WarningRule(**r) for r in rules))


CPI = _ind(
    "CPI",
    [{"kind": "threshold", "base": "ytd_yoy"}, {"kind": "forecast_breach", "base": "yoy"}, {"kind": "late_data"}],
    direction="lower_better",
    published=("yoy", "ytd_yoy"),
)
DISB = _ind(
    "DISB",
    [{"kind": "pacing", "base": "ytd", "below": 10}],
    unit="tỷ đồng",
    kind="flow",
    time_agg="sum",
    space_agg="sum",
)

# 2025's CPI target: "about 4.5 %" (Resolution 158, 2024-11-12), then "below 4.5 %" (Resolution 226, 2025-08-05)
TARGETS = pd.DataFrame(
    {
        "indicator_code": ["CPI", "CPI", "DISB"],
        "area_code": ["VN", "VN", "VN"],
        "year": [2025, 2025, 2025],
        "comparator": ["about", "below", "about"],
        "low": [4.5, None, 1200.0],
        "high": [4.5, 4.5, 1200.0],
        "document": ["NQ 158/2024/QH15", "NQ 226/NQ-CP", "Kế hoạch vốn 2025"],
        "document_date": pd.to_datetime(["2024-11-12", "2025-08-05", "2024-12-01"]),
    }
)


def _obs(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["indicator_code", "area_code", "period_start", "base", "value"])
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["category"] = None
    return frame


def _forecast(points: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(points, columns=["period_start", "mean", "lo80", "hi80"])
    frame["indicator_code"], frame["area_code"], frame["base"], frame["category"] = "CPI", "VN", "yoy", None
    frame["generated_at"] = pd.Timestamp("2025-03-10")
    return frame


def kinds(alerts) -> list[tuple[str, str]]:
    return [(a.kind, a.severity) for a in alerts]


def test_target_in_force_is_the_latest_document_on_or_before_the_day():
    assert target_in_force(TARGETS, "CPI", "VN", 2025, date(2025, 3, 1))["document"] == "NQ 158/2024/QH15"
    assert target_in_force(TARGETS, "CPI", "VN", 2025, date(2025, 9, 1))["document"] == "NQ 226/NQ-CP"
    assert target_in_force(TARGETS, "CPI", "VN", 2025, date(2024, 10, 1)) is None
    # "about 4.5" caps an indicator where lower is better
    assert bounds(target_in_force(TARGETS, "CPI", "VN", 2025, date(2025, 3, 1)), CPI) == (4.5, None)
    # a growth range floors an indicator where higher is better: beating its top is no warning
    gdp = _ind("GDP", [], direction="higher_better")
    growth = pd.Series({"comparator": "range", "low": 6.0, "high": 6.5})
    assert bounds(growth, gdp) == (None, 6.0)
    assert bounds(growth, _ind("X", [])) == (6.5, 6.0)


def test_threshold_fires_above_the_ceiling_only():
    over = _obs([("CPI", "VN", "2025-01-01", "ytd_yoy", 3.9), ("CPI", "VN", "2025-02-01", "ytd_yoy", 4.6)])
    alerts = evaluate([CPI], over, TARGETS, None, date(2025, 3, 10))
    assert kinds(alerts) == [("threshold", "high")]
    assert alerts[0].value == 4.6 and alerts[0].bound == 4.5
    assert "vượt trần" in alerts[0].message_vi and "NQ 158/2024/QH15" in alerts[0].message_vi
    # the latest month is what counts: 4.6 in January, back to 4.4 in February -> nothing
    under = _obs([("CPI", "VN", "2025-01-01", "ytd_yoy", 4.6), ("CPI", "VN", "2025-02-01", "ytd_yoy", 4.4)])
    assert evaluate([CPI], under, TARGETS, None, date(2025, 3, 10)) == []


def test_forecast_breach_band_vs_mean():
    obs = _obs([("CPI", "VN", "2025-02-01", "ytd_yoy", 3.0)])
    today = date(2025, 3, 10)
    # the band reaches 4.7 > 4.5 in May while the forecast itself stays below: a medium warning, dated May
    band_only = _forecast([("2025-03-01", 3.2, 2.8, 3.6), ("2025-04-01", 3.6, 2.9, 4.3), ("2025-05-01", 3.9, 3.1, 4.7)])
    alerts = evaluate([CPI], obs, TARGETS, band_only, today)
    assert kinds(alerts) == [("forecast_breach", "medium")]
    assert alerts[0].period == date(2025, 5, 1) and alerts[0].bound == 4.5
    assert "khoảng 80 %" in alerts[0].message_vi
    # the forecast itself above the ceiling: high
    mean_over = _forecast([("2025-03-01", 4.8, 4.2, 5.4)])
    assert kinds(evaluate([CPI], obs, TARGETS, mean_over, today)) == [("forecast_breach", "high")]
    # the whole band below the ceiling: nothing
    calm = _forecast([("2025-03-01", 3.2, 2.8, 3.6), ("2025-04-01", 3.3, 2.7, 4.1)])
    assert evaluate([CPI], obs, TARGETS, calm, today) == []


def test_forecast_breach_reads_only_the_latest_run():
    obs = _obs([("CPI", "VN", "2025-02-01", "ytd_yoy", 3.0)])
    old = _forecast([("2025-03-01", 4.8, 4.2, 5.4)])
    old["generated_at"] = pd.Timestamp("2025-02-10")
    new = _forecast([("2025-03-01", 3.2, 2.8, 3.6)])
    assert evaluate([CPI], obs, TARGETS, pd.concat([old, new]), date(2025, 3, 10)) == []


def test_pacing_behind_the_linear_path():
    # plan 1200 -> 100 a month on the linear path; at June the path is 50 %
    slow = _obs([("DISB", "VN", "2025-06-01", "ytd", 420.0)])  # 35 %: 15 points behind, more than the 10 allowed
    alerts = evaluate([DISB], slow, TARGETS, None, date(2025, 7, 5))
    assert kinds(alerts) == [("pacing", "medium")]
    assert alerts[0].value == pytest.approx(35.0) and alerts[0].bound == pytest.approx(50.0)
    very_slow = _obs([("DISB", "VN", "2025-06-01", "ytd", 180.0)])  # 15 %: 35 points behind -> high
    assert kinds(evaluate([DISB], very_slow, TARGETS, None, date(2025, 7, 5))) == [("pacing", "high")]
    on_track = _obs([("DISB", "VN", "2025-06-01", "ytd", 500.0)])  # 41.7 %: 8.3 points behind, within 10
    assert evaluate([DISB], on_track, TARGETS, None, date(2025, 7, 5)) == []


def test_pacing_from_monthly_levels_needs_every_month():
    months = [("DISB", "VN", f"2025-0{m}-01", "level", 50.0) for m in range(1, 7)]  # 300 = 25 %: 25 behind
    assert kinds(evaluate([DISB], _obs(months), TARGETS, None, date(2025, 7, 5))) == [("pacing", "high")]
    gap = _obs(months[:2] + months[3:])  # March missing: no judgement on a partial sum
    assert evaluate([DISB], gap, TARGETS, None, date(2025, 7, 5)) == []


def test_late_data_after_the_due_day():
    obs = _obs([("CPI", "VN", "2025-02-01", "yoy", 2.9)])
    # March is due 30 days after 31/03: 30/04/2025
    assert evaluate([CPI], obs, pd.DataFrame(), None, date(2025, 4, 30)) == []
    alerts = evaluate([CPI], obs, pd.DataFrame(), None, date(2025, 5, 3))
    assert kinds(alerts) == [("late_data", "medium")]
    assert alerts[0].period == date(2025, 3, 1) and alerts[0].value == 3
    assert "30/04/2025" in alerts[0].message_vi
    assert kinds(evaluate([CPI], obs, pd.DataFrame(), None, date(2025, 6, 15))) == [("late_data", "high")]


def test_no_target_no_threshold_warning():
    over = _obs([("CPI", "VN", "2024-02-01", "ytd_yoy", 9.9)])  # 2024 has no CPI target in this table
    assert [a for a in evaluate([CPI], over, TARGETS, None, date(2024, 3, 1)) if a.kind == "threshold"] == []


def test_a_province_deployment_warns_about_the_province_not_the_country():
    from pages.warning_badges import watched_areas
    from semantic.profile import load_profile
    from semantic.scope import Scope

    national, province = load_profile("national"), load_profile("province:33")
    leader = Scope(frozenset({"province_leader"}), None, frozenset({"33"}), True, False)
    commune = Scope(frozenset({"commune_staff"}), None, frozenset({"11953"}), True, True)
    admin = Scope(frozenset({"admin"}), None, None, True, True)
    # the national system: a province's staff watch their province and the country's published figures
    assert watched_areas(leader, "VN", national) == ("33", "VN")
    assert watched_areas(admin, "VN", national) == ("VN",)
    # Hưng Yên's system: the province's leaders watch the province, a commune's staff their commune, never VN
    assert watched_areas(leader, "VN", province) == ("33",)
    assert watched_areas(commune, "33", province) == ("11953",)
    assert watched_areas(admin, "VN", province) == ("33",)
    assert watched_areas(admin, "11953", province) == ("11953",)
