"""Hằng ngày: the daily series (gold, USD/VND, fuel, stock index…): latest value, change vs the previous day and vs
the same day last year, 30/90/365-day charts, and a strip of what moved most."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages import ui
from semantic import fmt
from semantic.moves import latest_moves, moved_most, window
from semantic.periods import period_end
from semantic.spec import QuerySpec

c = ui.ctx()
st.title(c.t("daily_title"))
st.caption(c.t("daily_caption"))
codes = tuple(sorted(i.code for i in ui.model().registry if i.group == "daily" and i.frequency == "D"))
if not codes:
    ui.empty()
    st.stop()
month = ui.month_of(c.period)
end = period_end(month, "M") if month else None
start = (end or date.today()) - timedelta(days=800)  # 365-day chart + the same day a year before its first day
spec = QuerySpec(
    indicators=codes,
    areas=(c.area,),
    time_from=start.isoformat(),
    time_to=end.isoformat() if end else None,
    boundaries=c.boundaries,
)
levels = ui.query(spec)
if levels is None:
    st.stop()
moves = latest_moves(levels)
if moves.empty:
    ui.empty()
    st.stop()


def shown(value: float, code: str) -> str:
    return fmt.number(value, ui.indicator(code).decimals, c.lang)


# -- what moved most ---------------------------------------------------------------------------------------------
st.subheader(c.t("moved_most"))
top = moved_most(moves, 5)
for col, row in zip(ui.metric_columns(max(len(top), 1), "daily_moved"), top.itertuples(index=False), strict=False):
    ind = ui.indicator(row.indicator_code)
    col.metric(
        f"{ui.name(ind)}",
        shown(row.value, row.indicator_code),
        f"{fmt.percent(row.pct_prev, 2, c.lang)} {c.t('vs_previous_day')}",
        delta_color="inverse" if ind.direction == "lower_better" else "normal",
        help=f"{fmt.day(row.date, c.lang)} · {ui.unit(ind)}",
        border=True,
    )

# -- latest values ---------------------------------------------------------------------------------------------
st.subheader(c.t("latest"))
cols = ui.metric_columns(len(moves), "daily_latest")
for i, row in enumerate(moves.itertuples(index=False)):
    ind = ui.indicator(row.indicator_code)
    with cols[i], st.container(border=True):
        st.markdown(f"**{ui.name(ind)}**{ui.demo_badge(ind, row.status)}")
        delta = None if pd.isna(row.pct_prev) else f"{fmt.percent(row.pct_prev, 2, c.lang)} {c.t('vs_previous_day')}"
        st.metric(
            f"{fmt.day(row.date, c.lang)} · {ui.unit(ind)}",
            shown(row.value, row.indicator_code),
            delta,
            delta_color="inverse" if ind.direction == "lower_better" else "normal",
        )
        yoy = "–" if pd.isna(row.pct_year) else fmt.percent(row.pct_year, 2, c.lang)
        st.caption(f"{c.t('vs_last_year')}: {yoy}")
        with st.popover(c.t("metadata"), width="stretch"):
            ui.metadata_card(ind, row.status, row.vintage)

# -- charts: 30 / 90 / 365 days ----------------------------------------------------------------------------------
left, right = st.columns([2, 1])
code = left.selectbox(
    c.t("indicator"),
    list(moves["indicator_code"]),
    key="daily_code",
    format_func=ui.labels(moves["indicator_code"]).__getitem__,
)
days = (
    right.segmented_control(
        c.t("window"), [30, 90, 365], default=90, key="daily_window", format_func=lambda n: c.t("days").format(n=n)
    )
    or 90
)
series = window(levels, code, int(days))
ind = ui.indicator(code)
fig = go.Figure(
    go.Scatter(
        x=series["period_start"],
        y=series["value"],
        mode="lines",
        name=ui.name(ind),
        hovertemplate="%{x|%d/%m/%Y}: %{y:,.2f}<extra></extra>",
    )
)
fig.update_layout(title=f"{ui.name(ind)} — {c.t('days').format(n=days)} ({ui.unit(ind)})")
fig.update_xaxes(tickformat="%d/%m/%Y")
ui.plot(fig, key="daily_chart")
ui.figure_metadata([code], levels, key="daily_chart_meta")

# -- the table, with its downloads ---------------------------------------------------------------------------------
table = pd.DataFrame(
    {
        c.t("indicator"): [ui.name(ui.indicator(x)) for x in moves["indicator_code"]],
        "code": moves["indicator_code"],
        c.t("date"): moves["date"],
        c.t("value"): moves["value"],
        c.t("unit"): [ui.unit(ui.indicator(x)) for x in moves["indicator_code"]],
        c.t("vs_previous_day") + " (%)": moves["pct_prev"].astype(float).round(2),
        c.t("vs_last_year") + " (%)": moves["pct_year"].astype(float).round(2),
        c.t("status"): moves["status"],
    }
)
ui.table(table, key="daily_table", specs=(spec,), what="daily")
