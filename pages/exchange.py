"""Kết nối, chia sẻ: per information group, the systems that sent data, the last batch received, on time or late,
rows and failures this month; and what was sent out to subscribed systems. Leaders see all; a ministry or a province
its own rows (the cubes apply the scope)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.exchange import SENT_COLUMNS, group_status, sent_status
from pages import ui
from semantic import fmt
from semantic.groups import load_groups
from semantic.query import missing_tables
from semantic.spec import QuerySpec

c = ui.ctx()
st.title(c.t("nav_exchange"))
st.caption(c.t("exchange_intro"))


def run(spec: QuerySpec) -> pd.DataFrame:
    frame = ui.query(spec)
    return frame if frame is not None else pd.DataFrame()


def _when(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y %H:%M:%S")


today = date.today()
groups = group_status(run, load_groups(), today)
late = int((groups["status"] == "late").sum())
cols = st.columns(3)
cols[0].metric(c.t("exchange_rows_month"), fmt.number(int(groups["rows_month"].sum()), 0, c.lang))
cols[1].metric(c.t("exchange_failures_month"), fmt.number(int(groups["failures_month"].sum()), 0, c.lang))
cols[2].metric(c.t("exchange_late"), f"{late}/{len(groups)}")

st.subheader(c.t("exchange_received"))
shown = pd.DataFrame(
    {
        c.t("exchange_col_group"): groups["name_vi" if c.lang == "vi" else "name_en"],
        c.t("exchange_col_direction"): [c.t(f"exchange_dir_{d}") for d in groups["direction"]],
        c.t("exchange_col_frequency"): groups["frequency"],
        c.t("exchange_col_systems"): groups["systems"],
        c.t("exchange_col_last"): [
            "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%d/%m/%Y %H:%M:%S")
            for v in groups["last_received"]
        ],
        c.t("exchange_col_status"): [c.t(f"exchange_status_{s}") for s in groups["status"]],
        c.t("exchange_rows_month"): groups["rows_month"],
        c.t("exchange_col_batches"): groups["batches_month"],
        c.t("exchange_failures_month"): groups["failures_month"],
    }
)
ui.table(shown, key="exchange_groups", export=groups, what="exchange")

st.subheader(c.t("exchange_sent"))
# a warehouse built before the API has no deliveries table until `python -m api` first starts: nothing sent yet
sent = (
    sent_status(run, today)
    if not missing_tables(ui.model(), "exchange_sent", ui.warehouse())
    else pd.DataFrame(columns=list(SENT_COLUMNS))
)
if sent.empty:
    st.info(c.t("exchange_sent_none"))
else:
    labels = {
        "system": "exchange_col_system",
        "groups": "exchange_col_groups",
        "attempts": "exchange_col_attempts",
        "delivered": "exchange_col_delivered",
        "failed": "exchange_col_failed",
        "batches_sent": "exchange_col_batches",
        "last_sent": "exchange_col_last_sent",
    }
    ui.table(
        sent.rename(columns={k: c.t(v) for k, v in labels.items()}), key="exchange_sent", export=sent, what="exchange"
    )
