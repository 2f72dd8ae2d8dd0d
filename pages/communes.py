"""Xã, phường (a province's deployment): the province's communes and wards of July 2025 ranked on a commune
indicator of its profile, and its departments (sở, ban, ngành). No commune polygons with a licence that allows their
use are in the shipped data (geoBoundaries ADM1 stops at provinces), so a ranked table stands where a map would."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages import ui
from pages.i18n import pick
from semantic import fmt
from semantic.profile import active as active_profile
from semantic.spec import QuerySpec

c = ui.ctx()
profile = active_profile()
names = ui.area_names(ui.boundary_day())
st.title(pick(("Xã, phường và sở, ngành", "Communes, wards and departments"), c.lang))
st.caption(f"{names.get(profile.home_area, profile.home_area)} · {profile.title(c.lang)}")
registry = ui.model().registry
codes = [code for code in profile.commune_ranking if code in registry]
ranking, departments = st.tabs(
    [pick(("Xếp hạng xã, phường", "Communes ranked"), c.lang), pick(("Sở, ban, ngành", "Departments"), c.lang)]
)

with departments:
    shown = pd.DataFrame(
        {
            pick(("Mã", "Code"), c.lang): [d.code for d in profile.departments],
            pick(("Cơ quan", "Department"), c.lang): [
                pick((d.name_vi, d.name_en), c.lang) for d in profile.departments
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(
        pick(
            (
                "Các sở, ban, ngành sau sắp xếp năm 2025; nhiệm vụ UBND tỉnh giao cho từng cơ quan ở trang Nhiệm vụ.",
                "The departments after the 2025 reorganisation; the tasks the committee assigned them are on Tasks.",
            ),
            c.lang,
        )
    )

with ranking:
    st.info(
        pick(
            (
                "Chưa có bản đồ xã, phường: dữ liệu ranh giới được phép sử dụng hiện có (geoBoundaries) chỉ đến cấp "
                "tỉnh, nên các xã, phường được xếp hạng trong bảng.",
                "No commune map: the boundary data whose licence allows its use (geoBoundaries) stops at provinces, "
                "so the communes and wards are ranked in a table.",
            ),
            c.lang,
        )
    )
    if not codes:
        ui.empty("no_data")
        st.stop()
    code = st.selectbox(c.t("indicator"), codes, key="commune_code", format_func=ui.labels(codes).__getitem__)
    ind = registry[code]
    history = ui.query(QuerySpec(indicators=(code,), time_from="2025-07", boundaries="2025"))
    if history is None:
        st.stop()
    history = history[history["area_code"].isin([a for a in names if len(a) > 2])]
    if history.empty:
        ui.empty()
        st.stop()
    periods = sorted({pd.Timestamp(p).date() for p in history["period_start"]}, reverse=True)
    wanted = ui.month_of(c.period)
    start = st.selectbox(
        c.t("period"),
        periods,
        index=periods.index(wanted) if wanted in periods else 0,
        key=f"commune_period_{code}",
        format_func=lambda d: fmt.period(d, ind.frequency, c.lang),
    )
    values = history[pd.to_datetime(history["period_start"]).dt.date == start]
    ranked = values.sort_values("value", ascending=ind.direction == "lower_better").reset_index(drop=True)
    shown = pd.DataFrame(
        {
            c.t("rank"): range(1, len(ranked) + 1),
            pick(("Xã, phường", "Commune or ward"), c.lang): [names.get(a, a) for a in ranked["area_code"]],
            "code": ranked["area_code"],
            c.t("value"): ranked["value"],
            c.t("unit"): ui.unit(ind),
            c.t("status"): ranked["status"],
        }
    )
    st.subheader(f"{c.t('ranking')}: {ui.name(ind)} — {fmt.period(start, ind.frequency, c.lang)}")
    if ind.demo:
        st.caption(f"{c.t('demo_data')}: {ui.name(ind)}")
    ui.table(shown, key="commune_table", what=f"communes_{code}_{start:%Y-%m}", decimals=ind.decimals)
