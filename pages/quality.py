"""Chất lượng dữ liệu: completeness, timeliness, revisions, load failures and seasonal outliers per indicator and
reporting unit, and the plan's coverage goal (80 % of national statistical indicators digital by 2025)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.quality import COLUMNS, GOALS, SUMMARY_COLUMNS, coverage, quality_report, summary
from pages import ui
from semantic import fmt
from semantic.spec import QuerySpec

c = ui.ctx()
st.title(c.t("nav_quality"))
st.caption(c.t("quality_intro"))


def _frame(frame: pd.DataFrame | None) -> pd.DataFrame:
    return frame if frame is not None else pd.DataFrame()


def run(spec: QuerySpec) -> pd.DataFrame:
    """Every read through the page's cached, scoped query; an error is shown and counts as no rows."""
    return _frame(ui.query(spec))


# -- the plan's figure -------------------------------------------------------------------------------------------------
cov = coverage(run, ui.model().registry)
if len(cov):
    share = float(cov["coverage_pct"].iloc[0])
    st.subheader(c.t("quality_coverage"))
    cols = ui.metric_columns(len(GOALS) + 1, "quality_goals")
    cols[0].metric(
        c.t("quality_coverage"),
        fmt.percent(share, 1, c.lang, sign=False),
        f"{int(cov['delivered'].iloc[0])}/{int(cov['statistical'].iloc[0])}",
        delta_color="off",
    )
    for col, (year, goal) in zip(cols[1:], GOALS, strict=True):
        gap = share - goal
        col.metric(
            c.t("quality_goal").format(year=year, goal=goal),
            c.t("quality_met") if gap >= 0 else c.t("quality_not_yet"),
            fmt.percent(gap, 1, c.lang),
            delta_color="normal",
        )
    st.progress(min(share / 100.0, 1.0))
    missing = cov["missing"].iloc[0]
    if missing:
        with st.expander(c.t("quality_missing")):
            st.write(", ".join(f"{code} — {ui.name(ui.indicator(code))}" for code in missing.split(", ")))

# -- completeness, timeliness, revisions, failures, outliers ---------------------------------------------------------
today = date.today()
months = [f"{y}-{m:02d}" for y in range(today.year, 2019, -1) for m in range(12, 0, -1) if date(y, m, 1) <= today]
period = st.selectbox(
    c.t("quality_window"),
    ["last12", *months],
    key="quality_period",
    index=0 if c.period is None or c.period not in months else months.index(c.period) + 1,
    format_func=lambda p: (
        c.t("quality_last12") if p == "last12" else fmt.period(date(int(p[:4]), int(p[5:]), 1), "M", c.lang)
    ),
)


@st.cache_data(show_spinner=True, ttl=600, max_entries=32)
def report(scope_key: str, version: str, period: str | None, lang: str) -> tuple[pd.DataFrame, tuple]:
    """The quality report and the queries it read (audited on every serving, below)."""
    reads: ui.Reads = []
    read = ui.reading(reads)
    frame = quality_report(lambda spec: _frame(read(spec)), ui.model().registry, c.scope, period=period)
    return frame, tuple(reads)


detail, reads = report(c.scope.key(), ui.data_version(), None if period == "last12" else period, c.lang)
ui.served(reads)
if detail.empty:
    ui.empty()
    st.stop()
table = summary(detail)
only = st.toggle(c.t("quality_only_issues"), value=True, key="quality_only")
if only:
    issues = (
        (table["completeness_pct"] < 100)
        | (table["on_time_pct"] < 100)
        | (table["rejected"] > 0)
        | (table["outliers"] > 0)
        | (table["revisions"] > 0)
    )
    table = table[issues]
name_col = "name_vi" if c.lang == "vi" else "name_en"
other_name = "name_en" if name_col == "name_vi" else "name_vi"
shown = table[[col for col in SUMMARY_COLUMNS if col != other_name]].rename(
    columns={
        "reporter": c.t("q_reporter"),
        "expected": c.t("q_expected"),
        "received": c.t("q_received"),
        "completeness_pct": c.t("q_completeness"),
        "on_time_pct": c.t("q_on_time"),
        "revisions": c.t("q_revisions"),
        "rejected": c.t("q_rejected"),
        "outliers": c.t("q_outliers"),
        "demo": c.t("demo_data"),
    }
)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        c.t("q_completeness"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f %%")
    },
)

codes = sorted(detail["indicator_code"].unique())
code = st.selectbox(
    c.t("quality_detail"), codes, key="quality_code", format_func=lambda x: f"{x} — {ui.name(ui.indicator(x))}"
)
#: the detail's columns but the indicator's (chosen above) and the period's frequency, the period first
shown = ["period", *(k for k in COLUMNS if k not in ("indicator_code", "name_vi", "name_en", "period", "freq", "demo"))]
rows = detail[detail["indicator_code"] == code][shown]
st.dataframe(
    rows.rename(columns={"due": c.t("q_due"), "first_received": c.t("q_first"), "reporter": c.t("q_reporter")}),
    hide_index=True,
    width="stretch",
)
ui.figure_metadata([code])

# -- what was rejected, and the load log (the log has no area or agency: unrestricted scopes only) --------------------
rejected = run(
    QuerySpec(
        view="quality_rejected",
        measures=("problems",),
        dimensions=("loaded_at", "file", "indicator", "area", "period", "rule", "column", "message"),
        order=("-loaded_at",),
        limit=200,
    )
)
if len(rejected):
    st.subheader(c.t("quality_rejected"))
    st.dataframe(rejected, hide_index=True, width="stretch")
if c.scope.unrestricted:
    loads = run(
        QuerySpec(
            view="loads",
            measures=("rows_in", "rows_written", "rows_unchanged", "rows_rejected"),
            dimensions=("loaded_at", "source", "file", "loaded_by", "outcome"),
            order=("-loaded_at",),
            limit=50,
        )
    )
    if len(loads):
        st.subheader(c.t("quality_loads"))
        st.dataframe(loads, hide_index=True, width="stretch")
