"""The single query path: compile(spec, model, scope) -> Ibis; to_sql; execute (audited). Pages, explore,
downloads and the CLI all come through here."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from semantic import compiled
from semantic.compile_cube import compile_cube
from semantic.compile_indicators import compile_indicators
from semantic.errors import AccessDenied, QueryError, SemanticError
from semantic.model import SemanticModel
from semantic.periods import GRAINS
from semantic.rollup import Rollup, compared_name
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse import audit, fastsql
from warehouse import rollups as stored
from warehouse.db import Warehouse


def compile(  # noqa: A001 - the design's name
    spec: QuerySpec, model: SemanticModel, scope: Scope, rollups: stored.Fresh = stored.NONE
) -> ir.Table:
    """Build the query for `spec` as `scope` may see it. Touches no database. `rollups`: the pre-aggregations
    the warehouse holds for its current data (`warehouse.rollups.fresh`); none given, the raw facts are read."""
    scope.require()
    if spec.view == "observations":
        return compile_indicators(spec, model.registry, scope, _usable(model, rollups))
    return compile_cube(spec, model.cube(spec.view), scope)


def _usable(model: SemanticModel, fresh: stored.Fresh) -> tuple[Rollup, ...]:
    """The model's declared pre-aggregations that the warehouse holds fresh, with the indicators each was built
    with (a rollup the model no longer declares is never read)."""
    out = []
    for p in model.pre_aggregations:
        if p.name not in fresh.codes:
            continue
        out.append(Rollup(p.name, GRAINS[p.grain], fresh.codes[p.name]))
        for c in p.comparisons:
            name = compared_name(p.name, c)
            if name in fresh.codes:
                out.append(Rollup(name, GRAINS[p.grain], fresh.codes[name], c))
    return tuple(out)


def to_sql(expr: ir.Table, dialect: str = "duckdb") -> str:
    return str(ibis.to_sql(expr, dialect=dialect))


def run(spec: QuerySpec, model: SemanticModel, scope: Scope, wh: Warehouse, use_rollups: bool = True) -> pd.DataFrame:
    """The rows of `spec` (not audited: `execute` is the audited entry point). On DuckDB and PostgreSQL the SQL
    comes from the compile cache; other backends run the Ibis expression."""
    scope.require()
    if spec.view != "observations" and model.cube(spec.view).table == "audit":
        audit.flush(wh)  # the trail as it is, deferred rows included
    try:
        c = _compiled(spec, model, scope, wh, use_rollups)
        if c is None:
            return wh.execute(compile(spec, model, scope))
        return fastsql.run(wh, c.sql, c.schema)
    except SemanticError:
        raise
    except Exception as exc:
        # a warehouse built before a cube's tables existed (the API's, made when `python -m api` first starts):
        # said plainly, not a database error; anything else is a bug and stays one
        missing = missing_tables(model, spec.view, wh)
        if not missing:
            raise
        cube = model.cube(spec.view)
        raise QueryError(
            f"{cube.title_en}: nothing is stored in this warehouse yet (table {', '.join(missing)} not created yet)",
            f"{cube.title_vi}: kho dữ liệu chưa có dữ liệu này (chưa tạo bảng {', '.join(missing)})",
        ) from exc


def _compiled(
    spec: QuerySpec, model: SemanticModel, scope: Scope, wh: Warehouse, use_rollups: bool = True
) -> compiled.Compiled | None:
    """The compiled query `run` sends to the warehouse (the compile cache's entry), or None on engines reached
    only through Ibis (Spark, ClickHouse, Trino...): they hold no rollups and run the raw-facts expression compiled
    each time (docs/performance.md)."""
    if not fastsql.supports(wh):
        return None
    fresh = stored.fresh(wh) if use_rollups and model.pre_aggregations and spec.view == "observations" else stored.NONE
    return compiled.get(spec, model, scope, wh.dialect, lambda: compile(spec, model, scope, fresh), fresh.key)


def precompile(spec: QuerySpec, model: SemanticModel, scope: Scope, wh: Warehouse) -> None:
    """Put `spec` as `scope` sees it into the compile cache without running it (a server's start-up warm-up)."""
    _compiled(spec, model, scope, wh)


def sql_for(spec: QuerySpec, model: SemanticModel, scope: Scope, wh: Warehouse, use_rollups: bool = True) -> str:
    """The SQL that runs for `spec` as `scope` sees it on `wh` — the very text `run` sends (rollups and the
    optimiser included), for a caller holding the 'sql' capability; AccessDenied otherwise."""
    scope.require("sql")
    c = _compiled(spec, model, scope, wh, use_rollups)
    return c.sql if c is not None else to_sql(compile(spec, model, scope), wh.dialect)


def missing_tables(model: SemanticModel, view: str, wh: Warehouse) -> list[str]:
    """Tables the cube `view` reads that this warehouse does not have yet (a warehouse built before them)."""
    if view == "observations":
        return []
    cube = model.cube(view)
    have = wh.tables()
    return sorted({cube.table, *(j.table for j in cube.joins)} - have)


def execute(
    spec: QuerySpec,
    model: SemanticModel,
    scope: Scope,
    wh: Warehouse,
    action: str = "query",
    what: str = "",
    use_rollups: bool = True,
) -> pd.DataFrame:
    """Run `spec` and write it to the audit trail (who, spec, scope, rows) — a refusal too."""
    try:
        frame = run(spec, model, scope, wh, use_rollups)
    except AccessDenied as exc:
        refused(spec, scope, wh, exc)
        raise
    record(spec, scope, wh, len(frame), action, what)
    return frame


def refused(spec: QuerySpec, scope: Scope, wh: Warehouse, exc: AccessDenied) -> None:
    """Write a refused use of `spec` (no scope, a permission missing) to the audit trail, at once."""
    audit.refused(wh, scope.who, spec.view, exc.message_en, spec.to_json(), scope.key())


def record(spec: QuerySpec, scope: Scope, wh: Warehouse, rows: int, action: str = "query", what: str = "") -> None:
    """Write one use of `spec` by `scope.who` to the audit trail. A caller that serves rows from a cache records
    every serving with this, so a cache hit is audited like a query."""
    # a page's queries are recorded a moment later, in batches (warehouse/audit.py says why); anything else now
    audit.record(wh, scope.who, action, what or spec.view, spec.to_json(), scope.key(), rows, defer=action == "query")
