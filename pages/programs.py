"""Chương trình, dự án: national target programs and key national projects — disbursement against the year's plan
and the planned year to date, the same month last year, physical progress and milestones; the national total of
state-budget investment disbursed from GSO's real series."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

from pages import direction_ui as dui
from pages import ui
from semantic import fmt
from semantic.spec import Filter, QuerySpec

c = ui.ctx()
st.title(c.t("programs_title"))
st.caption(c.t("programs_caption"))
months = ui.query(QuerySpec(view="projects", measures=("projects",), dimensions=("month",), as_of=date.today()))
if months is None:
    st.stop()
if months.empty:  # no project in the scope: the months of the national series still make a choice
    months = ui.query(QuerySpec(indicators=("PUBINV_DISB",), areas=("VN",), time_from="2024-01"))
    months = pd.DataFrame({"month": [] if months is None else months["period_start"].unique()})
if months.empty:
    ui.empty()
    st.stop()
options = sorted((pd.Timestamp(m).date() for m in months["month"]), reverse=True)
wanted = ui.month_of(c.period)
month = st.selectbox(
    c.t("report_month"),
    options,
    index=options.index(wanted) if wanted in options else 0,
    format_func=lambda m: fmt.period(m, "M", c.lang),
    key="programs_month",
)
key = f"{month.year}-{month.month:02d}"
last_year = f"{month.year - 1}-{month.month:02d}"
as_of = dui.month_end(month)

# -- the national total: GSO's real series --------------------------------------------------------------------------
st.subheader(
    c.t("national_totals")
    if c.scope.agency_codes_now() is None
    else c.t("share_of").format(
        name=c.t("national_totals").split("(")[0].strip(),
        agency=", ".join(ui.agency_names().get(a, a) for a in c.scope.agency_codes_now() or ()),
    )  # a ministry's slice, credited to the ministry (its own upload is not the statistics office's figure)
)
national = [
    ui.query(
        QuerySpec(indicators=(code,), areas=("VN",), compare=compare, time_from=f"{month.year - 1}-01", time_to=key)
    )
    for code, compare in (("PUBINV_DISB", "ytd"), ("PUBINV_DISB", "ytd_yoy"), ("PUBINV_DISB_PLAN_PCT", None))
]
found = [None if f is None or f.empty else f.sort_values("period_start").iloc[-1] for f in national]
if found[0] is not None:  # what the scope holds: the national series, or a ministry's own slice of it
    ytd, yoy, pct = found
    start = pd.Timestamp(ytd["period_start"]).date()
    n1, n2, n3 = ui.metric_columns(3, "programs_national")
    dui.metric(n1, f"{c.t('national_ytd')} · {fmt.year_to_date(start, c.lang)}", ytd["value"], 0, " " + ytd["unit"])
    if yoy is not None:
        n2.metric(c.t("national_yoy"), fmt.percent(yoy["value"], 1, c.lang), border=True)
    if pct is not None:
        dui.metric(n3, c.t("national_plan_pct"), pct["value"], 1, " %")
    if start < month:
        st.caption(c.t("real_latest").format(period=fmt.period(start, "M", c.lang)))
    ui.figure_metadata(
        ["PUBINV_DISB", "PUBINV_DISB_PLAN_PCT"], pd.concat([f for f in national if f is not None]), key="programs_meta"
    )
else:
    ui.empty()

# -- by program: this month and the same month last year --------------------------------------------------------------
st.subheader(c.t("by_program"))
NAME = "program_name_vi" if c.lang == "vi" else "program_name_en"
MEASURES = ("disbursed_ytd", "plan_year", "disbursement_rate", "schedule_rate", "projects", "behind_schedule")
prog_spec = QuerySpec(
    view="projects", measures=MEASURES, dimensions=("program_id", NAME, "demo"), time_from=key, time_to=key, as_of=as_of
)
progs = ui.query(prog_spec)
before = ui.query(
    prog_spec.with_(measures=("disbursement_rate",), dimensions=("program_id",), time_from=last_year, time_to=last_year)
)
if progs is None or before is None:
    st.stop()
if progs.empty:
    ui.empty()
    st.stop()
progs = progs.merge(before.rename(columns={"disbursement_rate": "same_period"}), on="program_id", how="left")
shown = pd.DataFrame(
    {
        c.t("program"): progs[NAME],
        dui.measure_label("projects", "disbursed_ytd"): progs["disbursed_ytd"].map(lambda v: dui.number(v, 1)),
        dui.measure_label("projects", "plan_year"): progs["plan_year"].map(lambda v: dui.number(v, 1)),
        c.t("rate_vs_plan") + " (%)": progs["disbursement_rate"].map(lambda v: dui.number(v, 1)),
        c.t("same_period") + " (%)": progs["same_period"].map(lambda v: dui.number(v, 1)),
        c.t("rate_vs_schedule") + " (%)": progs["schedule_rate"].map(lambda v: dui.number(v, 1)),
        dui.measure_label("projects", "behind_schedule"): progs["behind_schedule"],
    }
)
ui.table(shown, key="programs_table", spec=prog_spec, what=f"programs_{key}")
dui.demo_note(progs)

program = st.selectbox(
    c.t("pick_program"),
    list(progs["program_id"]),
    key="programs_pick",
    format_func=dict(zip(progs["program_id"], progs[NAME], strict=False)).get,
)
path = ui.query(
    QuerySpec(
        view="projects",
        measures=("disbursed_ytd", "plan_ytd"),
        dimensions=("month",),
        filters=(Filter("program_id", "in", (program,)),),
        time_from=f"{month.year - 1}-01",
        time_to=key,
        as_of=as_of,
    )
)
if path is not None and not path.empty:
    # one line per year and kind: a year-to-date path starts again every January
    long = path.melt(id_vars="month", value_vars=["disbursed_ytd", "plan_ytd"])
    long["kind"] = long["variable"].map(lambda m: dui.measure_label("projects", m))
    long[c.t("year")] = pd.to_datetime(long["month"]).dt.year.astype(str)
    long[c.t("month_of_year")] = pd.to_datetime(long["month"]).dt.month
    ui.plot(
        px.line(
            long,
            x=c.t("month_of_year"),
            y="value",
            color=c.t("year"),
            line_dash="kind",
            markers=True,
            title=c.t("monthly_path"),
            labels={"value": "tỷ đồng" if c.lang == "vi" else "billion VND", "kind": ""},
        ).update_xaxes(dtick=1),
        key="programs_path",
    )

# -- key projects: disbursement, physical progress, milestones -------------------------------------------------------
st.subheader(c.t("key_projects"))
PNAME = "project_name_vi" if c.lang == "vi" else "project_name_en"
key_spec = QuerySpec(
    view="projects",
    dimensions=("project_id", PNAME, "agency_code", "agency_name_vi" if c.lang == "vi" else "agency_name_en"),
    measures=("disbursed_ytd", "plan_year", "disbursement_rate", "physical_pct", "physical_plan_pct"),
    filters=(Filter("program_kind", "in", ("key",)),),
    time_from=key,
    time_to=key,
    as_of=as_of,
)
keys = ui.query(key_spec)
if keys is None or keys.empty:
    ui.empty()
    st.stop()
ui.table(
    pd.DataFrame(
        {
            c.t("project"): keys[PNAME],
            c.t("agency"): keys["agency_name_vi" if c.lang == "vi" else "agency_name_en"].fillna(keys["agency_code"]),
            c.t("rate_vs_plan") + " (%)": keys["disbursement_rate"].map(lambda v: dui.number(v, 1)),
            c.t("physical") + " (%)": keys["physical_pct"].map(lambda v: dui.number(v, 1))
            + " / "
            + keys["physical_plan_pct"].map(lambda v: dui.number(v, 1)),
            c.t("task_status"): (keys["physical_pct"] < keys["physical_plan_pct"]).map(
                {True: c.t("behind"), False: c.t("on_track")}
            ),
        }
    ),
    key="programs_key",
    tones={
        c.t("task_status"): {
            c.t("behind"): dui.STATUS_TONE["overdue"][1],
            c.t("on_track"): dui.STATUS_TONE["done_on_time"][1],
        }
    },
    spec=key_spec,
    what=f"key_projects_{key}",
)
project = st.selectbox(
    c.t("pick_project"),
    list(keys["project_id"]),
    key="programs_project",
    format_func=dict(zip(keys["project_id"], keys[PNAME], strict=False)).get,
)
stones = ui.query(
    QuerySpec(
        view="milestones",
        measures=("milestones",),
        as_of=as_of,
        dimensions=("seq", "name_vi" if c.lang == "vi" else "name_en", "planned_on", "done_on", "status"),
        filters=(Filter("project_id", "in", (project,)),),
    )
)
if stones is not None and not stones.empty:
    st.markdown(f"**{c.t('milestones')}**")
    st.dataframe(dui.milestone_table(stones, as_of), hide_index=True, width="stretch")
