"""Compile a QuerySpec on a model cube (tasks, events, projects, ...) to Ibis: scope first, then filters,
segments, grouping and measures. Builds expressions only; runs nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.common.exceptions import IbisTypeError

from semantic.errors import AccessDenied, QueryError, UnknownFieldError
from semantic.model import Condition, Cube, Dimension, Measure, Rollup, Via
from semantic.periods import GRAINS, parse_period, period_end
from semantic.scope import Scope
from semantic.spec import Filter, QuerySpec
from warehouse.lineage import OPEN_END
from warehouse.schema import table

_TRUNC = {"D": "D", "M": "M", "Q": "Q", "Y": "Y"}


def compile_cube(spec: QuerySpec, cube: Cube, scope: Scope) -> ir.Table:
    scope.require()
    _require_permission(cube, scope)
    as_of = spec.as_of or date.today()
    base = _joined(cube, as_of)
    base = _apply_scope(base, cube, scope)
    if cube.as_of_column:
        base = base.filter(base[cube.as_of_column] <= ibis.literal(as_of))
    cols: dict[str, ir.Value] = {}
    for d in cube.dimensions:  # in order: a derived dimension may use the ones declared before it
        cols[d.name] = _dim(base, d, as_of, cols)
    cond: list[ir.BooleanValue] = []
    for f in spec.filters:
        d = cube.dimension(f.dimension)  # an unknown name is an UnknownFieldError naming the choices, not a KeyError
        cond.append(_spec_filter(cols[d.name], f, d))
    for name in spec.segments:
        cond += [_condition(c, cols, as_of) for c in cube.segment(name).filters]
    if cube.time_dimension and (spec.time_from or spec.time_to):
        t = cols[cube.time_dimension]
        if spec.time_from:
            cond.append(t >= parse_period(spec.time_from)[0])
        if spec.time_to:
            start, freq = parse_period(spec.time_to)
            end = period_end(start, freq)
            # a timestamp on the last day is still inside the period: compare with the next midnight
            cond.append(t < end + timedelta(days=1) if t.type().is_timestamp() else t <= end)
    on = f"{cube.access.join}__" if cube.access.join else ""  # access columns may live on a join
    if spec.areas and cube.access.area:
        cond.append(base[on + cube.access.area].isin(list(spec.areas)))
    if spec.agencies and cube.access.agency:
        cond.append(base[on + cube.access.agency].isin(list(spec.agencies)))
    if cond:
        keep = ibis.and_(*cond)
        base = base.mutate(**{f"_d_{k}": v for k, v in cols.items()}, _keep=keep).filter(lambda t: t._keep)
    else:
        base = base.mutate(**{f"_d_{k}": v for k, v in cols.items()})
    cols = {name: base[f"_d_{name}"] for name in cols}

    groups = []
    for name in spec.dimensions:
        cube.dimension(name)
        col = cols[name]
        if name == cube.time_dimension and spec.grain:
            col = col.truncate(_TRUNC[GRAINS[spec.grain]]).cast("date")
        groups.append(col.name(name))
    measures = spec.measures or tuple(m.name for m in cube.measures)
    aggs = _measures(cube, measures, cols, as_of, base)
    expr = base.group_by(groups).aggregate(**aggs) if groups else base.aggregate(**aggs)
    expr = expr.select(*spec.dimensions, *measures)
    if spec.order:
        for o in spec.order:
            if o.removeprefix("-") not in (*spec.dimensions, *measures):
                raise UnknownFieldError("order column", o.removeprefix("-"), (*spec.dimensions, *measures))
        keys = [ibis.desc(o[1:]) if o.startswith("-") else ibis.asc(o) for o in spec.order]
        expr = expr.order_by(keys)
    elif spec.dimensions:
        expr = expr.order_by([ibis.asc(d) for d in spec.dimensions])
    if spec.limit is not None:
        expr = expr.limit(spec.limit)
    return expr


def _joined(cube: Cube, as_of: date) -> ir.Table:
    base = table(cube.table)
    for j in cube.joins:
        other = table(j.table)
        if j.valid_now and "valid_to" in other.columns:
            other = other.filter(other.valid_to >= OPEN_END)
        if j.as_of_column:
            other = other.filter(other[j.as_of_column] <= ibis.literal(as_of))
        if j.rollup:
            other = _rollup(other, j.right, j.rollup, as_of)
        other = other.select(**{f"{j.name}__{c}": other[c] for c in other.columns})
        # `left` may name a column of an earlier join ("project.program_id"): joins chain, each many-to-one
        base = base.left_join(other, base[j.left.replace(".", "__")] == other[f"{j.name}__{j.right}"])
    return base


def _rollup(other: ir.Table, key: str, rollups: tuple[Rollup, ...], as_of: date) -> ir.Table:
    """One row per `key`: each rollup aggregates the rows meeting its filters (a history -> its dates)."""
    cols = {c: other[c] for c in other.columns}
    aggs = {}
    for r in rollups:
        where = ibis.and_(*[_condition(c, cols, as_of) for c in r.filters]) if r.filters else None
        if r.agg == "count":
            aggs[r.name] = ibis.cases((where, 1), else_=0).sum() if where is not None else other.count()
        else:
            col = other[r.column]
            aggs[r.name] = getattr(col, r.agg)(where=where)
    return other.group_by(key).aggregate(**aggs)


def _require_permission(cube: Cube, scope: Scope) -> None:
    """A cube that needs a permission is refused outright to a scope without it, whatever rows it could see."""
    if cube.requires_permission and not scope.may(cube.requires_permission):
        raise AccessDenied(
            f"view '{cube.name}' is for administrators with the audit permission",
            f"chỉ quản trị viên có quyền kiểm tra mới xem được '{cube.title_vi}'",
        )


#: the per-row mark "the scope sees this row by its own columns", present when a `via` may have made a row visible
OWN = "_own"


def _apply_scope(base: ir.Table, cube: Cube, scope: Scope) -> ir.Table:
    """Deny by default: a restricted scope sees a row only through a column (or a `via` table) the cube declares.

    A row seen only through a `via` that does not share figures is marked (column OWN false): its measures other
    than counts are withheld (see _measure), so the row never carries a total the scope may not read."""
    access = cube.access
    prefix = f"{access.join}__" if access.join else ""
    cond = []
    own: list[ir.BooleanValue] = []
    # each part of the scope that restricts (None: it does not), with the cube's column and `via` for it
    for allowed, own_column, via in (
        (scope.source_areas(national=access.national), access.area, access.area_via),
        (scope.agency_codes(), access.agency, access.agency_via),
    ):
        if allowed is None:
            continue
        if not (own_column or via):
            return base.filter(ibis.literal(False))
        column = prefix + own_column if own_column else None
        cond.append(_visible(base, column, via, allowed))
        if via and not via.shares_figures:
            own.append(base[column].isin(allowed) if column else ibis.literal(False))
    if own:
        base = base.mutate(**{OWN: ibis.and_(*own)})
    return base.filter(cond) if cond else base


def _visible(base: ir.Table, column: str | None, via: Via | None, allowed: ir.Column) -> ir.BooleanValue:
    """The row's own column in the allowed codes, or (via) a party row of the same key in them."""
    parts = []
    if column:
        parts.append(base[column].isin(allowed))
    if via:
        party = table(via.table)
        parts.append(base[via.key].isin(party.filter(party[via.column].isin(allowed))[via.key]))
    return ibis.or_(*parts)


def _dim(base: ir.Table, d: Dimension, as_of: date, earlier: dict[str, ir.Value]) -> ir.Value:
    if d.days_between:
        a, b = (_col_or_as_of(base, c, as_of, earlier) for c in d.days_between)
        return b.delta(a, unit="day")
    if d.cases:
        branches = [(ibis.and_(*[_condition(c, earlier, as_of) for c in case.when]), case.then) for case in d.cases]
        return ibis.cases(*branches, else_=d.otherwise)
    name = f"{d.join}__{d.col}" if d.join else d.col
    if d.truncate:
        return base[name].truncate(_TRUNC[GRAINS[d.truncate]]).cast("date")
    return base[name]


def _col_or_as_of(base: ir.Table, name: str, as_of: date, earlier: dict[str, ir.Value] | None = None) -> ir.Value:
    if name == "$as_of":
        return ibis.literal(as_of)
    col = earlier[name] if earlier and name in earlier else base[name]
    if str(col.type()).startswith("timestamp"):
        col = col.cast("date")
    return col.fill_null(ibis.literal(as_of)) if col.type().nullable else col


def _value(v: Any, as_of: date) -> Any:
    return as_of if v == "$as_of" else v


def operator_condition(col: ir.Value, op: str, vals: list[Any]) -> ir.BooleanValue:
    """A filter's operator (semantic/vocab.OPERATORS) on `col`, for both compilers: `ne`/`not_in` keep nulls."""
    if op in ("in", "eq"):
        return col.isin(vals)
    if op in ("not_in", "ne"):
        return ~col.isin(vals) | col.isnull()
    if op == "is_null":
        return col.isnull()
    if op == "not_null":
        return col.notnull()
    if op == "contains":
        return (col if col.type().is_string() else col.cast("string")).contains(str(vals[0]))
    return {"gt": col.__gt__, "gte": col.__ge__, "lt": col.__lt__, "lte": col.__le__}[op](vals[0])


def _condition(c: Condition, cols: dict[str, ir.Value], as_of: date) -> ir.BooleanValue:
    if c.any:
        return ibis.or_(*[_condition(s, cols, as_of) for s in c.any])
    if c.all:
        return ibis.and_(*[_condition(s, cols, as_of) for s in c.all])
    col = cols[c.dimension]  # type: ignore[index]
    if c.ref is not None:
        return operator_condition(col, c.op, [cols[c.ref]])
    return operator_condition(col, c.op, [_value(v, as_of) for v in c.values])


def _spec_filter(col: ir.Value, f: Filter, d: Dimension) -> ir.BooleanValue:
    """A caller's filter: its values are data of the dimension's type (a text that is not a date, number or
    true/false for such a dimension is a QueryError here, not a database error later)."""
    values = [_typed(v, d) for v in f.values]
    try:
        return operator_condition(col, f.op, values)
    except (IbisTypeError, TypeError) as exc:
        raise QueryError(
            f"filter on '{d.name}': values {list(f.values)!r} do not fit the dimension ({d.type})",
            f"bộ lọc '{d.name}': giá trị {list(f.values)!r} không hợp với kiểu của chiều ({d.type})",
        ) from exc


_TRUE, _FALSE = ("true", "1", "yes", "có"), ("false", "0", "no", "không")


def _typed(v: Any, d: Dimension) -> Any:
    def bad() -> QueryError:
        return QueryError(
            f"filter on '{d.name}': {v!r} is not a valid {d.type} value",
            f"bộ lọc '{d.name}': {v!r} không phải giá trị {d.type} hợp lệ",
        )

    if v is None:
        return None
    if d.type == "string":
        return v if isinstance(v, str) else str(v)
    if d.type == "boolean":
        if isinstance(v, bool):
            return v
        text = str(v).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise bad()
    if d.type == "number":
        if isinstance(v, int | float) and not isinstance(v, bool):
            return v
        try:
            return float(str(v).strip())
        except ValueError:
            raise bad() from None
    if isinstance(v, date):  # time: a date or datetime as it is, else a period form or an ISO timestamp
        return v
    text = str(v).strip()
    try:
        return parse_period(text)[0]
    except QueryError:
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise bad() from None


def _measures(
    cube: Cube, names: tuple[str, ...], cols: dict[str, ir.Value], as_of: date, base: ir.Table
) -> dict[str, ir.Value]:
    out: dict[str, ir.Value] = {}
    for name in names:
        out[name] = _measure(cube, cube.measure(name), cols, as_of, base)
    return out


def _measure(cube: Cube, m: Measure, cols: dict[str, ir.Value], as_of: date, base: ir.Table) -> ir.Value:
    if m.agg == "ratio":
        num = _measure(cube, cube.measure(m.numerator or ""), cols, as_of, base)
        den = _measure(cube, cube.measure(m.denominator or ""), cols, as_of, base)
        return (num.cast("float64") * m.factor) / den.cast("float64").nullif(0)
    cond = ibis.and_(*[_condition(c, cols, as_of) for c in m.filters]) if m.filters else None
    if OWN in base.columns and m.agg not in ("count", "count_distinct"):  # withheld from rows seen through a via
        cond = base[OWN] if cond is None else cond & base[OWN]
    if m.agg == "count":
        return ibis.cases((cond, 1), else_=0).sum() if cond is not None else base.count()
    if m.column is None:
        raise QueryError(f"measure {m.name} needs a column", f"chỉ số {m.name} thiếu cột")
    col = cols[m.column] if m.column in cols else base[m.column]  # a dimension, else a column
    fn = getattr(col, {"avg": "mean", "count_distinct": "nunique"}.get(m.agg, m.agg))
    return fn(where=cond)
