"""Shared parts of the direction pages: the as-of date picker (defaulting to the date the data reaches), labels of
statuses and kinds, and the demo note. Pages compose these; nothing here holds SQL, Ibis or YAML."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import sample_colorscale

from pages import i18n as words
from pages import ui
from pages.i18n import pick
from semantic import fmt
from semantic.areas import ARCHIPELAGOS, boundaries_geojson
from semantic.spec import QuerySpec


def latest(view: str, measure: str) -> date | None:
    """The latest date a view's data reaches (its newest update, report or month), as known today."""
    frame = ui.query(QuerySpec(view=view, measures=(measure,), as_of=date.today()))
    if frame is None or frame.empty or pd.isna(frame.iloc[0, 0]):
        return None
    return pd.Timestamp(frame.iloc[0, 0]).date()


def month_end(month: date) -> date:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def default_as_of(reaches: date | None) -> date:
    """The sidebar's reporting month (its last day) when one is picked, else the day the data reaches: a status
    'as of today' on data that stopped months ago would call every open task overdue."""
    c = ui.ctx()
    month = ui.month_of(c.period)
    if month is not None:
        return min(month_end(month), date.today())
    return reaches or date.today()


def as_of_picker(key: str, reaches: date | None) -> date:
    c = ui.ctx()
    value = default_as_of(reaches)
    return st.date_input(c.t("as_of"), value=value, max_value=max(date.today(), value), key=key, format="DD/MM/YYYY")


def label(table: dict[str, tuple[str, str]], code: Any) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return "–"
    return pick(table.get(str(code), (str(code), str(code))), ui.ctx().lang)


#: a task status's colour (Streamlit's badge colours), its CSS colour in a table, and its Material icon: a light that
#: needs no colour-emoji font (without one, 🟢/🔴 became grey circles or empty boxes)
STATUS_TONE: dict[str, tuple[str, str, str]] = {
    "done_on_time": ("green", "#15803d", "check_circle"),
    "done_late": ("orange", "#b45309", "schedule"),
    "overdue": ("red", "#b91c1c", "error"),
    "in_progress": ("blue", "#1d4ed8", "pending"),
    "not_started": ("gray", "#4b5563", "radio_button_unchecked"),
}


def status(code: Any) -> str:
    """The status's words (a picker's option, a table cell, a card's label)."""
    return label(words.TASK_STATUS, code)


def status_badge(code: Any) -> str:
    """The status as a coloured badge with a Material icon, for markdown."""
    tone = STATUS_TONE.get(str(code))
    return f":{tone[0]}-badge[:material/{tone[2]}: {status(code)}]" if tone else status(code)


def status_tones() -> dict[str, str]:
    """A status's words -> its CSS colour: a table's status column coloured by `ui.table(tones=…)`."""
    return {status(code): tone[1] for code, tone in STATUS_TONE.items()}


def day(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return fmt.day(pd.Timestamp(value).date(), ui.ctx().lang)


def agency_name(frame: pd.DataFrame, code_col: str = "assignee_agency") -> pd.Series:
    """The current name of each row's agency (from the model's join), its code when the name is unknown."""
    c = ui.ctx()
    col = "assignee_name_vi" if c.lang == "vi" else "assignee_name_en"
    names = frame[col] if col in frame.columns else frame[code_col]
    return names.fillna(frame[code_col])


def demo_note(frame: pd.DataFrame | None, column: str = "demo") -> None:
    if frame is not None and column in frame.columns and frame[column].fillna(False).astype(bool).any():
        st.caption(f"⚠ :orange-badge[{ui.ctx().t('demo_data')}]")


def number(value: Any, decimals: int = 0) -> str:
    """vi-VN (1.234,5) or en form; '–' for nothing."""
    return "–" if value is None or pd.isna(value) else fmt.number(value, decimals, ui.ctx().lang)


def metric(col: Any, title: str, value: Any, decimals: int = 0, suffix: str = "") -> None:
    text = number(value, decimals)
    col.metric(title, text if text == "–" else text + suffix, border=True)


def measure_label(view: str, measure: str) -> str:
    m = ui.model().cube(view).measure(measure)
    return m.label_vi if ui.ctx().lang == "vi" else m.label_en


def task_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A tasks query (task dimensions) as readers see it: labels, vi-VN dates, days late where late."""
    c = ui.ctx()
    late = frame["status"].isin(["done_late", "overdue"])
    return pd.DataFrame(
        {
            c.t("document"): frame["document_number"] + " (" + frame["document_date"].map(day) + ")",
            c.t("assignee"): agency_name(frame),
            c.t("deadline"): frame["deadline"].map(lambda d: day(d) if pd.notna(d) else c.t("recurring_word")),
            c.t("task_status"): frame["status"].map(status),
            c.t("days_late"): frame["delay_days"].where(late).astype("Int64"),
            c.t("completed_on"): frame["completed_on"].map(day),
            c.t("content"): frame["content"],
            c.t("document_kind"): frame["document_kind"].map(lambda x: label(words.DOCUMENT_KINDS, x)),
        }
    )


def _rings(geometry: dict[str, Any]) -> tuple[list[float | None], list[float | None]]:
    """Outer rings of a (Multi)Polygon as one x/y path, rings separated by None."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    xs: list[float | None] = []
    ys: list[float | None] = []
    for polygon in polygons:
        xs += [p[0] for p in polygon[0]] + [None]
        ys += [p[1] for p in polygon[0]] + [None]
    return xs, ys


def affected_map(hit: pd.DataFrame, measure: str, title: str | None = None) -> go.Figure:
    """The 34 provinces, those in `hit` (area_code, `measure`) shaded by it, with Hoàng Sa and Trường Sa.

    Drawn as filled shapes on plain axes, not Plotly's geo layer: that one fetches a world map from the internet
    before drawing anything, and a government intranet has none."""
    c = ui.ctx()
    geo = boundaries_geojson("34")
    names = ui.area_names(ui.boundary_day())
    values = dict(zip(hit["area_code"], hit[measure].fillna(0), strict=False))
    top = max([v for v in values.values() if v] or [1.0])
    fig = go.Figure()
    for feature in geo["features"]:
        code = feature["id"]
        xs, ys = _rings(feature["geometry"])
        hit_here = code in values
        color = sample_colorscale("OrRd", 0.3 + 0.7 * values[code] / top)[0] if hit_here else "#e5e7eb"
        value = f": {fmt.number(values[code], 0, c.lang)}" if hit_here else ""
        fig.add_scatter(
            x=xs,
            y=ys,
            fill="toself",
            fillcolor=color,
            mode="lines",
            hoveron="fills",
            line=dict(color="white", width=0.7),
            text=f"{names.get(code, code)}{value}",
            hoverinfo="text",
            showlegend=False,
        )
    fig.add_scatter(
        x=[a["lon"] for a in ARCHIPELAGOS],
        y=[a["lat"] for a in ARCHIPELAGOS],
        mode="markers+text",
        text=[c.t(f"{a['code']}_short") for a in ARCHIPELAGOS],
        textposition="bottom center",
        hoverinfo="text",
        marker=dict(size=6, color="#1f2937"),
        showlegend=False,
    )
    fig.update_xaxes(visible=False, range=[102.0, 117.5])
    fig.update_yaxes(visible=False, range=[8.0, 23.6], scaleanchor="x", scaleratio=1.04)
    fig.update_layout(plot_bgcolor="rgba(0,0,0,0)", title=title or measure_label("event_figures", measure))
    return fig


def milestone_table(stones: pd.DataFrame, as_of: date) -> pd.DataFrame:
    c = ui.ctx()
    name = "name_vi" if c.lang == "vi" else "name_en"
    return pd.DataFrame(
        {
            "#": stones["seq"],
            c.t("milestones"): stones[name],
            c.t("deadline"): stones["planned_on"].map(day),
            c.t("completed_on"): stones["done_on"].map(
                lambda d: day(d) if pd.notna(d) and pd.Timestamp(d).date() <= as_of else "–"
            ),
            c.t("task_status"): stones["status"].map(lambda s: label(words.MILESTONE_STATUS, s)),
        }
    )
