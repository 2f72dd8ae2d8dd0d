"""Shared page parts: the request context (who, language, scope), the one cached query call, KPI and metadata
cards. Pages compose these; none of them holds SQL, Ibis or YAML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from pages.i18n import FREQ_NAMES, STATUS_NAMES, pick, text
from semantic import fmt
from semantic.errors import SemanticError
from semantic.model import SemanticModel, default_model
from semantic.query import execute
from semantic.registry import Indicator
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse.db import Warehouse, shared


@dataclass(frozen=True)
class Context:
    lang: str
    scope: Scope
    demo: bool
    area: str
    boundaries: str

    def t(self, key: str) -> str:
        return text(key, self.lang)


@st.cache_resource(show_spinner=False)
def model() -> SemanticModel:
    return default_model()


def warehouse() -> Warehouse:
    return shared()


def ctx() -> Context:
    return st.session_state["ctx"]


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached(spec_json: str, scope_key: str, version: str, _spec: QuerySpec, _scope: Scope) -> pd.DataFrame:
    # spec_json, scope_key and version are the cache key; the values themselves ride along unhashed
    return execute(_spec, model(), _scope, warehouse(), action="query", what="page")


def query(spec: QuerySpec) -> pd.DataFrame | None:
    """Run a spec for the current user: cached by (spec, scope, data version); errors shown in Vietnamese."""
    c = ctx()
    try:
        return _cached(spec.to_json(), c.scope.key(), data_version(), spec, c.scope)
    except SemanticError as exc:
        st.error(f"{c.t('error')}: {exc.message(c.lang)}")
        return None


@st.cache_data(show_spinner=False, ttl=5)
def _version(url: str) -> str:
    return warehouse().data_version()


def data_version() -> str:
    return _version(warehouse().url)


def indicator(code: str) -> Indicator:
    return model().registry[code]


def name(ind: Indicator) -> str:
    return ind.name_vi if ctx().lang == "vi" else ind.name_en


def unit(ind: Indicator) -> str:
    return ind.unit if ctx().lang == "vi" else ind.unit_en


def demo_badge(ind: Indicator | None = None, status: str | None = None) -> str:
    if (ind is not None and ind.demo) or status == "demo":
        return f" :orange-badge[{ctx().t('demo_data')}]"
    return ""


def metadata_card(ind: Indicator, status: str | None = None, vintage: Any = None) -> None:
    """Unit, source, status, vintage, demo flag — every figure can open this."""
    c = ctx()
    lang = c.lang
    rows = [
        (c.t("unit"), unit(ind)),
        (c.t("frequency"), pick(FREQ_NAMES[ind.frequency], lang)),
        (c.t("source"), ind.source),
        (c.t("owner"), ind.owner),
    ]
    if ind.legal_basis:
        rows.append((c.t("legal_basis"), ind.legal_basis))
    if status:
        rows.append((c.t("status"), pick(STATUS_NAMES.get(status, (status, status)), lang)))
    if vintage is not None and not pd.isna(vintage):
        rows.append((c.t("vintage"), fmt.day(pd.Timestamp(vintage).date(), lang)))
    if ind.demo or status == "demo":
        rows.append(("⚠", c.t("demo_data")))
    st.markdown("\n".join(f"- **{k}**: {v}" for k, v in rows))
    desc = ind.description_vi if lang == "vi" else ind.description_en
    if desc:
        st.caption(desc)


def kpi_card(ind: Indicator, latest: pd.Series | None, yoy: float | None, spark: pd.Series | None) -> None:
    """Latest value, change vs same period last year, a sparkline, a demo badge, and the metadata card."""
    c = ctx()
    lang = c.lang
    with st.container(border=True):
        st.markdown(f"**{name(ind)}**{demo_badge(ind, latest['status'] if latest is not None else None)}")
        if latest is None:
            st.caption(c.t("no_data"))
            return
        is_rate = latest["unit"] == "%"
        value = fmt.percent(latest["value"], 2, lang) if is_rate else fmt.number(latest["value"], ind.decimals, lang)
        label = fmt.period(pd.Timestamp(latest["period_start"]).date(), latest["freq"], lang)
        delta = None
        if yoy is not None and not pd.isna(yoy) and not is_rate:
            delta = f"{fmt.percent(yoy, 2, lang)} {c.t('vs_last_year')}"
        chart = None if spark is None or spark.empty else spark.tolist()
        st.metric(
            f"{label} · {'%' if is_rate and latest['base'] != 'level' else unit(ind)}",
            value,
            delta,
            delta_color="normal" if ind.direction != "lower_better" else "inverse",
            chart_data=chart,
            chart_type="line",
            border=False,
        )
        with st.popover(c.t("metadata"), use_container_width=True):
            metadata_card(ind, latest["status"], latest["vintage"])


def latest_month(codes: tuple[str, ...]) -> date | None:
    frame = query(QuerySpec(indicators=codes, areas=("VN",), compare="yoy", time_from="2020-01"))
    if frame is None or frame.empty:
        return None
    return pd.Timestamp(frame["period_start"].max()).date()
