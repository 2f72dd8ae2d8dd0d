"""The semantic model: cubes (measures, dimensions, segments, joins, access columns) and views, from YAML,
plus the indicator registry; checked at load by small named rules."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator

from semantic.errors import ModelError, UnknownFieldError
from semantic.registry import INDICATORS_DIR, Registry, load_registry
from semantic.strict import Strict, parse, read_yaml
from semantic.vocab import Compare

MODELS_DIR = Path(__file__).resolve().parent / "models"


class Condition(Strict):
    """`dimension op values` (values may hold "$as_of", the query's as-of date), `dimension op ref` (another
    dimension), or a group: any (OR) / all (AND)."""

    dimension: str | None = None
    op: Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "is_null", "not_null"] = "in"
    values: tuple[Any, ...] = ()
    ref: str | None = None
    any: tuple[Condition, ...] = ()
    all: tuple[Condition, ...] = ()

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = sum([self.dimension is not None, bool(self.any), bool(self.all)])
        if forms != 1:
            raise ValueError("a condition has exactly one of: dimension, any, all")
        return self


class Case(Strict):
    """`then` when every condition of `when` holds (conditions name dimensions declared earlier in the cube)."""

    when: tuple[Condition, ...]
    then: str


class Dimension(Strict):
    name: str
    column: str | None = None  # defaults to name
    type: Literal["string", "number", "time", "boolean"] = "string"
    label_vi: str
    label_en: str
    #: days from `days_between[0]` to `days_between[1]` (a dimension declared earlier, a column, or "$as_of"; a null
    #: value counts as the query's as-of date) — derived numbers
    days_between: tuple[str, str] | None = None
    #: derived labels: the first case whose conditions hold, else `otherwise` — statuses that depend on "$as_of"
    cases: tuple[Case, ...] = ()
    otherwise: str | None = None
    #: the column's date truncated to the start of its month/quarter/year (a "month" dimension of a date column)
    truncate: Literal["month", "quarter", "year"] | None = None
    join: str | None = None  # the dimension lives on a joined table

    @property
    def col(self) -> str:
        return self.column or self.name

    @property
    def derived(self) -> bool:
        return bool(self.days_between or self.cases)


class Measure(Strict):
    name: str
    agg: Literal["count", "count_distinct", "sum", "avg", "min", "max", "ratio"]
    column: str | None = None  # a column or a dimension name (derived dimensions allowed)
    filters: tuple[Condition, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    factor: float = 1.0
    label_vi: str
    label_en: str
    unit: str = ""
    decimals: int = 0


class Segment(Strict):
    name: str
    label_vi: str
    label_en: str
    filters: tuple[Condition, ...]


class Rollup(Strict):
    """One column of a rolled-up join: `agg` of the joined table's `column` over the rows meeting `filters`
    (conditions here name columns of the joined table)."""

    name: str
    agg: Literal["min", "max", "sum", "count"]
    column: str | None = None
    filters: tuple[Condition, ...] = ()


class Join(Strict):
    name: str
    table: str
    left: str  # column of the cube's table, or "join.column" of an earlier join (joins chain)
    right: str  # column of the joined table
    relationship: Literal["many_to_one"] = "many_to_one"  # only fan-out-free joins are allowed
    valid_now: bool = True  # effective-dated tables: join the row valid today
    #: a one-to-many child (a status history) rolled up to one row per `right` before the join, so it cannot fan
    #: out; its columns are the rollups' names
    rollup: tuple[Rollup, ...] = ()
    #: rows of the joined table dated after the query's as-of date are left out (history as known on that day)
    as_of_column: str | None = None


class Via(Strict):
    """A row is visible when its `key` appears in `table` on a row whose `column` is in the caller's scope
    (many parties to one row: the provinces an emergency affects, the agencies its dispatches task)."""

    table: str
    key: str
    column: str
    #: whether a party sees the row's own figures. False (the default): a row the scope sees only through this
    #: table carries none of them — a province with one project in a national program must not read the program's
    #: national capital; it counts the row, and reads its own share from the children's cube. True only where being
    #: a party means sharing the whole (an emergency's provinces and tasked ministries coordinate on all of it).
    shares_figures: bool = False


class Access(Strict):
    """Columns that carry the area (2025 code) and agency of a row; a cube with neither is visible only to
    unrestricted scopes (deny by default). `join`: the columns live on that (many-to-one) join."""

    area: str | None = None
    agency: str | None = None
    join: str | None = None
    area_via: Via | None = None
    agency_via: Via | None = None
    #: rows of the country (area VN: a national target, a national forecast) are national aggregates: visible to an
    #: area-scoped caller whose policy shows national figures (`national_aggregates_for_province_staff`), as on the
    #: indicator path. False: such rows stay with unrestricted scopes.
    national: bool = False


class Cube(Strict):
    name: str
    table: str
    title_vi: str
    title_en: str
    access: Access = Access()
    time_dimension: str | None = None
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    segments: tuple[Segment, ...] = ()
    joins: tuple[Join, ...] = ()
    #: a permission the caller's scope must hold on top of row access (audit: the audit trail, admins only —
    #: leaders see every row of the data but not who looked at what)
    requires_permission: Literal["audit"] | None = None  # a capability of semantic/scope.py
    #: rows dated after the query's as-of date do not exist yet for it (a task assigned later, an event not begun)
    as_of_column: str | None = None

    def dimension(self, name: str) -> Dimension:
        for d in self.dimensions:
            if d.name == name:
                return d
        raise UnknownFieldError(f"dimension of {self.name}", name, [d.name for d in self.dimensions])

    def measure(self, name: str) -> Measure:
        for m in self.measures:
            if m.name == name:
                return m
        raise UnknownFieldError(f"measure of {self.name}", name, [m.name for m in self.measures])

    def segment(self, name: str) -> Segment:
        for s in self.segments:
            if s.name == name:
                return s
        raise UnknownFieldError(f"segment of {self.name}", name, [s.name for s in self.segments])


class PreAggregation(Strict):
    """Declared rollups: materialised by warehouse/ after each load, chosen by the compiler when exact."""

    name: str
    indicators: Literal["all"] | tuple[str, ...] = "all"
    grain: Literal["month", "quarter", "year"] = "month"
    #: comparisons also kept ready (published where published, else computed: what the compiler answers), each
    #: in its own rollup built from this one: a page's "vs same period last year" then reads a few rows
    comparisons: tuple[Compare, ...] = ()
    description: str = ""


class ModelFile(Strict):
    cubes: tuple[Cube, ...] = ()
    pre_aggregations: tuple[PreAggregation, ...] = ()


class SemanticModel:
    def __init__(self, registry: Registry, cubes: dict[str, Cube], pre_aggregations: tuple[PreAggregation, ...]):
        self.registry = registry
        self.cubes = cubes
        self.pre_aggregations = pre_aggregations

    def cube(self, name: str) -> Cube:
        if name not in self.cubes:
            raise UnknownFieldError("view", name, ["observations", *self.cubes])
        return self.cubes[name]

    @property
    def views(self) -> list[str]:
        return ["observations", *sorted(self.cubes)]


# -- named rules: each returns a list of problems ----------------------------------------------------------------


def rule_unique_names(model: SemanticModel) -> list[str]:
    problems = []
    for cube in model.cubes.values():
        for kind, items in (("dimension", cube.dimensions), ("measure", cube.measures), ("segment", cube.segments)):
            names = [i.name for i in items]
            dupes = sorted({n for n in names if names.count(n) > 1})
            problems += [f"cube {cube.name}: {kind} '{n}' defined twice" for n in dupes]
    return problems


def rule_measure_references(model: SemanticModel) -> list[str]:
    problems = []
    for cube in model.cubes.values():
        measures = {m.name for m in cube.measures}
        dims = {d.name for d in cube.dimensions}
        for m in cube.measures:
            if m.agg == "ratio" and not ({m.numerator, m.denominator} <= measures):
                problems.append(f"cube {cube.name}: ratio '{m.name}' names a measure that does not exist")
            if m.agg not in ("count", "ratio") and not m.column:
                problems.append(f"cube {cube.name}: measure '{m.name}' ({m.agg}) needs a column")
            for cond in m.filters:
                problems += [f"cube {cube.name}: measure '{m.name}': {p}" for p in _condition_problems(cond, dims)]
        for seg in cube.segments:
            for cond in seg.filters:
                problems += [f"cube {cube.name}: segment '{seg.name}': {p}" for p in _condition_problems(cond, dims)]
        problems += _derived_problems(cube)
    return problems


def _derived_problems(cube: Cube) -> list[str]:
    """Derived dimensions may only name dimensions declared before them (they are built in order)."""
    problems = []
    earlier: set[str] = set()
    for d in cube.dimensions:
        where = f"cube {cube.name}: dimension '{d.name}'"
        for case in d.cases:
            for cond in case.when:
                problems += [f"{where}: {p}" for p in _condition_problems(cond, earlier)]
        if d.cases and d.otherwise is None:
            problems.append(f"{where}: cases need an 'otherwise' label")
        if d.truncate and d.derived:
            problems.append(f"{where}: truncate applies to a column, not to a derived dimension")
        earlier.add(d.name)
    return problems


def _condition_problems(cond: Condition, dims: set[str]) -> list[str]:
    out = []
    if cond.dimension is not None and cond.dimension not in dims:
        out.append(f"unknown dimension '{cond.dimension}' (valid: {', '.join(sorted(dims))})")
    if cond.ref is not None and cond.ref not in dims:
        out.append(f"unknown dimension '{cond.ref}' (valid: {', '.join(sorted(dims))})")
    for sub in (*cond.any, *cond.all):
        out += _condition_problems(sub, dims)
    return out


def rule_joins_resolve(model: SemanticModel) -> list[str]:
    from warehouse.schema import TABLES

    problems = []
    for cube in model.cubes.values():
        if cube.table not in TABLES:
            problems.append(f"cube {cube.name}: table '{cube.table}' is not in the warehouse schema")
            continue
        cols = set(TABLES[cube.table].names)
        joins = {j.name: j for j in cube.joins}
        seen: dict[str, Join] = {}
        for j in cube.joins:
            first, _, rest = j.left.partition(".")
            left_ok = j.left in cols if not rest else (first in seen and rest in _join_columns(seen[first]))
            seen[j.name] = j
            if j.table not in TABLES or j.right not in TABLES[j.table].names or not left_ok:
                problems.append(f"cube {cube.name}: join '{j.name}' does not resolve ({j.left} -> {j.table}.{j.right})")
                continue
            other = set(TABLES[j.table].names)
            for col in [r.column for r in j.rollup if r.column] + [j.as_of_column or j.right]:
                if col not in other:
                    problems.append(f"cube {cube.name}: join '{j.name}': column '{col}' is not in {j.table}")
            for r in j.rollup:
                for cond in r.filters:
                    problems += [f"cube {cube.name}: join '{j.name}': {p}" for p in _condition_problems(cond, other)]
        for d in cube.dimensions:
            if d.derived:
                continue
            if d.join and d.join not in joins:
                problems.append(f"cube {cube.name}: dimension '{d.name}' names unknown join '{d.join}'")
            elif d.col not in (_join_columns(joins[d.join]) if d.join else cols):
                problems.append(f"cube {cube.name}: dimension '{d.name}': column '{d.col}' does not exist")
        access = cube.access
        if access.join and access.join not in joins:
            problems.append(f"cube {cube.name}: access names unknown join '{access.join}'")
        where = _join_columns(joins[access.join]) if access.join in joins else cols
        for access_col in (access.area, access.agency):
            if access_col and access_col not in where:
                problems.append(f"cube {cube.name}: access column '{access_col}' does not exist")
        for via in (access.area_via, access.agency_via):
            if via and (via.table not in TABLES or not {via.key, via.column} <= set(TABLES[via.table].names)):
                problems.append(f"cube {cube.name}: access via {via.table}.{via.key}/{via.column} does not resolve")
            elif via and via.key not in cols:
                problems.append(f"cube {cube.name}: access via key '{via.key}' is not a column of {cube.table}")
        if cube.as_of_column and cube.as_of_column not in cols:
            problems.append(f"cube {cube.name}: as_of_column '{cube.as_of_column}' does not exist")
    return problems


def _join_columns(join: Join) -> set[str]:
    from warehouse.schema import TABLES

    if join.rollup:
        return {join.right, *(r.name for r in join.rollup)}
    return set(TABLES[join.table].names) if join.table in TABLES else set()


def rule_labels(model: SemanticModel) -> list[str]:
    problems = []
    for cube in model.cubes.values():
        labelled: list[Dimension | Measure | Segment] = [*cube.dimensions, *cube.measures, *cube.segments]
        for item in labelled:
            if not item.label_vi.strip() or not item.label_en.strip():
                problems.append(f"cube {cube.name}: '{item.name}' lacks a vi or en label")
    return problems


def rule_indicators_complete(model: SemanticModel) -> list[str]:
    problems = []
    codes = set(model.registry.indicators)
    for ind in model.registry:
        where = model.registry.files[ind.code]
        if ind.space_agg == "weighted_mean" and ind.weight not in codes:
            problems.append(f"{where}: {ind.code}: weighted mean needs a weight indicator (got {ind.weight!r})")
        if ind.kind == "ratio" and not (ind.numerator in codes and ind.denominator in codes):
            problems.append(f"{where}: {ind.code}: a ratio names its numerator and denominator indicators")
        if ind.kind in ("index", "rate") and ind.space_agg == "sum":
            problems.append(f"{where}: {ind.code}: an {ind.kind} is never summed across areas")
        if ind.kind in ("index", "rate") and ind.time_agg == "sum":
            problems.append(f"{where}: {ind.code}: an {ind.kind} is never summed across periods")
        if not ind.name_vi.strip() or not ind.name_en.strip():
            problems.append(f"{where}: {ind.code}: needs name_vi and name_en")
    return problems


DEFAULT_RULES = (rule_unique_names, rule_measure_references, rule_joins_resolve, rule_labels, rule_indicators_complete)


def check(model: SemanticModel) -> list[str]:
    return [p for rule in DEFAULT_RULES for p in rule(model)]


def load_model(models_dir: Path = MODELS_DIR, indicators_dir: Path = INDICATORS_DIR) -> SemanticModel:
    import warehouse.exchange  # noqa: F401 - registers the data-exchange API's tables (deliveries, subscriptions)
    import warehouse.tables  # noqa: F401 - registers the tables owned by other parts (tasks, events, ...)

    registry = load_registry(indicators_dir)
    cubes: dict[str, Cube] = {}
    pre: list[PreAggregation] = []
    for path in sorted(models_dir.glob("*.yml")):
        parsed = parse(ModelFile, read_yaml(path), str(path))
        for cube in parsed.cubes:
            if cube.name in cubes or cube.name == "observations":
                raise ModelError(f"{path}: cube '{cube.name}' defined twice", f"{path}: cube '{cube.name}' trùng tên")
            cubes[cube.name] = cube
        pre.extend(parsed.pre_aggregations)
    model = SemanticModel(registry, cubes, tuple(pre))
    problems = check(model)
    if problems:
        text = "; ".join(problems)
        raise ModelError(text, text)
    return model


def default_model() -> SemanticModel:
    """The installed model over the active deployment profile's registry (a province's adds its own indicators)."""
    from semantic.profile import active

    return _default_model(active().id)


@lru_cache(maxsize=2)
def _default_model(profile: str) -> SemanticModel:
    del profile  # the cache key: load_registry reads the active profile itself
    return load_model()
