"""The overview's "Chỉ đạo, điều hành" panel: overdue tasks by agency, programs behind plan, active emergencies —
each from the same cubes (and so the same scope) as the direction pages, as of the date the data reaches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages import direction_ui as dui
from pages import ui
from semantic import fmt
from semantic.spec import Filter, QuerySpec


def _overdue(as_of: object) -> int:
    c = ui.ctx()
    name = "assignee_name_vi" if c.lang == "vi" else "assignee_name_en"
    frame = ui.query(
        QuerySpec(
            view="tasks",
            measures=("overdue", "assigned"),
            dimensions=("assignee_agency", name),
            as_of=as_of,
            order=("-overdue", "assignee_agency"),
        )
    )
    st.markdown(f"**{c.t('panel_overdue')}**")
    frame = None if frame is None else frame[frame["overdue"] > 0]
    if frame is None or frame.empty:
        st.caption(c.t("panel_none"))
        return 0
    st.dataframe(
        pd.DataFrame(
            {
                c.t("agency"): dui.agency_name(frame),
                dui.measure_label("tasks", "overdue"): frame["overdue"],
                dui.measure_label("tasks", "assigned"): frame["assigned"],
            }
        ).head(10),
        hide_index=True,
        width="stretch",
    )
    return int(frame["overdue"].sum())


def _behind(as_of: object, month: object) -> int:
    c = ui.ctx()
    name = "program_name_vi" if c.lang == "vi" else "program_name_en"
    key = f"{month.year}-{month.month:02d}"  # type: ignore[attr-defined]
    frame = ui.query(
        QuerySpec(
            view="projects",
            measures=("schedule_rate", "disbursement_rate"),
            dimensions=("program_id", name),
            time_from=key,
            time_to=key,
            as_of=as_of,
        )
    )
    st.markdown(f"**{c.t('panel_behind')}** · {fmt.period(month, 'M', c.lang)}")
    frame = None if frame is None else frame[frame["schedule_rate"] < 100].sort_values("schedule_rate")
    if frame is None or frame.empty:
        st.caption(c.t("panel_none"))
        return 0
    st.dataframe(
        pd.DataFrame(
            {
                c.t("pick_program"): frame[name],
                c.t("rate_vs_schedule") + " (%)": frame["schedule_rate"].round(1),
                c.t("rate_vs_plan") + " (%)": frame["disbursement_rate"].round(1),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    return len(frame)


def _active(as_of: object) -> int:
    c = ui.ctx()
    name = "name_vi" if c.lang == "vi" else "name_en"
    frame = ui.query(
        QuerySpec(
            view="events",
            measures=("events",),
            dimensions=("event_id", name, "started_on"),
            filters=(Filter("state", "in", ("active",)),),
            as_of=as_of,
            order=("-started_on",),
        )
    )
    st.markdown(f"**{c.t('panel_active')}**")
    if frame is None or frame.empty:
        st.caption(c.t("panel_none"))
        return 0
    for rec in frame.itertuples(index=False):
        st.markdown(f"- {getattr(rec, name)} ({c.t('started').lower()} {dui.day(rec.started_on)})")
    return len(frame)


def render() -> dict[str, int]:
    """Draw the panel (pages/overview.py calls it last): the three counts first, where a glance finds them, then
    the lists. Returns the counts (panel_overdue, panel_behind, panel_active) for the printable briefing."""
    c = ui.ctx()
    st.divider()
    st.subheader(c.t("panel_title"))
    as_of = dui.default_as_of(dui.latest("tasks", "last_update"))
    month = dui.latest("projects", "last_month")
    st.caption(f"{c.t('as_of')}: {fmt.day(as_of, c.lang)}")
    top = st.container(horizontal=True, gap="small", key="kpi_grid_direction")
    left, middle, right = st.columns(3)
    counts: dict[str, int] = {}
    with left:
        counts["panel_overdue"] = _overdue(as_of)
    with middle:
        if month is not None:
            first = min(month, as_of.replace(day=1))
            counts["panel_behind"] = _behind(dui.month_end(first), first)
    with right:
        counts["panel_active"] = _active(as_of)
    for key, n in counts.items():
        top.metric(c.t(key), fmt.number(n, 0, c.lang), border=True)
    return counts
