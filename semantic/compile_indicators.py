"""Compile an indicator QuerySpec to Ibis with the registry's semantics: vintages, scope, boundaries, grains,
and comparisons (published preferred, else computed from levels). Builds expressions only; runs nothing."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

import ibis
import ibis.expr.types as ir

from semantic.compile_cube import operator_condition
from semantic.errors import QueryError, UnknownFieldError
from semantic.periods import GRAINS, ORDER, parse_period, period_end, truncate
from semantic.profile import active as active_profile
from semantic.registry import Indicator, Registry
from semantic.rollup import Rollup, answering_rollup, compared_rollup, from_rollup
from semantic.scope import Scope
from semantic.spec import QuerySpec
from semantic.vocab import RATE_BASES
from warehouse.schema import SERIES_KEY, table

OUTPUT = (*SERIES_KEY, "period_start", "freq", "base", "value", "unit", "status", "vintage")
OBS_DIMENSIONS = ("indicator", "area", "agency", "category", "period", "status", "base")
_KEYS = SERIES_KEY
_STEP = {"D": ibis.interval(days=1), "M": ibis.interval(months=1), "Q": ibis.interval(months=3)}
_YEAR = ibis.interval(years=1)
_TRUNC = {"M": "M", "Q": "Q", "Y": "Y"}


def _signature(ind: Indicator) -> tuple[str, str, str, str]:
    return (ind.frequency, ind.time_agg, ind.space_agg, ind.weight or "")


def compile_indicators(spec: QuerySpec, registry: Registry, scope: Scope, rollups: tuple[Rollup, ...] = ()) -> ir.Table:
    """`rollups`: the pre-aggregations materialised for the current data; one that answers a group of the spec
    exactly (see `answering_rollup`) is read instead of the raw facts."""
    scope.require()
    if not spec.indicators:
        raise QueryError("no indicator given", "chưa chọn chỉ tiêu")
    inds = [registry[c] for c in dict.fromkeys(spec.indicators)]
    if spec.compare:
        # a comparison the registry does not offer (a % change of a balance that changes sign...) is not made up
        offered = [i for i in inds if spec.compare in (*i.comparisons, *i.published)]
        if not offered:
            listed = "; ".join(f"{i.code}: {', '.join(dict.fromkeys((*i.comparisons, *i.published)))}" for i in inds)
            raise QueryError(
                f"comparison '{spec.compare}' is not offered for {', '.join(i.code for i in inds)} ({listed})",
                f"chỉ tiêu {', '.join(i.code for i in inds)} không có phép so sánh '{spec.compare}' ({listed})",
            )
        inds = offered
    for dim in spec.dimensions:
        if dim not in OBS_DIMENSIONS:
            raise UnknownFieldError("dimension", dim, OBS_DIMENSIONS)
    for f in spec.filters:
        if f.dimension not in ("category", "status", "agency", "area"):
            raise UnknownFieldError("filter dimension", f.dimension, ("agency", "area", "category", "status"))
    groups = [list(g) for _, g in groupby(sorted(inds, key=_signature), key=_signature)]
    # groups of one frequency read the same facts: the latest-vintage rows are built once for all of them (Ibis
    # shares the relation as one CTE) instead of once per group, each a scan of the observation table
    same_freq: dict[str, list[str]] = {}
    for g in groups:
        same_freq.setdefault(g[0].frequency, []).extend(i.code for i in g)
    shared: dict[str, tuple[ir.Table, bool]] = {}
    if len(groups) > 1 and _one_ready_read(spec, groups, scope, rollups):
        # every group's rows are read as they stand from one rollup table: one read for all (each group's own
        # read would scan the table's indicator range again, and its rows are the same)
        groups = [[i for g in groups for i in g]]
    parts = [_compile_group(spec, g, scope, rollups, same_freq[g[0].frequency], shared) for g in groups]
    expr = parts[0] if len(parts) == 1 else ibis.union(*parts)
    order = [ibis.asc(c) for c in ("indicator_code", "area_code", "agency_code", "category", "period_start")]
    expr = expr.order_by(order)
    if spec.limit is not None:
        expr = expr.limit(spec.limit)
    return expr


def _one_ready_read(spec: QuerySpec, groups: list[list[Indicator]], scope: Scope, rollups: tuple[Rollup, ...]) -> bool:
    """Whether `_compile_group` would read every group from the same rollup table with nothing computed: each at
    its own frequency, answered by a rollup, and for a comparison by the rollup that keeps it ready. Groups differ
    only in how they aggregate, which such a read does not do."""
    if not rollups:
        return False
    sources = set()
    for g in groups:
        freq = g[0].frequency
        if (GRAINS[spec.grain] if spec.grain else freq) != freq:
            return False
        pre = answering_rollup(spec, g, scope, rollups)
        if pre is None:
            return False
        if spec.compare:
            pre = compared_rollup(pre, spec.compare, g, rollups)
            if pre is None:
                return False
        sources.add(pre.name)
    return len(sources) == 1


def _window(spec: QuerySpec, grain: str) -> tuple[date | None, date | None, date | None]:
    """(first output period, last output period, first period to read): comparisons read back a year."""
    lo = truncate(parse_period(spec.time_from)[0], grain) if spec.time_from else None
    hi = truncate(period_end(*parse_period(spec.time_to)), grain) if spec.time_to else None  # '2025' ends in December
    read = lo
    if lo is not None and spec.compare in ("yoy", "ytd_yoy", "ytd", "pop"):
        read = date(lo.year - 1, 1, 1)
    return lo, hi, read


def _compile_group(
    spec: QuerySpec,
    inds: list[Indicator],
    scope: Scope,
    rollups: tuple[Rollup, ...] = (),
    read_codes: list[str] | None = None,
    shared: dict[str, tuple[ir.Table, bool]] | None = None,
) -> ir.Table:
    freq = inds[0].frequency
    grain = GRAINS[spec.grain] if spec.grain else freq
    if ORDER[grain] < ORDER[freq]:
        names = ", ".join(i.code for i in inds)
        raise QueryError(
            f"{names} is published {freq}: it cannot be shown at the finer grain '{spec.grain}'",
            f"{names} có tần suất {freq}: không thể hiển thị theo cấp chi tiết hơn '{spec.grain}'",
        )
    coarser = grain != freq
    if coarser and inds[0].time_agg == "none":
        raise QueryError(
            f"{inds[0].code} has no aggregation over time; query it at its own frequency ({freq})",
            f"{inds[0].code} không cộng dồn theo thời gian được; hãy xem theo tần suất gốc ({freq})",
        )
    lo, hi, read = _window(spec, grain)
    compare = spec.compare
    bases = ["level"]
    if compare and not coarser:
        bases.append(compare)
    hi_end = period_end(hi, grain) if hi is not None else None
    pre = answering_rollup(spec, inds, scope, rollups)
    ready = compared_rollup(pre, compare, inds, rollups) if pre is not None and compare and not coarser else None
    if ready is not None and compare:
        # the comparison kept ready (semantic/models/preaggregations.yml): the rows of the window, no look-back
        out = from_rollup(ready, spec, inds, scope, [compare], lo, hi_end)
    else:
        if pre is not None:
            level = from_rollup(pre, spec, inds, scope, bases, read, hi_end)
        else:
            level = space_rows(spec, inds, scope, bases, read, hi_end, read_codes, shared)
        if coarser:
            level = _time(level.filter(level.base == "level"), inds[0], grain)
        out = level if not compare else _compare(level, inds[0], compare, grain, coarser)
    if lo is not None:
        out = out.filter(out.period_start >= lo)
    if hi is not None:
        out = out.filter(out.period_start <= hi)
    if compare is None:
        out = out.filter(out.base == "level")
    units = {i.code: ("%" if out_base_is_rate(compare) else i.unit) for i in inds}
    return out.select(
        indicator_code=out.indicator_code,
        area_code=out.area_code,
        agency_code=out.agency_code.nullif(""),
        category=out.category.nullif(""),
        period_start=out.period_start,
        freq=ibis.literal(grain),
        base=out.base,
        value=out.value.cast("float64"),
        unit=out.indicator_code.substitute(units, else_=ibis.literal(inds[0].unit)),
        status=out.status,
        vintage=out.vintage,
    )


def space_rows(
    spec: QuerySpec,
    inds: list[Indicator],
    scope: Scope,
    bases: list[str] | None,
    read: date | None,
    hi_end: date | None,
    read_codes: list[str] | None = None,
    shared: dict[str, tuple[ir.Table, bool]] | None = None,
) -> ir.Table:
    """One row per (indicator, output area, agency, category, native period, base) from the raw facts: latest
    vintage, breakdown and scope, boundaries, aggregation over space. `bases` None: every base (a rollup).
    `read_codes`/`shared`: the latest-vintage rows are read for all of `read_codes` once per frequency."""
    codes = [i.code for i in inds]
    freq = inds[0].frequency
    if shared is not None and freq in shared:
        obs, by_agency = shared[freq]
    else:
        obs, by_agency = latest_rows(spec, read_codes or codes, scope, bases, read, hi_end)
        if shared is not None:
            shared[freq] = (obs, by_agency)
    if read_codes is not None and set(read_codes) != set(codes):
        obs = obs.filter(obs.indicator_code.isin(codes))
    rows = _areas(obs, spec, scope, inds[0])
    return _space(rows, inds[0], spec)


def latest_rows(
    spec: QuerySpec, codes: list[str], scope: Scope, bases: list[str] | None, read: date | None, hi_end: date | None
) -> tuple[ir.Table, bool]:
    """The current row (latest vintage <= as_of) of every series of `codes` the spec and scope select, and whether
    rows are kept by agency (else agency_code is blank)."""
    obs = table("observation")
    cond = [obs.indicator_code.isin(codes)]
    if bases is not None:
        cond.append(obs.base.isin(bases))
    if read is not None:
        cond.append(obs.period_start >= read)
    if hi_end is not None:
        cond.append(obs.period_start <= hi_end)
    if spec.as_of is not None:
        cond.append(obs.vintage < ibis.timestamp(spec.as_of + timedelta(days=1)))
    for f in spec.filters:
        col = {"category": obs.category, "status": obs.status, "agency": obs.agency_code, "area": obs.area_code}
        cond.append(_filter(col[f.dimension], f.op, f.values))
    if spec.boundaries == "2025" and (spec.areas or scope.area_limited):
        # only the source units that map onto a wanted 2025 unit: a superset of what the area_map join keeps
        # later (which applies the exact condition), on a series-key column, so the window sorts fewer rows
        amap = table("area_map")
        wanted = _area_condition(amap, spec, scope)
        cond.append(obs.area_code.isin(amap.filter(wanted).src_code))
    obs = obs.filter(cond)
    # The breakdown and agency-scope conditions read only columns of the series key: applied before the
    # latest-vintage window (a row is kept exactly when its whole series is), so the window sorts fewer rows.
    obs, by_agency = _breakdowns(obs, spec, scope)
    # The latest vintage of each series point, as one aggregate (a hash group-by, where a row_number window
    # sorts): every column is taken from the row with the greatest vintage, NULL included (a withdrawal hides the
    # point). A series point has one row per vintage (the write path rejects two values for one key and vintage).
    key = ("indicator_code", "area_code", "agency_code", "category", "period_start", "freq", "base")
    obs = obs.group_by(key).aggregate(
        period_end=obs.period_end.argmax(obs.vintage),
        value=obs.value.argmax(obs.vintage),
        status=obs.status.argmax(obs.vintage),
        vintage=obs.vintage.max(),
    )
    if not by_agency:
        obs = obs.mutate(agency_code=ibis.literal(None, "string"))
    return obs, by_agency


def out_base_is_rate(compare: str | None) -> bool:
    return compare in RATE_BASES


def _filter(col: ir.Column, op: str, values: tuple) -> ir.BooleanValue:
    vals = [v if v is None or isinstance(v, str) else str(v) for v in values]  # every filtered column is text
    return operator_condition(col, op, vals)


def _breakdowns(obs: ir.Table, spec: QuerySpec, scope: Scope) -> tuple[ir.Table, bool]:
    """Pick the total rows or the breakdown rows, never both (a total beside its parts double counts), and apply
    the agency part of the scope before anything is aggregated. Filters on series-key columns only; the second
    value (by_agency) False tells the caller to blank agency_code after the latest-vintage window."""
    by_agency = "agency" in spec.dimensions or bool(spec.agencies) or any(f.dimension == "agency" for f in spec.filters)
    by_category = "category" in spec.dimensions or any(f.dimension == "category" for f in spec.filters)
    obs = obs.filter(obs.category.notnull() if by_category else obs.category.isnull())
    if spec.agencies:
        obs = obs.filter(obs.agency_code.isin(list(spec.agencies)))
    allowed = scope.agency_codes()
    if allowed is None:
        return obs.filter(obs.agency_code.notnull() if by_agency else obs.agency_code.isnull()), by_agency
    registry_t = table("indicator")
    owned = obs.indicator_code.isin(registry_t.filter(registry_t.owner_agency.isin(allowed)).code)
    mine = obs.agency_code.isin(allowed)
    if by_agency:
        return obs.filter(obs.agency_code.notnull() & (mine | owned)), True
    # without an agency dimension: the owner sees its published totals; others see the sum of their own rows
    return obs.filter((obs.agency_code.isnull() & owned) | (obs.agency_code.notnull() & mine & ~owned)), False


def _areas(obs: ir.Table, spec: QuerySpec, scope: Scope, ind: Indicator) -> ir.Table:
    """Attach the output area (2025 boundaries through lineage, or as it was) and apply the area scope."""
    amap = table("area_map")
    if spec.boundaries == "as-was":
        seen = scope.source_areas()
        if seen is not None:
            obs = obs.filter(obs.area_code.isin(seen))
        if spec.areas:
            obs = obs.filter(obs.area_code.isin(list(spec.areas)))
        return obs.mutate(out_area=obs.area_code, w=ibis.literal(1.0), n_src=ibis.literal(1))
    j = obs.join(
        amap,
        [obs.area_code == amap.src_code, obs.period_end >= amap.valid_from, obs.period_end < amap.valid_to],
    )
    cond = _area_condition(amap, spec, scope)
    if cond is not None:
        j = j.filter(cond)
    j = j.mutate(out_area=amap.dst_code, w=amap.weight, sole=amap.sole, map_from=amap.valid_from)
    rows = j.select(*[c for c in obs.columns], "out_area", "w", "sole", "map_from")
    if not active_profile().commune_lineage:
        return rows.drop("map_from")
    # a province's deployment with commune lineage: how many units make up each commune in each window, so that
    # a pre-merger total missing a predecessor's figure is withheld rather than shown short (see _space)
    cm = table("area_map")
    cm = cm.filter(cm.dst_code != cm.province_2025)  # rows of a unit below its province: communes
    parts = cm.group_by(p_dst=cm.dst_code, p_from=cm.valid_from).aggregate(n_pred=cm.src_code.nunique())
    rows = rows.left_join(parts, [rows.out_area == parts.p_dst, rows.map_from == parts.p_from])
    return rows.select(*[c for c in obs.columns], "out_area", "w", "sole", "n_pred")


def _area_condition(amap: ir.Table, spec: QuerySpec, scope: Scope) -> ir.BooleanValue | None:
    """The area_map rows a 2025-boundaries query keeps: the scope's (see Scope.area_units) and the units the spec
    asks for; None: all of them."""
    cond = [c for c in (scope.area_units(amap),) if c is not None]
    if spec.areas:
        cond.append(amap.dst_code.isin(list(spec.areas)))
    return ibis.and_(*cond) if cond else None


def _space(rows: ir.Table, ind: Indicator, spec: QuerySpec) -> ir.Table:
    """One value per output area and native period: sums for additive levels; a rate or index only where a
    single source row stands for the whole unit (not faked from parts); weighted means where declared."""
    keys = [
        rows.indicator_code,
        rows.out_area.name("area_code"),
        rows.agency_code.fill_null("").name("agency_code"),
        rows.category.fill_null("").name("category"),
        rows.period_start,
        rows.base,
    ]
    additive_level = (rows.base.isin(["level", "ytd"])) & ibis.literal(ind.additive)
    weighted = rows.value * rows.w
    if ind.space_agg == "weighted_mean" and ind.weight:
        weights = _weights(ind.weight)
        rows = rows.left_join(
            weights,
            [rows.area_code == weights.w_area, rows.period_start.year() == weights.w_year],
        )
        wsum = (rows.w * rows.w_value).sum()
        mean = (rows.value * rows.w * rows.w_value).sum() / wsum.nullif(0)
    else:
        mean = None
    single = ibis.cases((rows.count() == 1, rows.value.max()), else_=ibis.null("float64"))
    # a source unit whose share of the output unit is unknown (a piece of a split commune: NaN weight, see
    # warehouse.lineage.build_area_map) withholds the output unit's value: a sum without it, or with it whole,
    # would be a wrong total
    unknown = (rows.w.isnull() | rows.w.isnan().fill_null(False)).any()
    if "n_pred" in rows.columns:  # a commune whose predecessors have not all reported: its total is not known
        unknown = unknown | (rows.area_code.nunique() < rows.n_pred.max().fill_null(0))
    if mean is not None:
        value = ibis.cases((unknown, ibis.null("float64")), (rows.count() == 1, rows.value.max()), else_=mean)
    else:
        value = ibis.cases((unknown, ibis.null("float64")), (additive_level.any(), weighted.sum()), else_=single)
    out = rows.group_by(keys).aggregate(
        value=value,
        status=rows.status.argmax(rows.vintage),
        vintage=rows.vintage.max(),
    )
    return out.filter(out.value.notnull())


def _weights(code: str) -> ir.Table:
    obs = table("observation")
    w = obs.filter(obs.indicator_code == code, obs.base == "level", obs.agency_code.isnull(), obs.category.isnull())
    rn = ibis.row_number().over(group_by=[w.area_code, w.period_start], order_by=ibis.desc(w.vintage))
    w = w.mutate(_rn=rn).filter(lambda t: t._rn == 0)
    return w.group_by(w_area=w.area_code, w_year=w.period_start.year()).aggregate(w_value=w.value.mean())


def _time(level: ir.Table, ind: Indicator, grain: str) -> ir.Table:
    period = level.period_start.truncate(_TRUNC[grain]).cast("date")
    keys = [level.indicator_code, level.area_code, level.agency_code, level.category, period.name("period_start")]
    if ind.time_agg == "sum":
        # a sum over an incomplete period is not that period's figure: only complete periods are summed
        expected = _PARTS.get((ind.frequency, grain))
        total = level.value.sum()
        value = (
            total if expected is None else ibis.cases((level.count() == expected, total), else_=ibis.null("float64"))
        )
    elif ind.time_agg == "last":
        value = level.value.argmax(level.period_start)
    else:
        value = level.value.mean()
    out = level.group_by(keys).aggregate(
        base=ibis.literal("level"),
        value=value,
        status=level.status.argmax(level.vintage),
        vintage=level.vintage.max(),
    )
    return out.filter(out.value.notnull())


#: how many native periods make one period of a coarser grain (for completeness of sums)
_PARTS = {("M", "Q"): 3, ("M", "Y"): 12, ("Q", "Y"): 4}


def _prev(level: ir.Table, step: object) -> ir.Table:
    prev = level.view()
    return prev.select(
        p_ind=prev.indicator_code,
        p_area=prev.area_code,
        p_agency=prev.agency_code,
        p_cat=prev.category,
        p_next=(prev.period_start + step).cast("date"),
        p_value=prev.value,
        p_vintage=prev.vintage,
    )


def _vs(cur: ir.Table, step: object, base: str) -> ir.Table:
    """Percent change of `cur.value` against the same key `step` earlier."""
    prev = _prev(cur, step)
    j = cur.join(
        prev,
        [
            cur.indicator_code == prev.p_ind,
            cur.area_code == prev.p_area,
            cur.agency_code == prev.p_agency,
            cur.category == prev.p_cat,
            cur.period_start == prev.p_next,
        ],
    )
    return j.select(
        "indicator_code",
        "area_code",
        "agency_code",
        "category",
        "period_start",
        base=ibis.literal(base),
        value=(j.value / j.p_value.nullif(0) - 1) * 100,
        status=j.status,
        vintage=ibis.greatest(j.vintage, j.p_vintage),
    )


def _ytd(level: ir.Table, ind: Indicator, grain: str) -> ir.Table:
    w = ibis.window(
        group_by=[level.indicator_code, level.area_code, level.agency_code, level.category, level.period_start.year()],
        order_by=level.period_start,
        rows=(None, 0),
    )
    # a year-to-date figure needs every period since January: with a gap it would silently undercount
    position = {"M": level.period_start.month(), "Q": level.period_start.quarter()}.get(grain)
    complete = level.value.count().over(w) == position if position is not None else ibis.literal(True)
    if ind.time_agg == "sum":
        value = ibis.cases((complete, level.value.sum().over(w)), else_=ibis.null("float64"))
    elif ind.time_agg == "mean":
        value = ibis.cases((complete, level.value.mean().over(w)), else_=ibis.null("float64"))
    else:
        value = level.value
    out = level.select(
        "indicator_code",
        "area_code",
        "agency_code",
        "category",
        "period_start",
        base=ibis.literal("ytd"),
        value=value,
        status=level.status,
        vintage=level.vintage.max().over(w),
    )
    return out.filter(out.value.notnull())


def _compare(rows: ir.Table, ind: Indicator, compare: str, grain: str, coarser: bool) -> ir.Table:
    level = rows.filter(rows.base == "level")
    if compare == "yoy":
        computed = _vs(level, _YEAR, "yoy")
    elif compare == "pop":
        computed = _vs(level, _STEP.get(grain, _YEAR), "pop")
    elif compare == "ytd":
        computed = _ytd(level, ind, grain)
    else:
        computed = _vs(_ytd(level, ind, grain), _YEAR, "ytd_yoy")
    if coarser:
        return computed
    published = rows.filter(rows.base == compare).mutate(_prio=ibis.literal(0))
    both = ibis.union(published, computed.mutate(_prio=ibis.literal(1)))
    rn = ibis.row_number().over(
        group_by=[both.indicator_code, both.area_code, both.agency_code, both.category, both.period_start],
        order_by=both._prio,
    )
    # one column per drop: Ibis keeps a drop's names as a set, whose order (and so the SQL's EXCLUDE list, and the
    # rollups' stored definitions compared by `preagg.ensure`) would change with the process's string hashing
    return both.mutate(_rn=rn).filter(lambda t: t._rn == 0).drop("_rn").drop("_prio")
