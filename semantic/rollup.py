"""Reading a pre-aggregation on the indicator path: when a fresh rollup answers a group of a spec exactly, and
the rows it gives in place of the raw facts (the same rows the raw path aggregates to, before comparisons)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from semantic.registry import Indicator
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse.rollups import ROLLUP_SCHEMA, table_name


@dataclass(frozen=True)
class Rollup:
    """A materialised, fresh pre-aggregation as the compiler sees it: its table, the frequency of the indicators
    it holds, and which indicators those are (as built: an indicator added since is read from the raw facts)."""

    name: str
    freq: str
    codes: frozenset[str]
    compare: str | None = None  # a comparison rollup: the compiled comparison, base = its name


def compared_name(name: str, compare: str) -> str:
    """The rollup holding comparison `compare` of rollup `name` (sorted after it: it is built from it)."""
    return f"{name}__{compare}"


def answering_rollup(
    spec: QuerySpec, inds: list[Indicator], scope: Scope, rollups: tuple[Rollup, ...]
) -> Rollup | None:
    """The first fresh rollup that answers this group exactly, else None. A rollup holds current values (no
    as_of), on 2025 boundaries, of totals (no agency or category breakdown, no filter on raw rows), for every
    caller (a ministry's view sums its own breakdown rows before aggregating over space, which a rollup of totals
    cannot redo), of the indicators it was built with at their own frequency. An area scope or an area list only
    picks output units, so a rollup answers it."""
    if not rollups or spec.as_of is not None or spec.boundaries != "2025" or spec.filters or spec.agencies:
        return None
    if scope.agency_limited or "agency" in spec.dimensions or "category" in spec.dimensions:
        return None
    codes = {i.code for i in inds}
    for pre in rollups:
        if pre.compare is None and pre.freq == inds[0].frequency and codes <= pre.codes:
            return pre
    return None


def compared_rollup(pre: Rollup, compare: str, inds: list[Indicator], rollups: tuple[Rollup, ...]) -> Rollup | None:
    """The fresh rollup of `compare` built from `pre` (which answers the group), if it holds the group's
    indicators. Its rows are what the compiler's comparison gives for every period: a query's window only
    selects among them, since a comparison looks back at most a year."""
    codes = {i.code for i in inds}
    for r in rollups:
        if r.name == compared_name(pre.name, compare) and r.compare == compare and codes <= r.codes:
            return r
    return None


def rollup_table(name: str) -> ir.Table:
    return ibis.table(ROLLUP_SCHEMA, name=table_name(name))


def from_rollup(
    pre: Rollup,
    spec: QuerySpec,
    inds: list[Indicator],
    scope: Scope,
    bases: list[str],
    read: date | None,
    hi_end: date | None,
) -> ir.Table:
    r = rollup_table(pre.name)
    codes = [i.code for i in inds]
    # the rollup is stored sorted by indicator: the range (implied by the list) lets the engine skip other blocks,
    # which a long IN list alone does not (DuckDB evaluates it as a join)
    cond = [r.indicator_code.between(min(codes), max(codes)), r.indicator_code.isin(codes), r.base.isin(bases)]
    if read is not None:
        cond.append(r.period_start >= read)
    if hi_end is not None:
        cond.append(r.period_start <= hi_end)
    # the raw path keeps the area_map rows of the scope; their province_2025 depends on the output unit only
    seen = scope.output_areas()
    if seen is not None:
        cond.append(r.area_code.isin(seen))
    if spec.areas:
        cond.append(r.area_code.isin(list(spec.areas)))
    return r.filter(cond)
