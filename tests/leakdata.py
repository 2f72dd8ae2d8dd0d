"""Data and oracles for the leak matrix: the tiny warehouse plus rows broken down by province x ministry, rows for
every model cube, and an independent statement of what a scope may see (written from docs/architecture.md, Scope,
not from the compiler) against which every query's answer is checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pandas as pd
import pyarrow as pa

from semantic.model import Cube, SemanticModel, Via, load_model
from semantic.registry import Registry
from semantic.scope import Scope
from tests import tiny
from warehouse.db import Warehouse
from warehouse.lineage import OPEN_END, close_agency_lineage
from warehouse.load import BatchInfo, write_observations, write_reference
from warehouse.schema import TABLES

V1 = tiny.V1
#: a province's department (issue 15): an agency of kind province_department, scoped like a ministry
DEPARTMENT = "HY-STC"

# Breakdown rows (agency or category): one vintage each, so a ministry's "sum of its own rows" is plain to restate.
EXTRA = tiny._obs(
    [
        # FLOW2 (owned by MOF) broken down by province x ministry; MOT became part of MOC
        ("FLOW2", "33", "MOC", "2024-01-01", "M", "level", 5, V1),
        ("FLOW2", "34", "MOT", "2024-01-01", "M", "level", 4, V1),
        ("FLOW2", "01", "MOC", "2024-01-01", "M", "level", 7, V1),
        ("FLOW2", "33", "MOH", "2024-01-01", "M", "level", 3, V1),
        ("FLOW2", "01", "MOF", "2024-01-01", "M", "level", 11, V1),
        ("FLOW2", "33", "MOC", "2025-01-01", "M", "level", 6, V1),
        ("FLOW2", "34", "MOT", "2025-01-01", "M", "level", 2, V1),
        ("FLOW2", "12345", "MOC", "2025-08-01", "M", "level", 1, V1),
        # FLOW (MOF) at a commune of new Hưng Yên and more of Hà Nội
        ("FLOW", "12345", None, "2025-08-01", "M", "level", 2, V1),
        ("FLOW", "01", None, "2024-02-01", "M", "level", 400, V1),
        ("FLOW", "01", None, "2025-01-01", "M", "level", 450, V1),
        ("FLOW", "VN", None, "2025-01-01", "M", "level", 9000, V1),
        # OWNED (MOT's, so MOC's): its owner sees every breakdown row, others only theirs
        ("OWNED", "33", None, "2024-01-01", "M", "level", 70, V1),
        ("OWNED", "01", None, "2024-01-01", "M", "level", 90, V1),
        ("OWNED", "01", "MOH", "2024-01-01", "M", "level", 13, V1),
        ("OWNED", "33", "MOC", "2024-01-01", "M", "level", 17, V1),
        # IDX (GSO) for the new province
        ("IDX", "33", None, "2025-08-01", "M", "level", 111, V1),
        # a province deployment's department (Sở Tài chính, HY-STC): its share at the province and at a commune
        ("FLOW2", "33", DEPARTMENT, "2025-08-01", "M", "level", 8, V1),
        ("FLOW2", "12345", DEPARTMENT, "2025-09-01", "M", "level", 9, V1),
    ]
)
CATEGORIES = tiny._obs(
    [
        ("FLOW", "33", None, "2024-01-01", "M", "level", 4, V1),
        ("FLOW", "01", None, "2024-01-01", "M", "level", 8, V1),
        ("FLOW", "34", None, "2024-01-01", "M", "level", 16, V1),
    ]
)
CATEGORIES["category"] = "A"


def observations() -> pd.DataFrame:
    return pd.concat([tiny.OBSERVATIONS, EXTRA, CATEGORIES], ignore_index=True)


def model() -> SemanticModel:
    """The real cubes (semantic/models) over the tiny registry."""
    from semantic.model import MODELS_DIR

    return load_model(MODELS_DIR, tiny.HERE / "indicators")


# -- rows for every cube ---------------------------------------------------------------------------------------------
# Every table a cube reads (its own, its joins', its `via` tables) gets the same N rows: row i carries area
# AREAS[i % 7] and agency AGENCIES[i // 7] in whichever column the model names as an area or agency column, a real
# reference code in a column that joins a reference table (indicator, area, agency), and "k{i}" in every other text
# column, so joins on keys pair row i with row i and a plain text dimension names the row.

AREAS = ("01", "33", "34", "12345", "VN", None, "99")
AGENCIES = ("MOC", "MOT", "MOF", "MOH", None, "XX")
N = len(AREAS) * len(AGENCIES)
#: tables the tiny warehouse fills itself (or the write path does)
REFERENCE = {
    "area",
    "area_lineage",
    "area_map",
    "agency",
    "agency_lineage",
    "indicator",
    "observation",
    "load_batch",
    "rejected_row",
    "meta",
}


def row_area(i: int) -> str | None:
    return AREAS[i % len(AREAS)]


def row_agency(i: int) -> str | None:
    return AGENCIES[i // len(AREAS)]


def _access_columns(mdl: SemanticModel) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    areas: dict[str, set[str]] = {}
    agencies: dict[str, set[str]] = {}
    for cube in mdl.cubes.values():
        acc = cube.access
        holder = next((j.table for j in cube.joins if j.name == acc.join), cube.table) if acc.join else cube.table
        if acc.area:
            areas.setdefault(holder, set()).add(acc.area)
        if acc.agency:
            agencies.setdefault(holder, set()).add(acc.agency)
        if acc.area_via:
            areas.setdefault(acc.area_via.table, set()).add(acc.area_via.column)
        if acc.agency_via:
            agencies.setdefault(acc.agency_via.table, set()).add(acc.agency_via.column)
    return areas, agencies


def _reference_keys(mdl: SemanticModel, reference_frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, list]]:
    """table -> column -> the reference codes it joins (e.g. target.indicator_code -> indicator codes)."""
    out: dict[str, dict[str, list]] = {}
    for cube in mdl.cubes.values():
        for j in cube.joins:
            if j.table in reference_frames and "." not in j.left:
                codes = sorted(set(reference_frames[j.table][j.right].dropna()))
                out.setdefault(cube.table, {})[j.left] = codes
    return out


def cube_tables(mdl: SemanticModel) -> set[str]:
    names: set[str] = set()
    for cube in mdl.cubes.values():
        names |= {cube.table, *(j.table for j in cube.joins)}
        names |= {v.table for v in (cube.access.area_via, cube.access.agency_via) if v}
    return names - REFERENCE


def _value(column: str, dtype: str, i: int) -> object:
    if dtype.startswith("string"):
        return f"k{i}"
    if dtype.startswith("date"):
        return OPEN_END if column == "valid_to" else date(2025, 1, 1)
    if dtype.startswith("timestamp"):
        return datetime(2025, 1, 1, 8, 0)
    if dtype.startswith("boolean"):
        return False
    if dtype.startswith(("int", "uint")):
        return 1
    return 1.0


#: a national program spanning provinces and ministries (issue 11: DAQT-GT's national capital read by Hưng Yên
#: through its one project): owned by MOF, one project in 33 by MOC, one in 01 by MOF. Seen only through a project,
#: the program's own capital must stay withheld; the children's cube gives each scope its own share.
SPANNING = {
    "program": [{"program_id": "P-SPAN", "owner_agency": "MOF", "plan_capital": 381848.0}],
    "project": [
        {
            "project_id": "J-HY",
            "program_id": "P-SPAN",
            "area_code": "33",
            "agency_code": "MOC",
            "plan_capital": 20000.0,
        },
        {
            "project_id": "J-HN",
            "program_id": "P-SPAN",
            "area_code": "01",
            "agency_code": "MOF",
            "plan_capital": 361848.0,
        },
    ],
}


def _spanning_rows(name: str) -> pd.DataFrame:
    rows = []
    for j, given in enumerate(SPANNING[name]):
        row = {c: _value(c, str(t), N + j) for c, t in TABLES[name].items()}
        rows.append({**row, **given})
    return pd.DataFrame(rows)


def cube_frames(mdl: SemanticModel, reference_frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    area_cols, agency_cols = _access_columns(mdl)
    ref_keys = _reference_keys(mdl, reference_frames)
    out = {}
    for name in sorted(cube_tables(mdl)):
        cols: dict[str, list[object]] = {}
        for column, dtype in TABLES[name].items():
            if column in area_cols.get(name, ()):
                cols[column] = [row_area(i) for i in range(N)]
            elif column in agency_cols.get(name, ()):
                cols[column] = [row_agency(i) for i in range(N)]
            elif column in ref_keys.get(name, {}):
                codes = ref_keys[name][column]
                cols[column] = [codes[i % len(codes)] for i in range(N)]
            else:
                cols[column] = [_value(column, str(dtype), i) for i in range(N)]
        out[name] = pd.DataFrame(cols)
        if name in SPANNING:
            out[name] = pd.concat([out[name], _spanning_rows(name)], ignore_index=True)
    return out


def plain_dimensions(cube: Cube) -> tuple[str, ...]:
    """The cube's dimensions that are columns of its own table: grouped by all of them, an answer lists the
    distinct rows it drew on, which the oracle restates from the table itself."""
    names = TABLES[cube.table].names
    dims = tuple(d.name for d in cube.dimensions if not (d.join or d.derived or d.truncate) and d.col in names)
    assert dims, f"cube {cube.name}: no dimension on its own table {cube.table}"
    return dims


def normal(value: object) -> object:
    """One spelling per value across pandas, DuckDB and PostgreSQL results."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):  # numpy scalars
        value = value.item()
    if isinstance(value, date | datetime | pd.Timestamp):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return round(float(value), 6)
    return str(value)


def rows_of(frame: pd.DataFrame, dims: tuple[str, ...]) -> set[tuple]:
    return {tuple(normal(v) for v in rec) for rec in frame[list(dims)].itertuples(index=False, name=None)}


def read_tables(wh: Warehouse, mdl: SemanticModel) -> dict[str, pd.DataFrame]:
    """Every table the cubes read, as the warehouse holds it, plus the reference tables the oracle needs."""
    from warehouse.schema import table

    names = set(REFERENCE) - {"meta"}
    for cube in mdl.cubes.values():
        names |= {cube.table, *(j.table for j in cube.joins)}
        names |= {v.table for v in (cube.access.area_via, cube.access.agency_via) if v}
    return {name: wh.execute(table(name)) for name in sorted(names)}


# -- building ----------------------------------------------------------------------------------------------------------


def reference(reg: Registry) -> dict[str, pd.DataFrame]:
    """The tiny reference tables plus a province's department, as a province deployment's agency table holds it."""
    ref = tiny.reference(reg)
    row = {"code": DEPARTMENT, "name_vi": "Sở Tài chính", "name_en": "Department of Finance"}
    row |= {"kind": "province_department", "valid_from": date(2025, 3, 1), "valid_to": OPEN_END}
    ref["agency"] = pd.concat([ref["agency"], pd.DataFrame([row])], ignore_index=True)
    ref["agency_lineage"] = close_agency_lineage([("MOT", "MOC", date(2025, 3, 1))], list(ref["agency"]["code"]))
    return ref


def build(url: str, obs: pd.DataFrame | None = None, cubes: SemanticModel | None = None) -> Warehouse:
    reg = tiny.registry()
    wh = Warehouse(url)
    wh.ensure_schema()
    write_reference(wh, reference(reg))
    frame = observations() if obs is None else obs
    if len(frame):
        write_observations(wh, frame, BatchInfo(source="leak"))
    if cubes is not None:
        with wh.transaction():
            for name, frame in cube_frames(cubes, reference(reg)).items():
                wh.insert(name, pa.Table.from_pandas(frame, preserve_index=False).cast(TABLES[name].to_pyarrow()))
    return wh


# -- the oracle: what a scope may see, restated from docs/architecture.md (Scope) --------------------------------


class Oracle:
    def __init__(self, reg: Registry) -> None:
        ref = reference(reg)
        self.amap = ref["area_map"]
        self.lineage = ref["agency_lineage"]
        self.owner = {i.code: i.owner for i in reg}

    def area_sources(self, scope: Scope, national: bool = True) -> set[str] | None:
        """Source area codes the scope may read (None: all): its provinces, their communes, their predecessors, and
        the country when national aggregates are visible to it."""
        if scope.areas is None:
            return None
        amap = self.amap
        ok = self._inside(scope)
        if national and scope.national:
            ok |= amap["dst_code"] == "VN"
        return set(amap.loc[ok, "src_code"])

    def _inside(self, scope: Scope) -> pd.Series:
        """Rows of the area map inside the scope's areas: a province's (its communes, its predecessors), or a
        commune's own (a commune's staff in a province deployment: that 2025 unit and what merged into it)."""
        areas = sorted(scope.areas or ())
        return self.amap["province_2025"].isin(areas) | self.amap["dst_code"].isin(areas)

    def output_areas(self, scope: Scope) -> set[str] | None:
        """2025-boundary units an answer may name."""
        if scope.areas is None:
            return None
        amap = self.amap
        ok = self._inside(scope)
        if scope.national:
            ok |= amap["dst_code"] == "VN"
        return set(amap.loc[ok, "dst_code"])

    def agencies(self, scope: Scope) -> set[str] | None:
        """Agency codes of the scope and, through lineage, their predecessors (None: all)."""
        if scope.agencies is None:
            return None
        lin = self.lineage
        return set(lin.loc[lin["new_code"].isin(sorted(scope.agencies)), "old_code"])

    def owned(self, scope: Scope) -> set[str]:
        mine = self.agencies(scope)
        return set(self.owner) if mine is None else {c for c, o in self.owner.items() if o in mine}

    def visible_observations(self, obs: pd.DataFrame, scope: Scope, by_agency: bool) -> pd.DataFrame:
        """The rows `scope` may read, as a warehouse of their own: an all-seeing reader of it must get exactly what
        the scoped reader gets from the full warehouse. A ministry reading totals of indicators it does not own
        gets the sum of its own breakdown rows as the total."""
        out = obs.copy()
        sources = self.area_sources(scope)
        if sources is not None:
            out = out[out["area_code"].isin(sorted(sources))]
        mine = self.agencies(scope)
        if mine is None:
            return out.reset_index(drop=True)
        owned = out["indicator_code"].isin(sorted(self.owned(scope)))
        has_agency = out["agency_code"].notna()
        own_rows = out["agency_code"].isin(sorted(mine))
        if by_agency:
            return out[has_agency & (own_rows | owned)].reset_index(drop=True)
        totals = out[~has_agency & owned]
        parts = out[has_agency & own_rows & ~owned].copy()
        if len(parts):
            keys = ["indicator_code", "area_code", "category", "period_start", "freq", "base"]
            parts["category"] = parts["category"].fillna("\x00")
            parts = parts.groupby(keys, as_index=False).agg(
                value=("value", "sum"),
                vintage=("vintage", "max"),
                status=("status", "first"),
                source=("source", "first"),
            )
            parts["category"] = parts["category"].replace("\x00", None)
            parts["agency_code"] = None
        return pd.concat([totals, parts], ignore_index=True)

    def cube_rows(
        self,
        cube: Cube,
        scope: Scope,
        frames: dict[str, pd.DataFrame],
        areas: tuple[str, ...] = (),
        figures: bool = False,
    ) -> set[tuple]:
        """The distinct plain-dimension rows of the cube's table that `scope` may see (no national rows unless the
        cube declares `national` and the scope shows national figures). Each access path is followed in pandas: the
        cube's own column, a column of its access join, or any `via` row with the same key. `figures`: the rows
        whose own figures the scope may read — a `via` counts only where it declares that parties share them."""
        acc = cube.access
        sources = self.area_sources(scope, national=acc.national)
        mine = self.agencies(scope)
        base = frames[cube.table].reset_index(drop=True)
        if cube.as_of_column:
            base = base[pd.to_datetime(base[cube.as_of_column]) <= pd.Timestamp(date.today())].reset_index(drop=True)
        holder = base
        if acc.join:
            j = next(j for j in cube.joins if j.name == acc.join)
            other = frames[j.table]
            if j.valid_now and "valid_to" in other.columns:
                other = other[pd.to_datetime(other["valid_to"]) >= pd.Timestamp(OPEN_END)]
            other = other.drop_duplicates(j.right).set_index(j.right)
            holder = pd.DataFrame({c: base[j.left].map(other[c]) for c in other.columns})

        def values(column: str | None, via: Via | None) -> list[set]:
            sets: list[set] = [set() for _ in range(len(base))]
            if column:
                for i, v in enumerate(holder[column]):
                    sets[i].add(v)
            if via:
                party = frames[via.table]
                for i, key in enumerate(base[via.key]):
                    sets[i] |= set(party.loc[party[via.key] == key, via.column])
            return sets

        def via(v: Via | None) -> Via | None:
            return v if v is not None and (v.shares_figures or not figures) else None

        area_sets = values(acc.area, via(acc.area_via))
        agency_sets = values(acc.agency, via(acc.agency_via))
        keep = []
        for i in range(len(base)):
            if sources is not None and not (area_sets[i] & sources):
                continue
            if mine is not None and not (agency_sets[i] & mine):
                continue
            if areas and acc.area and holder[acc.area].iloc[i] not in areas:
                continue
            keep.append(i)
        dims = plain_dimensions(cube)
        rows = base.iloc[keep]
        return rows_of(pd.DataFrame({d: rows[cube.dimension(d).col].to_numpy() for d in dims}), dims)


def scoped_specs_by_agency(spec_kwargs: dict) -> bool:
    """Whether an indicator spec reads breakdown rows by agency (the compiler's rule, restated)."""
    filters = spec_kwargs.get("filters", ())
    return (
        "agency" in spec_kwargs.get("dimensions", ())
        or bool(spec_kwargs.get("agencies"))
        or any(f.dimension == "agency" for f in filters)
    )


def iter_cubes(mdl: SemanticModel) -> Iterator[Cube]:
    yield from (mdl.cubes[name] for name in sorted(mdl.cubes))
