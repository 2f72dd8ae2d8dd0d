"""Nhật ký truy cập: the audit trail (who queried, viewed or downloaded what, with how many rows), for admins only."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from pages import ui
from semantic import fmt
from semantic.errors import SemanticError
from semantic.query import execute
from semantic.spec import Filter, QuerySpec
from warehouse.audit import ACTIONS

#: rows the table shows: the newest first
SHOWN = 1_000
COLUMNS = ("at", "who", "action", "what", "rows", "scope", "spec")

c = ui.ctx()
st.title(c.t("nav_audit"))
st.caption(c.t("audit_caption"))
# Hiding the page from the menu and this early stop are convenience; the gate is the audit cube's
# requires_permission, checked by the compiler for every query below.
if not c.scope.may("audit"):
    st.error(c.t("audit_denied"))
    st.stop()

today = date.today()
col1, col2, col3, col4 = st.columns([2, 2, 2, 2])
days = col1.date_input(c.t("audit_days"), (today - timedelta(days=7), today), key="audit_days", format="DD/MM/YYYY")
who = col2.text_input(c.t("audit_who"), key="audit_who").strip()
actions = col3.multiselect(c.t("audit_action"), ACTIONS, key="audit_actions", **ui.choose())
what = col4.text_input(c.t("audit_what"), key="audit_what").strip()

first, last = (days[0], days[-1]) if isinstance(days, tuple | list) and days else (today, today)
filters = []
if who:
    filters.append(Filter("who", "contains", (who,)))
if actions:
    filters.append(Filter("action", "in", tuple(actions)))
if what:
    filters.append(Filter("what", "contains", (what,)))
base = QuerySpec(view="audit", filters=tuple(filters), time_from=first.isoformat(), time_to=last.isoformat())


def run(spec: QuerySpec):  # noqa: ANN201 - a DataFrame or None
    # Not ui.query: its cache is keyed on the data version, which loads bump but queries do not — the trail grows
    # with every query, so it is read fresh each time (and reading it is itself written to the trail).
    try:
        return execute(spec, ui.model(), c.scope, ui.warehouse(), action="query", what="audit")
    except SemanticError as exc:
        st.error(f"{c.t('error')}: {exc.message(c.lang)}")
        return None


totals = run(base.with_(measures=("entries", "users", "rows_returned")))
if totals is None:
    st.stop()
k1, k2, k3 = st.columns(3)
row = totals.iloc[0] if not totals.empty else None
for col, key, name in (
    (k1, "audit_entries", "entries"),
    (k2, "audit_users", "users"),
    (k3, "audit_rows", "rows_returned"),
):
    value = 0.0 if row is None or pd.isna(row[name]) else float(row[name])  # a sum over no row is NULL
    col.metric(c.t(key), fmt.number(value, 0, c.lang))

rows = run(base.with_(dimensions=COLUMNS, measures=("entries",), order=("-at",), limit=SHOWN))
if rows is None:
    st.stop()
if rows.empty:
    st.info(c.t("no_data"), icon=":material/info:")
    st.stop()
labels = {d.name: (d.label_vi if c.lang == "vi" else d.label_en) for d in ui.model().cube("audit").dimensions}
shown = rows[list(COLUMNS)].rename(columns=labels)
st.dataframe(shown, hide_index=True, width="stretch", key="audit_table")
st.caption(c.t("audit_shown").format(shown=fmt.number(len(rows), 0, c.lang)))
