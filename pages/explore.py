"""Khám phá: self-service queries — view, indicators or measures, dimensions, filters, grain, comparison, as-of;
table, pivot or chart; the SQL for those allowed to see it; the whole view in the link (?q=) so it can be shared."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from pages import explore_form, ui
from semantic import share
from semantic.query import sql_for
from semantic.spec import QuerySpec

c = ui.ctx()
mdl = ui.model()
st.title(c.t("explore_title"))
st.caption(c.t("share_link"))
explore_form.load_link(
    QuerySpec(
        indicators=("CPI",) if "CPI" in mdl.registry else (),
        compare="yoy",
        time_from="2024-01",
        boundaries=c.boundaries,
    )
)
spec = explore_form.form()
if spec is None:
    st.stop()
st.query_params["q"] = share.spec_param(spec)
frame = ui.query(spec.with_(limit=ui.DISPLAY_ROWS + 1))
if frame is None:
    st.stop()
if frame.empty:
    ui.empty()
    st.stop()

output = (
    st.segmented_control(c.t("output"), ["table", "pivot", "chart"], default="table", key="ex_output", format_func=c.t)
    or "table"
)
if len(frame) > ui.DISPLAY_ROWS and output != "table":  # said, not silent: narrow the query for the whole picture
    st.warning(c.t("display_capped").format(shown=ui.DISPLAY_ROWS))
numbers = ["value"] if spec.view == "observations" else list(spec.measures)
keys = [col for col in frame.columns if col not in numbers]
if output == "table":
    ui.table(frame, key="ex_table", spec=spec, what=f"explore_{spec.view}")
elif output == "pivot":
    p1, p2, p3 = st.columns(3)
    obs = spec.view == "observations"
    first = ["period_start"] if obs else list(spec.dimensions[:1])
    rows = p1.multiselect(c.t("rows"), keys, default=first, key="ex_pivot_rows")
    across = ["indicator_code"] if obs else list(spec.dimensions[1:2])
    cols = p2.multiselect(c.t("columns"), [k for k in keys if k not in rows], default=across, key="ex_pivot_cols")
    val = p3.selectbox(c.t("value"), numbers, key="ex_pivot_value")
    if rows:
        table, ambiguous = share.pivot(frame, rows, cols, val)
        if ambiguous:
            st.warning(c.t("pivot_ambiguous"))
        ui.table(table, key="ex_pivot", specs=(spec,), what=f"explore_pivot_{spec.view}")
else:
    p1, p2, p3, p4 = st.columns(4)
    kind = p1.selectbox(c.t("chart_type"), ["line", "bar", "area", "scatter"], key="ex_chart_kind")
    x = p2.selectbox("x", keys, index=keys.index("period_start") if "period_start" in keys else 0, key="ex_chart_x")
    y = p3.selectbox("y", numbers, key="ex_chart_y")
    color_options = ["", *[k for k in keys if k != x]]
    color = p4.selectbox(
        c.t("dimensions"),
        color_options,
        key="ex_chart_color",
        index=color_options.index("indicator_code") if "indicator_code" in color_options else 0,
    )
    draw = {"line": px.line, "bar": px.bar, "area": px.area, "scatter": px.scatter}[kind]
    ui.plot(draw(frame.sort_values(x), x=x, y=y, color=color or None), key="ex_chart")
    if spec.view == "observations":
        ui.figure_metadata(spec.indicators, frame, key="ex_chart_meta")

if c.scope.may("sql"):
    with st.expander(c.t("show_sql")):
        st.code(sql_for(spec, mdl, c.scope, ui.warehouse()), language="sql")  # the very SQL the table above ran
