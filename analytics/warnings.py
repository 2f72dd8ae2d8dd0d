"""Early warnings: the registry's rules (threshold, pacing, forecast breach, late data) evaluated on tables."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import pandas as pd

from semantic import fmt
from semantic.registry import Indicator, WarningRule

SEVERITIES = ("high", "medium")
#: within a severity: a target at risk before a plan behind its pace before a late file (late_report: a scenario's
#: situation report late or missing, raised by analytics.scenario_status)
KINDS = ("threshold", "forecast_breach", "pacing", "late_data", "late_report")
#: comparators of the target table that bound from above / from below
_CEILING = ("below",)
_FLOOR = ("at_least", "above")
#: pacing: behind the plan's path by more than this many percentage points when the rule names none
PACING_TOLERANCE = 5.0


@dataclass(frozen=True)
class Alert:
    """One warning: what, where, when, how bad, against what, and a sentence in each language."""

    indicator_code: str
    area_code: str
    kind: str
    severity: str  # high | medium
    period: date | None
    value: float | None
    bound: float | None
    message_vi: str
    message_en: str
    document: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


# -- helpers ------------------------------------------------------------------------------------------------------


def _num(x: float | None, decimals: int = 1, lang: str = "vi") -> str:
    return "—" if x is None or pd.isna(x) else fmt.number(x, decimals, lang)


def _period(d: date, freq: str, lang: str) -> str:
    """The period inside a sentence: 'tháng 3/2025', 'quý I/2025', 'năm 2025' (fmt.period, lower case in vi)."""
    text = fmt.period(d, freq if freq in ("M", "Q") else "Y", lang)
    return text[0].lower() + text[1:] if lang == "vi" else text


def period_end(start: date, freq: str) -> date:
    months = {"M": 1, "Q": 3}.get(freq, 12)
    nxt = pd.Timestamp(start) + pd.DateOffset(months=months)
    return (nxt - pd.Timedelta(days=1)).date()


def next_period(start: date, freq: str) -> date:
    months = {"M": 1, "Q": 3}.get(freq, 12)
    return (pd.Timestamp(start) + pd.DateOffset(months=months)).date()


def target_in_force(targets: pd.DataFrame, code: str, area: str, year: int, on: date) -> pd.Series | None:
    """The target row for (indicator, area, year) whose document is the latest on or before `on`."""
    if targets is None or targets.empty:
        return None
    t = targets[(targets["indicator_code"] == code) & (targets["area_code"] == area) & (targets["year"] == year)]
    t = t[pd.to_datetime(t["document_date"]).dt.date <= on]
    if t.empty:
        return None
    return t.sort_values("document_date").iloc[-1]


def bounds(target: pd.Series, ind: Indicator) -> tuple[float | None, float | None]:
    """(ceiling, floor) a target sets: 'below' caps, 'at_least'/'above' floors; 'range' and 'about' bound on the side
    that hurts — a ceiling where lower is better (inflation 'about 4.5 %'), a floor where higher is better (GDP growth
    '6.0–6.5 %': 7 % is no warning); a neutral indicator's range bounds both sides, its 'about' neither."""
    comp = str(target["comparator"])
    low = None if pd.isna(target["low"]) else float(target["low"])
    high = None if pd.isna(target["high"]) else float(target["high"])
    if comp in _CEILING:
        return (high if high is not None else low), None
    if comp in _FLOOR:
        return None, (low if low is not None else high)
    if comp == "range":  # beating a range is no warning: only the side that hurts counts
        if ind.direction == "higher_better":
            return None, low
        if ind.direction == "lower_better":
            return high, None
        return high, low
    if comp == "about":
        if ind.direction == "lower_better":
            return (high if high is not None else low), None
        if ind.direction == "higher_better":
            return None, (low if low is not None else high)
    return None, None


def _series(obs: pd.DataFrame, code: str, base: str) -> pd.DataFrame:
    if obs is None or obs.empty:
        return obs
    rows = obs[(obs["indicator_code"] == code) & (obs["base"] == base)]
    if "category" in rows:
        rows = rows[rows["category"].isna()]
    return rows.assign(period_start=pd.to_datetime(rows["period_start"]).dt.date).sort_values("period_start")


def _say(custom: str, detail: str) -> str:
    """The rule's own words first (what it means), then the detail (which figure, against what)."""
    return f"{custom}: {detail}" if custom else detail


def _name(ind: Indicator, lang: str) -> str:
    return ind.name_vi if lang == "vi" else ind.name_en


# -- the rules ----------------------------------------------------------------------------------------------------


def threshold(ind: Indicator, rule: WarningRule, obs: pd.DataFrame, targets: pd.DataFrame, today: date) -> list[Alert]:
    """The latest value (of `rule.base`) beyond the year's target in force, or beyond a fixed bound."""
    out = []
    rows = _series(obs, ind.code, rule.base)
    for area, part in rows.groupby("area_code") if rows is not None and not rows.empty else []:
        last = part.iloc[-1]
        p, value = last["period_start"], float(last["value"])
        doc = ""
        if rule.against == "value":
            ceiling, floor = rule.above, rule.below
        else:
            target = target_in_force(targets, ind.code, area, p.year, today)
            if target is None:
                continue
            ceiling, floor = bounds(target, ind)
            doc = str(target.get("document", ""))
        crossed = (ceiling is not None and value > ceiling) or (floor is not None and value < floor)
        if not crossed:
            continue
        bound = ceiling if ceiling is not None and value > ceiling else floor
        cite = f" ({doc})" if doc else ""
        word_vi, word_en = (
            ("vượt trần", "above the ceiling") if bound == ceiling else ("dưới mức sàn", "below the floor")
        )
        pv, pe = _period(p, ind.frequency, "vi"), _period(p, ind.frequency, "en")
        out.append(
            Alert(
                ind.code,
                area,
                "threshold",
                "high",
                p,
                value,
                bound,
                _say(rule.message_vi, f"{_name(ind, 'vi')} {pv}: {_num(value, 2)} {word_vi} {_num(bound, 2)}{cite}"),
                _say(
                    rule.message_en,
                    f"{_name(ind, 'en')} {pe}: {_num(value, 2, 'en')} {word_en} {_num(bound, 2, 'en')}{cite}",
                ),
                doc,
            )
        )
    return out


def forecast_breach(
    ind: Indicator, rule: WarningRule, forecasts: pd.DataFrame, targets: pd.DataFrame, today: date
) -> list[Alert]:
    """The latest forecast's 80 % band crossing the target within its horizon: 'high' when the forecast itself
    crosses, 'medium' when only the band does (a real risk, not yet the expected outcome)."""
    if forecasts is None or forecasts.empty:
        return []
    f = forecasts[(forecasts["indicator_code"] == ind.code) & (forecasts["base"] == rule.base)]
    if "category" in f:
        f = f[f["category"].isna()]
    out = []
    for area, part in f.groupby("area_code"):
        latest = part[part["generated_at"] == part["generated_at"].max()].copy()
        latest["period_start"] = pd.to_datetime(latest["period_start"]).dt.date
        for _, pt in latest.sort_values("period_start").iterrows():
            p = pt["period_start"]
            if rule.against == "value":
                ceiling, floor, doc = rule.above, rule.below, ""
            else:
                target = target_in_force(targets, ind.code, area, p.year, today)
                if target is None:
                    continue
                (ceiling, floor), doc = bounds(target, ind), str(target.get("document", ""))
            up = ceiling is not None and pt["hi80"] > ceiling
            down = floor is not None and pt["lo80"] < floor
            if not (up or down):
                continue
            bound = ceiling if up else floor
            mean_crosses = (up and pt["mean"] > ceiling) or (down and pt["mean"] < floor)
            band = f"{_num(pt['lo80'], 2)}–{_num(pt['hi80'], 2)}"
            band_en = f"{_num(pt['lo80'], 2, 'en')}–{_num(pt['hi80'], 2, 'en')}"
            vi = (
                f"Dự báo {_name(ind, 'vi')} {_period(p, ind.frequency, 'vi')}: khoảng 80 % ({band}) "
                f"{'vượt trần' if up else 'xuống dưới sàn'} mục tiêu {_num(bound, 2)}" + (f" ({doc})" if doc else "")
            )
            en = (
                f"Forecast of {_name(ind, 'en')} for {_period(p, ind.frequency, 'en')}: the 80 % band ({band_en}) "
                f"{'exceeds the ceiling' if up else 'falls below the floor'} of {_num(bound, 2, 'en')}"
                + (f" ({doc})" if doc else "")
            )
            out.append(
                Alert(
                    ind.code,
                    area,
                    "forecast_breach",
                    "high" if mean_crosses else "medium",
                    p,
                    float(pt["mean"]),
                    bound,
                    _say(rule.message_vi, vi),
                    _say(rule.message_en, en),
                    doc,
                )
            )
            break  # the first period in the horizon that crosses is the warning; later ones add nothing
    return out


def _ytd(rows_ytd: pd.DataFrame, rows_level: pd.DataFrame, area: str) -> tuple[date, float] | None:
    ytd = rows_ytd[rows_ytd["area_code"] == area] if rows_ytd is not None and not rows_ytd.empty else None
    if ytd is not None and not ytd.empty:
        last = ytd.iloc[-1]
        return last["period_start"], float(last["value"])
    lv = rows_level[rows_level["area_code"] == area] if rows_level is not None and not rows_level.empty else None
    if lv is None or lv.empty:
        return None
    last = lv.iloc[-1]["period_start"]
    year = lv[[p.year == last.year for p in lv["period_start"]]]
    if len(year) != last.month:  # a month missing: the cumulative sum would understate the pace
        return None
    return last, float(year["value"].sum())


def pacing(ind: Indicator, rule: WarningRule, obs: pd.DataFrame, targets: pd.DataFrame, today: date) -> list[Alert]:
    """Year-to-date against the plan's linear monthly path (month k: k/12 of the year's plan): behind by more than
    `rule.below` percentage points of the plan (default 5) warns; by twice that is 'high'."""
    tol = rule.below if rule.below is not None else PACING_TOLERANCE
    ytd_rows, level_rows = _series(obs, ind.code, "ytd"), _series(obs, ind.code, "level")
    areas = set()
    for frame in (ytd_rows, level_rows):
        if frame is not None and not frame.empty:
            areas |= set(frame["area_code"])
    out = []
    for area in sorted(areas):
        got = _ytd(ytd_rows, level_rows, area)
        if got is None:
            continue
        p, done = got
        target = target_in_force(targets, ind.code, area, p.year, today)
        if target is None:
            continue
        plan = target["high"] if not pd.isna(target["high"]) else target["low"]
        if pd.isna(plan) or plan <= 0:
            continue
        share, expected = 100 * done / plan, 100 * p.month / 12
        gap = expected - share
        if gap <= tol:
            continue
        doc = str(target.get("document", ""))
        pv, pe = _period(p, "M", "vi"), _period(p, "M", "en")
        out.append(
            Alert(
                ind.code,
                area,
                "pacing",
                "high" if gap > 2 * tol else "medium",
                p,
                share,
                expected,
                _say(
                    rule.message_vi,
                    f"{_name(ind, 'vi')} lũy kế đến {pv}: {_num(share)} % kế hoạch, chậm "
                    f"{_num(gap)} điểm % so với tiến độ ({_num(expected)} %)",
                ),
                _say(
                    rule.message_en,
                    f"{_name(ind, 'en')} to {pe}: {_num(share, 1, 'en')} % of plan, "
                    f"{_num(gap, 1, 'en')} points behind the path ({_num(expected, 1, 'en')} %)",
                ),
                doc,
            )
        )
    return out


def late_data(ind: Indicator, rule: WarningRule, obs: pd.DataFrame, today: date, areas: tuple[str, ...]) -> list[Alert]:
    """The period after the latest one received is past its due day (period end + release_due_days)."""
    rows = obs[obs["indicator_code"] == ind.code] if obs is not None and not obs.empty else pd.DataFrame()
    out = []
    for area in areas:
        part = rows[rows["area_code"] == area] if not rows.empty else rows
        if part.empty:
            continue
        last = pd.to_datetime(part["period_start"]).max().date()
        expected = next_period(last, ind.frequency)
        due = period_end(expected, ind.frequency) + timedelta(days=ind.release_due_days)
        if today <= due:
            continue
        late = (today - due).days
        pv, pe = _period(expected, ind.frequency, "vi"), _period(expected, ind.frequency, "en")
        out.append(
            Alert(
                ind.code,
                area,
                "late_data",
                "high" if late > 30 else "medium",
                expected,
                float(late),
                None,
                _say(
                    rule.message_vi, f"{_name(ind, 'vi')}: chưa nhận số liệu {pv} (hạn {due:%d/%m/%Y}, trễ {late} ngày)"
                ),
                _say(rule.message_en, f"{_name(ind, 'en')}: {pe} not received (due {due:%Y-%m-%d}, {late} days late)"),
            )
        )
    return out


def evaluate(
    indicators: list[Indicator],
    obs: pd.DataFrame,
    targets: pd.DataFrame | None,
    forecasts: pd.DataFrame | None,
    today: date,
    areas: tuple[str, ...] = ("VN",),
) -> list[Alert]:
    """Every rule of every indicator over the rows given (already scoped by the caller), most severe first."""
    out: list[Alert] = []
    targets = targets if targets is not None else pd.DataFrame()
    for ind in indicators:
        for rule in ind.warnings:
            if rule.kind == "threshold":
                out += threshold(ind, rule, obs, targets, today)
            elif rule.kind == "forecast_breach":
                out += forecast_breach(ind, rule, forecasts, targets, today)
            elif rule.kind == "pacing":
                out += pacing(ind, rule, obs, targets, today)
            elif rule.kind == "late_data":
                out += late_data(ind, rule, obs, today, areas)
    return sorted(out, key=lambda a: (SEVERITIES.index(a.severity), KINDS.index(a.kind), a.indicator_code, a.area_code))


def pressing(alerts: list[Alert]) -> list[Alert]:
    """Targets at risk and plans behind their pace before late files, each most severe first: what a leader reads."""
    return sorted(
        (a for a in alerts if a.kind != "late_data"), key=lambda a: (KINDS.index(a.kind), SEVERITIES.index(a.severity))
    )


def frame(alerts: list[Alert]) -> pd.DataFrame:
    cols = list(Alert.__dataclass_fields__)
    return pd.DataFrame([a.as_dict() for a in alerts], columns=cols)
