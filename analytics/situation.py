"""The situation of one scenario run as the caller may see it — the run and its current level, the decision log,
the reports against each duty, the figures (latest and over time) and the tasks — read through the semantic layer
(`run` executes a QuerySpec in the caller's scope). The situation board and the after-action report both draw it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics import scenario_status
from semantic.playbook import Playbook
from semantic.scope import Scope
from semantic.spec import Filter, QuerySpec

Run = Callable[[QuerySpec], pd.DataFrame]
TASK_DIMS: tuple[str, ...] = ("task_id", "document_number", "assignee_agency", "assignee_area", "content")
TASK_DIMS += ("deadline", "status", "completed_on")


@dataclass
class Situation:
    run_id: str
    scenario: str
    event_id: str
    areas: tuple[str, ...]
    activated_at: datetime
    level: int
    closed_at: datetime | None
    now: datetime  # the time the board stands at: now, or the closing time once closed (the board freezes)
    log: pd.DataFrame  # at, kind, level, who, note
    status: pd.DataFrame  # scenario_status.COLUMNS
    latest: pd.DataFrame  # reporter, figure, value: each reporter's latest totals
    over_time: pd.DataFrame  # at, figure, value: the sum of every reporter's latest total at each report time
    tasks: pd.DataFrame  # TASK_DIMS

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def _runs_spec(filters: tuple[Filter, ...] = ()) -> QuerySpec:
    return QuerySpec(
        view="scenario_runs",
        measures=("runs",),
        dimensions=("run_id", "scenario", "event_id", "areas", "activated_at", "level"),
        filters=filters,
        order=("-activated_at",),
    )


def runs(run: Run) -> pd.DataFrame:
    """The runs the caller may see, latest first."""
    return run(_runs_spec())


def _ts(v: object) -> datetime:
    return pd.Timestamp(v).to_pydatetime()


def over_time(figures: pd.DataFrame) -> pd.DataFrame:
    """Each reporter's figures are totals to their time: at every report time, the sum over reporters of their
    latest total so far (a reporter not yet heard from counts nothing)."""
    if figures.empty:
        return pd.DataFrame(columns=["at", "figure", "value"])
    out = []
    for figure, part in figures.groupby("figure"):
        wide = part.pivot_table(index="at", columns="reporter", values="value", aggfunc="last").sort_index()
        total = wide.ffill().fillna(0).sum(axis=1)
        out.append(pd.DataFrame({"at": total.index, "figure": figure, "value": total.to_numpy()}))
    return pd.concat(out, ignore_index=True)


def situation(run: Run, book: Playbook, run_id: str, scope: Scope, now: datetime) -> Situation | None:
    """The run's situation at `now` (frozen at its closing time once closed); None when the caller cannot see it."""
    this = (Filter("run_id", "in", (run_id,)),)
    head = run(_runs_spec(this))
    if head is None or head.empty:
        return None
    h = head.iloc[0]
    log = run(
        QuerySpec(
            view="scenario_log", measures=("entries",), dimensions=("at", "kind", "level", "who", "note"), filters=this
        )
    ).sort_values("at")
    log = log.drop(columns="entries").reset_index(drop=True)
    closed = log[log["kind"] == "closed"]
    closed_at = _ts(closed["at"].iloc[0]) if not closed.empty else None
    stand = min(now, closed_at) if closed_at else now
    levels = [(_ts(r.at), int(r.level)) for r in log.itertuples() if r.kind in ("activated", "level")]
    level = levels[-1][1] if levels else int(h["level"])
    activated = _ts(h["activated_at"])
    areas = tuple(a for a in str(h["areas"]).split(";") if a)
    reports = run(
        QuerySpec(
            view="scenario_reports",
            measures=("reports",),
            dimensions=("duty", "area_code", "agency_code", "slot", "due_at", "received_at"),
            filters=this,
        )
    )
    provinces = tuple(a for a in areas if scope.sees_area(a))
    # a ministry's report has no province: it is the caller's when rows without a province are (not province staff)
    agencies = tuple(d.reporter for d in book.duties if scope.sees_area(None) and scope.sees_agency(d.reporter))
    reports = reports[reports["received_at"].map(_ts) <= stand] if not reports.empty else reports
    status = scenario_status.expected(book, activated, levels, provinces, agencies, reports, stand)
    figs = run(
        QuerySpec(
            view="scenario_figures",
            measures=("value",),
            dimensions=("area_code", "agency_code", "at", "figure"),
            filters=this,
        )
    )
    figs = figs[figs["at"].map(_ts) <= stand] if not figs.empty else figs
    figs = figs.assign(reporter=figs["area_code"].fillna(figs["agency_code"])) if not figs.empty else figs
    latest = (
        figs.sort_values("at").groupby(["reporter", "figure"], as_index=False).last()[["reporter", "figure", "value"]]
        if not figs.empty
        else pd.DataFrame(columns=["reporter", "figure", "value"])
    )
    tasks = run(
        QuerySpec(
            view="tasks",
            measures=("assigned",),
            dimensions=TASK_DIMS,
            filters=(Filter("event_id", "in", (str(h["event_id"]),)),),
            as_of=stand.date(),
            order=("deadline",),
        )
    )
    return Situation(
        run_id,
        str(h["scenario"]),
        str(h["event_id"]),
        areas,
        activated,
        level,
        closed_at,
        stand,
        log,
        status,
        latest,
        over_time(figs[["reporter", "at", "figure", "value"]] if not figs.empty else figs),
        tasks.drop(columns="assigned"),
    )
