"""Tổng quan: a leader's three questions at a glance — the economy this month (KPI cards, each with its own period),
against the year's plan (each card's target status; targets behind listed), and what is overdue (counts) — for the
sidebar's reporting month, plus a printable one-page briefing of the same."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages import briefing, direction_panel, ui, warning_badges
from pages.i18n import PLAN_COLOR, PLAN_STATUS, pick
from semantic import fmt, plan
from semantic.profile import active as active_profile
from semantic.spec import QuerySpec

_NONE = object()  # no same-period row (a missing value is a row too)

#: (indicator, what the card shows first), most important first: growth, prices, production and demand, trade,
#: investment and budget, then markets. A published comparison for price indices, the level for flows.
HEADLINE = (
    ("GDP", "yoy"),
    ("CPI", "yoy"),
    ("IIP", "yoy"),
    ("RETAIL", "level"),
    ("EXPORTS", "level"),
    ("IMPORTS", "level"),
    ("TRADE_BALANCE", "level"),
    ("PUBINV_DISB", "level"),
    ("FDI_REG", "level"),
    ("BUDGET_REV", "level"),
    ("CORE_INFL", "yoy"),
    ("GOLD_IDX", "yoy"),
    ("USD_IDX", "yoy"),
    ("GOLD_SJC", "level"),
    ("USD_VND", "level"),
)

c = ui.ctx()
profile = active_profile()
st.title(c.t("overview_title") + (f" — {profile.title(c.lang)}" if profile.province else ""))
st.caption(c.t("app_subtitle"))
warning_badges.show()
registry = ui.model().registry
# a province's deployment opens on its own indicators (its profile's headline), then the real province rows of
# national series (GRDP growth)
headline = tuple((code, "level") for code in profile.headline) + (("GRDP", "yoy"),) if profile.province else HEADLINE
cards = [(code, kind) for code, kind in headline if code in registry]
if c.scope.agency_codes_now():  # a ministry's staff open on their own ministry's indicators, first
    own = [
        i.code for i in registry if i.owner in c.scope.agency_codes_now() and i.frequency in ("M", "Q") and not i.demo
    ]
    cards = [(code, "level") for code in own[:8] if code not in dict(cards)] + cards
codes = tuple(code for code, _ in cards)
area = (c.area,)
chosen = ui.month_of(c.period)  # the sidebar's reporting month; None: the latest with data
latest_m = ui.latest_month(codes)
if latest_m is None:
    st.info(c.t("no_data"))
    st.stop()
month = min(chosen, latest_m) if chosen is not None else latest_m
start = f"{month.year - 2}-01"
until = f"{month.year}-{month.month:02d}"  # nothing after the reporting month: a card never runs ahead of it
levels = ui.query(QuerySpec(indicators=codes, areas=area, time_from=start, time_to=until, boundaries=c.boundaries))
yoys = ui.query(
    QuerySpec(indicators=codes, areas=area, time_from=start, time_to=until, compare="yoy", boundaries=c.boundaries)
)
if levels is None or yoys is None:
    st.stop()
st.caption(
    f"{c.t('period')}: **{fmt.period(month, 'M', c.lang)}** · {c.t('overview_each_card')}"
    + ("" if chosen is None or chosen <= latest_m else f" · {c.t('overview_no_later')}")
)


# the year's targets as the Kế hoạch năm page assesses them (same specs, same rule, the same cached computation)
assessed = ui.plan_view(month.year, min(date.today(), date(month.year, 12, 31))).assessed
rows: list[briefing.Card] = []
agencies = ui.agency_names()
missing: list[str] = []
# each indicator's rows, split once (a filter per card over the whole frame was most of a warm run's pandas work)
by_level = {k: g for k, g in levels.sort_values("period_start", kind="stable").groupby("indicator_code", sort=False)}
by_yoy = {k: g for k, g in yoys.sort_values("period_start", kind="stable").groupby("indicator_code", sort=False)}
# a card's same-period change and target status, looked up (a boolean filter per card over an Arrow-backed frame was
# the largest part of a warm run after the split above): the first row of each, as the filters took it
yoy_at: dict[tuple[str, object], float] = {}
for key, v in zip(zip(yoys["indicator_code"], yoys["period_start"], strict=True), yoys["value"], strict=True):
    yoy_at.setdefault(key, v)
status_of: dict[str, str] = {}
if len(assessed):
    home = assessed[assessed["area"].isin([c.area, "VN"])]
    for code_, status_ in zip(home["indicator"], home["plan_status"], strict=True):
        status_of.setdefault(code_, str(status_))
with ui.card_grid("overview"):
    for code, kind in cards:
        ind = ui.indicator(code)
        lv = by_level.get(code, levels.iloc[:0])
        yy = by_yoy.get(code, yoys.iloc[:0])
        series = yy if kind == "yoy" or lv.empty else lv
        if series.empty:  # nothing in the reader's scope: no empty card, one line below instead
            missing.append(ui.name(ind))
            continue
        latest = series.iloc[-1]
        yoy = None
        if series is lv:
            same = yoy_at.get((code, latest["period_start"]), _NONE)
            yoy = None if same is _NONE else float(same)
        status = status_of.get(code)
        note = ""
        if status is not None:
            note = f":{PLAN_COLOR[status]}-badge[{c.t('vs_plan')}: {pick(PLAN_STATUS[status], c.lang)}]"
        spark = series["value"].tail(24).reset_index(drop=True)
        title = ""
        if c.scope.agency_codes_now() and ind.breakdown == "agency":  # the rows in scope are the ministry's share
            mine = ", ".join(agencies.get(a, a) for a in c.scope.agency_codes_now() or ())
            title = c.t("share_of").format(name=ui.name(ind), agency=mine)
        ui.kpi_card(ind, latest, yoy, spark, note=note, title=title)
        rows.append(briefing.card(ind, latest, yoy, status, c.lang))
if missing:
    st.caption(f"{c.t('overview_not_in_scope')}: " + ", ".join(missing))
if any(ui.indicator(code).demo for code in codes):
    st.caption(f"{c.t('demo_data')}: " + ", ".join(ui.name(ui.indicator(x)) for x in codes if ui.indicator(x).demo))

# -- against the plan: the targets behind ------------------------------------------------------------------------------
behind = assessed[assessed["plan_status"].isin(["off_track", "at_risk"])] if len(assessed) else pd.DataFrame()
st.subheader(c.t("overview_behind_title").format(year=month.year))
name_col = "target_vi" if c.lang == "vi" else "target_en"
if behind.empty:
    st.caption(c.t("panel_none"))
for _, r in behind.iterrows():
    st.markdown(
        f":{PLAN_COLOR[r['plan_status']]}-badge[{pick(PLAN_STATUS[r['plan_status']], c.lang)}] {r[name_col]}"
        f" — {plan.actual_text(r, registry, c.lang)}"
    )

counts = direction_panel.render()  # the "Chỉ đạo, điều hành" panel: overdue tasks, programs behind, emergencies
st.download_button(
    f"⬇ {c.t('briefing_download')}",
    data=briefing.html(rows, behind, name_col, counts, month, c.lang, registry),
    file_name=f"ban-tin-{month:%Y-%m}.html",
    mime="text/html",
    key="overview_briefing",
    on_click="ignore",
)
