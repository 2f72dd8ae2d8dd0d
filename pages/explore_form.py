"""The explore page's query form: widgets -> QuerySpec, and a shared link's spec -> the widgets' state."""

from __future__ import annotations

import streamlit as st

from pages import ui
from pages.i18n import COMPARE_NAMES, GRAIN_NAMES, pick
from semantic import share
from semantic.compile_indicators import OBS_DIMENSIONS
from semantic.errors import SemanticError
from semantic.spec import QuerySpec

PREFIX = "ex_"


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
        )
        dims = right.multiselect(
            c.t("dimensions"), [d for d in OBS_DIMENSIONS if d in ("agency", "category", "status")], key="ex_dims_obs"
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
        )
        dims = right.multiselect(
            c.t("dimensions"),
            [d.name for d in cube.dimensions],
            key=f"ex_dims_{view}",
            format_func=lambda d: pick((cube.dimension(d).label_vi, cube.dimension(d).label_en), c.lang),
        )
        segments = left.multiselect(
            c.t("segments"),
            [s.name for s in cube.segments],
            key=f"ex_segments_{view}",
            format_func=lambda s: pick((cube.segment(s).label_vi, cube.segment(s).label_en), c.lang),
        )
    grain = right.selectbox(
        c.t("grain"), list(GRAIN_NAMES), key="ex_grain", format_func=lambda g: pick(GRAIN_NAMES[g], c.lang)
    )
    a, b, d, e = st.columns(4)
    time_from = a.text_input(c.t("time_from"), key="ex_from", placeholder="2024-01").strip() or None
    time_to = b.text_input(c.t("time_to"), key="ex_to", placeholder="2025-12").strip() or None
    as_of = d.date_input(c.t("as_of"), value=None, key="ex_as_of", format="DD/MM/YYYY")
    boundaries = e.selectbox(
        c.t("boundaries"),
        ["2025", "as-was"],
        key="ex_boundaries",
        format_func=lambda x: c.t("boundaries_2025" if x == "2025" else "boundaries_aswas"),
    )
    names = ui.area_names(ui.boundary_day())
    areas = st.multiselect(c.t("areas"), list(names), key="ex_areas", format_func=lambda x: f"{names[x]} ({x})")
    filters_text = st.text_area(c.t("filters"), key="ex_filters", height=68, placeholder="status = official")

    if not indicators and not measures:
        ui.empty("pick_something")
        return None
    try:
        spec = QuerySpec(
            view=view,
            indicators=tuple(indicators),
            measures=tuple(measures),
            dimensions=tuple(dims),
            filters=share.parse_filters(filters_text),
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
    return spec


def spec_to_state(spec: QuerySpec, prefix: str) -> None:
    """Put a spec (from a shared link) into the explore widgets' state, dropping what the model does not offer."""
    mdl = ui.model()
    view = spec.view if spec.view in mdl.views else "observations"
    state = st.session_state
    state[f"{prefix}view"] = view
    if view == "observations":
        state[f"{prefix}indicators"] = [x for x in spec.indicators if x in mdl.registry]
        state[f"{prefix}dims_obs"] = [d for d in spec.dimensions if d in ("agency", "category", "status")]
    else:
        cube = mdl.cube(view)
        state[f"{prefix}measures_{view}"] = [m for m in spec.measures if m in {x.name for x in cube.measures}]
        state[f"{prefix}dims_{view}"] = [d for d in spec.dimensions if d in {x.name for x in cube.dimensions}]
        state[f"{prefix}segments_{view}"] = [s for s in spec.segments if s in {x.name for x in cube.segments}]
    state[f"{prefix}compare"] = spec.compare or ""
    state[f"{prefix}grain"] = spec.grain or ""
    state[f"{prefix}from"] = spec.time_from or ""
    state[f"{prefix}to"] = spec.time_to or ""
    state[f"{prefix}as_of"] = spec.as_of
    state[f"{prefix}boundaries"] = spec.boundaries
    names = ui.area_names(ui.boundary_day())
    state[f"{prefix}areas"] = [a for a in spec.areas if a in names]
    state[f"{prefix}filters"] = share.filters_text(spec.filters)
