"""Tổng quan: headline KPI cards for leaders — latest value, change vs same period last year, sparkline."""

from __future__ import annotations

import streamlit as st

from pages import direction_panel, ui, warning_badges
from semantic import fmt
from semantic.spec import QuerySpec

#: (indicator, what the card shows first): a published comparison for price indices, the level for flows
HEADLINE = (
    ("CPI", "yoy"),
    ("CORE_INFL", "yoy"),
    ("GDP", "yoy"),
    ("IIP", "yoy"),
    ("RETAIL", "level"),
    ("EXPORTS", "level"),
    ("IMPORTS", "level"),
    ("TRADE_BALANCE", "level"),
    ("PUBINV_DISB", "level"),
    ("FDI_REG", "level"),
    ("BUDGET_REV", "level"),
    ("GOLD_IDX", "yoy"),
    ("USD_IDX", "yoy"),
    ("GOLD_SJC", "level"),
    ("USD_VND", "level"),
)

c = ui.ctx()
st.title(c.t("overview_title"))
st.caption(c.t("app_subtitle"))
warning_badges.show()
registry = ui.model().registry
cards = [(code, kind) for code, kind in HEADLINE if code in registry]
codes = tuple(code for code, _ in cards)
area = (c.area,)
latest_m = ui.latest_month(codes)
if latest_m is None:
    st.info(c.t("no_data"))
    st.stop()
start = f"{latest_m.year - 2}-01"
levels = ui.query(QuerySpec(indicators=codes, areas=area, time_from=start, boundaries=c.boundaries))
yoys = ui.query(QuerySpec(indicators=codes, areas=area, time_from=start, compare="yoy", boundaries=c.boundaries))
if levels is None or yoys is None:
    st.stop()
st.caption(f"{c.t('period')}: {fmt.period(latest_m, 'M', c.lang)}")

cols = st.columns(4)
for i, (code, kind) in enumerate(cards):
    ind = ui.indicator(code)
    lv = levels[levels["indicator_code"] == code].sort_values("period_start")
    yy = yoys[yoys["indicator_code"] == code].sort_values("period_start")
    series = yy if kind == "yoy" or lv.empty else lv
    latest = None if series.empty else series.iloc[-1]
    yoy = None
    if latest is not None and series is lv:
        same = yy[yy["period_start"] == latest["period_start"]]
        yoy = None if same.empty else float(same["value"].iloc[0])
    spark = None if series.empty else series["value"].tail(24).reset_index(drop=True)
    with cols[i % 4]:
        ui.kpi_card(ind, latest, yoy, spark)

if any(ui.indicator(code).demo for code in codes):
    st.caption(
        "⚠ " + c.t("demo_data") + ": " + ", ".join(ui.name(ui.indicator(x)) for x in codes if ui.indicator(x).demo)
    )

direction_panel.render()  # the "Chỉ đạo, điều hành" panel: overdue tasks, programs behind plan, emergencies
