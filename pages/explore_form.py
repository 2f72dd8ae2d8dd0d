"""The explore page's query form: widgets -> QuerySpec, and a shared link's spec -> the widgets' state. Periods are
picked (months, quarters or years by the grain), filters built from the values the reader's scope holds (a value
with a comma, "Dệt, may", is one value), never typed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from pages import present, ui
from pages.i18n import COMPARE_NAMES, GRAIN_NAMES, STATUS_NAMES, pick
from semantic import fmt, share
from semantic.compile_indicators import OBS_DIMENSIONS
from semantic.errors import SemanticError
from semantic.periods import parse_period
from semantic.spec import Filter, QuerySpec

PREFIX = "ex_"
#: the first year the period pickers offer (the oldest series held start in the 2000s)
FIRST_YEAR = 2000
#: the breakdowns an indicator query can add, and the dimensions its filters take
OBS_BREAKDOWNS = tuple(d for d in OBS_DIMENSIONS if d in ("agency", "category", "status"))
OBS_FILTERS = ("area", "agency", "category", "status")
#: an indicator query's filter dimension -> the result column holding its values
OBS_COLUMN = {"area": "area_code", "agency": "agency_code", "category": "category", "status": "status"}
#: what the builder offers ('=' and '!=' from a link are the same as one value in / not in)
BUILT_OPS = {"in": "in", "eq": "in", "not_in": "not_in", "ne": "not_in"}


def load_link(default: QuerySpec) -> None:
    """Once per session: the spec in ?q= (or `default`) becomes the form's state, so a shared link reopens a view."""
    if st.session_state.get(f"{PREFIX}loaded"):
        return
    st.session_state[f"{PREFIX}loaded"] = True
    c = ui.ctx()
    try:
        shared = share.spec_from_param(st.query_params.get("q"))
    except SemanticError as exc:
        st.error(f"{c.t('error')}: {exc.message(c.lang)}")
        shared = None
    spec_to_state(shared or default, PREFIX)


def periods(grain: str) -> list[str]:
    """The periods a picker offers for `grain`, newest first: years, quarters ('2025-Q1') or months ('2025-03')."""
    years = range(date.today().year + 1, FIRST_YEAR - 1, -1)
    if grain == "year":
        return [str(y) for y in years]
    if grain == "quarter":
        return [f"{y}-Q{q}" for y in years for q in (4, 3, 2, 1)]
    return [f"{y}-{m:02d}" for y in years for m in range(12, 0, -1)]


def period_label(text: str, lang: str) -> str:
    """'2025-03' -> 'Tháng 3/2025', '2025-Q1' -> 'Quý I/2025', '2025' -> 'Năm 2025', a day -> dd/mm/yyyy."""
    start, freq = parse_period(text)
    return fmt.period(start, freq, lang)


def _period_picker(col: Any, label: str, key: str, grain: str, open_label: str) -> str | None:
    c = ui.ctx()
    options = ["", *periods(grain)]
    held = st.session_state.get(key)
    if held and held not in options:  # a link's period of another grain (or a day) stays as it was given
        try:
            parse_period(held)
            options.insert(1, held)
        except SemanticError:
            st.session_state[key] = ""
    picked = col.selectbox(
        label,
        options,
        key=key,
        format_func=lambda p: open_label if not p else period_label(p, c.lang),
    )
    return picked or None


def filter_labels(view: str) -> dict[str, str]:
    """The dimensions a view's filters take, with their labels in the reader's language."""
    c = ui.ctx()
    if view == "observations":
        return {d: present.header({"area": "area", "agency": "agency"}.get(d, d), c.lang) for d in OBS_FILTERS}
    cube = ui.model().cube(view)
    return {d.name: pick((d.label_vi, d.label_en), c.lang) for d in cube.dimensions}


def value_names(dim: str) -> dict[str, str]:
    """Names to show for a filter's values: areas and agencies by name, statuses in words; others as they are."""
    c = ui.ctx()
    if dim in ("area", "area_code"):
        return ui.area_names(ui.boundary_day())
    if dim in ("agency", "agency_code"):
        return ui.agency_names()
    if dim == "status":
        return {k: pick(v, c.lang) for k, v in STATUS_NAMES.items()}
    return {}


def filter_values(view: str, dim: str, base: QuerySpec | None) -> list[str]:
    """The values `dim` takes in what the reader may see (a query through the semantic layer, scoped and cached):
    the list the filter's values are picked from."""
    if view == "observations":
        if base is None or not base.indicators:
            return []
        spec = base.with_(
            filters=tuple(f for f in base.filters if f.dimension != dim),
            dimensions=tuple(dict.fromkeys((*base.dimensions, *((dim,) if dim in OBS_BREAKDOWNS else ())))),
        )
        column = OBS_COLUMN[dim]
    else:
        cube = ui.model().cube(view)
        spec = QuerySpec(view=view, measures=(cube.measures[0].name,), dimensions=(dim,), boundaries="2025")
        column = dim
    frame = ui.query(spec)
    if frame is None or column not in frame.columns:
        return []
    return sorted({str(v) for v in frame[column] if not present.missing(v)})


def filter_builder(view: str, base: QuerySpec | None) -> tuple[Filter, ...]:
    """Filters built from lists: a dimension, 'is one of' / 'is none of', and its values as the scope holds them."""
    c = ui.ctx()
    labels = filter_labels(view)
    dims = st.multiselect(
        c.t("filter_by"), list(labels), key=f"{PREFIX}fdims_{view}", format_func=labels.get, **ui.choose()
    )
    out: list[Filter] = []
    for dim in dims:
        left, right = st.columns([1, 3], vertical_alignment="bottom")
        op = left.selectbox(
            labels[dim],
            ["in", "not_in"],
            key=f"{PREFIX}fop_{view}_{dim}",
            format_func=lambda o: c.t("filter_in" if o == "in" else "filter_not_in"),
        )
        key = f"{PREFIX}fval_{view}_{dim}"
        held = [str(v) for v in st.session_state.get(key, [])]
        options = list(dict.fromkeys([*filter_values(view, dim, base), *held]))
        names = value_names(dim)
        picked = right.multiselect(
            c.t("filter_values").format(dim=labels[dim]),
            options,
            key=key,
            format_func=lambda v, n=names: n.get(v, v),
            **ui.choose(),
        )
        if picked:
            out.append(Filter(dim, op, tuple(picked)))
    other = st.session_state.get(f"{PREFIX}filters_other") or ()
    if other and st.checkbox(
        f"{c.t('filter_other')}: {share.filters_text(other)}".replace("\n", "; "), value=True, key=f"{PREFIX}keep_other"
    ):
        out.extend(other)
    return tuple(out)


def form() -> QuerySpec | None:
    """The widgets, read into a spec; None (with the reason shown) when nothing is picked or the input is invalid."""
    c = ui.ctx()
    mdl = ui.model()
    views = mdl.views
    view = st.selectbox(
        c.t("view"),
        views,
        key="ex_view",
        format_func=lambda v: (
            c.t("indicators") if v == "observations" else pick((mdl.cube(v).title_vi, mdl.cube(v).title_en), c.lang)
        ),
    )
    left, right = st.columns(2)
    if view == "observations":
        indicators = left.multiselect(
            c.t("indicators"),
            mdl.registry.codes(),
            key="ex_indicators",
            format_func=ui.labels(mdl.registry.codes(), code_first=True).__getitem__,
            **ui.choose(),
        )
        labels = {d: present.header(d, c.lang) for d in OBS_BREAKDOWNS}
        dims = right.multiselect(
            c.t("dimensions"), list(OBS_BREAKDOWNS), key="ex_dims_obs", format_func=labels.get, **ui.choose()
        )
        measures, segments = (), ()
        compare = left.selectbox(
            c.t("compare"), list(COMPARE_NAMES), key="ex_compare", format_func=lambda b: pick(COMPARE_NAMES[b], c.lang)
        )
    else:
        cube = mdl.cube(view)
        indicators, compare = (), ""
        measures = left.multiselect(
            c.t("measures"),
            [m.name for m in cube.measures],
            key=f"ex_measures_{view}",
            format_func=lambda m: pick((cube.measure(m).label_vi, cube.measure(m).label_en), c.lang),
            **ui.choose(),
        )
        dims = right.multiselect(
            c.t("dimensions"),
            [d.name for d in cube.dimensions],
            key=f"ex_dims_{view}",
            format_func=lambda d: pick((cube.dimension(d).label_vi, cube.dimension(d).label_en), c.lang),
            **ui.choose(),
        )
        segments = left.multiselect(
            c.t("segments"),
            [s.name for s in cube.segments],
            key=f"ex_segments_{view}",
            format_func=lambda s: pick((cube.segment(s).label_vi, cube.segment(s).label_en), c.lang),
            **ui.choose(),
        )
    grain = right.selectbox(
        c.t("grain"), list(GRAIN_NAMES), key="ex_grain", format_func=lambda g: pick(GRAIN_NAMES[g], c.lang)
    )
    a, b, d, e = st.columns(4)
    time_from = _period_picker(a, c.t("time_from"), "ex_from", grain, c.t("period_open_from"))
    time_to = _period_picker(b, c.t("time_to"), "ex_to", grain, c.t("period_open_to"))
    as_of = d.date_input(c.t("as_of"), value=None, key="ex_as_of", format="DD/MM/YYYY")
    boundaries = e.selectbox(
        c.t("boundaries"),
        ["2025", "as-was"],
        key="ex_boundaries",
        format_func=lambda x: c.t("boundaries_2025" if x == "2025" else "boundaries_aswas"),
    )
    names = ui.area_names(ui.boundary_day())
    areas = st.multiselect(
        c.t("areas"), list(names), key="ex_areas", format_func=lambda x: f"{names[x]} ({x})", **ui.choose()
    )
    try:
        base = QuerySpec(
            view=view,
            indicators=tuple(indicators),
            measures=tuple(measures),
            dimensions=tuple(dims),
            areas=tuple(areas),
            time_from=time_from,
            time_to=time_to,
            grain=grain or None,
            compare=compare or None,
            as_of=as_of,
            boundaries=boundaries,
            segments=tuple(segments),
        )
    except SemanticError as exc:
        st.error(f"{c.t('error')}: {exc.message(c.lang)}")
        return None
    filters = filter_builder(view, base if indicators or measures else None)
    if not indicators and not measures:
        ui.empty("pick_something")
        return None
    try:
        return base.with_(filters=filters)
    except SemanticError as exc:
        st.error(f"{c.t('error')}: {exc.message(c.lang)}")
        return None


def spec_to_state(spec: QuerySpec, prefix: str) -> None:
    """Put a spec (from a shared link) into the explore widgets' state, dropping what the model does not offer."""
    mdl = ui.model()
    view = spec.view if spec.view in mdl.views else "observations"
    state = st.session_state
    state[f"{prefix}view"] = view
    if view == "observations":
        state[f"{prefix}indicators"] = [x for x in spec.indicators if x in mdl.registry]
        state[f"{prefix}dims_obs"] = [d for d in spec.dimensions if d in OBS_BREAKDOWNS]
        offered: tuple[str, ...] = OBS_FILTERS
    else:
        cube = mdl.cube(view)
        state[f"{prefix}measures_{view}"] = [m for m in spec.measures if m in {x.name for x in cube.measures}]
        state[f"{prefix}dims_{view}"] = [d for d in spec.dimensions if d in {x.name for x in cube.dimensions}]
        state[f"{prefix}segments_{view}"] = [s for s in spec.segments if s in {x.name for x in cube.segments}]
        offered = tuple(x.name for x in cube.dimensions)
    state[f"{prefix}compare"] = spec.compare or ""
    state[f"{prefix}grain"] = spec.grain or ""
    state[f"{prefix}from"] = spec.time_from or ""
    state[f"{prefix}to"] = spec.time_to or ""
    state[f"{prefix}as_of"] = spec.as_of
    state[f"{prefix}boundaries"] = spec.boundaries
    names = ui.area_names(ui.boundary_day())
    state[f"{prefix}areas"] = [a for a in spec.areas if a in names]
    built: list[str] = []
    other: list[Filter] = []
    for f in spec.filters:
        if f.op in BUILT_OPS and f.dimension in offered and f.dimension not in built:
            built.append(f.dimension)
            state[f"{prefix}fop_{view}_{f.dimension}"] = BUILT_OPS[f.op]
            state[f"{prefix}fval_{view}_{f.dimension}"] = [str(v) for v in f.values if not pd.isna(v)]
        else:  # a range or a text search from a link: kept as given, shown and removable
            other.append(f)
    state[f"{prefix}fdims_{view}"] = built
    state[f"{prefix}filters_other"] = tuple(other)
