"""Shared page parts: the request context (who, language, scope), the one cached query call, KPI and metadata
cards. Pages compose these; none of them holds SQL, Ibis or YAML."""

from __future__ import annotations

import importlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages import layout, present
from pages.i18n import FREQ_NAMES, STATUS_NAMES, pick, text
from semantic import compiled, extract, fmt, hotset
from semantic.areas import provincial_indicators as _provincial
from semantic.areas import units_on, visible
from semantic.catalog import agency_names as _agency_names
from semantic.errors import AccessDenied, SemanticError
from semantic.model import SemanticModel, default_model
from semantic.profile import active as active_profile
from semantic.query import record, refused, run
from semantic.registry import Indicator
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse import audit
from warehouse.db import Warehouse, shared

#: the app's text columns are NumPy-backed strings, not Arrow-backed: a page's frames are small (a few thousand rows)
#: and its work is many small filters, sorts and lookups, where each Arrow `take`, `to_numpy` and unpickle paid a fixed
#: cost per column — under 50 sessions those three were a quarter of the server's time (py-spy, docs/performance.md).
#: Values, missing values (NaN) and the `str` dtype's behaviour are the same; bulk paths (extracts, loads) keep Arrow.
pd.set_option("mode.string_storage", "python")

#: rows a table shows in the browser; the download always holds every row (and says how many)
DISPLAY_ROWS = 5_000


@dataclass(frozen=True)
class Context:
    lang: str
    scope: Scope
    demo: bool
    area: str
    boundaries: str
    period: str | None = None  # the sidebar's reporting month 'YYYY-MM'; None: the latest with data

    def t(self, key: str) -> str:
        return text(key, self.lang)


def model() -> SemanticModel:
    return _model(active_profile().id)


@st.cache_resource(show_spinner=False)
def _model(profile: str) -> SemanticModel:
    del profile  # the cache key: one model per deployment profile
    m = default_model()
    # what the pages compile is kept beside the hot set: a restarted server (or the deployment's other processes)
    # reads a query's SQL instead of compiling it (semantic/compiled.py, `persist`)
    compiled.persist(hotset.sql_path(warehouse().url), m)
    return m


#: what the pages import that costs seconds the first time (plotly.express writes its docstrings on import): a server
#: imports them in the background at its start instead of in its first user's page
HEAVY_IMPORTS = (
    "plotly.express",
    "analytics.quality",
    "analytics.outliers",
    "analytics.situation",
    "analytics.scenario_status",
    "semantic.playbook",
)


#: how many (spec, scope) pairs the hot set keeps: what a server compiles at its start
HOT_MAX = 2000


_hot_seen: set[tuple[str, str]] = set()
_hot_lock = threading.Lock()


def _note_hot(spec: QuerySpec, scope: Scope) -> None:
    """Remember a (spec, scope) a page asked for (once per process), for the next server's start."""
    if scope.is_system or scope.denied:
        return
    line = json.dumps({"spec": spec.to_dict(), "scope": scope.grant()}, ensure_ascii=False, default=list)
    key = (warehouse().url, line)
    with _hot_lock:
        if key in _hot_seen or len(_hot_seen) >= HOT_MAX:
            return
        _hot_seen.add(key)
    try:
        path = hotset.hot_path(warehouse().url)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
    except OSError:
        pass  # a warm-up aid only


def _precompile_hot() -> int:
    """Compile the hot set's (spec, scope) pairs into the compile cache (the last HOT_MAX distinct ones)."""
    from semantic.query import precompile

    path = hotset.hot_path(warehouse().url)
    if not path.exists():
        return 0
    lines = list(dict.fromkeys(path.read_text(encoding="utf-8").splitlines()))[-HOT_MAX:]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")  # compacted: each pair once
    done = 0
    for line in lines:
        try:
            entry = json.loads(line)
            grant = entry["scope"]
            scope = Scope.from_grant(grant, who="warm-up")
            precompile(QuerySpec.from_dict(entry["spec"]), model(), scope, warehouse())
            done += 1
        except Exception:  # noqa: BLE001, S112 - a stale or refused entry: its page compiles it when asked
            continue
    return done


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server process (its first script run), in a background thread: the heavy imports, then the hot
    set's queries compiled (none run: the compile cache is keyed by scope, the results cache is not touched)."""

    def run() -> None:
        for module in HEAVY_IMPORTS:
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001 - a warm-up only: the page that needs the module will say what failed
                logging.getLogger(__name__).exception("warm-up import of %s failed", module)
        start = time.perf_counter()
        n, error = 0, ""
        try:
            n = _precompile_hot()
        except Exception as exc:  # noqa: BLE001 - a warm-up only
            logging.getLogger(__name__).exception("warm-up compile failed")
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - start
        logging.getLogger(__name__).info("warm-up: %d queries compiled in %.1f s", n, seconds)
        hotset.mark_warm(n, seconds, error)  # the hot set's queries are compiled (semantic/hotset.py)

    thread = threading.Thread(target=run, name="dieuhanh-warm-up", daemon=True)
    thread.start()
    return thread


def warehouse() -> Warehouse:
    return shared()


#: the warehouses (by URL) seen with their tables in this process: tables once there stay (nothing drops them), so
#: each script run does not open a connection to list them again
_ready: set[str] = set()


def warehouse_ready() -> bool:
    """The warehouse's tables are there (asked once per process and warehouse while they are not)."""
    wh = warehouse()
    if wh.url in _ready and (wh.path is None or wh.path.exists()):
        return True
    if wh.exists():
        _ready.add(wh.url)
        return True
    return False


#: (warehouse URL, table) seen to exist in this process: a table once created stays
_tables: set[tuple[str, str]] = set()


def has_table(name: str) -> bool:
    """The warehouse holds table `name` (a table created later, e.g. by the first scenario run, is seen at once;
    one seen is not asked for again)."""
    wh = warehouse()
    if (wh.url, name) in _tables and (wh.path is None or wh.path.exists()):
        return True
    if name in wh.tables():
        _tables.add((wh.url, name))
        return True
    return False


def audit_login(scope: Scope, demo: bool) -> None:
    """A session's login to the trail, once per identity (a demo persona switch is a new one); a login whose claims
    give no scope is written as a refusal naming the claim."""
    seen = (scope.who, scope.key())
    if st.session_state.get("_audited_login") == seen:
        return
    st.session_state["_audited_login"] = seen
    if scope.denied:
        audit.refused(warehouse(), scope.who, "login", scope.why[0] or "no matching role", scope=scope.key())
    else:
        # journalled at once and written with the page's queries (defer): a write of its own took a new session's
        # first run 0.2 s (closing and reopening the file's readers) while every other session's reads waited
        audit.record(warehouse(), scope.who, "login", "demo" if demo else "oidc", "", scope.key(), 0, defer=True)


def ctx() -> Context:
    return st.session_state["ctx"]


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached(spec_json: str, scope_key: str, version: str, _spec: QuerySpec, _scope: Scope) -> pd.DataFrame:
    # spec_json, scope_key and version are the cache key; the values themselves ride along unhashed. The scope
    # key holds no name, so two leaders share entries: the audit row is written by query(), hit or miss.
    _note_hot(_spec, _scope)
    return run(_spec, model(), _scope, warehouse())


def query(spec: QuerySpec) -> pd.DataFrame | None:
    """Run a spec for the current user: cached by (spec, scope, data version), audited on every call (who saw
    what, also when the rows came from the cache); errors shown in Vietnamese."""
    frame = _serve(spec)
    if frame is not None:
        record(spec, ctx().scope, warehouse(), len(frame), "query", "page")
    return frame


def _serve(spec: QuerySpec) -> pd.DataFrame | None:
    """The rows of `spec` for the current user from the query cache, not yet audited (query() and served() are)."""
    c = ctx()
    try:
        return _cached(spec.to_json(), c.scope.key(), data_version(), spec, c.scope)
    except SemanticError as exc:
        if isinstance(exc, AccessDenied):
            refused(spec, c.scope, warehouse(), exc)
        st.error(f"{c.t('error')}: {exc.message(c.lang)}")
        return None


#: what a cached computation read: (spec, rows) per query, returned beside its result and audited on each serving
Reads = list[tuple[QuerySpec, int]]


def reading(reads: Reads) -> Callable[[QuerySpec], pd.DataFrame | None]:
    """The query function for a computation inside `st.cache_data`: it reads like query() but notes each read in
    `reads` instead of auditing it, so that the caller, which the cache may serve without running the computation,
    audits every serving with served()."""

    def read(spec: QuerySpec) -> pd.DataFrame | None:
        frame = _serve(spec)
        if frame is not None:
            reads.append((spec, len(frame)))
        return frame

    return read


def served(reads: Reads | tuple[tuple[QuerySpec, int], ...]) -> None:
    """One audit row per query a cached computation read, for this serving (a cache hit is audited like a miss)."""
    c = ctx()
    for spec, rows in reads:
        record(spec, c.scope, warehouse(), rows, "query", "page")


@dataclass(frozen=True)
class PlanView:
    """The year's targets assessed against the actuals as one scope sees them on a day (Kế hoạch năm, Tổng quan)."""

    targets: pd.DataFrame | None  # every version of the year's targets; None: the query failed (error shown)
    assessed: pd.DataFrame  # the targets in force, with actual and status; empty: none in force
    actual_specs: tuple[QuerySpec, ...]  # what the actuals were read with (the downloads' audit)
    failed: bool  # an actual's query failed (its error was shown)


def plan_view(year: int, on: date) -> PlanView:
    """The year's targets in force on `on` (at most the year's last day) against what was known of the actuals on
    `on`, for the current reader: computed once per (scope, data version, year, day, boundaries) and shared by the
    sessions of that scope (two leaders share it), every serving audited with the queries it read."""
    c = ctx()
    view, reads = _plan_view(c.scope.key(), data_version(), year, on, c.boundaries)
    served(reads)
    return view


@st.cache_data(show_spinner=False, ttl=3600, max_entries=128)
def _plan_view(scope_key: str, version: str, year: int, on: date, boundaries: str) -> tuple[PlanView, tuple]:
    from semantic import plan

    reads: Reads = []
    read = reading(reads)
    targets = read(plan.targets_spec((year,)))
    if targets is None:
        return PlanView(None, pd.DataFrame(), (), True), tuple(reads)
    current = plan.in_force(targets, min(on, date(year, 12, 31)))
    if current.empty:
        return PlanView(targets, current, (), False), tuple(reads)
    registry = model().registry
    specs = tuple(plan.actual_specs(current, registry, year, on, boundaries))
    frames = [read(s) for s in specs]
    if any(f is None for f in frames):
        return PlanView(targets, pd.DataFrame(), specs, True), tuple(reads)
    actuals = pd.concat([f for f in frames if not f.empty] or [pd.DataFrame()], ignore_index=True)
    return PlanView(targets, plan.assess(current, actuals, registry, year), specs, False), tuple(reads)


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


def style() -> None:
    """The layout rules above, in the reader's language."""
    lang = ctx().lang
    st.html(
        layout.CSS.replace("{drop}", text("upload_drop_hint", lang)).replace("{browse}", text("upload_browse", lang))
    )


def card_grid(name: str) -> Any:
    """A row of KPI cards that wraps by width (see CSS): most important first, as the caller orders them."""
    return st.container(horizontal=True, gap="small", key=f"kpi_grid_{name}")


def metric_columns(n: int, name: str, small: bool = False) -> list[Any]:
    """`n` slots for metrics in a row that wraps by width (instead of st.columns(n), which squeezes and cuts them):
    at least 15rem each, or 9rem for `small` counts."""
    grid = st.container(horizontal=True, gap="small", key=f"{'kpi_small' if small else 'kpi_grid'}_{name}")
    return [grid.container() for _ in range(n)]


def kpi_card(
    ind: Indicator,
    latest: pd.Series | None,
    yoy: float | None,
    spark: pd.Series | None,
    note: str = "",
    title: str = "",
) -> None:
    """Latest value with its own period, change vs same period last year, a sparkline, a demo badge, the metadata
    card, `note` (the card's target status, when a target exists) and `title` (instead of the indicator's name:
    a ministry's share of it)."""
    c = ctx()
    lang = c.lang
    with st.container(border=True):
        st.markdown(f"**{title or name(ind)}**{demo_badge(ind, latest['status'] if latest is not None else None)}")
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
        if note:
            st.markdown(note)
        with st.popover(c.t("metadata"), width="stretch"):
            metadata_card(ind, latest["status"], latest["vintage"])


def latest_month(codes: tuple[str, ...]) -> date | None:
    """The latest month with a comparison of `codes` at the deployment's home (the country, or the province)."""
    home = active_profile().home_area
    frame = query(QuerySpec(indicators=codes, areas=(home,), compare="yoy", time_from="2020-01"))
    if frame is None or frame.empty:
        return None
    return pd.Timestamp(frame["period_start"].max()).date()


# -- the shared sidebar: area, reporting period, boundaries ----------------------------------------------------------


@st.cache_data(show_spinner=False, ttl=600)
def _areas(version: str, on: date) -> pd.DataFrame:
    return units_on(warehouse(), on)


def sidebar(lang: str, scope: Scope) -> tuple[str, str | None, str]:
    """(area code, reporting month or None for the latest, boundaries mode): one sidebar for every page."""
    frame = visible(_areas(data_version(), max(date.today(), date(2025, 7, 1))), scope)
    codes = list(frame["code"]) or ["VN"]
    names = dict(zip(frame["code"], frame["name_vi" if lang == "vi" else "name_en"], strict=False))
    own = list(scope.own_areas() or ())
    area = st.sidebar.selectbox(
        text("area", lang),
        codes,
        index=codes.index(own[0]) if len(own) == 1 and own[0] in codes else 0,  # a province's staff: their province
        key="area",
        format_func=lambda c: f"{names.get(c, c)} ({c})" if c != "VN" else names.get(c, c),
    )
    today = date.today()
    months = [f"{y}-{m:02d}" for y in range(today.year, 2019, -1) for m in range(12, 0, -1) if date(y, m, 1) <= today]
    period = st.sidebar.selectbox(
        text("period", lang),
        ["latest", *months],
        key="period",
        format_func=lambda p: (
            text("latest", lang) if p == "latest" else fmt.period(date(int(p[:4]), int(p[5:]), 1), "M", lang)
        ),
    )
    boundaries = st.sidebar.radio(
        text("boundaries", lang),
        ["2025", "as-was"],
        key="boundaries",
        format_func=lambda b: text("boundaries_2025" if b == "2025" else "boundaries_aswas", lang),
    )
    return area, None if period == "latest" else period, boundaries


def month_of(period: str | None) -> date | None:
    return None if period is None else date(int(period[:4]), int(period[5:7]), 1)


# -- states, figures, tables, downloads --------------------------------------------------------------------------------


def choose() -> dict[str, Any]:
    """A multiselect's Vietnamese placeholder and no English "Select all" entry (an empty choice already means all)."""
    return {"placeholder": ctx().t("choose_any"), "select_all": False}


def empty(key: str = "no_data") -> None:
    """The empty state: nothing in the reader's scope for what was asked (not an error)."""
    st.info(ctx().t(key), icon=":material/info:")


def plot(fig: go.Figure, key: str, height: int = 380) -> None:
    """A Plotly figure in the reader's number format (vi: 1.234,5)."""
    lang = ctx().lang
    layout.readable_axes(fig, lang)
    fig.update_layout(
        separators=",." if lang == "vi" else ".,",
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", y=-0.15),
    )
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def figure_metadata(codes: Iterable[str], frame: pd.DataFrame | None = None, key: str = "") -> None:
    """The metadata cards of every indicator a figure shows, behind one popover."""
    c = ctx()
    with st.popover(f"ⓘ {c.t('metadata')}", width="content"):
        for code in dict.fromkeys(codes):
            ind = indicator(code)
            status = vintage = None
            if frame is not None and not frame.empty and "indicator_code" in frame.columns:
                rows = frame[frame["indicator_code"] == code].sort_values("period_start")
                if not rows.empty:
                    status, vintage = rows["status"].iloc[-1], rows["vintage"].max()
            st.markdown(f"**{name(ind)}** ({code}){demo_badge(ind, status)}")
            metadata_card(ind, status, vintage)


def table(
    frame: pd.DataFrame,
    key: str,
    spec: QuerySpec | None = None,
    specs: Iterable[QuerySpec] = (),
    what: str = "",
    lines: Iterable[tuple[str, str]] = (),
    export: pd.DataFrame | None = None,
    keep: tuple[str, ...] = (),
    decimals: int | pd.Series | Mapping[str, int | pd.Series] | None = None,
    tones: Mapping[str, Mapping[str, str]] | None = None,
    **kwargs: Any,
) -> None:
    """A table, shown through the one presentation layer (`readable`), with its CSV/XLSX downloads. With `spec`
    the download re-runs it in full through the extract writer (streamed, every row); otherwise the table itself
    (or `export`: the same rows as numbers rather than formatted text) is written, with `specs` in the audit.
    `tones`: a shown column's header -> {cell text: CSS colour}, a status coloured without emoji."""
    c = ctx()
    shown = frame if len(frame) <= DISPLAY_ROWS else frame.head(DISPLAY_ROWS)
    kwargs.setdefault("placeholder", present.MISSING)  # a kept numeric column's missing cells: "–", never "None"
    view = readable(shown, keep=keep, decimals=decimals)
    st.dataframe(_toned(view, tones or {}), hide_index=True, width="stretch", key=f"{key}_df", **kwargs)
    if len(frame) > DISPLAY_ROWS:
        st.caption(c.t("display_capped").format(shown=fmt.number(DISPLAY_ROWS, 0, c.lang)))
    data = export if export is not None else frame
    downloads(key, spec=spec, frame=None if spec is not None else data, specs=specs, what=what, lines=lines)


def _toned(view: pd.DataFrame, tones: Mapping[str, Mapping[str, str]]) -> pd.DataFrame | Any:
    """The shown frame, its `tones` columns' cells coloured (a pandas Styler), or the frame as it is."""
    columns = [col for col in tones if col in view.columns]
    if not columns:
        return view
    styler = view.style
    for col in columns:
        styler = styler.map(lambda v, t=tones[col]: f"color: {t[v]}; font-weight: 600" if v in t else "", subset=[col])
    return styler


def readable(
    frame: pd.DataFrame,
    keep: tuple[str, ...] = (),
    decimals: int | pd.Series | Mapping[str, int | pd.Series] | None = None,
) -> pd.DataFrame:
    """A frame as the reader sees it (pages/present.py): headers in the reader's language, numbers with each row's
    indicator's decimals (a code or indicator_code column names the indicator; a column about % has 2), dd/mm/yyyy
    or the period's name, status words, "–" for missing. Columns in `keep` stay as they are; `decimals` overrides
    the rows' decimals: one number (a table of one indicator across areas), a per-row Series (rows whose indicator
    is shown by name), or a column -> either mapping (a pivot's cells)."""
    lang = ctx().lang
    registry = model().registry
    per_row: int | pd.Series = 1
    if decimals is None:
        for col in ("indicator_code", "code"):
            if col in frame.columns and frame[col].isin(list(registry.codes())).any():
                per_row = frame[col].map(lambda x: registry[x].decimals if x in registry else 1)
                break
    elif not isinstance(decimals, Mapping):
        per_row = decimals
    given = decimals if isinstance(decimals, Mapping) else {}
    places = {col: given[col] if col in given else 2 if "%" in str(col) else per_row for col in frame.columns}
    freq = frame["freq"] if "freq" in frame.columns else None
    return present.present(frame, lang, model(), places, freq, keep=keep)


@st.cache_data(show_spinner=False, max_entries=256, ttl=600)
def _extract_info(
    spec_json: str, scope_key: str, version: str, lang: str, _spec: QuerySpec, _scope: Scope
) -> extract.ExtractInfo:
    return extract.prepare(_spec, model(), _scope, warehouse(), lang)


def downloads(
    key: str,
    spec: QuerySpec | None = None,
    frame: pd.DataFrame | None = None,
    specs: Iterable[QuerySpec] = (),
    what: str = "",
    lines: Iterable[tuple[str, str]] = (),
) -> None:
    """CSV (UTF-8 with BOM) and XLSX buttons. The file is made when the button is clicked (and audited then);
    a large extract first says how many rows it holds and waits for the reader to go on."""
    c = ctx()
    scope, lang = c.scope, c.lang
    try:
        if spec is not None:
            info = _extract_info(spec.to_json(), scope.key(), data_version(), lang, spec, scope)
        else:
            info = extract.frame_info(
                frame if frame is not None else pd.DataFrame(), lines, scope, what or key, specs, lang
            )
    except SemanticError as exc:
        st.error(f"{c.t('error')}: {exc.message(lang)}")
        return
    if info.rows == 0:
        return
    if info.large:
        st.warning(c.t("extract_large").format(rows=fmt.number(info.rows, 0, lang)))
        if not st.checkbox(c.t("extract_proceed").format(rows=fmt.number(info.rows, 0, lang)), key=f"{key}_go"):
            return
    name = (what or key).replace(":", "_").replace(",", "_")[:60]
    row = st.container(horizontal=True, gap="small")  # buttons as wide as their words: never "⬇ Tải E…"
    col1 = col2 = row
    col1.download_button(
        f"⬇ {c.t('download_csv')}",
        data=_maker(spec, frame, info, "csv"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    col2.download_button(
        f"⬇ {c.t('download_xlsx')}",
        data=_maker(spec, frame, info, "xlsx"),
        file_name=f"{name}.xlsx",
        key=f"{key}_xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _maker(
    spec: QuerySpec | None, frame: pd.DataFrame | None, info: extract.ExtractInfo, kind: str
) -> Callable[[], bytes]:
    """The deferred file maker: runs on Streamlit's download thread when the button is clicked (no st.* inside)."""
    c = ctx()
    scope, lang, wh, mdl = c.scope, c.lang, warehouse(), model()

    def make() -> bytes:
        if spec is None:
            data = frame if frame is not None else pd.DataFrame()
            if kind == "csv":
                return extract.frame_csv(data, info, wh, scope)
            return extract.frame_xlsx(data, info, wh, scope, lang)
        with tempfile.TemporaryFile() as fh:
            if kind == "csv":
                extract.write_csv(spec, mdl, scope, wh, fh, info)
            else:
                extract.write_xlsx(spec, mdl, scope, wh, fh, info, lang=lang)
            fh.seek(0)
            return fh.read()

    return make


def area_names(on: date) -> dict[str, str]:
    """Code -> name of the units valid on `on` (the 63 before 1 July 2025, the 34 after), in the reader's language."""
    frame = _areas(data_version(), on)
    return dict(zip(frame["code"], frame["name_vi" if ctx().lang == "vi" else "name_en"], strict=False))


@st.cache_data(show_spinner=False, ttl=600)
def provincial_indicators(version: str) -> list[str]:
    return _provincial(warehouse())


@st.cache_data(show_spinner=False, ttl=600)
def _agencies(version: str) -> pd.DataFrame:
    return _agency_names(warehouse())


def agency_names() -> dict[str, str]:
    """Agency code -> its name in the reader's language (MOC -> Bộ Xây dựng): names instead of codes."""
    frame = _agencies(data_version())
    return dict(zip(frame["code"], frame["name_vi" if ctx().lang == "vi" else "name_en"], strict=False))


def scope_text() -> str:
    """The reader's scope in words, with names instead of codes ("Bộ/ngành: Bộ Xây dựng")."""
    c = ctx()
    return c.scope.describe(c.lang, {**area_names(boundary_day()), **agency_names()})


def upload_intro(c: Context, intro: str, scope_note: str) -> None:
    """An upload panel's opening: what it takes (`intro`) and, for a person who sees part of the data, that only
    rows of their own scope load (`scope_note`, followed by the scope in words)."""
    st.caption(c.t(intro))
    if not c.scope.unrestricted:
        st.info(c.t(scope_note) + scope_text(), icon=":material/lock:")


def boundary_day() -> date:
    """A day on the 2025 boundaries (the area lists of pages that pick 2025 units)."""
    return max(date.today(), date(2025, 7, 1))


def labels(codes: Iterable[str], code_first: bool = False) -> dict[str, str]:
    """Indicator code -> its label, computed now: a widget's format_func must not read the session later."""
    names = {code: name(indicator(code)) for code in codes}
    return {code: f"{code} — {n}" if code_first else f"{n} ({code})" for code, n in names.items()}
