"""Warning badges for the overview, and the one cached evaluation of the warning rules that both pages use."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics import watch
from analytics.warnings import Alert, pressing
from pages import ui
from semantic.profile import Profile
from semantic.profile import active as active_profile
from semantic.scope import Scope


def areas() -> tuple[str, ...]:
    """The areas the caller watches: the chosen one, or the provinces of a province-scoped caller."""
    return watched_areas(ui.ctx().scope, ui.ctx().area, active_profile())


def watched_areas(scope: Scope, chosen: str, profile: Profile) -> tuple[str, ...]:
    """National deployment: the chosen area, or a province-scoped caller's provinces and the country (national
    figures are theirs to see). A province's deployment warns about the province and its communes, never the
    country's figures: a leader's (or a commune's staff's) own areas without VN, an unrestricted caller's chosen
    area, the province when the country is chosen."""
    own = scope.area_codes() if not profile.province else scope.own_areas()
    where = (chosen,) if own is None else own
    if profile.province:
        where = tuple(a for a in where if a != "VN") or (profile.home_area,)
    return where


@st.cache_data(show_spinner=False, ttl=3600, max_entries=64)
def _evaluate(
    scope_key: str, version: str, today: date, where: tuple[str, ...], lang: str
) -> tuple[list[Alert], tuple]:
    # the scope key, data version and day are the cache key: a new load or a new day re-evaluates; the queries
    # read are returned beside the alerts and audited on every serving (alerts())
    stored = {"forecast_run", "forecast_point"} <= ui.warehouse().tables()
    reads: ui.Reads = []
    found = watch.evaluate_with(ui.reading(reads), ui.model(), where, today, forecasts=stored)
    return found, tuple(reads)


def alerts() -> list[Alert]:
    c = ui.ctx()
    found, reads = _evaluate(c.scope.key(), ui.data_version(), date.today(), areas(), c.lang)
    ui.served(reads)
    return found + scenario_alerts()


def scenario_alerts() -> list[Alert]:
    """Late and missing situation reports of the running scenarios the caller sees (only their own reports)."""
    from analytics.scenario_status import alerts as late_reports
    from analytics.situation import runs, situation
    from semantic.playbook import default_playbooks, now_vn

    if not ui.has_table("scenario_run"):  # a warehouse built before scenarios existed: none ran
        return []
    found, books, out = runs(ui.query), default_playbooks(), []
    for r in found.itertuples() if found is not None else ():
        book = books.get(r.scenario)
        sit = situation(ui.query, book, r.run_id, ui.ctx().scope, now_vn()) if book else None
        if sit is not None and not sit.closed:
            out += late_reports(book, r.run_id, sit.status)
    return out


def reevaluate() -> None:
    _evaluate.clear()


def message(alert: Alert) -> str:
    return alert.message_vi if ui.ctx().lang == "vi" else alert.message_en


def show(limit: int = 3) -> None:
    """A line of counts, the most pressing warnings (targets at risk first) and how many files are late, linking
    to the warnings page."""
    c = ui.ctx()
    found = alerts()
    if not found:
        return
    high = sum(a.severity == "high" for a in found)
    late = sum(a.kind == "late_data" for a in found)
    with st.container(border=True):
        counts = c.t("warnings_badge").format(high=high, medium=len(found) - high)
        st.markdown(f":material/warning: **{c.t('nav_warnings')}**: {counts}")
        for a in pressing(found)[:limit]:
            color = "red" if a.severity == "high" else "orange"
            st.markdown(f":{color}-badge[{c.t('kind_' + a.kind)}] {message(a)}")
        if late:
            st.markdown(f":gray-badge[{c.t('kind_late_data')}] {c.t('warnings_late').format(n=late)}")
        st.page_link("pages/warnings.py", label=c.t("warnings_all"), icon=":material/arrow_forward:")
