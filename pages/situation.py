"""Điều hành tình huống: the situation board of an activated scenario — it refreshes itself (st.fragment with
run_every) while the scenario runs and freezes when it closes; leaders activate, change the level and close here."""

from __future__ import annotations

import streamlit as st

from analytics.situation import runs, situation
from connectors.tasks.scenarios import activate, change_level, close
from pages import situation_board as board
from pages import ui
from semantic.playbook import default_playbooks, now_vn

REFRESH_SECONDS = 15
c = ui.ctx()
books = default_playbooks()
st.title(c.t("situation_title"))
st.caption(c.t("situation_intro"))

if c.scope.can_direct:  # hiding is convenience: activate() checks the leader's right itself
    with st.expander(c.t("direct_activate")):
        code = st.selectbox(
            c.t("direct_scenario"), list(books), format_func=lambda k: books[k].name(c.lang), key="direct_scenario"
        )
        chosen = books[code]
        names = ui.area_names(ui.boundary_day())
        areas = st.multiselect(
            c.t("direct_areas"),
            sorted(a for a in names if a != "VN"),
            default=[a for a in chosen.areas if a in names],
            format_func=lambda a: names.get(a, a),
            key=f"direct_areas_{code}",
        )
        level = st.selectbox(
            c.t("direct_level"),
            [lv.level for lv in chosen.levels],
            key=f"direct_level_{code}",
            format_func=lambda n, b=chosen: b.level(n).name(c.lang),
        )
        at = board.at_picker("direct_at")
        if st.button(c.t("direct_go"), type="primary", key="direct_go"):

            def go() -> dict:
                d = activate(ui.warehouse(), chosen, tuple(areas), at, level, c.scope.who, scope=c.scope)
                return {"run": d.run_id, "n": d.tasks, "doc": d.document_number or "–"}

            board.attempt(go, c.t("direct_done"))

# a warehouse built before scenarios existed has no run (the first activation creates the tables)
found = runs(ui.query) if "scenario_run" in ui.warehouse().tables() else None
if found is None or found.empty:
    st.info(c.t("situation_none"))
    st.stop()
labels = {
    r.run_id: f"{books[r.scenario].name(c.lang) if r.scenario in books else r.scenario} — {r.areas} "
    f"({board.when(r.activated_at)})"
    for r in found.itertuples()
}
run_id = st.selectbox(c.t("situation_pick"), list(labels), format_func=labels.get, key="situation_run")
scenario = str(found.loc[found["run_id"] == run_id, "scenario"].iloc[0])
if scenario not in books:
    st.error(f"{c.t('error')}: {scenario}")
    st.stop()
book = books[scenario]
first = situation(ui.query, book, run_id, c.scope, now_vn())
if first is None:
    st.info(c.t("situation_none"))
    st.stop()

if c.scope.can_direct and not first.closed:
    with st.expander(c.t("direct_title")):
        levels = [lv.level for lv in book.levels if lv.level != first.level]
        new = st.selectbox(
            c.t("direct_change"), levels, key="direct_new_level", format_func=lambda n, b=book: b.level(n).name(c.lang)
        )
        when = board.at_picker("direct_change_at")
        a, b = st.columns(2)
        if a.button(c.t("direct_change"), key="direct_change_go"):

            def up() -> dict:
                d = change_level(ui.warehouse(), book, run_id, new, when, c.scope.who, scope=c.scope)
                return {"run": run_id, "level": d.level, "n": d.tasks}

            board.attempt(up, c.t("direct_changed"))
        if b.button(c.t("direct_close"), key="direct_close_go"):

            def end() -> dict:
                close(ui.warehouse(), run_id, when, c.scope.who, scope=c.scope)
                return {"run": run_id}

            board.attempt(end, c.t("direct_closed"))


board.report_form(first, book)


@st.fragment(run_every=None if first.closed else REFRESH_SECONDS)
def draw() -> None:
    sit = situation(ui.query, book, run_id, c.scope, now_vn())
    if sit is None:
        return
    board.header(sit, book)
    board.warnings(sit, book)
    panels = {"map": board.affected_map, "reports": board.reports, "figures": board.figures}
    for panel in book.layout:
        if panel in panels:
            panels[panel](sit, book)
        elif panel == "tasks":
            board.tasks(sit)
        elif panel == "log":
            board.log(sit)
        elif panel == "projects":
            board.projects(sit, book)
    if sit.closed:
        board.after_action_downloads(sit, book)


draw()
