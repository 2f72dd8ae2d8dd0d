"""Shared parts of the direction pages: the as-of date picker (defaulting to the date the data reaches), labels of
statuses and kinds, and the demo note. Pages compose these; nothing here holds SQL, Ibis or YAML."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages import i18n_direction as words
from pages import ui
from pages.i18n import pick
from semantic import fmt
from semantic.areas import boundaries_geojson
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


def status(code: Any) -> str:
    icon = {"done_on_time": "🟢", "done_late": "🟡", "overdue": "🔴", "in_progress": "🔵", "not_started": "⚪"}
    return f"{icon.get(str(code), '')} {label(words.TASK_STATUS, code)}".strip()


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


def metric(col: Any, title: str, value: Any, decimals: int = 0, suffix: str = "") -> None:
    c = ui.ctx()
    text = "–" if value is None or pd.isna(value) else fmt.number(value, decimals, c.lang) + suffix
    col.metric(title, text, border=True)


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
            c.t("document_kind"): frame["document_kind"].map(lambda x: label(words.DOCUMENT_KINDS, x)),
            c.t("assignee"): agency_name(frame),
            c.t("content"): frame["content"],
            c.t("deadline"): frame["deadline"].map(lambda d: day(d) if pd.notna(d) else c.t("recurring_word")),
            c.t("task_status"): frame["status"].map(status),
            c.t("completed_on"): frame["completed_on"].map(day),
            c.t("days_late"): frame["delay_days"].where(late).astype("Int64"),
        }
    )


def affected_map(hit: pd.DataFrame, measure: str) -> go.Figure:
    """The 34 provinces in grey, those in `hit` (area_code, `measure`) shaded by it."""
    geo = boundaries_geojson("34")
    names = ui.area_names(ui.boundary_day())
    codes = [f["id"] for f in geo["features"]]
    fig = go.Figure()
    grey = [[0, "#e5e7eb"], [1, "#e5e7eb"]]
    fig.add_choropleth(
        geojson=geo,
        locations=codes,
        z=[0] * len(codes),
        featureidkey="properties.code",
        colorscale=grey,
        showscale=False,
        hoverinfo="skip",
    )
    if not hit.empty:
        fig.add_choropleth(
            geojson=geo,
            locations=hit["area_code"],
            z=hit[measure].fillna(0),
            featureidkey="properties.code",
            colorscale="OrRd",
            text=[names.get(a, a) for a in hit["area_code"]],
            colorbar=dict(title=measure_label("event_figures", measure)),
            hovertemplate="%{text}: %{z:,.0f}<extra></extra>",
        )
    fig.update_geos(visible=False, projection_type="mercator", lataxis_range=[8.0, 23.6], lonaxis_range=[102.0, 117.5])
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
