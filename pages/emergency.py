"""Tình huống khẩn cấp: one emergency at a time — the provinces it affects on a map, its damage figures over time,
the dispatches (công điện) issued on it and the status of the tasks they assigned."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from pages import direction_ui as dui
from pages import i18n as words
from pages import ui
from semantic.spec import Filter, QuerySpec

c = ui.ctx()
st.title(c.t("emergency_title"))
as_of = dui.as_of_picker("emergency_as_of", dui.latest("tasks", "last_update") or dui.latest("events", "last_start"))
VI = c.lang == "vi"
events = ui.query(
    QuerySpec(
        view="events",
        measures=("events",),
        order=("-started_on",),
        as_of=as_of,
        dimensions=(
            "event_id",
            "name_vi" if VI else "name_en",
            "kind",
            "started_on",
            "ended_on",
            "state",
            "severity",
            "lead_agency",
            "summary_vi" if VI else "summary_en",
            "demo",
        ),
    )
)
if events is None:
    st.stop()
if events.empty:
    ui.empty()
    st.stop()
events = events.sort_values(["state", "started_on"], ascending=[True, False]).reset_index(drop=True)  # active first
names = dict(zip(events["event_id"], events["name_vi" if VI else "name_en"], strict=False))
event_id = st.selectbox(c.t("pick_event"), list(names), format_func=names.get, key="emergency_event")
ev = events[events["event_id"] == event_id].iloc[0]
ended = dui.day(ev["ended_on"]) if ev["state"] == "ended" else c.t("ongoing")
st.markdown(
    f"### {ev['name_vi' if VI else 'name_en']}\n{dui.label(words.EVENT_KINDS, ev['kind'])} · "
    f"{c.t('started')}: {dui.day(ev['started_on'])} · {c.t('ended')}: {ended} · {c.t('risk_level')}: "
    f"{int(ev['severity'])} · {c.t('lead_agency')}: {ev['lead_agency']}"
)
st.caption(ev["summary_vi" if VI else "summary_en"] or "")
dui.demo_note(events[events["event_id"] == event_id])
this = (Filter("event_id", "in", (event_id,)),)

# -- figures: totals, by province, over time --------------------------------------------------------------------------
FIGURES = ("deaths", "missing", "injured", "cases", "houses_damaged", "rice_ha_lost", "relief_bn_vnd")
totals = ui.query(QuerySpec(view="event_figures", measures=FIGURES, filters=this, as_of=as_of))
if totals is None:
    st.stop()
for col, m in zip(ui.metric_columns(len(FIGURES), "event_figures", small=True), FIGURES, strict=True):
    dui.metric(col, dui.measure_label("event_figures", m), totals.iloc[0][m], 1 if m == "relief_bn_vnd" else 0)

st.subheader(c.t("affected_map"))
areas = ui.query(
    QuerySpec(
        view="event_areas",
        measures=("parties",),
        dimensions=("area_code",),
        as_of=as_of,
        filters=(*this, Filter("role", "in", ("affected",))),
    )
)
by_area_spec = QuerySpec(
    view="event_figures", measures=FIGURES, dimensions=("area_code", "province_name_vi"), filters=this, as_of=as_of
)
by_area = ui.query(by_area_spec)
if areas is not None and by_area is not None:
    provinces = ui.area_names(ui.boundary_day())
    hit = areas[["area_code"]].merge(by_area, on="area_code", how="left")
    fig = dui.affected_map(hit, "cases" if ev["kind"] == "epidemic" else "deaths")
    ui.plot(fig, key="emergency_map", height=560)
    if not by_area.empty:
        st.markdown(f"**{c.t('figures_by_province')}**")
        shown = {c.t("province"): by_area["area_code"].map(lambda a: provinces.get(a, a))}
        for m in (m for m in FIGURES if by_area[m].notna().any()):
            digits = 1 if m == "relief_bn_vnd" else 0
            shown[dui.measure_label("event_figures", m)] = by_area[m].map(lambda v, d=digits: dui.number(v, d))
        ui.table(pd.DataFrame(shown), key="emergency_by_area", spec=by_area_spec, what=f"event_{event_id}_figures")

st.subheader(c.t("figures_over_time"))
daily = ui.query(
    QuerySpec(view="event_figures", measures=FIGURES, dimensions=("reported_on",), filters=this, as_of=as_of)
)
if daily is not None and not daily.empty:
    shown = [m for m in FIGURES if daily[m].notna().any()]
    running = daily.sort_values("reported_on").set_index("reported_on")[shown].fillna(0).cumsum().reset_index()
    long = running.melt(id_vars="reported_on", var_name="figure")
    long["figure"] = long["figure"].map(lambda m: dui.measure_label("event_figures", m))
    ui.plot(
        px.line(
            long,
            x="reported_on",
            y="value",
            facet_col="figure",
            facet_col_wrap=3,
            markers=True,
            labels={"reported_on": "", "value": ""},
        )
        .update_yaxes(matches=None, showticklabels=True)
        .for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1])),
        key="emergency_over_time",
        height=520,
    )

# -- dispatches and their tasks ---------------------------------------------------------------------------------------
st.subheader(c.t("dispatches"))
sent = ui.query(
    QuerySpec(
        view="dispatches",
        measures=("dispatches",),
        filters=this,
        as_of=as_of,
        dimensions=("document_number", "document_date", "title_vi"),
        order=("document_date",),
    )
)
if sent is not None and not sent.empty:
    st.dataframe(
        pd.DataFrame(
            {
                c.t("document"): sent["document_number"],
                c.t("date"): sent["document_date"].map(dui.day),
                c.t("content"): sent["title_vi"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
st.subheader(c.t("dispatch_tasks"))
NAME = "assignee_name_vi" if VI else "assignee_name_en"
task_spec = QuerySpec(
    view="tasks",
    measures=("assigned",),
    filters=this,
    as_of=as_of,
    order=("document_number",),
    dimensions=("task_id", "document_number", "assignee_agency", NAME, "content", "deadline", "status", "completed_on"),
)
tasks = ui.query(task_spec)
if tasks is None or tasks.empty:
    ui.empty()
    st.stop()
counts = tasks["status"].value_counts()
for col, s in zip(ui.metric_columns(len(words.TASK_STATUS), "event_tasks", small=True), words.TASK_STATUS, strict=True):
    dui.metric(col, dui.status(s), int(counts.get(s, 0)))
ui.table(
    pd.DataFrame(
        {
            c.t("document"): tasks["document_number"],
            c.t("assignee"): dui.agency_name(tasks),
            c.t("content"): tasks["content"],
            c.t("deadline"): tasks["deadline"].map(dui.day),
            c.t("task_status"): tasks["status"].map(dui.status),
            c.t("completed_on"): tasks["completed_on"].map(dui.day),
        }
    ),
    key="emergency_tasks",
    tones={c.t("task_status"): dui.status_tones()},
    spec=task_spec,
    what=f"event_{event_id}_tasks",
)
