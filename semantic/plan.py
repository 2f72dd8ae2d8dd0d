"""Annual plan: which target version is in force on a date, which actual each target is judged on, and the table of
actual vs target with its status (the rule itself is semantic/plan_status.py). Pure functions over query results."""

from __future__ import annotations

from datetime import date

import pandas as pd

from semantic import fmt
from semantic.periods import period_end
from semantic.plan_status import PlanRule, Target, elapsed_share, rule_for, status
from semantic.registry import Registry
from semantic.spec import Filter, QuerySpec

TARGET_DIMENSIONS = (
    "year",
    "seq",
    "indicator",
    "area",
    "target_vi",
    "target_en",
    "comparator",
    "low",
    "high",
    "unit",
    "document",
    "document_date",
    "source_url",
    "status",
)
_KEY = ["year", "seq", "area"]


def targets_spec(years: tuple[int, ...], areas: tuple[str, ...] = ()) -> QuerySpec:
    """Every version of the targets of `years` (the page picks the one in force)."""
    filters: tuple[Filter, ...] = (Filter("year", "in", years),)
    if areas:
        filters += (Filter("area", "in", areas),)
    return QuerySpec(view="plan_targets", dimensions=TARGET_DIMENSIONS, measures=("targets",), filters=filters)


def in_force(targets: pd.DataFrame, on: date) -> pd.DataFrame:
    """One row per target (year, seq, area): the version with the latest document date on or before `on`."""
    if targets.empty:
        return targets
    frame = targets.copy()
    frame["document_date"] = pd.to_datetime(frame["document_date"]).dt.date
    frame = frame[frame["document_date"] <= on]
    frame = frame.sort_values([*_KEY, "document_date"]).groupby(_KEY, as_index=False, dropna=False).tail(1)
    return frame.sort_values(["year", "area", "seq"]).reset_index(drop=True)


def versions(targets: pd.DataFrame, year: int, seq: int, area: str) -> pd.DataFrame:
    """Every version of one target, oldest first (how a target moved over the year)."""
    rows = targets[(targets["year"] == year) & (targets["seq"] == seq) & (targets["area"] == area)]
    return rows.sort_values("document_date").reset_index(drop=True)


def rules(current: pd.DataFrame, registry: Registry) -> dict[tuple[str, str], PlanRule]:
    """(indicator, target unit) -> the rule that judges it, for targets whose indicator is in the registry."""
    out: dict[tuple[str, str], PlanRule] = {}
    for code, unit in current[["indicator", "unit"]].drop_duplicates().itertuples(index=False):
        if isinstance(code, str) and code in registry:
            out[(code, unit or "")] = rule_for(registry[code], unit or "")
    return out


def actual_specs(
    current: pd.DataFrame, registry: Registry, year: int, on: date, boundaries: str = "2025"
) -> list[QuerySpec]:
    """One indicator query per comparison base the rules need: the year's values as known on `on`."""
    by_base: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for (code, _unit), rule in rules(current, registry).items():
        areas = tuple(sorted(set(current.loc[current["indicator"] == code, "area"].dropna())))
        by_base.setdefault((rule.base, areas), set()).add(code)
    to = min(on, date(year, 12, 31))
    return [
        QuerySpec(
            indicators=tuple(sorted(codes)),
            areas=areas,
            time_from=str(year),
            time_to=to.isoformat(),  # a day: "2025" would end a monthly series in January
            compare=None if base == "level" else base,
            as_of=on,
            boundaries=boundaries,
        )
        for (base, areas), codes in sorted(by_base.items())
    ]


def assess(current: pd.DataFrame, actuals: pd.DataFrame, registry: Registry, year: int) -> pd.DataFrame:
    """The targets in force with their actual (latest value of the year on the rule's base) and status."""
    table = current.copy()
    found = rules(current, registry)
    latest = pd.DataFrame(columns=["indicator_code", "area_code", "base", "period_start", "freq", "value", "status"])
    if actuals is not None and not actuals.empty:
        a = actuals[pd.to_datetime(actuals["period_start"]).dt.year == year]
        a = a[a["agency_code"].isna() & a["category"].isna()] if "agency_code" in a.columns else a
        latest = a.sort_values("period_start").groupby(["indicator_code", "area_code", "base"]).tail(1)
    values: list[float | None] = []
    periods: list[date | None] = []
    freqs: list[str | None] = []
    bases: list[str | None] = []
    statuses: list[str] = []
    data_status: list[str | None] = []
    for row in table.itertuples(index=False):
        rule = found.get((row.indicator, row.unit or "")) if isinstance(row.indicator, str) else None
        hit = pd.DataFrame()
        if rule is not None:
            hit = latest[
                (latest["indicator_code"] == row.indicator)
                & (latest["area_code"] == row.area)
                & (latest["base"] == rule.base)
            ]
        if rule is None or hit.empty:
            values.append(None)
            periods.append(None)
            freqs.append(None)
            bases.append(rule.base if rule else None)
            statuses.append("no_data")
            data_status.append(None)
            continue
        h = hit.iloc[0]
        start = pd.Timestamp(h["period_start"]).date()
        final = period_end(start, h["freq"]) >= date(year, 12, 31)
        target = Target(row.comparator, _num(row.low), _num(row.high), row.unit or "")
        values.append(float(h["value"]))
        periods.append(start)
        freqs.append(h["freq"])
        bases.append(rule.base)
        statuses.append(status(rule, target, float(h["value"]), elapsed_share(start, h["freq"]), final))
        data_status.append(h["status"])
    table["actual"] = values
    table["actual_period"] = periods
    table["actual_freq"] = freqs
    table["actual_base"] = bases
    table["plan_status"] = statuses
    table["actual_status"] = data_status
    return table


def _num(value: object) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return float(value)  # type: ignore[arg-type]


def _short(value: float, lang: str) -> str:
    """8.3 -> '8,3'; 4900 -> '4.900' (no trailing zeros: a target is written as the resolution writes it)."""
    text = fmt.number(value, 2, lang).rstrip("0")
    return text.rstrip("," if lang == "vi" else ".")


def target_text(comparator: str, low: float | None, high: float | None, unit: str | None, lang: str = "vi") -> str:
    """'≥ 8 %', '< 4,5 %', '8,3–8,5 %', '~ 4.900 USD' — a target's bounds as a reader writes them."""
    lo, hi = _num(low), _num(high)
    if comparator in ("at_least", "above") and lo is not None:
        text = f"≥ {_short(lo, lang)}"
    elif comparator == "below" and hi is not None:
        text = f"< {_short(hi, lang)}"
    elif lo is not None and hi is not None and lo != hi:
        text = f"{_short(lo, lang)}–{_short(hi, lang)}"
    else:
        point = lo if lo is not None else hi
        text = "–" if point is None else f"~ {_short(point, lang)}"
    return f"{text} {unit}".strip() if unit and text != "–" else text


def actual_text(row: pd.Series, registry: Registry, lang: str = "vi") -> str:
    """'2.450.000 (Tháng 12/2025)': the value a target is judged on, with the period it is for."""
    if row["actual"] is None or pd.isna(row["actual"]):
        return "–"
    when = fmt.period(row["actual_period"], row["actual_freq"], lang)
    decimals = registry[row["indicator"]].decimals if row["actual_base"] in ("level", "ytd") else 2
    return f"{fmt.number(row['actual'], decimals, lang)} ({when})"
