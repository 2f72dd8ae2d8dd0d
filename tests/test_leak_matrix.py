"""The leak matrix: every query path x every persona and hostile claims, on DuckDB and PostgreSQL.

Each answer is checked row by row (no area or agency outside the scope) and against an oracle: the same query run
by an all-seeing reader on a warehouse that holds only the rows the scope may read (tests/leakdata.py restates
docs/architecture.md, Scope, in pandas). Equal answers mean nothing outside the scope reached any figure, totals
included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

from semantic.access import persona_scope, scope_from_claims
from semantic.catalog import reference_codes
from semantic.errors import AccessDenied
from semantic.query import compile, run
from semantic.scope import Scope
from semantic.spec import Filter, QuerySpec
from tests import leakdata
from tests.support import create_pg_database, drop_pg_database, pg_server_url

# -- who -----------------------------------------------------------------------------------------------------------

GRANTED_PERSONAS = ("leader", "analyst", "admin", "mof", "moc", "hungyen")
GRANTED_CLAIMS = {
    "moc_in_hungyen": {"roles": ["ministry_staff", "province_staff"], "agency": "MOC", "province": "33"},
    "keycloak_style_string_roles": {"roles": "province_staff", "province": 33},
}
#: claims of a province deployment (DIEUHANH_PROFILE=province:33, issue 15): the codes a claim may name there are
#: its province, its communes (here the tiny warehouse's 12345) and its departments
PROVINCE_CLAIMS = {
    "commune_staff": {"roles": ["commune_staff"], "commune": "12345"},
    "department_staff": {"roles": ["department_staff"], "agency": leakdata.DEPARTMENT},
    "province_leader": {"roles": ["province_leader"], "province": "33"},
}
#: scopes no claim can produce today, built by hand: the compiler must hold for them too
HAND_SCOPES = {
    "hungyen_without_national": Scope(frozenset({"province_staff"}), None, frozenset({"33"}), national=False),
    "area_nobody_has": Scope(frozenset({"province_staff"}), None, frozenset({"99"}), national=False),
    "dissolved_ministry": Scope(frozenset({"ministry_staff"}), frozenset({"MOT"}), None, national=True),
}
DENIED_CLAIMS = {
    "none_persona": None,  # persona `none`
    "no_claims": {},
    "unknown_role": {"roles": ["nobody"]},
    "area_that_does_not_exist": {"roles": ["province_staff"], "province": "99"},
    "pre_2025_province": {"roles": ["province_staff"], "province": "34"},
    "agency_that_does_not_exist": {"roles": ["ministry_staff"], "agency": "XX"},
    "forged_persona_claim": {"persona": "leader", "name": "attacker"},
    "role_in_wrong_claim": {"groups": ["leader"]},
}

# -- what ----------------------------------------------------------------------------------------------------------

M = {"time_from": "2024-01", "time_to": "2025-12"}
INDICATOR_SPECS = {
    "flow": dict(indicators=("FLOW",)),
    "flow_areas": dict(indicators=("FLOW",), areas=("01", "33", "34", "VN", "12345")),
    "flow_as_was": dict(indicators=("FLOW",), boundaries="as-was"),
    "flow_as_was_areas": dict(indicators=("FLOW",), areas=("33", "34"), boundaries="as-was"),
    "flow_quarter": dict(indicators=("FLOW",), grain="quarter"),
    "flow_year_as_was": dict(indicators=("FLOW",), grain="year", boundaries="as-was"),
    "flow_yoy": dict(indicators=("FLOW",), compare="yoy", **M),
    "flow_pop": dict(indicators=("FLOW",), compare="pop", **M),
    "flow_ytd": dict(indicators=("FLOW",), compare="ytd", **M),
    "flow_ytd_yoy_as_was": dict(indicators=("FLOW",), compare="ytd_yoy", boundaries="as-was", **M),
    "flow_as_of": dict(indicators=("FLOW",), as_of=date(2025, 3, 1)),
    "flow_category": dict(indicators=("FLOW",), dimensions=("category",)),
    "flow_area_filter": dict(
        indicators=("FLOW",), filters=(Filter("area", "in", ("34", "33", "01")),), boundaries="as-was"
    ),
    "flow_area_not_in": dict(indicators=("FLOW",), filters=(Filter("area", "not_in", ("01",)),)),
    "flow2_totals": dict(indicators=("FLOW2",)),
    "flow2_by_agency": dict(indicators=("FLOW2",), dimensions=("agency",)),
    "flow2_by_agency_as_was": dict(indicators=("FLOW2",), dimensions=("agency",), boundaries="as-was"),
    "flow2_agencies": dict(indicators=("FLOW2",), agencies=("MOC", "MOH", "MOF", "MOT")),
    "flow2_agency_filter_quarter": dict(
        indicators=("FLOW2",), filters=(Filter("agency", "in", ("MOT", "MOC")),), grain="quarter"
    ),
    "owned_by_agency_quarter": dict(indicators=("OWNED", "FLOW2"), dimensions=("agency",), grain="quarter"),
    "every_indicator": dict(indicators=("FLOW", "FLOW2", "OWNED", "IDX", "STOCK", "RATE", "POP")),
    "index_yoy": dict(indicators=("IDX",), compare="yoy"),
    "rate_weighted": dict(indicators=("RATE",)),
}


# -- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mdl():
    return leakdata.model()


@pytest.fixture(scope="module")
def wh(backend_url, mdl):
    warehouse = leakdata.build(backend_url, cubes=mdl)
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="module")
def oracle():
    return leakdata.Oracle(leakdata.tiny.registry())


@pytest.fixture(scope="module")
def frames(wh, mdl):
    return leakdata.read_tables(wh, mdl)


@pytest.fixture(scope="module")
def codes(wh):
    return reference_codes(wh)


def _scope(name: str, codes) -> Scope:
    agencies, areas = codes
    if name in GRANTED_PERSONAS:
        return persona_scope(name, known_agencies=agencies, known_areas=areas)
    if name in GRANTED_CLAIMS:
        return scope_from_claims(GRANTED_CLAIMS[name], known_agencies=agencies, known_areas=areas)
    if name in PROVINCE_CLAIMS:
        scope = scope_from_claims(PROVINCE_CLAIMS[name], known_agencies=agencies, known_areas={"33", "12345"})
        assert not scope.denied, name
        return scope
    return HAND_SCOPES[name]


SCOPE_NAMES = (*GRANTED_PERSONAS, *GRANTED_CLAIMS, *PROVINCE_CLAIMS, *HAND_SCOPES)


@pytest.fixture(scope="module")
def oracle_warehouse(backend_url, tmp_path_factory, oracle) -> Iterator:
    """`get(scope_name, scope, by_agency)`: a warehouse holding only what that scope may read (built once)."""
    made: dict[tuple[str, bool], object] = {}
    pg_urls: list[str] = []

    def get(name: str, scope: Scope, by_agency: bool):
        key = (name, by_agency and scope.agencies is not None)
        if key not in made:
            if backend_url.startswith("duckdb"):
                url = f"duckdb://{tmp_path_factory.mktemp('oracle') / 'w.duckdb'}"
            else:
                url = create_pg_database(pg_server_url(), "leak_oracle")
                pg_urls.append(url)
            rows = oracle.visible_observations(leakdata.observations(), scope, key[1])
            made[key] = leakdata.build(url, rows)
        return made[key]

    yield get
    for w in made.values():
        w.close()
    for url in pg_urls:
        drop_pg_database(pg_server_url(), url)


def _normal(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["period_start"] = pd.to_datetime(out["period_start"]).dt.date
    out["value"] = out["value"].astype(float).round(9)
    out["vintage"] = pd.to_datetime(out["vintage"])
    for col in ("agency_code", "category"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    keys = ["indicator_code", "area_code", "agency_code", "category", "period_start", "base"]
    return out.sort_values(keys, na_position="first").reset_index(drop=True)


# -- the indicator path --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec_name", INDICATOR_SPECS)
@pytest.mark.parametrize("scope_name", SCOPE_NAMES)
def test_indicator_path_returns_only_the_scope(wh, mdl, oracle, oracle_warehouse, codes, scope_name, spec_name):
    kwargs = INDICATOR_SPECS[spec_name]
    scope = _scope(scope_name, codes)
    spec = QuerySpec(**kwargs)
    got = _normal(run(spec, mdl, scope, wh))  # the path pages, downloads and the CLI take

    # row by row: no area, no agency outside the scope
    if spec.boundaries == "2025":
        allowed_areas = oracle.output_areas(scope)
    else:
        allowed_areas = oracle.area_sources(scope)
    if allowed_areas is not None:
        outside = got[~got["area_code"].isin(sorted(allowed_areas))]
        assert outside.empty, f"{scope_name} sees areas outside its scope:\n{outside}"
    mine = oracle.agencies(scope)
    if mine is not None:
        shown = got[got["agency_code"].notna()]
        ok = shown["agency_code"].isin(sorted(mine)) | shown["indicator_code"].isin(sorted(oracle.owned(scope)))
        assert shown[ok].equals(shown), f"{scope_name} sees agencies outside its scope:\n{shown[~ok]}"

    # the oracle: an all-seeing reader of only the visible rows gets the very same answer
    if scope.unrestricted:
        return
    by_agency = leakdata.scoped_specs_by_agency(kwargs)
    expected = _normal(run(spec, mdl, Scope.system(), oracle_warehouse(scope_name, scope, by_agency)))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_province_staff_get_their_province_with_its_merged_predecessor(wh, mdl, codes):
    hy = scope_from_claims(
        {"roles": ["province_staff"], "province": "33"}, known_agencies=codes[0], known_areas=codes[1]
    )
    frame = run(QuerySpec(indicators=("FLOW",), areas=("01", "33"), time_to="2025-03"), mdl, hy, wh)
    rows = [(r.area_code, str(r.period_start)[:7], r.value) for r in frame.itertuples()]
    # 2024: old Hưng Yên 10/20/30 + old Thái Bình 1/2/3 (+ their category rows stay out: totals only)
    assert rows == [
        ("33", "2024-01", 11.0),
        ("33", "2024-02", 22.0),
        ("33", "2024-03", 33.0),
        ("33", "2025-01", 14.0),
        ("33", "2025-02", 28.0),
    ]


def test_ministry_staff_get_their_ministry_and_its_predecessor(wh, mdl, codes):
    moc = scope_from_claims(
        {"roles": ["ministry_staff"], "agency": "MOC"}, known_agencies=codes[0], known_areas=codes[1]
    )
    spec = QuerySpec(indicators=("FLOW2",), dimensions=("agency",), time_to="2024-12")
    frame = run(spec, mdl, moc, wh)
    rows = sorted((r.area_code, r.agency_code, r.value) for r in frame.itertuples())
    # 01 MOC 7; 33: MOC 5 and MOT 4 (old Thái Bình, now in 33); VN: MOC 20, MOT 30 — never MOH or MOF
    assert rows == [
        ("01", "MOC", 7.0),
        ("33", "MOC", 5.0),
        ("33", "MOT", 4.0),
        ("VN", "MOC", 20.0),
        ("VN", "MOT", 30.0),
    ]


def test_a_commune_s_staff_get_their_commune_and_nothing_above_it(wh, mdl, codes):
    commune = _scope("commune_staff", codes)
    assert (commune.areas, commune.national) == (frozenset({"12345"}), False)
    spec = QuerySpec(indicators=("FLOW",), areas=("01", "33", "VN", "12345"))
    rows = [(r.area_code, str(r.period_start)[:7], r.value) for r in run(spec, mdl, commune, wh).itertuples()]
    assert rows == [("12345", "2025-08", 2.0)]  # not Hưng Yên's 33, not the country's 9,000


def test_a_department_gets_its_own_share_at_the_province_and_its_communes(wh, mdl, codes):
    department = _scope("department_staff", codes)
    spec = QuerySpec(indicators=("FLOW2",), dimensions=("agency",), time_from="2025-08")
    frame = run(spec, mdl, department, wh)
    rows = sorted((r.area_code, r.agency_code, str(r.period_start)[:7], r.value) for r in frame.itertuples())
    # never MOC's 1 at the same commune in 2025-08
    assert rows == [("12345", "HY-STC", "2025-09", 9.0), ("33", "HY-STC", "2025-08", 8.0)]


# -- cubes -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scope_name", SCOPE_NAMES)
def test_every_cube_returns_only_the_scope(wh, mdl, oracle, frames, codes, scope_name):
    scope = _scope(scope_name, codes)
    assert mdl.cubes, "the model has no cubes"
    for cube in leakdata.iter_cubes(mdl):
        dims = leakdata.plain_dimensions(cube)
        spec = QuerySpec(view=cube.name, dimensions=dims, measures=(cube.measures[0].name,))
        if cube.requires_permission == "audit" and not scope.can_audit:
            with pytest.raises(AccessDenied):
                run(spec, mdl, scope, wh)
            continue
        got = leakdata.rows_of(run(spec, mdl, scope, wh), dims)
        expected = oracle.cube_rows(cube, scope, frames)
        assert got == expected, f"{cube.name} for {scope_name}: extra {got - expected}, missing {expected - got}"


#: measures that are not row counts: what a row seen only through a related table must not carry
FIGURES = ("sum", "avg", "min", "max")


@pytest.mark.parametrize("scope_name", SCOPE_NAMES)
def test_a_row_seen_through_a_related_table_carries_only_what_the_scope_may_see(
    wh, mdl, oracle, frames, codes, scope_name
):
    """Every figure of every cube, per row: the value an all-seeing reader gets where the scope may read the row's
    own figures (its own columns, or a `via` that shares them), and nothing where it sees the row only through a
    related table (a program through one of its projects)."""
    scope = _scope(scope_name, codes)
    checked = 0
    for cube in leakdata.iter_cubes(mdl):
        if cube.requires_permission:
            continue
        dims = leakdata.plain_dimensions(cube)
        readable = oracle.cube_rows(cube, scope, frames, figures=True)
        for m in (m for m in cube.measures if m.agg in FIGURES):
            spec = QuerySpec(view=cube.name, dimensions=dims, measures=(m.name,))
            full = {r[:-1]: r[-1] for r in leakdata.rows_of(run(spec, mdl, Scope.system(), wh), (*dims, m.name))}
            got = {r[:-1]: r[-1] for r in leakdata.rows_of(run(spec, mdl, scope, wh), (*dims, m.name))}
            carried = {row: value for row, value in got.items() if value is not None}
            expected = {row: full[row] for row in readable if full.get(row) is not None}
            assert carried == expected, f"{cube.name}.{m.name} for {scope_name}"
            checked += 1
    assert checked


@pytest.mark.parametrize(
    ("scope_name", "capital", "own_projects"),
    [
        ("leader", 381848.0, {"J-HY": 20000.0, "J-HN": 361848.0}),
        ("mof", 381848.0, {"J-HN": 361848.0}),  # the owner ministry reads its program whole
        ("hungyen", None, {"J-HY": 20000.0}),  # sees the program through its project: not the national capital
        ("moc", None, {"J-HY": 20000.0}),
        ("moc_in_hungyen", None, {"J-HY": 20000.0}),
        ("hungyen_without_national", None, {"J-HY": 20000.0}),
    ],
)
def test_a_national_program_spanning_provinces(wh, mdl, codes, scope_name, capital, own_projects):
    scope = _scope(scope_name, codes)
    only = (Filter("program_id", "in", ("P-SPAN",)),)
    spec = QuerySpec(view="programs", measures=("programs", "plan_capital"), filters=only)
    frame = run(spec, mdl, scope, wh)
    assert int(frame["programs"].iloc[0]) == 1  # the program is listed: the scope has a project in it
    got = frame["plan_capital"].iloc[0]
    assert (None if pd.isna(got) else float(got)) == capital
    spec = QuerySpec(view="project_list", dimensions=("project_id",), measures=("plan_capital",), filters=only)
    frame = run(spec, mdl, scope, wh)
    assert dict(zip(frame["project_id"], frame["plan_capital"].astype(float), strict=True)) == own_projects


@pytest.mark.parametrize("scope_name", ("leader", "hungyen", "moc"))
def test_cube_area_filters_narrow_within_the_scope(wh, mdl, oracle, frames, codes, scope_name):
    scope = _scope(scope_name, codes)
    for cube in leakdata.iter_cubes(mdl):
        if cube.requires_permission or not cube.access.area:
            continue
        dims = leakdata.plain_dimensions(cube)
        spec = QuerySpec(view=cube.name, dimensions=dims, measures=(cube.measures[0].name,), areas=("01", "33"))
        got = leakdata.rows_of(run(spec, mdl, scope, wh), dims)
        assert got == oracle.cube_rows(cube, scope, frames, areas=("01", "33")), cube.name


def test_only_admins_read_the_audit_trail(wh, mdl, codes):
    spec = QuerySpec(view="audit", dimensions=("who",), measures=("entries",))
    assert set(run(spec, mdl, _scope("admin", codes), wh)["who"]) >= {f"k{i}" for i in range(leakdata.N)}
    for name in ("leader", "analyst", "mof", "hungyen"):  # leaders see every row of data, not who looked at it
        with pytest.raises(AccessDenied):
            run(spec, mdl, _scope(name, codes), wh)


# -- denied ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("claims_name", DENIED_CLAIMS)
def test_claims_without_scope_are_refused_on_every_path(wh, mdl, codes, claims_name):
    claims = DENIED_CLAIMS[claims_name]
    scope = (
        persona_scope("none", known_agencies=codes[0], known_areas=codes[1])
        if claims is None
        else scope_from_claims(claims, known_agencies=codes[0], known_areas=codes[1])
    )
    assert scope.denied
    specs = [QuerySpec(**kw) for kw in INDICATOR_SPECS.values()]
    specs += [QuerySpec(view=c.name, measures=(c.measures[0].name,)) for c in leakdata.iter_cubes(mdl)]
    for spec in specs:
        with pytest.raises(AccessDenied):
            compile(spec, mdl, scope)
        with pytest.raises(AccessDenied):
            run(spec, mdl, scope, wh)
