"""Khám phá: self-service queries — view, indicators or measures, dimensions, filters, grain, comparison, as-of;
table, pivot or chart, each through the presentation layer (names, not codes; 1.234,5; periods by name; each
comparison's unit); the SQL for those allowed to see it; the whole view in the link (?q=), which the page offers
to copy."""

from __future__ import annotations

from urllib.parse import quote

import plotly.express as px
import streamlit as st

from pages import explore_form, explore_view, present, ui
from pages.i18n import pick
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
param = share.spec_param(spec)
st.query_params["q"] = param
with st.popover(c.t("copy_link"), icon=":material/link:"):
    st.caption(c.t("copy_link_help"))
    page_url = (st.context.url or "").split("?")[0]
    st.code(f"{page_url}?q={quote(param, safe='')}", language=None, wrap_lines=True)
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
obs = spec.view == "observations"
if obs:
    shown, places = explore_view.named(frame)
    keys = [k for k in explore_view.OBS_KEYS if k in shown.columns]
    numbers = ["value"]
    measure_places: dict[str, int] = {}
else:
    cube = mdl.cube(spec.view)
    shown, places = frame, None
    numbers = list(spec.measures)
    keys = [col for col in frame.columns if col not in numbers]
    measure_places = {m: cube.measure(m).decimals for m in numbers}


def header(col: str) -> str:
    return present.header(col, c.lang, mdl)


if output == "table":
    if obs:
        ui.table(
            explore_view.table_rows(shown, c.lang),
            key="ex_table",
            spec=spec,
            what="explore_observations",
            decimals=places,
        )
    else:
        ui.table(frame, key="ex_table", spec=spec, what=f"explore_{spec.view}", decimals=measure_places)
elif output == "pivot":
    p1, p2, p3 = st.columns(3)
    if obs:
        options = keys
        default_rows = ["period"]
        default_cols = [k for k in explore_view.varying(shown, keys) if k != "period"]
    else:
        options = [d.name for d in cube.dimensions]
        default_rows, default_cols = list(spec.dimensions[:1]), list(spec.dimensions[1:2])
    rows = p1.multiselect(
        c.t("rows"), options, default=default_rows, key="ex_pivot_rows", format_func=header, **ui.choose()
    )
    cols = p2.multiselect(
        c.t("columns"),
        [k for k in options if k not in rows],
        default=default_cols,
        key="ex_pivot_cols",
        format_func=header,
        **ui.choose(),
    )
    val = p3.selectbox(c.t("value"), numbers, key="ex_pivot_value", format_func=header)
    if rows and obs:
        uncovered = [k for k in explore_view.varying(shown, keys) if k not in (*rows, *cols)]
        if uncovered:  # never a silent first value: the reader is told which keys still vary
            st.warning(c.t("pivot_uncovered").format(keys=", ".join(f"«{header(k)}»" for k in uncovered)))
        else:
            table, decimals = explore_view.pivot(shown, rows, cols, val, places, c.lang)
            ui.table(table, key="ex_pivot", specs=(spec,), what="explore_pivot_observations", decimals=decimals)
    elif rows:
        # the cube aggregates again by exactly these rows x columns, each measure by its declared aggregation
        by = ui.query(spec.with_(dimensions=tuple((*rows, *cols)), order=(), limit=ui.DISPLAY_ROWS + 1))
        if by is not None and not by.empty:
            st.caption(c.t("pivot_aggregated"))
            table, decimals = explore_view.pivot(by, rows, cols, val, measure_places.get(val, 0), c.lang)
            ui.table(table, key="ex_pivot", specs=(spec,), what=f"explore_pivot_{spec.view}", decimals=decimals)
else:
    p1, p2, p3, p4 = st.columns(4)
    kind = p1.selectbox(
        c.t("chart_type"),
        ["line", "bar", "area", "scatter"],
        key="ex_chart_kind",
        format_func=lambda k: pick(explore_view.CHART_KINDS[k], c.lang),
    )
    first_x = "period" if obs else keys[0] if keys else None
    x = p2.selectbox(
        c.t("chart_x"), keys, index=keys.index(first_x) if first_x in keys else 0, key="ex_chart_x", format_func=header
    )
    y = p3.selectbox(c.t("chart_y"), numbers, key="ex_chart_y", format_func=header)
    others = [k for k in explore_view.varying(shown, keys) if k != x]
    # one trace per series: rows of other keys in one line zigzag across them
    color_options = (["series"] if len(others) > 1 else []) + others
    color = (
        None
        if not color_options
        else p4.selectbox(
            c.t("chart_color"),
            color_options,
            key="ex_chart_color",
            format_func=lambda k: c.t("series") if k == "series" else header(k),
        )
    )
    data = shown.copy()
    if color == "series":
        data["series"] = data[others].astype(str).agg(" · ".join, axis=1)
    elif color is not None and len(others) > 1:  # the keys not picked still split the lines
        rest = [k for k in others if k != color]
        data[color] = data[[color, *rest]].astype(str).agg(" · ".join, axis=1)
    data = data.sort_values([*(([color]) if color else []), x])  # each line drawn in period order
    units = sorted(set(data["unit"])) if obs else [u for u in [cube.measure(y).unit] if u]
    y_title = header(y) + (f" ({'; '.join(units)})" if units else "")
    draw = {"line": px.line, "bar": px.bar, "area": px.area, "scatter": px.scatter}[kind]
    labels = {
        x: header(x),
        y: y_title,
        **({color: c.t("series") if color == "series" else header(color)} if color else {}),
    }
    ui.plot(draw(data, x=x, y=y, color=color, labels=labels), key="ex_chart")
    if obs:
        ui.figure_metadata(spec.indicators, frame, key="ex_chart_meta")

if c.scope.may("sql"):
    with st.expander(c.t("show_sql")):
        st.code(sql_for(spec, mdl, c.scope, ui.warehouse()), language="sql")  # the very SQL the table above ran
