"""Gathers what the warning rules need (values, targets in force, latest forecasts) through a query runner — the
caller's scope decides what is seen — and evaluates the rules (analytics/warnings.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import warnings as rules
from analytics.load import Run
from semantic.model import SemanticModel
from semantic.registry import Indicator
from semantic.spec import Filter, QuerySpec

TARGET_VIEW = "plan_targets"
TARGET_DIMS = ("year", "indicator", "area", "comparator", "low", "high", "document", "document_date")
FORECAST_DIMS = ("indicator", "area", "category", "base", "period", "generated")
FORECAST_MEASURES = ("mean", "lo80", "hi80")


def watched(model: SemanticModel) -> list[Indicator]:
    return [i for i in model.registry if i.warnings]


def _per_frequency(run: Run, inds: list[Indicator], codes: set[str], **spec: object) -> pd.DataFrame | None:
    """One query per frequency: each spec reads one group of the compiler (simpler SQL, and it avoids the shared
    sub-query rewrite that fails on IN lists across groups)."""
    freq = {i.code: i.frequency for i in inds}
    parts = []
    for f in sorted({freq[c] for c in codes}):
        rows = run(QuerySpec(indicators=tuple(sorted(c for c in codes if freq[c] == f)), **spec))  # type: ignore[arg-type]
        if rows is not None and not rows.empty:
            parts.append(rows)
    return pd.concat(parts, ignore_index=True) if parts else None


def _observations(run: Run, inds: list[Indicator], areas: tuple[str, ...]) -> pd.DataFrame:
    frames = []
    levels = _per_frequency(run, inds, {i.code for i in inds}, areas=areas)
    if levels is not None:
        frames.append(levels)
    have = set() if levels is None or levels.empty else set(levels["indicator_code"])
    needed: dict[str, set[str]] = {}
    for ind in inds:
        for rule in ind.warnings:
            wanted: set[str] = {rule.base} if rule.kind == "threshold" else set()
            if rule.kind == "pacing":
                wanted = {"ytd"}
            if rule.kind == "late_data" and ind.code not in have:
                wanted = {next((b for b in ind.published if b != "level"), "yoy")}
            for base in wanted - {"level"}:
                needed.setdefault(base, set()).add(ind.code)
    for base, want in sorted(needed.items()):
        rows = _per_frequency(run, inds, want, areas=areas, compare=base)
        if rows is not None and not rows.empty:
            frames.append(rows[rows["base"] == base])
    frames = [f for f in frames if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["indicator_code", "base"])


def targets(run: Run, model: SemanticModel, years: tuple[int, ...], areas: tuple[str, ...]) -> pd.DataFrame:
    """Every version of the targets of `years` in `areas`, named like the target table (indicator_code, area_code)."""
    if TARGET_VIEW not in model.cubes:
        return pd.DataFrame()
    filters = (Filter("year", "in", years), Filter("area", "in", areas))
    cube = model.cube(TARGET_VIEW)
    measure = cube.measures[0].name
    rows = run(QuerySpec(view=TARGET_VIEW, dimensions=TARGET_DIMS, measures=(measure,), filters=filters))
    if rows is None or rows.empty:
        return pd.DataFrame()
    return rows.rename(columns={"indicator": "indicator_code", "area": "area_code"})


def latest_forecasts(run: Run, model: SemanticModel, codes: tuple[str, ...], areas: tuple[str, ...]) -> pd.DataFrame:
    """Forecast points of the indicators' series, every run (the rule keeps each series' latest)."""
    if "forecasts" not in model.cubes or not codes:
        return pd.DataFrame()
    filters = (Filter("indicator", "in", codes), Filter("area", "in", areas))
    rows = run(QuerySpec(view="forecasts", dimensions=FORECAST_DIMS, measures=FORECAST_MEASURES, filters=filters))
    if rows is None or rows.empty:
        return pd.DataFrame()
    return rows.rename(
        columns={
            "indicator": "indicator_code",
            "area": "area_code",
            "period": "period_start",
            "generated": "generated_at",
        }
    )


def evaluate_with(
    run: Run, model: SemanticModel, areas: tuple[str, ...], today: date, forecasts: bool = True
) -> list[rules.Alert]:
    """Every warning rule of the registry, on what `run` lets the caller see (`forecasts`: whether the warehouse
    holds forecast tables yet — they appear with the first `python -m analytics forecast`)."""
    inds = watched(model)
    if not inds:
        return []
    obs = _observations(run, inds, areas)
    years = tuple(range(today.year - 3, today.year + 2))
    tgt = targets(run, model, years, areas)
    breach = tuple(i.code for i in inds if any(r.kind == "forecast_breach" for r in i.warnings))
    fc = latest_forecasts(run, model, breach, areas) if forecasts else pd.DataFrame()
    return rules.evaluate(inds, obs, tgt, fc, today, areas)
