"""What an online inspection of national key projects checks, read through the semantic layer: each key project
in the run's provinces — disbursement and physical progress against plan (latest month), its milestones — and the
tasks earlier inspections of the same playbook assigned that are still open (followed up at this one)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.situation import TASK_DIMS, Run, Situation, runs
from semantic.spec import Filter, QuerySpec

DONE = ("done_on_time", "done_late")


@dataclass
class Inspection:
    progress: pd.DataFrame  # project_id, project_name_vi, area_code, month, disbursed_ytd, plan_ytd, physical_pct, …
    milestones: pd.DataFrame  # project_id, seq, name_vi, planned_on, done_on, status
    carried: pd.DataFrame  # TASK_DIMS of earlier inspections' tasks not done by now


def inspection(run: Run, sit: Situation) -> Inspection:
    as_of = sit.now.date()
    rows = run(
        QuerySpec(
            view="projects",
            measures=("disbursed_ytd", "plan_ytd", "physical_pct", "physical_plan_pct"),
            dimensions=("project_id", "project_name_vi", "area_code", "month"),
            filters=(Filter("program_kind", "in", ("key",)), Filter("area_code", "in", sit.areas)),
            as_of=as_of,
        )
    )
    progress = rows.sort_values("month").groupby("project_id", as_index=False).last() if not rows.empty else rows
    ids = tuple(progress["project_id"]) if not progress.empty else ()
    stones = (
        run(
            QuerySpec(
                view="milestones",
                measures=("milestones",),
                dimensions=("project_id", "seq", "name_vi", "planned_on", "done_on", "status"),
                filters=(Filter("project_id", "in", ids),),
                as_of=as_of,
            )
        ).drop(columns="milestones")
        if ids
        else pd.DataFrame(columns=["project_id", "seq", "name_vi", "planned_on", "done_on", "status"])
    )
    every = runs(run)
    earlier = every[(every["scenario"] == sit.scenario) & (every["activated_at"] < pd.Timestamp(sit.activated_at))]
    carried = pd.DataFrame(columns=list(TASK_DIMS))
    if not earlier.empty:
        tasks = run(
            QuerySpec(
                view="tasks",
                measures=("assigned",),
                dimensions=TASK_DIMS,
                filters=(Filter("event_id", "in", tuple(earlier["event_id"])),),
                as_of=as_of,
                order=("deadline",),
            )
        ).drop(columns="assigned")
        carried = tasks[~tasks["status"].isin(DONE)].reset_index(drop=True)
    return Inspection(progress.reset_index(drop=True), stones, carried)
