"""The direction cubes against hand-computed answers on tiny tables (tests/tiny/direction.py), on every backend:
task status as of a date (on time, late, overdue, recurring), emergencies' figures, programs' disbursement rates,
and who sees which rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from semantic.access import persona_scope, scope_from_claims
from semantic.errors import AccessDenied
from semantic.model import load_model
from semantic.query import compile
from semantic.scope import Scope
from semantic.spec import Filter, QuerySpec
from tests.tiny import direction

MID, END = date(2025, 6, 30), date(2025, 12, 31)
TASK_MEASURES = ("assigned", "done_on_time", "done_late", "overdue", "in_progress", "not_started")


@pytest.fixture(scope="module")
def wh(backend_url):
    warehouse = direction.build(backend_url)
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="module")
def model():
    return load_model()


def run(wh, model, scope=None, **kw) -> pd.DataFrame:
    return wh.execute(compile(QuerySpec(**kw), model, scope or Scope.system()))


def rows(frame: pd.DataFrame) -> list[tuple]:
    out = []
    for rec in frame.itertuples(index=False):
        out.append(
            tuple(
                None if (isinstance(v, float) and pd.isna(v)) else (round(v, 4) if isinstance(v, float) else v)
                for v in rec
            )
        )
    return out


def statuses(wh, model, as_of, scope=None) -> dict[str, tuple[str, int]]:
    frame = run(
        wh,
        model,
        scope,
        view="tasks",
        measures=("assigned",),
        dimensions=("task_id", "status", "delay_days"),
        as_of=as_of,
    )
    return {r.task_id: (r.status, int(r.delay_days)) for r in frame.itertuples(index=False)}


# -- tasks: status as of a date -------------------------------------------------------------------------------------


def test_totals_mid_year(wh, model):
    # at 30/6: T9, T12, T13 are not assigned yet. On time T1 T6 T11; late T2 (10 days); overdue T3 (30), T7 (61),
    # T10 (15: completed 5/7, after the as-of date); within deadline T4 T5 (recurring) T8 (not started)
    frame = run(
        wh,
        model,
        view="tasks",
        measures=(*TASK_MEASURES, "on_time_rate", "overdue_rate", "avg_delay_days", "max_delay_days"),
        as_of=MID,
    )
    assert rows(frame) == [(10, 3, 1, 3, 3, 1, round(100 * 3 / 7, 4), 30.0, 29.0, 61)]


def test_totals_year_end(wh, model):
    # at 31/12: on time T1 T6 T9 T11 T12; late T2 (10) T10 (20); overdue T3 (214) T7 (245) T8 (92) T13 (92);
    # within deadline T4 (due on the as-of date itself) and T5 (recurring)
    frame = run(wh, model, view="tasks", measures=(*TASK_MEASURES, "on_time_rate", "avg_delay_days"), as_of=END)
    assert rows(frame) == [(13, 5, 2, 4, 2, 0, round(100 * 5 / 11, 4), round(673 / 6, 4))]


def test_by_agency_year_end(wh, model):
    frame = run(
        wh,
        model,
        view="tasks",
        measures=("assigned", "overdue", "on_time_rate", "avg_delay_days"),
        dimensions=("assignee_agency",),
        as_of=END,
    )
    assert rows(frame) == [
        ("MOC", 4, 1, 50.0, 214.0),
        ("MOF", 4, 0, 50.0, 15.0),
        ("MOH", 2, 0, 100.0, None),
        ("UBND33", 3, 3, 0.0, 143.0),
    ]


def test_one_task_moves_through_its_statuses(wh, model):
    # T2: due 31/3, completed 10/4
    assert statuses(wh, model, date(2025, 3, 15))["T2"][0] == "in_progress"
    assert statuses(wh, model, date(2025, 4, 5))["T2"] == ("overdue", 5)
    assert statuses(wh, model, MID)["T2"] == ("done_late", 10)
    # T6 completed on its deadline day is on time; T4 due on the as-of date is not overdue yet
    assert statuses(wh, model, END)["T6"] == ("done_on_time", 0)
    assert statuses(wh, model, END)["T4"][0] == "in_progress"
    assert statuses(wh, model, date(2026, 1, 1))["T4"] == ("overdue", 1)


def test_recurring_tasks_are_never_overdue(wh, model):
    far = date(2030, 1, 1)
    frame = run(wh, model, view="tasks", measures=TASK_MEASURES, segments=("recurring",), as_of=far)
    assert rows(frame) == [(2, 1, 0, 0, 1, 0)]  # T11 done (no deadline: on time), T5 still going
    assert statuses(wh, model, far)["T5"][0] == "in_progress"


def test_by_month_and_document(wh, model):
    frame = run(wh, model, view="tasks", measures=("assigned", "overdue"), dimensions=("month",), as_of=END)
    assert [(pd.Timestamp(m).date(), a, o) for m, a, o in rows(frame)] == [
        (date(2025, 1, 1), 5, 1),
        (date(2025, 2, 1), 5, 2),
        (date(2025, 7, 1), 1, 0),
        (date(2025, 9, 1), 2, 1),
    ]
    frame = run(
        wh,
        model,
        view="tasks",
        measures=("assigned", "done_on_time"),
        dimensions=("document_kind",),
        filters=(Filter("document_number", "in", ("05/CT-TTg",)),),
        as_of=END,
    )
    assert rows(frame) == [("chi_thi", 5, 2)]


def test_deadline_window_filter(wh, model):
    frame = run(
        wh,
        model,
        view="tasks",
        measures=("assigned",),
        dimensions=("task_id",),
        as_of=END,
        filters=(Filter("deadline", "gte", (date(2025, 6, 1),)), Filter("deadline", "lte", (date(2025, 6, 30),))),
    )
    assert [r[0] for r in rows(frame)] == ["T10", "T6"]


def test_task_timeline_as_known(wh, model):
    frame = run(
        wh,
        model,
        view="task_events",
        measures=("events",),
        dimensions=("event_date", "kind"),
        filters=(Filter("task_id", "in", ("T10",)),),
        as_of=MID,
    )
    assert [(pd.Timestamp(d).date(), k) for d, k, _ in rows(frame)] == [
        (date(2025, 2, 1), "assigned"),
        (date(2025, 3, 1), "started"),
    ]


# -- who sees which tasks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("leader", ["T1", "T10", "T11", "T12", "T13", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"]),
        ("moc", ["T12", "T3", "T4", "T5"]),
        ("mof", ["T1", "T10", "T2", "T9"]),
        ("hungyen", ["T13", "T7", "T8"]),
    ],
)
def test_task_scope(wh, model, persona, expected):
    assert sorted(statuses(wh, model, END, persona_scope(persona))) == expected


def test_task_scope_covers_predecessor_codes(wh, model):
    # staff of MOC see the Ministry of Transport's rows too (MOT -> MOC by lineage): on their timeline as well
    frame = run(wh, model, persona_scope("moc"), view="task_events", measures=("events",), dimensions=("task_id",))
    assert sorted(r[0] for r in rows(frame)) == ["T12", "T3", "T4", "T5"]
    frame = run(wh, model, persona_scope("hungyen"), view="task_events", measures=("events",), dimensions=("task_id",))
    assert sorted(r[0] for r in rows(frame)) == ["T13", "T7", "T8"]


def test_no_scope_sees_no_task(model):
    with pytest.raises(AccessDenied):
        compile(QuerySpec(view="tasks", measures=("assigned",)), model, scope_from_claims({"sub": "x"}))


# -- emergencies ------------------------------------------------------------------------------------------------------


def figures(wh, model, scope, as_of=END):
    frame = run(
        wh,
        model,
        scope,
        view="event_figures",
        measures=("deaths", "missing", "houses_damaged", "injured"),
        dimensions=("event_id",),
        as_of=as_of,
    )
    return rows(frame)


def test_event_figures_are_running_totals(wh, model):
    # E1: Hưng Yên 1+1 deaths, 2-1 missing; Thanh Hóa 3 deaths, 120 houses. E2: 40 then 25 injured
    assert figures(wh, model, Scope.system()) == [("E1", 5.0, 1.0, 120.0, None), ("E2", None, None, None, 65.0)]
    assert figures(wh, model, Scope.system(), date(2025, 9, 20)) == [
        ("E1", 4.0, 2.0, 120.0, None),
        ("E2", None, None, None, 40.0),
    ]


@pytest.mark.parametrize(
    ("persona", "events", "figs"),
    [
        (
            "leader",
            [("E1", "ended"), ("E2", "active")],
            [("E1", 5.0, 1.0, 120.0, None), ("E2", None, None, None, 65.0)],
        ),
        ("hungyen", [("E1", "ended")], [("E1", 2.0, 1.0, None, None)]),  # its own province's figures only
        ("moc", [("E1", "ended")], [("E1", 5.0, 1.0, 120.0, None)]),  # tasked by the dispatch: the whole event
        ("mof", [], []),
    ],
)
def test_event_scope(wh, model, persona, events, figs):
    scope = persona_scope(persona)
    frame = run(wh, model, scope, view="events", measures=("events",), dimensions=("event_id", "state"), as_of=END)
    assert [(e, s) for e, s, _ in rows(frame)] == events
    assert figures(wh, model, scope) == figs


def test_event_known_only_from_its_start(wh, model):
    frame = run(wh, model, view="events", measures=("events", "active"), as_of=date(2025, 6, 1))
    assert rows(frame) == [(1, 1)]  # the storm began on 18/9


def test_affected_provinces_and_dispatches(wh, model):
    frame = run(wh, model, view="event_areas", measures=("provinces",), dimensions=("event_id",), as_of=END)
    assert rows(frame) == [("E1", 2), ("E2", 1)]
    frame = run(
        wh,
        model,
        view="tasks",
        measures=("assigned", "done_on_time", "overdue"),
        dimensions=("dispatch_id",),
        segments=("from_dispatches",),
        as_of=END,
    )
    assert rows(frame) == [("DSP1", 2, 1, 1)]


# -- programs and projects -------------------------------------------------------------------------------------------


def test_disbursement_rates(wh, model):
    frame = run(
        wh,
        model,
        view="projects",
        measures=("disbursed_ytd", "plan_year", "disbursement_rate", "schedule_rate", "behind_schedule"),
        dimensions=("month",),
        as_of=END,
    )
    # 6/2024: (30+60)/(100+200); both behind their planned year-to-date. 6/2025: (50+70)/300; J2 behind (70 < 100)
    assert [(pd.Timestamp(m).date(), *rest) for m, *rest in rows(frame)] == [
        (date(2024, 6, 1), 90.0, 300.0, 30.0, 75.0, 2),
        (date(2025, 6, 1), 120.0, 300.0, 40.0, 80.0, 1),
    ]


@pytest.mark.parametrize(("persona", "expected"), [("hungyen", 50.0), ("moc", 35.0), ("leader", 40.0)])
def test_project_scope(wh, model, persona, expected):
    frame = run(
        wh,
        model,
        persona_scope(persona),
        view="projects",
        measures=("disbursement_rate",),
        time_from="2025-06",
        time_to="2025-06",
        as_of=END,
    )
    assert rows(frame) == [(expected,)]


def test_ministry_without_projects_sees_none(wh, model):
    assert rows(run(wh, model, persona_scope("mof"), view="projects", measures=("disbursed", "projects"))) == [
        (None, 0)
    ]


def test_milestones_as_of(wh, model):
    def status(as_of):
        frame = run(
            wh,
            model,
            view="milestones",
            measures=("milestones",),
            dimensions=("project_id", "seq", "status"),
            as_of=as_of,
        )
        return {(p, s): st for p, s, st, _ in rows(frame)}

    # J2's opening was due 30/4/2025 and came on 30/8: overdue in June, done late by the year's end
    assert status(MID) == {("J1", 1): "upcoming", ("J2", 1): "done_on_time", ("J2", 2): "overdue"}
    assert status(END)[("J2", 2)] == "done_late"
    assert status(date(2026, 1, 1))[("J1", 1)] == "overdue"
