"""Kế hoạch năm: the year's targets (the version in force on a date, with its document) against the actuals, with
a status by the rule in semantic/plan_status.py, and a drill to provinces or ministries."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages import ui
from pages.i18n import PLAN_COLOR, PLAN_STATUS, pick
from semantic import fmt, plan
from semantic.spec import QuerySpec

c = ui.ctx()
st.title(c.t("plan_title"))
st.caption(c.t("plan_caption"))
today = date.today()
left, right = st.columns(2)
year = left.selectbox(c.t("plan_year"), [2025, 2024], key="plan_year")
# one date answers both questions: which target version was in force, and what was known of the actuals
on = right.date_input(
    c.t("plan_on"),
    value=today,
    min_value=date(year - 1, 1, 1),
    max_value=today,
    key=f"plan_on_{year}",
    format="DD/MM/YYYY",
)
targets_spec = plan.targets_spec((year,))
view = ui.plan_view(year, on)  # computed once per scope, day and data version; shared with Tổng quan
targets, assessed, actual_specs = view.targets, view.assessed, list(view.actual_specs)
if targets is None or view.failed:
    st.stop()
if assessed.empty:
    ui.empty()
    st.stop()
registry = ui.model().registry

name_col = "target_vi" if c.lang == "vi" else "target_en"
areas = ui.area_names(ui.boundary_day())  # names instead of codes ("Việt Nam", not "VN")
shown = pd.DataFrame(
    {
        "#": assessed["seq"],
        c.t("plan_status"): assessed["plan_status"].map(lambda s: pick(PLAN_STATUS[s], c.lang)),
        c.t("target"): assessed[name_col] + assessed["status"].map(lambda s: " ⚠" if s == "demo" else ""),
        c.t("target_value"): [
            plan.target_text(r.comparator, r.low, r.high, r.unit, c.lang) for r in assessed.itertuples()
        ],
        c.t("actual"): [plan.actual_text(r, registry, c.lang) for _, r in assessed.iterrows()],
        c.t("area"): [areas.get(a, a) for a in assessed["area"]],
        c.t("document"): assessed["document"],
        c.t("document_date"): assessed["document_date"].map(lambda d: fmt.day(d, c.lang)),
        c.t("source"): assessed["source_url"],
    }
)
counts = assessed["plan_status"].value_counts()
for col, s in zip(ui.metric_columns(5, "plan_status", small=True), PLAN_STATUS, strict=True):
    with col:
        st.badge(pick(PLAN_STATUS[s], c.lang), color=PLAN_COLOR[s])  # the light, drawn without emoji
        st.metric(pick(PLAN_STATUS[s], c.lang), int(counts.get(s, 0)), label_visibility="collapsed")
ui.table(
    shown,
    key="plan_table",
    specs=(targets_spec, *actual_specs),
    what=f"plan_{year}",
    export=assessed,
    keep=("#",),  # the target's number in the resolution: sorts as a number
    column_config={  # the target's words wrap in a medium column: status, target and actual stay on screen
        c.t("target"): st.column_config.TextColumn(width="medium"),
        c.t("source"): st.column_config.LinkColumn(display_text="🔗"),
    },
)
if (assessed["status"] == "demo").any():
    st.caption("⚠ " + c.t("demo_data"))

# -- how a target moved over the year ------------------------------------------------------------------------------
with st.expander(c.t("versions")):
    moved = targets.groupby(["seq", "area"]).filter(lambda g: len(g) > 1)
    if moved.empty:
        st.caption(c.t("no_data"))
    for (seq, area), group in moved.groupby(["seq", "area"]):
        st.markdown(f"**{group[name_col].iloc[0]}** ({area})")
        hist = plan.versions(targets, year, int(seq), area)
        st.dataframe(
            pd.DataFrame(
                {
                    c.t("document"): hist["document"],
                    c.t("document_date"): hist["document_date"].map(lambda d: fmt.day(d, c.lang)),
                    c.t("target"): [
                        plan.target_text(r.comparator, r.low, r.high, r.unit, c.lang) for r in hist.itertuples()
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )

# -- drill: the actual of one target by province or by ministry ------------------------------------------------------
st.subheader(c.t("drill"))
provincial = set(ui.provincial_indicators(ui.data_version()))
drillable = [
    x
    for x in dict.fromkeys(assessed["indicator"].dropna())
    if x in registry and (registry[x].breakdown == "agency" or x in provincial)
]
if not drillable:
    ui.empty("no_actual")
    st.stop()
with_actual = assessed[assessed["indicator"].isin(drillable)]
code = st.selectbox(c.t("indicator"), drillable, key="plan_drill", format_func=ui.labels(drillable).__getitem__)
ind = registry[code]
rule_base = with_actual.loc[with_actual["indicator"] == code, "actual_base"].iloc[0]
by = "agency" if ind.breakdown == "agency" else "area"
drill_spec = QuerySpec(
    indicators=(code,),
    time_from=str(year),
    time_to=f"{year}-12-31",
    compare=None if rule_base in (None, "level") else rule_base,
    as_of=on,
    boundaries=c.boundaries,
    dimensions=("agency",) if by == "agency" else (),
)
drill = ui.query(drill_spec)
if drill is None:
    st.stop()
drill = drill[drill["area_code"] != "VN"] if by == "area" else drill
if drill.empty:
    ui.empty()
    st.stop()
last = drill.sort_values("period_start").groupby(["area_code", "agency_code"], dropna=False).tail(1)
key_col = "agency_code" if by == "agency" else "area_code"
names = ui.area_names(ui.boundary_day()) if by == "area" else {}
last = last.sort_values("value", ascending=False).assign(name=lambda f: [names.get(x, x) for x in f[key_col]])
label = c.t("drill_by_" + by)
fig = go.Figure(go.Bar(x=last["name"], y=last["value"]))  # built as a trace: Plotly Express's frame work costs 10x
fig.update_layout(title=f"{ui.name(ind)} — {label}", xaxis_title=label, yaxis_title=ui.unit(ind))
fig.update_xaxes(type="category")  # codes are labels ("01" is Hà Nội), never numbers
ui.plot(fig, key="plan_drill_chart")
ui.figure_metadata([code], drill, key="plan_drill_meta")
shown = pd.DataFrame(
    {
        "code": last[key_col],
        label: last["name"],
        c.t("period"): [fmt.period(pd.Timestamp(r.period_start).date(), r.freq, c.lang) for r in last.itertuples()],
        c.t("value"): last["value"],
        c.t("unit"): last["unit"],
        c.t("status"): last["status"],
    }
)
ui.table(shown, key="plan_drill_table", spec=drill_spec, what=f"plan_drill_{code}", decimals=ind.decimals)
