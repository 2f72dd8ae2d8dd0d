"""Rollups (pre-aggregations): tables the warehouse materialises from SQL the semantic layer hands it, rebuilt
inside every load's transaction; a marker per rollup says which data version and which indicators it holds, so a
stale or partial rollup is never read."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from warehouse import fastsql
from warehouse.db import Warehouse
from warehouse.lazy import lazy
from warehouse.schema import table

ibis = lazy("ibis")

#: a rollup of the indicator path: one row per (indicator, 2025 unit, agency '', category '', period, base)
_ROLLUP_COLUMNS = {
    "indicator_code": "string",
    "area_code": "string",
    "agency_code": "string",
    "category": "string",
    "period_start": "date",
    "base": "string",
    "value": "float64",
    "status": "string",
    "vintage": "timestamp",
}
#: stored in this order: an indicator's rows sit together, so a query naming a few indicators reads few blocks
#: (DuckDB skips the others by their min/max; PostgreSQL reads them through the index below)
ORDER = ("indicator_code", "area_code", "period_start", "base")
_MARKER = "rollup:"


def __getattr__(name: str) -> object:
    """ROLLUP_SCHEMA (the Ibis schema of _ROLLUP_COLUMNS), built on first use: a load that rebuilds rollups in SQL
    never imports Ibis."""
    if name == "ROLLUP_SCHEMA":
        schema = globals()["ROLLUP_SCHEMA"] = ibis.schema(_ROLLUP_COLUMNS)
        return schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Definition:
    """What the semantic layer hands over: the SELECT (in the warehouse's dialect) and the indicators it holds."""

    sql: str
    codes: frozenset[str]
    #: indicator -> the rollup's indicators whose rows read it too (a rate weighted by population reads the
    #: population): a load of the first rebuilds those rows as well
    depends: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Fresh:
    """The rollups built from the current data version: name -> indicator codes held; `key` identifies the set
    (stable across loads while the definitions do not change: part of the compile cache key)."""

    codes: Mapping[str, frozenset[str]]
    key: str = ""

    def __bool__(self) -> bool:
        return bool(self.codes)


NONE = Fresh({}, "")


def table_name(name: str) -> str:
    return f"rollup_{name}"


def _build(con, name: str, sql: str) -> None:  # noqa: ANN001 - an Ibis backend
    target = table_name(name)
    con.raw_sql(f'DROP TABLE IF EXISTS "{target}"')
    con.raw_sql(f'CREATE TABLE "{target}" AS {sql}')
    if con.name == "postgres":
        con.raw_sql(f'CREATE INDEX ON "{target}" (indicator_code, area_code, period_start)')
        con.raw_sql(f'ANALYZE "{target}"')


def _version(wh: Warehouse) -> str:
    if wh.raw_duckdb:
        return wh.data_version()
    meta = table("meta")
    df = wh.execute(meta.filter(meta.key == "data_version"))
    return str(df["value"].iloc[0]) if len(df) else "0"


def _write_markers(wh: Warehouse, con, markers: Mapping[str, dict]) -> None:  # noqa: ANN001
    con.raw_sql(f'DELETE FROM "meta" WHERE "key" LIKE \'{_MARKER}%\'')
    wh.insert_rows("meta", {"key": [_MARKER + n for n in markers], "value": [json.dumps(m) for m in markers.values()]})


def materialise(wh: Warehouse, definitions: Mapping[str, Definition]) -> dict[str, float]:
    """Replace the warehouse's rollups by `definitions` and build them from the data as it is now, in one
    transaction (readers see the old rollups or the new ones). Returns seconds per rollup."""
    seconds: dict[str, float] = {}
    with wh.transaction() as con:
        version = _version(wh)
        for old in _markers(wh):
            if old not in definitions:
                con.raw_sql(f'DROP TABLE IF EXISTS "{table_name(old)}"')
        for name, d in definitions.items():
            start = time.perf_counter()
            _build(con, name, d.sql)
            seconds[name] = time.perf_counter() - start
        _write_markers(wh, con, {n: _marker(d, version) for n, d in definitions.items()})
    return seconds


def _marker(d: Definition, version: str) -> dict:
    depends = {k: sorted(v) for k, v in sorted(d.depends.items())}
    return {"version": version, "codes": sorted(d.codes), "sql": d.sql, "depends": depends}


def _literals(codes: Collection[str]) -> str:
    return ", ".join("'" + c.replace("'", "''") + "'" for c in sorted(codes))


def _rebuild_codes(con, name: str, sql: str, codes: Collection[str]) -> None:  # noqa: ANN001 - an Ibis backend
    """Replace only the rows of `codes`: the definition filtered on its indicator column, which the engine pushes
    down through the latest-vintage grouping, the area join and the comparison windows (all keyed by indicator)."""
    target, inlist = table_name(name), _literals(codes)
    con.raw_sql(f'DELETE FROM "{target}" WHERE "indicator_code" IN ({inlist})')
    con.raw_sql(f'INSERT INTO "{target}" SELECT * FROM ({sql}) AS "d" WHERE "d"."indicator_code" IN ({inlist})')


def rebuild(
    wh: Warehouse,
    con,
    touched: Collection[str] | None = None,  # noqa: ANN001 - the transaction's connection
) -> dict[str, float]:
    """Rebuild the rollups the warehouse holds from their stored SQL, for the current data version. The write path
    calls it inside each load's transaction (`con`), after the data version is bumped: no reader ever sees a stale
    rollup, and a warehouse without rollups pays nothing. `touched`: the indicators whose facts the load changed;
    only their rows (and those of indicators that read them) are rebuilt. None (reference tables changed, or
    unknown): everything. Returns seconds per rollup rebuilt (a rollup none of whose rows change is only
    re-stamped with the data version)."""
    markers = _markers(wh)
    if not markers:
        return {}
    seconds: dict[str, float] = {}
    version = _version(wh)
    for name, m in sorted(markers.items()):  # a rollup built from another sorts after it (name + "__" + ...)
        start = time.perf_counter()
        if touched is None or "depends" not in m:  # a marker written before dependencies were recorded: all
            _build(con, name, m["sql"])
        else:
            codes = set(touched) & set(m["codes"])
            for code in touched:
                codes |= set(m.get("depends", {}).get(code, ()))
            if not codes:
                m["version"] = version
                continue
            _rebuild_codes(con, name, m["sql"], codes)
        m["version"] = version
        seconds[name] = time.perf_counter() - start
    _write_markers(wh, con, markers)
    return seconds


def _markers(wh: Warehouse) -> dict[str, dict]:
    if wh.raw_duckdb:  # a load's path: no Ibis, no pandas
        rows = wh.rows(f"SELECT key, value FROM meta WHERE starts_with(key, '{_MARKER}')")
        return {k[len(_MARKER) :]: json.loads(v) for k, v in rows}
    meta = table("meta")
    df = wh.execute(meta.filter(meta.key.startswith(_MARKER)))
    return {k[len(_MARKER) :]: json.loads(v) for k, v in zip(df["key"], df["value"], strict=True)}


def stored(wh: Warehouse) -> dict[str, tuple[str, dict | None]]:
    """The SQL and recorded dependencies of each rollup the warehouse holds (whatever its data version)."""
    try:
        return {name: (m["sql"], m.get("depends")) for name, m in _markers(wh).items()}
    except Exception:  # noqa: BLE001 - no warehouse yet
        return {}


def current(definitions: Mapping[str, Definition]) -> dict[str, tuple[str, dict | None]]:
    """What `stored` gives once `definitions` are materialised: compared to it, tells whether to rebuild."""
    return {n: (d.sql, _marker(d, "")["depends"]) for n, d in definitions.items()}


_FRESH_SQL: dict[str, str] = {}
_PARSED: dict[str, dict] = {}


def _parsed(text: str) -> dict:
    """A marker parsed once per process (it holds the rollup's SQL and indicator list: ~5 ms to parse per query)."""
    m = _PARSED.get(text)
    if m is None:
        m = json.loads(text)
        m["codes"] = frozenset(m["codes"])
        if len(_PARSED) > 64:
            _PARSED.clear()
        _PARSED[text] = m
    return m


def fresh(wh: Warehouse) -> Fresh:
    """The rollups built from the current data version: one small read of `meta` (compiled once per dialect)."""
    if not fastsql.supports(wh):
        return NONE  # rollups are materialised and read on DuckDB and PostgreSQL only (docs/performance.md)
    meta = table("meta")
    expr = meta.filter((meta.key == "data_version") | meta.key.startswith(_MARKER))
    try:
        sql = _FRESH_SQL.get(wh.dialect)
        if sql is None:
            sql = _FRESH_SQL.setdefault(wh.dialect, str(ibis.to_sql(expr, dialect=wh.dialect)))
        values = dict(fastsql.tuples(wh, sql))  # key, value
    except Exception:  # noqa: BLE001 - no warehouse (or no meta table) yet: no rollup is fresh
        return NONE
    version = values.get("data_version", "0")
    codes: dict[str, frozenset[str]] = {}
    keys = []
    for key in sorted(values):
        if key.startswith(_MARKER):
            m = _parsed(values[key])
            if m.get("version") == version:
                codes[key[len(_MARKER) :]] = frozenset(m["codes"])
                # a digest, not hash(): the same in every process (a string's hash() is salted per process), so the
                # compiled SQL the app persists (semantic/compiled.py) is found again by a restarted server
                held = "\0".join([m["sql"], *sorted(m["codes"])]).encode()
                keys.append(f"{key}:{hashlib.sha1(held).hexdigest()[:16]}:{len(m['codes'])}")
    return Fresh(codes, "|".join(keys)) if codes else NONE
