"""Dự báo: history, the stored forecast with its 80/95 % bands, the backtest scorecard and past forecasts vs actuals."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics import load, vintage, watch
from analytics.background import Jobs
from analytics.jobs import process
from analytics.warnings import bounds, target_in_force
from pages import forecast_charts as charts
from pages import ui
from pages.i18n import COMPARE_NAMES, pick
from semantic import fmt
from semantic.spec import Filter, QuerySpec

RUN_DIMS = ("run_id", "indicator", "area", "category", "base", "model", "generated", "trained_to", "kind")
RUN_MEASURES = ("mase", "mase_naive", "ratio", "cov80", "cov95")
POINT_MEASURES = ("mean", "lo80", "hi80", "lo95", "hi95")

c = ui.ctx()
lang = c.lang
model = ui.model()
registry = model.registry
st.title(c.t("forecast_title"))
st.caption(c.t("forecast_intro"))
with st.expander(c.t("forecast_band_help_title")):
    st.markdown(c.t("forecast_band_help"))

stored = {"forecast_run", "forecast_point", "forecast_score"} <= ui.warehouse().tables()
runs = ui.query(QuerySpec(view="forecast_runs", dimensions=RUN_DIMS, measures=RUN_MEASURES)) if stored else None
runs = runs if runs is not None else pd.DataFrame(columns=[*RUN_DIMS, *RUN_MEASURES])
runs = runs[runs["indicator"].isin(registry.indicators)]
if runs.empty:
    st.info(c.t("forecast_none"))
    choices = [(i.code, None) for i in registry if i.frequency in load.FREQS and not i.demo]
else:
    order = {code: i for i, code in enumerate(registry.indicators)}
    cats = [None if pd.isna(x) else str(x) for x in runs["category"]]
    pairs = dict.fromkeys(zip(runs["indicator"], cats, strict=True))
    choices = sorted(pairs, key=lambda p: (order[p[0]], p[1] or ""))


def label(choice: tuple[str, str | None]) -> str:
    code, cat = choice
    return ui.name(registry[code]) + (f" — {cat}" if cat else "")


names = {choice: label(choice) for choice in choices}  # computed now: a format_func must not read the session later
picked = st.multiselect(
    c.t("forecast_series"), choices, default=choices[:1], format_func=names.__getitem__, **ui.choose()
)
area = c.area  # the shared sidebar's area: forecasts follow it like every other page


def cat_filter(cat: str | None, name: str = "category") -> Filter:
    return Filter(name, "in", (cat,)) if cat else Filter(name, "is_null")


def history(code: str, cat: str | None, base: str) -> pd.DataFrame:
    spec = QuerySpec(
        indicators=(code,),
        areas=(area,),
        time_from=f"{date.today().year - 6}",
        compare=None if base == "level" else base,
        boundaries=c.boundaries,
    )
    if cat:
        spec = spec.with_(dimensions=("category",), filters=(Filter("category", "in", (cat,)),))
    rows = ui.query(spec)
    if rows is None or rows.empty:
        return pd.DataFrame(columns=["period_start", "value"])
    rows = rows[rows["base"] == base] if cat else rows[(rows["base"] == base) & rows["category"].isna()]
    return rows.assign(period_start=pd.to_datetime(rows["period_start"]))[["period_start", "value"]]


def target_line(code: str, base: str, years: list[int]) -> tuple[float | None, float | None]:
    ind = registry[code]
    if not any(r.kind == "forecast_breach" and r.base == base for r in ind.warnings):
        return None, None
    targets = watch.targets(ui.query, model, tuple(years), (area,))
    for year in years:
        t = target_in_force(targets, code, area, year, date.today())
        if t is not None:
            return bounds(t, ind)
    return None, None


@st.cache_resource(show_spinner=False)
def background() -> Jobs:
    """The server's one queue of forecasts computed now (one at a time: the cores are every reader's)."""
    return Jobs()


def duration(seconds: float) -> str:
    """'45 giây', '2 phút 10 giây' (en: '45 s', '2 min 10 s')."""
    whole = int(round(seconds))
    minutes, secs = divmod(whole, 60)
    if lang == "vi":
        return f"{minutes} phút {secs} giây" if minutes else f"{secs} giây"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


@st.fragment(run_every=1.0)
def watch_job(key: tuple) -> None:
    """The job's progress, redrawn each second while the rest of the page stays usable; the page is drawn again
    (with the result) once it ends."""
    job = background().get(key)
    if job is None or not job.running:
        st.rerun()
    if job.started_at is None:
        st.progress(0.0, text=c.t("forecast_now_queued"))
        return
    left = job.remaining()
    words = c.t("forecast_now_progress").format(done=job.done, total=job.total, elapsed=duration(job.elapsed()))
    if left is not None:
        words += " · " + c.t("forecast_now_left").format(left=duration(left))
    st.progress(job.fraction(), text=words)


def computed_now(code: str, cat: str | None) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame] | None:
    """The forecast computed now for the reader (in the background: None while it runs, its progress shown)."""
    key = (code, cat, area, c.scope.key(), ui.data_version())
    job = background().get(key)
    if job is None:
        if not st.button(c.t("forecast_now"), key=f"now-{code}-{cat}", help=c.t("forecast_now_help")):
            return None
        # the rows are read here, in the reader's session and scope; only the computation leaves the page
        series = [s for s in load.load_series(ui.query, [registry[code]], (area,)) if s.category == cat]
        if not series:
            ui.empty()
            return None
        job = background().start(key, lambda progress: process(series[0], None, True, progress))
    if job.running:
        watch_job(key)
        return None
    if job.error is not None:
        background().forget(key)  # a failed run can be asked again
        st.error(f"{c.t('error')}: {job.error}")
        return None
    outcome = job.result
    st.caption(c.t("forecast_now_took").format(elapsed=duration(job.elapsed())))
    owners = {i.code: i.owner for i in registry}
    run, points, scores = vintage.frames([outcome], owners, set(), "now")
    if run.empty:
        st.warning(outcome.result.reason or c.t("no_data"))
        return None
    return run.iloc[0], points, scores


def show(code: str, cat: str | None) -> None:
    ind = registry[code]
    st.subheader(label((code, cat)) + ui.demo_badge(ind))
    mine = runs[(runs["indicator"] == code) & (runs["area"] == area)]
    mine = mine[mine["category"] == cat] if cat else mine[mine["category"].isna()]
    past = pd.DataFrame()
    if mine.empty:
        got = computed_now(code, cat)
        if got is None:
            return
        run, points, scores = got
        run = run.rename({"generated_at": "generated"})
    else:
        run = mine.sort_values("generated").iloc[-1]
        filters = (Filter("indicator", "in", (code,)), Filter("area", "in", (area,)), cat_filter(cat))
        allp = ui.query(
            QuerySpec(
                view="forecasts",
                dimensions=("run_id", "period", "trained_to"),
                measures=POINT_MEASURES,
                filters=filters,
            )
        )
        allp = pd.DataFrame() if allp is None else allp.rename(columns={"period": "period_start"})
        points = allp[allp["run_id"] == run["run_id"]]
        past = allp[allp["run_id"] != run["run_id"]]
        scores = ui.query(
            QuerySpec(
                view="forecast_scores",
                dimensions=("model", "chosen"),
                measures=("mase", "smape", "cov80", "cov95"),
                filters=(Filter("run_id", "in", (run["run_id"],)),),
            )
        )
    base = str(run["base"])
    unit = ui.unit(ind) if base in ("level", "ytd") else "%"
    hist = history(code, cat, base)
    rate = pick(COMPARE_NAMES.get(base, (base, base)), lang)
    st.caption(c.t("forecast_base_level") if base in ("level", "ytd") else c.t("forecast_base_rate").format(base=rate))
    st.caption(
        f"{c.t('forecast_model')}: **{charts.model_label(str(run['model']), lang)}** · "
        f"{c.t('forecast_trained')}: {fmt.period(pd.Timestamp(run['trained_to']).date(), ind.frequency, lang)}"
        f" · {c.t('forecast_generated')}: {fmt.day(pd.Timestamp(run['generated']).date(), lang)}"
    )
    points = points.assign(period_start=pd.to_datetime(points["period_start"]))
    ceiling, floor = target_line(code, base, sorted({p.year for p in points["period_start"]}))
    st.plotly_chart(charts.band_figure(hist, points, lang, unit, ceiling, floor), key=f"fc-{code}-{cat}")
    st.markdown(
        c.t("forecast_coverage").format(
            cov80=fmt.percent(100 * run["cov80"], 0, lang, sign=False),
            cov95=fmt.percent(100 * run["cov95"], 0, lang, sign=False),
        )
        + " "
        + c.t("forecast_ratio").format(ratio=fmt.number(run["ratio"], 2, lang))
    )
    if scores is not None and not scores.empty:
        st.markdown(f"**{c.t('scorecard')}**", help=c.t("scorecard_help"))
        ui.table(charts.scorecard(scores, lang), key=f"score-{code}-{cat}")
    with st.expander(c.t("past_forecasts")):
        done = charts.past_vs_actual(past, hist)
        if done.empty:
            st.caption(c.t("past_none"))
        else:
            cols = ["trained_to", "period_start", "mean", "lo80", "hi80", "actual", "error", "inside80"]
            ui.table(done[cols].rename(columns={"inside80": c.t("inside80")}), key=f"past-{code}-{cat}")


for choice in picked:
    show(*choice)
