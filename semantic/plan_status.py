"""The annual-plan status rule: actual vs target -> achieved | on_track | at_risk | off_track, as a pure function.

Which rule applies is read from the registry: a flow whose target is an amount (a budget estimate, a disbursement
plan) is judged by year-to-date pacing; anything else (a growth rate, a price index, a share) by its latest value
against the target's bounds. An indicator may name the base explicitly with a `threshold` or `pacing` warning rule
`against: target` (e.g. CPI: `base: ytd_yoy`, the average of the months so far vs the same months last year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from semantic.registry import Indicator

Status = Literal["achieved", "on_track", "at_risk", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("achieved", "on_track", "at_risk", "off_track", "no_data")
Mode = Literal["pacing", "latest"]

#: latest-value rule: a miss of at most this many percentage points (targets in %) is "at risk", beyond it "off track"
POINTS_TOLERANCE = 0.5
#: ... and for targets in other units (USD per head, doctors per 10,000 people): at most this share of the bound
LEVEL_TOLERANCE = 0.05
#: pacing rule: a year-to-date share at least this fraction of the expected share is "at risk", below it "off track"
PACE_TOLERANCE = 0.90


@dataclass(frozen=True)
class PlanRule:
    mode: Mode
    base: str  # the observation base compared with the target: level | ytd | yoy | ytd_yoy
    direction: str  # higher_better | lower_better | neutral


@dataclass(frozen=True)
class Target:
    comparator: str  # about | range | below | above | at_least
    low: float | None
    high: float | None
    unit: str = ""

    def tolerance(self, bound: float) -> float:
        """How far the latest value may miss `bound` and still be only "at risk"."""
        unit = self.unit.strip().lower()
        if unit.startswith("%") or "percentage point" in unit or unit.startswith("điểm phần trăm"):
            return POINTS_TOLERANCE
        return LEVEL_TOLERANCE * abs(bound)


def rule_for(ind: Indicator, target_unit: str) -> PlanRule:
    """The registry decides: an explicit `against: target` warning rule first, then the indicator's kind."""
    for w in ind.warnings:
        if w.against == "target" and w.kind in ("pacing", "threshold"):
            return PlanRule("pacing" if w.kind == "pacing" else "latest", w.base, ind.direction)
    percent_target = target_unit.strip().startswith("%") and ind.unit.strip() != "%"
    if ind.kind == "flow" and ind.time_agg == "sum":
        # a growth target for a flow ("exports +12 %") is a rate of the year to date; an amount is paced
        if percent_target:
            return PlanRule("latest", "ytd_yoy", ind.direction)
        return PlanRule("pacing", "ytd", ind.direction)
    if ind.kind == "index" or percent_target:
        return PlanRule("latest", "ytd_yoy" if ind.frequency in ("M", "Q") else "yoy", ind.direction)
    return PlanRule("latest", "level", ind.direction)


def in_force(versions: list[tuple[date, object]], on: date) -> object | None:
    """The version whose document date is the latest on or before `on` (None when none was issued yet)."""
    issued = [v for v in versions if v[0] <= on]
    return max(issued, key=lambda v: v[0])[1] if issued else None


def _goal(target: Target, direction: str) -> tuple[float | None, float | None]:
    """(lower bound, upper bound) the actual must respect; a bound is None when it does not apply."""
    low, high = target.low, target.high
    c = target.comparator
    if c in ("at_least", "above"):
        return low, None
    if c == "below":
        return None, high
    point_low = low if low is not None else high
    point_high = high if high is not None else low
    if direction == "higher_better":
        return point_low, None
    if direction == "lower_better":
        return None, point_high
    return point_low, point_high


def latest_status(target: Target, actual: float | None, direction: str, final: bool) -> Status:
    """Rates and indices: the latest value against the target's bounds."""
    if actual is None:
        return "no_data"
    lo, hi = _goal(target, direction)
    miss = max(0.0, (lo - actual) if lo is not None else 0.0, (actual - hi) if hi is not None else 0.0)
    if miss == 0:
        return "achieved" if final else "on_track"
    if final:
        return "off_track"
    bound = lo if lo is not None and actual < lo else (hi if hi is not None else 0.0)
    return "at_risk" if miss <= target.tolerance(bound) + 1e-9 else "off_track"


def pacing_status(target: Target, ytd: float | None, expected_share: float, direction: str, final: bool) -> Status:
    """Flows with an amount target: the year-to-date share of the target against the share expected by now
    (`expected_share`: elapsed share of the year, or last year's seasonal share when known)."""
    amount = target.low if target.low is not None else target.high
    if ytd is None or amount is None or amount == 0:
        return "no_data"
    share = ytd / amount
    expected = min(max(expected_share, 1e-9), 1.0)
    if direction == "lower_better":  # a ceiling (spending cap): exceeding it is the failure
        if share > 1:
            return "off_track"
        if final:
            return "achieved"
        pace = share / expected
        return "on_track" if pace <= 1 else ("at_risk" if pace <= 2 - PACE_TOLERANCE else "off_track")
    if share >= 1:
        return "achieved"
    if final:
        return "off_track"
    pace = share / expected
    return "on_track" if pace >= 1 else ("at_risk" if pace >= PACE_TOLERANCE else "off_track")


def status(rule: PlanRule, target: Target, actual: float | None, expected_share: float, final: bool) -> Status:
    if rule.mode == "pacing":
        return pacing_status(target, actual, expected_share, rule.direction, final)
    return latest_status(target, actual, rule.direction, final)


def elapsed_share(last_period: date, freq: str) -> float:
    """Share of the year covered by data up to the period starting `last_period` (M: months/12, Q: quarters/4)."""
    if freq == "M":
        return last_period.month / 12
    if freq == "Q":
        return ((last_period.month - 1) // 3 + 1) / 4
    if freq == "D":
        return last_period.timetuple().tm_yday / (366 if last_period.year % 4 == 0 else 365)
    return 1.0
