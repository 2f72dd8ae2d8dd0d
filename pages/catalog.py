"""Danh mục chỉ tiêu: a searchable indicator catalog with metadata cards."""

from __future__ import annotations

import streamlit as st

from pages import ui
from pages.i18n import FREQ_NAMES, GROUPS, pick
from semantic.catalog import catalog_frame

c = ui.ctx()
st.title(c.t("nav_catalog"))
frame = catalog_frame(ui.model())
groups = sorted(frame["group"].unique())
col1, col2 = st.columns([2, 1])
needle = col1.text_input(c.t("search"), key="catalog_search").strip().lower()
chosen = col2.multiselect(
    c.t("group"),
    groups,
    format_func=lambda g: pick(GROUPS.get(g, (g, g)), c.lang),
    key="catalog_groups",
    **ui.choose(),
)
view = frame
if chosen:
    view = view[view["group"].isin(chosen)]
if needle:
    hay = (view["code"] + " " + view["name_vi"] + " " + view["name_en"]).str.lower()
    view = view[hay.str.contains(needle, regex=False)]
st.caption(f"{len(view)} / {len(frame)}")
if view.empty:
    st.info(c.t("no_data"))
    st.stop()
name_col = "name_vi" if c.lang == "vi" else "name_en"
table = view[["code", name_col, "group", "unit" if c.lang == "vi" else "unit_en", "frequency", "owner", "demo"]]
st.dataframe(table, hide_index=True, width="stretch")
code = st.selectbox(
    c.t("metadata"), list(view["code"]), format_func=lambda x: f"{x} — {ui.name(ui.indicator(x))}", key="catalog_code"
)
ind = ui.indicator(code)
st.subheader(f"{ui.name(ind)}{ui.demo_badge(ind)}")
ui.metadata_card(ind)
st.caption(pick(FREQ_NAMES[ind.frequency], c.lang))
