"""The single query path: compile(spec, model, scope) -> Ibis; to_sql; execute (audited). Pages, explore,
downloads and the CLI all come through here."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from semantic.compile_cube import compile_cube
from semantic.compile_indicators import compile_indicators
from semantic.model import SemanticModel
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse import audit
from warehouse.db import Warehouse


def compile(spec: QuerySpec, model: SemanticModel, scope: Scope) -> ir.Table:  # noqa: A001 - the design's name
    """Build the query for `spec` as `scope` may see it. Touches no database."""
    scope.require()
    if spec.view == "observations":
        return compile_indicators(spec, model.registry, scope)
    return compile_cube(spec, model.cube(spec.view), scope)


def to_sql(expr: ir.Table, dialect: str = "duckdb") -> str:
    return str(ibis.to_sql(expr, dialect=dialect))


def execute(
    spec: QuerySpec,
    model: SemanticModel,
    scope: Scope,
    wh: Warehouse,
    action: str = "query",
    what: str = "",
) -> pd.DataFrame:
    """Run `spec` and write it to the audit trail (who, spec, scope, rows)."""
    frame = wh.execute(compile(spec, model, scope))
    audit.record(wh, scope.who, action, what or spec.view, spec.to_json(), scope.key(), len(frame))
    return frame
