"""Tỉnh, thành: a choropleth on the 34 provinces of 2025 (or the 63 as they were, for earlier periods), with
Hoàng Sa and Trường Sa shown, and a ranking table."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages import province_map, ui
from pages.i18n import COMPARE_NAMES, pick
from semantic import fmt
from semantic.areas import ARCHIPELAGOS, boundaries_geojson, map_kind
from semantic.spec import QuerySpec

c = ui.ctx()
st.title(c.t("provinces_title"))
registry = ui.model().registry
# the map opens on disbursement (GSO publishes it by province each month), then other published series, demo last
codes = sorted(
    (x for x in ui.provincial_indicators(ui.data_version()) if x in registry),
    key=lambda x: (x != "PUBINV_DISB", registry[x].demo, x),
)
if not codes:
    ui.empty("no_province_data")
    st.stop()
left, mid, right = st.columns([3, 2, 2])
code = left.selectbox(c.t("indicator"), codes, key="prov_code", format_func=ui.labels(codes).__getitem__)
ind = registry[code]
# what the indicator offers; it opens on what its source publishes (FDI: the year to date, GRDP: the growth)
offered = ["" if b == "level" else b for b in ind.comparisons if b in ("level", "yoy", "pop", "ytd", "ytd_yoy")]
first = "" if "level" in ind.published else next((b for b in ind.published if b in offered), offered[0])
compare = mid.selectbox(c.t("compare"), offered, index=offered.index(first), key=f"prov_compare_{code}",
                        format_func=lambda b: pick(COMPARE_NAMES[b], c.lang))  # fmt: skip
history = ui.query(QuerySpec(indicators=(code,), time_from="2020", compare=compare or None, boundaries=c.boundaries))
if history is None:
    st.stop()
history = history[history["area_code"] != "VN"]
if history.empty:
    ui.empty()
    st.stop()
periods = sorted({pd.Timestamp(p).date() for p in history["period_start"]}, reverse=True)
wanted = ui.month_of(c.period)
freq = history["freq"].iloc[0]
# how many areas reported each period: the map opens on the latest period with at least half as many as the best
# one (one province's early upload must not leave 33 of 34 provinces grey)
totals = history[history["agency_code"].isna()] if "agency_code" in history.columns else history
reported = {pd.Timestamp(p).date(): n for p, n in totals.groupby("period_start")["area_code"].nunique().items()}
most = max(reported.values(), default=0)
enough = next((p for p in periods if reported.get(p, 0) * 2 >= most), periods[0])
start = right.selectbox(
    c.t("period"),
    periods,
    key=f"prov_period_{code}_{c.boundaries}",
    index=periods.index(wanted) if wanted in periods else periods.index(enough),
    format_func=lambda d: f"{fmt.period(d, freq, c.lang)} ({reported.get(d, 0)})",
)
st.caption(c.t("provinces_reported").format(n=reported.get(start, 0), most=most))
kind = map_kind(c.boundaries, start)
st.caption(c.t("provinces_caption_aswas" if kind == "63" else "provinces_caption_2025"))
if c.boundaries == "as-was" and kind == "34":
    st.caption(c.t("provinces_aswas_late"))

key = {"D": start.isoformat(), "M": f"{start:%Y-%m}", "Q": f"{start.year}-Q{(start.month - 1) // 3 + 1}"}.get(
    freq, str(start.year)
)
spec = QuerySpec(indicators=(code,), time_from=key, time_to=key, compare=compare or None, boundaries=c.boundaries)
values = ui.query(spec)
if values is None:
    st.stop()
geo = boundaries_geojson(kind)
on = start if kind == "63" else max(date.today(), date(2025, 7, 1))
names = ui.area_names(on)
values = values[values["area_code"].isin([f["id"] for f in geo["features"]]) & values["agency_code"].isna()]
unit = ui.unit(ind) if compare in ("", "ytd") else "%"

all_codes = [f["id"] for f in geo["features"]]
fig = province_map.figure(
    geo,
    dict(zip(values["area_code"], values["value"], strict=True)),
    names,
    {a["code"]: c.t(a["code"]) for a in ARCHIPELAGOS},
    unit,
    "RdYlGn_r" if ind.direction == "lower_better" else "YlGnBu",
    f"{ui.name(ind)} — {fmt.period(start, freq, c.lang)} ({unit})",
    lambda v: fmt.number(v, 2, c.lang),
)
ui.plot(fig, key="prov_map", height=720)
ui.figure_metadata([code], values, key="prov_meta")
st.caption(f"{len(all_codes)} {c.t('province').lower()} · {c.t('hoang_sa')} · {c.t('truong_sa')}")

st.subheader(c.t("ranking"))
if values.empty:
    ui.empty()
    st.stop()
ranked = values.sort_values("value", ascending=ind.direction == "lower_better").reset_index(drop=True)
shown = pd.DataFrame(
    {
        c.t("rank"): range(1, len(ranked) + 1),
        c.t("province"): [names.get(a, a) for a in ranked["area_code"]],
        "code": ranked["area_code"],
        c.t("value"): ranked["value"],
        c.t("unit"): unit,
        c.t("status"): ranked["status"],
    }
)
ui.table(
    shown, key="prov_table", spec=spec, what=f"provinces_{code}_{key}", decimals=ind.decimals if unit != "%" else 2
)
