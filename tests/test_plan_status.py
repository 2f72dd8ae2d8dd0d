"""The annual-plan status rule (semantic/plan_status.py) and the target-version logic (semantic/plan.py), with
hand-computed cases: pacing for flows with an amount target, latest value against the bounds for rates."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from semantic.compile_indicators import OUTPUT
from semantic.plan import TARGET_DIMENSIONS, assess, in_force, versions
from semantic.plan_status import (
    PlanRule,
    Target,
    elapsed_share,
    latest_status,
    pacing_status,
    rule_for,
    status,
)
from semantic.registry import Indicator, Registry, WarningRule

pytestmark = pytest.mark.unit


def indicator(
    code: str, kind: str, unit: str, time_agg: str = "sum", freq: str = "M", direction: str = "neutral", **extra
) -> Indicator:
    return Indicator(
        code=code,
        name_vi=code,
        name_en=code,
        group="monthly",
        unit=unit,
        unit_en=unit,
        frequency=freq,
        kind=kind,
        time_agg=time_agg,
        space_agg="none" if kind != "flow" else "sum",
        direction=direction,
        owner="GSO",
        source="test",
        **extra,
    )


BUDGET = indicator("BUDGET_REV", "flow", "tỷ đồng", direction="higher_better")
SPEND = indicator("SPEND", "flow", "tỷ đồng", direction="lower_better")
CPI = indicator("CPI", "index", "%", time_agg="mean", direction="lower_better")
GDP = indicator("GDP", "flow", "tỷ đồng", freq="Q", direction="higher_better")
SHARE = indicator("SHARE", "rate", "%", time_agg="none", freq="Y", direction="higher_better")


def test_rule_is_read_from_the_registry():
    assert rule_for(BUDGET, "billion VND") == PlanRule("pacing", "ytd", "higher_better")
    # a growth target for a flow is judged on the growth of its year to date, not paced
    assert rule_for(GDP, "%") == PlanRule("latest", "ytd_yoy", "higher_better")
    assert rule_for(CPI, "%") == PlanRule("latest", "ytd_yoy", "lower_better")
    assert rule_for(SHARE, "%") == PlanRule("latest", "level", "higher_better")
    pinned = indicator(
        "GDP2",
        "flow",
        "tỷ đồng",
        freq="Q",
        direction="higher_better",
        warnings=(WarningRule(kind="threshold", base="yoy", against="target"),),
    )
    assert rule_for(pinned, "%") == PlanRule("latest", "yoy", "higher_better")


@pytest.mark.parametrize(
    ("ytd", "share", "final", "expected"),
    [
        (1_000, 0.5, False, "on_track"),  # half the amount at mid-year: on pace
        (950, 0.5, False, "at_risk"),  # 95 % of the pace: within the 10 % tolerance
        (899, 0.5, False, "off_track"),  # 89.9 % of the pace
        (2_000, 0.5, False, "achieved"),  # the whole amount already collected
        (1_999, 1.0, True, "off_track"),  # year over, amount missed
        (2_100, 1.0, True, "achieved"),
        (None, 0.5, False, "no_data"),
    ],
)
def test_pacing_for_an_amount(ytd, share, final, expected):
    target = Target("at_least", 2_000, None)
    assert pacing_status(target, ytd, share, "higher_better", final) == expected


def test_pacing_for_a_ceiling():
    cap = Target("below", None, 1_000)
    assert pacing_status(cap, 500, 0.5, "lower_better", False) == "on_track"
    assert pacing_status(cap, 540, 0.5, "lower_better", False) == "at_risk"  # 108 % of the pace
    assert pacing_status(cap, 600, 0.5, "lower_better", False) == "off_track"
    assert pacing_status(cap, 1_001, 0.9, "lower_better", False) == "off_track"
    assert pacing_status(cap, 990, 1.0, "lower_better", True) == "achieved"


@pytest.mark.parametrize(
    ("target", "actual", "direction", "final", "expected"),
    [
        (Target("below", None, 4.5, "%"), 3.27, "lower_better", False, "on_track"),  # CPI average below 4.5 %
        (Target("below", None, 4.5, "%"), 4.8, "lower_better", False, "at_risk"),  # 0.3 pp over: within 0.5 pp
        (Target("below", None, 4.5, "%"), 5.1, "lower_better", False, "off_track"),
        (Target("below", None, 4.5, "%"), 3.63, "lower_better", True, "achieved"),  # 2024's 3.63 %
        (Target("at_least", 8.0, None, "%"), 8.2, "higher_better", False, "on_track"),  # GDP >= 8 %
        (Target("at_least", 8.0, None, "%"), 7.6, "higher_better", False, "at_risk"),
        (Target("at_least", 8.0, None, "%"), 7.3, "higher_better", False, "off_track"),
        (Target("at_least", 8.0, None, "%"), 7.9, "higher_better", True, "off_track"),  # the year is over
        (Target("range", 6.0, 6.5, "%"), 7.09, "higher_better", True, "achieved"),  # 2024 GDP 7.09 % vs 6-6.5 %
        (Target("range", 25.0, 26.0, "%"), 25.5, "neutral", False, "on_track"),  # inside a neutral range
        (Target("range", 25.0, 26.0, "%"), 27.0, "neutral", False, "off_track"),  # 1 pp over the range
        (Target("about", 4900, 4900, "USD"), 4700, "higher_better", False, "at_risk"),  # 200 short of 245 (5 %)
        (Target("about", 4900, 4900, "USD"), 4600, "higher_better", False, "off_track"),
        (Target("about", 42.0, 42.0, "%"), None, "higher_better", False, "no_data"),
    ],
)
def test_latest_value_against_the_bounds(target, actual, direction, final, expected):
    assert latest_status(target, actual, direction, final) == expected


def test_status_dispatches_on_the_rule():
    assert status(PlanRule("pacing", "ytd", "higher_better"), Target("at_least", 100, None), 20, 2 / 12, False) == (
        "on_track"
    )
    assert status(PlanRule("latest", "level", "higher_better"), Target("at_least", 100, None), 20, 2 / 12, False) == (
        "off_track"
    )


def test_elapsed_share():
    assert elapsed_share(date(2025, 2, 1), "M") == pytest.approx(2 / 12)
    assert elapsed_share(date(2025, 7, 1), "Q") == pytest.approx(3 / 4)
    assert elapsed_share(date(2025, 1, 1), "Y") == 1.0


def _targets() -> pd.DataFrame:
    rows = [
        (2025, 1, "GDP", "VN", "GDP", "range", 6.5, 7.0, "%", "Nghị quyết 158/2024/QH15", date(2024, 11, 12)),
        (2025, 1, "GDP", "VN", "GDP", "at_least", 8.0, None, "%", "Nghị quyết 01/NQ-CP", date(2025, 1, 8)),
        (2025, 1, "GDP", "VN", "GDP", "range", 8.3, 8.5, "%", "Nghị quyết 226/NQ-CP", date(2025, 8, 5)),
        (
            2025,
            101,
            "BUDGET_REV",
            "VN",
            "Thu",
            "at_least",
            2_000.0,
            None,
            "billion VND",
            "Nghị quyết 01/NQ-CP",
            date(2025, 1, 8),
        ),
    ]
    cols = [c for c in TARGET_DIMENSIONS if c not in ("target_en", "source_url", "status")]
    frame = pd.DataFrame(rows, columns=cols)
    frame["target_en"] = frame["target_vi"]
    frame["source_url"] = None
    frame["status"] = "official"
    return frame


def test_version_in_force_is_the_latest_document_on_or_before_the_date():
    targets = _targets()
    assert in_force(targets, date(2024, 12, 31)).set_index("seq").loc[1, "low"] == 6.5
    assert in_force(targets, date(2025, 1, 8)).set_index("seq").loc[1, "low"] == 8.0
    assert in_force(targets, date(2025, 8, 4)).set_index("seq").loc[1, "low"] == 8.0
    assert in_force(targets, date(2025, 8, 5)).set_index("seq").loc[1, "low"] == 8.3
    assert in_force(targets, date(2024, 11, 11)).empty
    assert list(versions(targets, 2025, 1, "VN")["low"]) == [6.5, 8.0, 8.3]


def test_assess_judges_each_target_on_its_rule():
    registry = Registry({"GDP": GDP, "BUDGET_REV": BUDGET}, {"GDP": "t", "BUDGET_REV": "t"})
    current = in_force(_targets(), date(2025, 9, 30))
    actuals = pd.DataFrame(
        [
            ("GDP", "VN", None, None, "2025-04-01", "Q", "ytd_yoy", 7.52, "%", "official"),  # H1 growth
            ("GDP", "VN", None, None, "2025-01-01", "Q", "ytd_yoy", 6.93, "%", "official"),
            ("BUDGET_REV", "VN", None, None, "2025-08-01", "M", "ytd", 1_500.0, "tỷ đồng", "demo"),
        ],
        columns=[c for c in OUTPUT if c != "vintage"],  # the query path's columns
    )
    out = assess(current, actuals, registry, 2025).set_index("seq")
    # GDP: latest ytd_yoy 7.52 vs 8.3-8.5 (in force since 5 August): 0.78 pp short, beyond 0.5 pp -> off track
    assert out.loc[1, "actual"] == 7.52 and out.loc[1, "plan_status"] == "off_track"
    # budget: 1,500 of 2,000 after 8 months: share 0.75 vs expected 0.667 -> on track
    assert out.loc[101, "actual"] == 1_500.0 and out.loc[101, "plan_status"] == "on_track"
    assert out.loc[101, "actual_base"] == "ytd"
