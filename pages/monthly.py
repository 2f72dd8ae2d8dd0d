"""Hằng tháng: the monthly group as GSO and the Government read it — this month, vs the previous month, vs the same
month last year, year to date (lũy kế) vs last year's — with one Vietnamese sentence per indicator."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages import ui
from pages.i18n import COMPARE_NAMES, pick
from semantic import fmt
from semantic.narrative import monthly_sentence
from semantic.spec import QuerySpec

BASES = ("level", "pop", "yoy", "ytd", "ytd_yoy")

c = ui.ctx()
st.title(c.t("monthly_title"))
registry = ui.model().registry
# the published series in the registry's order (CPI first, as GSO's release), demo series after them
codes = tuple(
    sorted((i.code for i in registry if i.group == "monthly" and i.frequency == "M"), key=lambda x: registry[x].demo)
)
if not codes:
    ui.empty()
    st.stop()
# the latest month of the published (non-demo) series: demo series run further and would hide the real ones
with_yoy = tuple(x for x in codes if "yoy" in registry[x].comparisons)
month = ui.month_of(c.period) or ui.latest_month(tuple(x for x in with_yoy if not registry[x].demo) or with_yoy)
if month is None:
    ui.empty()
    st.stop()
key = f"{month:%Y-%m}"
st.caption(f"{c.t('period')}: **{fmt.period(month, 'M', c.lang)}** · {fmt.year_to_date(month, c.lang)}")
base_spec = QuerySpec(indicators=codes, areas=(c.area,), time_from=key, time_to=key, boundaries=c.boundaries)
# each comparison asked only of the indicators that offer it (FDI is published as a year-to-date total only)
offering = {b: tuple(x for x in codes if b in registry[x].comparisons) for b in BASES}
specs = {b: base_spec.with_(indicators=offering[b], compare=None if b == "level" else b) for b in BASES if offering[b]}
frames = {b: ui.query(s) for b, s in specs.items()}
if any(f is None for f in frames.values()):
    st.stop()


def firsts(base: str) -> dict[str, float]:
    """Indicator -> its first total row's value in `base` (no agency, no category): one pass over the frame, not
    one filter per indicator (that was most of a warm run)."""
    f = frames.get(base)
    if f is None or f.empty:
        return {}
    hit = f[(f["base"] == base) & f["agency_code"].isna() & f["category"].isna()].drop_duplicates("indicator_code")
    return dict(zip(hit["indicator_code"], hit["value"].astype(float), strict=True))


values = {b: firsts(b) for b in BASES}


def value(code: str, base: str) -> float | None:
    return values[base].get(code)


rows = []
for code in codes:
    ind = registry[code]
    vals = {b: value(code, b) for b in BASES}
    if all(v is None for v in vals.values()):
        continue
    is_rate = ind.kind in ("index", "rate", "ratio")
    rows.append({"code": code, "ind": ind, "is_rate": is_rate, **vals})
if not rows:
    ui.empty()
    st.stop()


def cell(v: float | None, decimals: int) -> str:
    return "–" if v is None else fmt.number(v, decimals, c.lang)


def pct(v: float | None) -> str:
    return "–" if v is None else fmt.percent(v, 2, c.lang)


table = pd.DataFrame(
    {
        c.t("indicator"): [ui.name(r["ind"]) + (" ⚠" if r["ind"].demo else "") for r in rows],
        "code": [r["code"] for r in rows],
        c.t("unit"): [ui.unit(r["ind"]) for r in rows],
        c.t("this_month"): [cell(None if r["is_rate"] else r["level"], r["ind"].decimals) for r in rows],
        c.t("vs_prev_month"): [pct(r["pop"]) for r in rows],
        c.t("vs_same_month"): [pct(r["yoy"]) for r in rows],
        c.t("ytd"): [cell(None if r["is_rate"] else r["ytd"], r["ind"].decimals) for r in rows],
        c.t("ytd_vs"): [pct(r["ytd_yoy"]) for r in rows],
    }
)
numbers = pd.DataFrame(
    [{"indicator_code": r["code"], "unit": r["ind"].unit, "period": key, **{b: r[b] for b in BASES}} for r in rows]
)
ui.table(table, key="monthly_table", specs=tuple(specs.values()), what=f"monthly_{key}", export=numbers)
if any(r["ind"].demo for r in rows):
    st.caption("⚠ " + c.t("demo_data"))

sentences = []
for r in rows:
    ind = r["ind"]
    sentence = monthly_sentence(
        ui.name(ind),
        month,
        ui.unit(ind),
        None if r["is_rate"] else r["level"],
        r["pop"],
        r["yoy"],
        None if r["is_rate"] else r["ytd"],
        r["ytd_yoy"],
        ind.decimals,
        r["is_rate"],
        c.lang,
    )
    if sentence:
        sentences.append(f"- {sentence}{ui.demo_badge(ind)}")
with st.expander(c.t("summary"), expanded=True):
    st.markdown("\n".join(sentences))

# -- one indicator over 24 months, with its metadata --------------------------------------------------------------
st.subheader(c.t("trend"))
code = st.selectbox(
    c.t("indicator"),
    [r["code"] for r in rows],
    key="monthly_code",
    format_func=ui.labels(r["code"] for r in rows).__getitem__,
)
ind = registry[code]
since = f"{month.year - 2}-{month.month:02d}"
trend_spec = QuerySpec(
    indicators=(code,),
    areas=(c.area,),
    time_from=since,
    time_to=key,
    boundaries=c.boundaries,
    compare=next((b for b in ("yoy", "ytd_yoy", "ytd", "pop") if b in ind.comparisons), None),
)
suffix = "" if trend_spec.compare in (None, "ytd") else "%"
trend = ui.query(trend_spec)
levels = None if ind.kind in ("index", "rate", "ratio") else ui.query(trend_spec.with_(compare=None))
if trend is not None:
    trend = trend[trend["agency_code"].isna() & trend["category"].isna()]
    fig = go.Figure()
    if levels is not None and not levels.empty:
        lv = levels[levels["agency_code"].isna() & levels["category"].isna()]
        fig.add_bar(x=lv["period_start"], y=lv["value"], name=f"{c.t('value')} ({ui.unit(ind)})", opacity=0.5)
    fig.add_scatter(
        x=trend["period_start"],
        y=trend["value"],
        name=pick(COMPARE_NAMES[trend_spec.compare or ""], c.lang),
        mode="lines+markers",
        yaxis="y2" if levels is not None and not levels.empty else "y",
    )
    fig.update_layout(title=ui.name(ind), yaxis2=dict(overlaying="y", side="right", ticksuffix=suffix))
    fig.update_xaxes(tickformat="%m/%Y")
    ui.plot(fig, key="monthly_chart")
    ui.figure_metadata([code], trend, key="monthly_meta")
