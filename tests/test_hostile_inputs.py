"""Filter values are data, never SQL: hostile strings through every field a caller controls (indicator, area,
agency, period, every filter operator on every dimension of every cube, and the claims themselves), on DuckDB and
PostgreSQL. Each answer is one of our typed errors or rows inside the scope; the tables are intact afterwards."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semantic.access import persona_scope, scope_from_claims
from semantic.errors import SemanticError
from semantic.query import compile, run
from semantic.spec import OPS, Filter, QuerySpec
from tests import leakdata
from warehouse.schema import table

NASTY = (
    "' OR 1=1 --",
    "x') OR ('1'='1",
    "'; DROP TABLE observation; --",
    '"; DROP TABLE "audit"; --',
    "33' UNION SELECT * FROM audit --",
    "%",
    "_",
    "\\",
    "\\'",
    "$$; DROP TABLE area; $$",
    "E'\\x27'",
    "/*",
    "*/ OR 1=1 /*",
    "\x00",
    "33\x00",
    "NULL",
    "",
    " ",
    "33 ",
    "Hưng Yên",
    "ʼ OR 1=1",  # a modifier letter apostrophe
    "x" * 5000,
    "2025-13",
    "0000",
    "9999-Q4",
    "0001-01",
    "0001",
    "9999-12",
    "2025-Q5",
)
hostile = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
SCOPES = ("leader", "hungyen", "moc", "admin")
EXAMPLES = settings(
    max_examples=60, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(scope="module")
def mdl():
    return leakdata.model()


#: hostile texts stored as data (categories of FLOW in Hà Nội), each with its own value: querying one must find
#: exactly its row, so a literal that did not survive the trip to SQL (Ibis, the peephole rewrite, the driver) shows
STORED = [t for t in dict.fromkeys(NASTY) if "\x00" not in t and t.strip()]


def _stored_rows() -> pd.DataFrame:
    rows = [("FLOW", "01", None, "2024-06-01", "M", "level", float(i + 1), leakdata.V1) for i in range(len(STORED))]
    frame = leakdata.tiny._obs(rows)
    frame["category"] = STORED
    return frame


@pytest.fixture(scope="module")
def wh(backend_url, mdl):
    obs = pd.concat([leakdata.observations(), _stored_rows()], ignore_index=True)
    warehouse = leakdata.build(backend_url, obs, cubes=mdl)
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="module")
def oracle():
    return leakdata.Oracle(leakdata.tiny.registry())


class Frames(dict):
    """The generated tables (a short repr: Hypothesis prints its arguments when it falsifies one)."""

    def __repr__(self) -> str:
        return f"<{len(self)} generated tables>"


@pytest.fixture(scope="module")
def frames(wh, mdl):
    return Frames(leakdata.read_tables(wh, mdl))


@pytest.fixture(scope="module")
def counts(wh, mdl):
    names = sorted(
        {
            "observation",
            "area",
            "area_map",
            "agency",
            "agency_lineage",
            "indicator",
            "audit",
            *leakdata.cube_tables(mdl),
        }
    )
    before = {name: int(wh.execute(table(name).count())) for name in names}
    yield before
    after = {name: int(wh.execute(table(name).count())) for name in names}
    assert after == before, "a hostile input changed the tables"


def _run(wh, mdl, spec_kwargs: dict, scope):
    """Build and run; our typed errors are a fine answer, anything else (an SQL error, a crash) is not."""
    try:
        filters = tuple(Filter(*f) for f in spec_kwargs.pop("filters", ()))
        spec = QuerySpec(**spec_kwargs, filters=filters)
        # the path pages, downloads and the CLI take: compile cache, SQL peephole rewrite, the warehouse's own driver
        return run(spec, mdl, scope, wh)
    except SemanticError:
        return None


def _assert_in_scope(frame, scope, oracle, boundaries: str) -> None:
    if frame is None or frame.empty or "area_code" not in frame.columns:
        return
    allowed = oracle.output_areas(scope) if boundaries == "2025" else oracle.area_sources(scope)
    if allowed is not None:
        assert set(frame["area_code"]) <= allowed
    mine = oracle.agencies(scope)
    if mine is not None:
        shown = frame[frame["agency_code"].notna()]
        owned = oracle.owned(scope)
        assert all(a in mine or i in owned for a, i in zip(shown["agency_code"], shown["indicator_code"], strict=True))


@EXAMPLES
@given(
    who=st.sampled_from(SCOPES),
    indicator=st.one_of(st.sampled_from(("FLOW", "FLOW2", "IDX")), hostile),
    areas=st.lists(st.one_of(st.sampled_from(("33", "01", "34", "VN")), hostile), max_size=3),
    agencies=st.lists(st.one_of(st.sampled_from(("MOC", "MOT")), hostile), max_size=2),
    dimension=st.sampled_from(("category", "status", "agency", "area")),
    op=st.sampled_from(OPS),
    value=hostile,
    time_from=st.one_of(st.none(), hostile),
    time_to=st.one_of(st.none(), hostile),
    compare=st.sampled_from((None, "yoy", "pop", "ytd", "ytd_yoy")),
    grain=st.sampled_from((None, "month", "quarter", "year")),
    boundaries=st.sampled_from(("2025", "as-was")),
)
def test_indicator_path_fields_are_data(
    wh,
    mdl,
    oracle,
    counts,
    who,
    indicator,
    areas,
    agencies,
    dimension,
    op,
    value,
    time_from,
    time_to,
    compare,
    grain,
    boundaries,
):
    scope = persona_scope(who)
    kwargs = dict(
        indicators=(indicator,),
        areas=tuple(areas),
        agencies=tuple(agencies),
        time_from=time_from,
        time_to=time_to,
        compare=compare,
        grain=grain,
        filters=[(dimension, op, (value,))],
        boundaries=boundaries,
    )
    frame = _run(wh, mdl, kwargs, scope)
    _assert_in_scope(frame, scope, oracle, boundaries)
    # the value arrived as the very text given: every row meets the filter (an injected OR would break this)
    shown = {"category": "category", "status": "status", "agency": "agency_code", "area": "area_code"}[dimension]
    if frame is not None and op in ("eq", "in") and not (dimension == "area" and boundaries == "2025"):
        assert set(frame[shown]) <= {value}


@EXAMPLES
@given(
    data=st.data(),
    who=st.sampled_from(SCOPES),
    op=st.sampled_from(OPS),
    value=hostile,
    area=hostile,
    time_to=st.one_of(st.none(), hostile),
)
def test_every_cube_filter_takes_hostile_values_as_data(
    wh, mdl, oracle, frames, counts, data, who, op, value, area, time_to
):
    scope = persona_scope(who)
    cube = mdl.cubes[data.draw(st.sampled_from(sorted(mdl.cubes)))]
    dim = data.draw(st.sampled_from([d.name for d in cube.dimensions]))
    plain = leakdata.plain_dimensions(cube)
    kwargs = dict(
        view=cube.name,
        dimensions=tuple(dict.fromkeys((*plain, dim))),
        measures=(cube.measures[0].name,),
        filters=[(dim, op, (value,))],
        areas=(area,),
        time_to=time_to,
    )
    frame = _run(wh, mdl, kwargs, scope)
    if frame is not None:
        assert leakdata.rows_of(frame, plain) <= oracle.cube_rows(cube, scope, frames)
        if op in ("eq", "in") and cube.dimension(dim).type == "string":
            assert set(frame[dim].dropna()) <= {value}


@EXAMPLES
@given(roles=st.one_of(hostile, st.lists(hostile, max_size=3)), agency=hostile, province=hostile, name=hostile)
def test_hostile_claims_give_no_scope_or_a_real_one(roles, agency, province, name):
    agencies, areas = {"MOF", "MOC", "MOH", "GSO"}, {"01", "33"}
    scope = scope_from_claims(
        {"roles": roles, "agency": agency, "province": province, "name": name},
        known_agencies=agencies,
        known_areas=areas,
    )
    assert scope.denied or (scope.agencies is None or scope.agencies <= agencies)
    assert scope.denied or (scope.areas is None or scope.areas <= areas)
    assert len(scope.who) <= 200


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(time_from="0001", compare="yoy"),  # a year back from year 1 does not exist
        dict(time_from="0001-01", compare="pop"),
        dict(time_to="9999-12", grain="year"),  # the end of year 9999 overflows
        dict(time_to="2025-13"),
        dict(time_from="2025-Q5"),
    ],
)
def test_periods_out_of_range_are_typed_errors(mdl, kwargs):
    with pytest.raises(SemanticError, match="period"):
        compile(QuerySpec(indicators=("FLOW",), **kwargs), mdl, persona_scope("leader"))


def test_nul_characters_and_operator_arity_are_typed_errors():
    with pytest.raises(SemanticError, match="NUL"):
        QuerySpec(indicators=("FLOW",), areas=("33\x00",))
    with pytest.raises(SemanticError, match="NUL"):
        Filter("area", "in", ("33\x00",))
    with pytest.raises(SemanticError, match="exactly one value"):
        Filter("who", "contains", ())


@pytest.mark.parametrize("i", range(len(STORED)))
def test_hostile_text_stored_as_data_is_found_exactly(wh, mdl, i):
    spec = QuerySpec(
        indicators=("FLOW",),
        dimensions=("category",),
        time_from="2024-06",
        time_to="2024-06",
        filters=(Filter("category", "eq", (STORED[i],)),),
    )
    frame = run(spec, mdl, persona_scope("leader"), wh)
    assert list(zip(frame["category"], frame["value"], strict=True)) == [(STORED[i], float(i + 1))]
    like = run(spec.with_(filters=(Filter("category", "contains", (STORED[i],)),)), mdl, persona_scope("leader"), wh)
    assert STORED[i] in set(like["category"]) and all(STORED[i] in c for c in like["category"])
