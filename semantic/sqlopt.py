"""Peephole rewrites of the SQL Ibis renders, applied once per compiled query (the compile cache keeps the result).

1. Shared subqueries. Ibis writes a relation used by several branches of a union once per branch (the indicator
path unions one branch per aggregation rule, all reading the same latest-vintage rows), and DuckDB then scans the
fact table once per branch. An identical subquery that appears more than once and reads a table is hoisted into a
`WITH ... AS MATERIALIZED` CTE: computed once, read by every branch (a CTE means exactly the subquery it replaces).

2. Row numbers.
Ibis numbers rows from 0 (`ROW_NUMBER() OVER (...) - 1`); a filter on that arithmetic hides the "first row per
group" pattern from DuckDB's optimiser, which plans `row_number() ... = 1` as a cheaper top-1 per partition
(measured 2x on the latest-vintage window). Our compilers name such a column `_rn` and only ever keep `_rn = 0`,
so the rewrite is exact: `_rn` counts from 1 and the filter keeps `_rn = 1`."""

from __future__ import annotations

import sqlglot
import sqlglot.expressions as sge

RN = "_rn"
#: sqlglot renamed the WITH argument of a query ("with" before 30, "with_" since)
WITH_ARG = "with_" if "with_" in sge.Select.arg_types else "with"


def _is_rn_minus_one(node: sge.Expression) -> bool:
    return (
        isinstance(node, sge.Sub)
        and isinstance(node.this, sge.Window)
        and isinstance(node.this.this, sge.RowNumber)
        and isinstance(node.expression, sge.Literal)
        and node.expression.this == "1"
    )


def _rewrite(node: sge.Expression) -> sge.Expression:
    if isinstance(node, sge.Alias) and node.alias == RN and _is_rn_minus_one(node.this):
        return sge.Alias(this=node.this.this, alias=node.args["alias"])
    if isinstance(node, sge.EQ):
        left, right = node.this, node.expression
        if isinstance(left, sge.Column) and left.name == RN and isinstance(right, sge.Literal) and right.this == "0":
            return sge.EQ(this=left, expression=sge.Literal.number(1))
    return node


def _allowed(col: sge.Column) -> bool:
    parent = col.parent
    if isinstance(parent, sge.EQ):
        return isinstance(parent.expression, sge.Literal) and parent.expression.this == "0"
    return isinstance(parent, sge.Star)


def _hoist_shared(tree: sge.Expr, dialect: str) -> sge.Expr | None:
    """The query with its repeated subqueries as materialised CTEs; None when nothing repeats. Rounds: a repeated
    subquery inside one hoisted in an earlier round (the latest-vintage rows inside each aggregation rule's
    self-joined rows) is hoisted in the next, ahead of the CTEs that read it."""
    out = None
    for round_ in range(6):
        hoisted = _hoist_once(out if out is not None else tree, dialect, f"_shared{round_}_")
        if hoisted is None:
            break
        out = hoisted
    return out


def _inside(node: sge.Expr, ids: set[int]) -> bool:
    """Is `node` within one of the nodes whose ids are given?"""
    parent = node.parent
    while parent is not None:
        if id(parent) in ids:
            return True
        parent = parent.parent
    return False


def _hoist_once(tree: sge.Expr, dialect: str, prefix: str) -> sge.Expr | None:
    """One round, in place: subqueries are told apart by sqlglot's structural hash (computed once per node and
    kept up to date by `replace`), and only the repeated ones are rendered, to order them by size. Comparing
    rendered text instead rendered every subquery, nested ones again inside each ancestor: most of a cold
    overview's compile time on the real model (0.1-0.9 s per query)."""
    existing = tree.args.get(WITH_ARG)
    ctes_named = {cte.alias for cte in existing.expressions} if existing is not None else set()
    groups: dict[sge.Expr, list[sge.Subquery]] = {}
    for sub in tree.find_all(sge.Subquery):
        # only relations in FROM / JOIN (not `x IN (SELECT ...)`) that read a table
        if not isinstance(sub.parent, sge.From | sge.Join) or not isinstance(sub.this, sge.Select):
            continue
        if sub.this.find(sge.Table) is None:
            continue
        # a subquery reading one of the query's CTEs stays where it is (new CTEs are placed before those)
        if any(t.name in ctes_named for t in sub.this.find_all(sge.Table)):
            continue
        groups.setdefault(sub.this, []).append(sub)
    repeated = [(body.sql(dialect=dialect), subs) for body, subs in groups.items() if len(subs) > 1]
    chosen: list[list[sge.Subquery]] = []
    taken: set[int] = set()
    for _, subs in sorted(repeated, key=lambda r: len(r[0]), reverse=True):
        if any(_inside(s, taken) for s in subs):  # inside a hoisted one already: computed once anyway
            continue
        chosen.append(subs)
        taken.update(id(s) for s in subs)
    if not chosen:
        return None
    ctes = []
    for i, subs in enumerate(chosen):
        name = f"{prefix}{i}"
        body = subs[0].this.copy()
        for sub in subs:
            sub.replace(sge.Table(this=sge.to_identifier(name, quoted=True), alias=sub.args.get("alias")))
        ctes.append(
            sge.CTE(this=body, alias=sge.TableAlias(this=sge.to_identifier(name, quoted=True)), materialized=True)
        )
    if existing is not None:
        ctes = [*ctes, *existing.expressions]
    tree.set(WITH_ARG, sge.With(expressions=ctes))
    return tree


def optimise(sql: str, dialect: str) -> str:
    """`sql` with the rewrites above (each only where it is exact); unchanged when none applies."""
    tree = sqlglot.parse_one(sql, read=dialect)
    if dialect in ("duckdb", "postgres"):
        hoisted = _hoist_shared(tree, dialect)
        if hoisted is not None:
            tree = hoisted
    uses = [c for c in tree.find_all(sge.Column) if c.name == RN]
    # exact only when every reference to _rn is a `_rn = 0` filter (or its removal from a `* EXCLUDE (...)`); not
    # in a query with CTEs: DuckDB 1.5 fails with an internal error ("Failed to cast expression to type") on a
    # `_rn = 1` window inside a CTE that a period filter is pushed into
    if uses and all(_allowed(c) for c in uses) and tree.args.get(WITH_ARG) is None:
        tree = tree.transform(_rewrite)
    return tree.sql(dialect=dialect)
