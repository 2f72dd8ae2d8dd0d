"""Rollups (pre-aggregations): tables the warehouse materialises from SQL the semantic layer hands it, rebuilt
inside every load's transaction; a marker per rollup says which data version and which indicators it holds, so a
stale or partial rollup is never read."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import pyarrow as pa

from warehouse import fastsql
from warehouse.db import Warehouse
from warehouse.schema import table

#: a rollup of the indicator path: one row per (indicator, 2025 unit, agency '', category '', period, base)
ROLLUP_SCHEMA = ibis.schema(
    {
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
)
#: stored in this order: an indicator's rows sit together, so a query naming a few indicators reads few blocks
#: (DuckDB skips the others by their min/max; PostgreSQL reads them through the index below)
ORDER = ("indicator_code", "area_code", "period_start", "base")
_MARKER = "rollup:"


@dataclass(frozen=True)
class Definition:
    """What the semantic layer hands over: the SELECT (in the warehouse's dialect) and the indicators it holds."""

    sql: str
    codes: frozenset[str]


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
    meta = table("meta")
    df = wh.execute(meta.filter(meta.key == "data_version"))
    return str(df["value"].iloc[0]) if len(df) else "0"


def _write_markers(wh: Warehouse, con, markers: Mapping[str, dict]) -> None:  # noqa: ANN001
    con.raw_sql(f'DELETE FROM "meta" WHERE "key" LIKE \'{_MARKER}%\'')
    wh.insert(
        "meta",
        pa.table({"key": [_MARKER + n for n in markers], "value": [json.dumps(m) for m in markers.values()]}),
    )


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
        _write_markers(
            wh, con, {n: {"version": version, "codes": sorted(d.codes), "sql": d.sql} for n, d in definitions.items()}
        )
    return seconds


def rebuild(wh: Warehouse, con) -> dict[str, float]:  # noqa: ANN001 - the transaction's connection
    """Rebuild the rollups the warehouse holds from their stored SQL, for the current data version. The write path
    calls it inside each load's transaction (`con`), after the data version is bumped: no reader ever sees a stale
    rollup, and a warehouse without rollups pays nothing."""
    markers = _markers(wh)
    if not markers:
        return {}
    seconds: dict[str, float] = {}
    version = _version(wh)
    for name, m in sorted(markers.items()):  # a rollup built from another sorts after it (name + "__" + ...)
        start = time.perf_counter()
        _build(con, name, m["sql"])
        m["version"] = version
        seconds[name] = time.perf_counter() - start
    _write_markers(wh, con, markers)
    return seconds


def _markers(wh: Warehouse) -> dict[str, dict]:
    meta = table("meta")
    df = wh.execute(meta.filter(meta.key.startswith(_MARKER)))
    return {k[len(_MARKER) :]: json.loads(v) for k, v in zip(df["key"], df["value"], strict=True)}


def stored(wh: Warehouse) -> dict[str, str]:
    """The SQL of each rollup the warehouse holds (whatever its data version)."""
    try:
        return {name: m["sql"] for name, m in _markers(wh).items()}
    except Exception:  # noqa: BLE001 - no warehouse yet
        return {}


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
                keys.append(f"{key}:{hash(m['sql'])}:{len(m['codes'])}")
    return Fresh(codes, "|".join(keys)) if codes else NONE
