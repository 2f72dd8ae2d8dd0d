"""Pre-aggregations of the indicator path, declared in semantic/models/*.yml: their definitions, built with the
compiler's own functions (so a rollup row is by construction what the raw path aggregates to), handed to the
warehouse as SQL in its dialect. The warehouse materialises them and rebuilds them inside every later load."""

from __future__ import annotations

from itertools import groupby

import ibis
import ibis.expr.types as ir

from semantic.compile_indicators import _compare, _signature, space_rows
from semantic.model import PreAggregation, SemanticModel, default_model
from semantic.periods import GRAINS
from semantic.registry import Registry
from semantic.rollup import compared_name, rollup_table
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse import rollups
from warehouse.db import Warehouse


def indicators_of(pre: PreAggregation, registry: Registry) -> list[str]:
    """The indicators a rollup holds: those published at its grain (and named by it, unless it takes all)."""
    freq = GRAINS[pre.grain]
    wanted = None if pre.indicators == "all" else set(pre.indicators)
    return [i.code for i in registry if i.frequency == freq and (wanted is None or i.code in wanted)]


def definition(pre: PreAggregation, registry: Registry) -> ir.Table | None:
    """Current values (latest vintage), 2025 boundaries, totals, every area and base, for every caller: the rows
    `space_rows` gives the raw path, for all of the rollup's indicators at once. None when it holds none."""
    codes = indicators_of(pre, registry)
    if not codes:
        return None
    inds = sorted((registry[c] for c in codes), key=_signature)
    groups = [list(group) for _, group in groupby(inds, key=_signature)]
    parts = [
        space_rows(QuerySpec(indicators=tuple(i.code for i in g)), g, Scope.system(), None, None, None) for g in groups
    ]
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def compared(pre: PreAggregation, compare: str, registry: Registry) -> ir.Table | None:
    """Comparison `compare` for every row of rollup `pre`, read from that rollup's table (so it is built after
    it, in the same transaction): the compiler's own `_compare`, published figures preferred, per group of
    indicators that aggregate alike. Over all periods, it holds what any query window would compute: a
    comparison looks back a year at most, and a query reads a year back for it."""
    codes = indicators_of(pre, registry)
    if not codes:
        return None
    inds = sorted((registry[c] for c in codes), key=_signature)
    groups = [list(group) for _, group in groupby(inds, key=_signature)]
    base = rollup_table(pre.name)
    parts = [
        _compare(base.filter(base.indicator_code.isin([i.code for i in g])), g[0], compare, GRAINS[pre.grain], False)
        for g in groups
    ]
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def definitions(model: SemanticModel, dialect: str) -> dict[str, rollups.Definition]:
    """Every declared rollup and its comparisons, in build order (a comparison after the rollup it reads)."""
    out = {}
    for pre in model.pre_aggregations:
        codes = frozenset(indicators_of(pre, model.registry))
        depends: dict[str, set[str]] = {}
        for code in codes:
            weight = model.registry[code].weight
            if weight:
                depends.setdefault(weight, set()).add(code)
        exprs = [(pre.name, definition(pre, model.registry))]
        exprs += [(compared_name(pre.name, c), compared(pre, c, model.registry)) for c in pre.comparisons]
        for name, expr in exprs:
            if expr is None:
                continue
            expr = expr.select(*rollups.ROLLUP_SCHEMA.names).cast(rollups.ROLLUP_SCHEMA).order_by(list(rollups.ORDER))
            sql = str(ibis.to_sql(expr, dialect=dialect))
            out[name] = rollups.Definition(sql, codes, {k: frozenset(v) for k, v in depends.items()})
    return out


def refresh(wh: Warehouse, model: SemanticModel | None = None) -> dict[str, float]:
    """(Re)declare and build the model's rollups in `wh` (seed, the bench, and after a change of the model or the
    registry); later loads rebuild them by themselves. Returns seconds per rollup."""
    model = model or default_model()
    return rollups.materialise(wh, definitions(model, wh.dialect))


def ensure(wh: Warehouse, model: SemanticModel | None = None) -> dict[str, float]:
    """Rebuild only when the warehouse's rollups are not the model's current definitions (a new version of the
    app, a changed registry) or not fresh; nothing to do otherwise. Returns seconds per rollup rebuilt."""
    model = model or default_model()
    wanted = definitions(model, wh.dialect)
    held = rollups.stored(wh)
    fresh = rollups.fresh(wh).codes
    if held == rollups.current(wanted) and set(fresh) == set(wanted):
        return {}
    return rollups.materialise(wh, wanted)


if __name__ == "__main__":
    # `python -m semantic.preagg`: declare and build the model's rollups in the warehouse DIEUHANH_DB names (once
    # after the first seed or an upgrade; every later load rebuilds them inside its own transaction)
    built = ensure(Warehouse())
    print("; ".join(f"{name}: {s:.1f} s" for name, s in built.items()) or "rollups already current")
