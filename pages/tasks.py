"""Nhiệm vụ: tasks assigned by the Government and the PM — KPI strip, a filtered list, the overdue list by days
late, results by agency, one task's timeline, extracts. Ministries and provinces see their own tasks: the scope does."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages import direction_ui as dui
from pages import i18n as words
from pages import ui
from semantic.spec import Filter, QuerySpec

c = ui.ctx()
st.title(c.t("tasks_title"))
st.caption(c.t("tasks_caption"))
as_of = dui.as_of_picker("tasks_as_of", dui.latest("tasks", "last_update"))
base = QuerySpec(view="tasks", as_of=as_of)
NAME = "assignee_name_vi" if c.lang == "vi" else "assignee_name_en"
choices = ui.query(base.with_(measures=("assigned",), dimensions=("assignee_agency", NAME, "assignee_area")))
if choices is None:
    st.stop()
if choices.empty:
    ui.empty()
    st.stop()
agencies = dict(zip(choices["assignee_agency"], dui.agency_name(choices), strict=False))
provinces = ui.area_names(ui.boundary_day())
f1, f2, f3, f4 = st.columns(4)
picked_agencies = f1.multiselect(
    c.t("agency"), sorted(agencies), format_func=lambda a: agencies[a], key="tasks_agency", **ui.choose()
)
picked_areas = f2.multiselect(
    c.t("province"),
    sorted(choices["assignee_area"].dropna().unique()),
    format_func=lambda a: provinces.get(a, a),
    key="tasks_area",
    **ui.choose(),
)
kinds = f3.multiselect(
    c.t("document_kind"),
    list(words.DOCUMENT_KINDS),
    key="tasks_kind",
    format_func=lambda k: dui.label(words.DOCUMENT_KINDS, k),
    **ui.choose(),
)
states = f4.multiselect(
    c.t("task_status"), list(words.TASK_STATUS), format_func=dui.status, key="tasks_status", **ui.choose()
)
filters = [
    Filter(dim, "in", tuple(vals))
    for dim, vals in (
        ("assignee_agency", picked_agencies),
        ("assignee_area", picked_areas),
        ("document_kind", kinds),
        ("status", states),
    )
    if vals
]
if st.checkbox(c.t("deadline_window"), key="tasks_window"):
    window = st.date_input(
        c.t("deadline_from_to"),
        value=(as_of - timedelta(days=30), as_of + timedelta(days=30)),
        key="tasks_window_dates",
        format="DD/MM/YYYY",
    )
    if isinstance(window, tuple) and len(window) == 2:
        filters += [Filter("deadline", "gte", (window[0],)), Filter("deadline", "lte", (window[1],))]
spec = base.with_(filters=tuple(filters))

# -- KPI strip --------------------------------------------------------------------------------------------------------
kpi = ui.query(spec.with_(measures=("assigned", "done_on_time", "done_late", "overdue", "in_progress", "on_time_rate")))
if kpi is None:
    st.stop()
k = kpi.iloc[0]
cols = ui.metric_columns(6, "tasks", small=True)
for col, m in zip(cols[:5], ("assigned", "done_on_time", "done_late", "overdue", "in_progress"), strict=True):
    dui.metric(col, c.t(f"kpi_{m}"), k[m])
dui.metric(cols[5], c.t("on_time_rate"), k["on_time_rate"], 1, " %")

LIST_DIMS = (
    "task_id",
    "document_number",
    "document_kind",
    "document_date",
    "assignee_agency",
    NAME,
    "province_name_vi",
    "content",
    "deadline",
    "status",
    "completed_on",
    "delay_days",
    "demo",
)


tab_list, tab_overdue, tab_agency, tab_timeline = st.tabs(
    [c.t("tab_list"), c.t("tab_overdue"), c.t("tab_by_agency"), c.t("tab_timeline")]
)
list_spec = spec.with_(measures=("assigned",), dimensions=LIST_DIMS, order=("-document_date", "document_number"))
tasks = ui.query(list_spec)
if tasks is None:
    st.stop()
with tab_list:
    if tasks.empty:
        ui.empty()
    else:
        ui.table(
            dui.task_table(tasks),
            key="tasks_list",
            spec=list_spec,
            what="tasks",
            keep=(c.t("days_late"),),
            tones={c.t("task_status"): dui.status_tones()},
        )
        dui.demo_note(tasks)

with tab_overdue:
    overdue_spec = list_spec.with_(
        filters=(*spec.filters, Filter("status", "in", ("overdue",))), order=("-delay_days", "deadline")
    )
    overdue = ui.query(overdue_spec)
    if overdue is not None and overdue.empty:
        st.success(c.t("no_overdue"))
    elif overdue is not None:
        ui.table(
            dui.task_table(overdue),
            key="tasks_overdue",
            spec=overdue_spec,
            what="tasks_overdue",
            keep=(c.t("days_late"),),  # sorts as a number: the longest delay first
            tones={c.t("task_status"): dui.status_tones()},
        )

with tab_agency:
    by_spec = spec.with_(
        dimensions=("assignee_agency", NAME),
        order=("-assigned",),
        measures=("assigned", "done_on_time", "done_late", "overdue", "in_progress", "on_time_rate", "avg_delay_days"),
    )
    by = ui.query(by_spec)
    if by is not None and not by.empty:
        top = by.head(20)
        # a stacked bar per status, built as traces (Plotly Express's melt and grouping were a sixth of the page's
        # run under many sessions, for the same figure)
        fig = go.Figure(
            [
                go.Bar(x=top["assignee_agency"], y=top[m], name=dui.status(m), marker_color=colour)
                for m, colour in zip(
                    ("done_on_time", "done_late", "overdue", "in_progress"),
                    ("#16a34a", "#eab308", "#dc2626", "#3b82f6"),
                    strict=True,
                )
            ]
        )
        fig.update_layout(barmode="relative")
        ui.plot(fig, key="tasks_by_agency_chart")
        ui.table(
            by.assign(on_time_rate=by["on_time_rate"].round(1), avg_delay_days=by["avg_delay_days"].round(1)),
            key="tasks_by_agency",
            spec=by_spec,
            what="tasks_by_agency",
        )

with tab_timeline:
    if not tasks.empty:
        labels = dict(
            zip(
                tasks["task_id"],
                tasks["document_number"] + " · " + dui.agency_name(tasks) + " · " + tasks["content"].str.slice(0, 80),
                strict=False,
            )
        )
        picked = st.selectbox(c.t("pick_task"), list(labels), format_func=labels.get, key="tasks_pick")
        row = tasks[tasks["task_id"] == picked].iloc[0]
        st.markdown(
            f"**{row['content']}** — {dui.status_badge(row['status'])} · {c.t('deadline')}: "
            f"{dui.day(row['deadline']) if pd.notna(row['deadline']) else c.t('recurring_word')}"
        )
        events_spec = QuerySpec(
            view="task_events",
            measures=("events",),
            dimensions=("event_date", "kind", "note"),
            filters=(Filter("task_id", "in", (picked,)),),
            as_of=as_of,
        )
        events = ui.query(events_spec)
        if events is not None and not events.empty:
            st.dataframe(
                pd.DataFrame(
                    {
                        c.t("date"): events["event_date"].map(dui.day),
                        c.t("task_status"): events["kind"].map(lambda x: dui.label(words.TIMELINE, x)),
                        c.t("note"): events["note"].fillna(""),
                    }
                ),
                hide_index=True,
                width="stretch",
            )
