"""The physical schema: one Ibis schema per warehouse table, shared by the write path and the query compiler.

The tables are declared as plain column types; their Ibis schemas are built on first use, so a process that never
builds an expression (a large load into DuckDB: docs/performance.md, issue 13) never imports Ibis. `columns` and
`arrow_schema` read the declarations without it."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from warehouse.lazy import lazy

if TYPE_CHECKING:
    import ibis.expr.datatypes as dt
    from ibis.expr.schema import Schema

ibis = lazy("ibis")

#: Administrative units, effective-dated. A code may be re-used by GSO for a new unit (new Hưng Yên keeps 33), so
#: the key is (code, valid_from); valid_to is exclusive.
_AREA = dict(
    {
        "code": "string",
        "name_vi": "string",
        "name_en": "string",
        "level": "string",  # national | region | province | commune
        "parent_code": "string",
        "valid_from": "date",
        "valid_to": "date",
    }
)

#: Old unit -> new unit: `weight` is the share of the old unit's value that goes to the new one.
_AREA_LINEAGE = dict(
    {
        "old_code": "string",
        "new_code": "string",
        "weight": "float64",
        "merge_type": "string",
        "effective": "date",
    }
)

#: For every (area code, validity window): the 2025-boundary unit it counts towards and the province (2025) it
#: belongs to. Derived from `area` and `area_lineage` by the warehouse; the compiler joins it for boundaries and scope.
_AREA_MAP = dict(
    {
        "src_code": "string",
        "valid_from": "date",
        "valid_to": "date",
        "dst_code": "string",
        "weight": "float64",
        "sole": "boolean",  # dst is exactly src's territory (a rate may be carried over unchanged)
        "province_2025": "string",  # the post-2025 province that holds it; null for national/region
    }
)

_AGENCY = dict(
    {
        "code": "string",
        "name_vi": "string",
        "name_en": "string",
        "kind": "string",  # ministry | ministerial_agency | government_agency | government | province_committee | soe
        "valid_from": "date",
        "valid_to": "date",
    }
)

#: Agency lineage, closed transitively and including identity rows: every code maps to the current agency(ies) it
#: lives on in. Scope and 2025 re-aggregation read it.
_AGENCY_LINEAGE = dict(
    {
        "old_code": "string",
        "new_code": "string",
        "effective": "date",
    }
)

_INDICATOR = dict(
    {
        "code": "string",
        "name_vi": "string",
        "name_en": "string",
        "grp": "string",
        "unit": "string",
        "freq": "string",
        "kind": "string",
        "time_agg": "string",
        "space_agg": "string",
        "owner_agency": "string",
        "demo": "boolean",
    }
)

#: Append-only facts. A revision is a new row with a later vintage; nothing is updated in place.
_OBSERVATION = dict(
    {
        "indicator_code": "string",
        "area_code": "string",
        "agency_code": "string",  # null: not broken down by agency
        "category": "string",  # null: not broken down otherwise (product, partner country, sector)
        "period_start": "date",
        "period_end": "date",  # last day of the period: which unit a row belongs to is read at its end
        "freq": "string",  # D M Q Y 2Y 5Y 10Y
        "base": "string",  # level | yoy | pop | ytd | ytd_yoy | base_year
        "value": "float64",
        "status": "string",  # preliminary | official | revised | estimate | demo
        "source": "string",
        "vintage": "timestamp",
        "batch_id": "string",
    }
)

#: the key of a series in the observation table (with period_start and base, of one value in it)
SERIES_KEY = ("indicator_code", "area_code", "agency_code", "category")
#: the columns of a reader's frame, what a load of observations takes (in this order)
READER_COLUMNS = (*SERIES_KEY, "period_start", "freq", "base", "value", "status", "source", "vintage")

_TARGET = dict(
    {
        "indicator_code": "string",
        "area_code": "string",
        "year": "int32",
        "seq": "int32",
        "target_vi": "string",
        "target_en": "string",
        "comparator": "string",  # about | range | below | above | at_least
        "low": "float64",
        "high": "float64",
        "unit": "string",
        "document": "string",
        "document_date": "date",
        "source_url": "string",
        "status": "string",  # official | demo
    }
)

_LOAD_BATCH = dict(
    {
        "batch_id": "string",
        "source": "string",
        "file_name": "string",
        "file_hash": "string",
        "loaded_by": "string",
        "loaded_at": "timestamp",
        "rows_in": "int64",
        "rows_written": "int64",
        "rows_unchanged": "int64",
        "rows_rejected": "int64",
        "outcome": "string",  # loaded | unchanged | rejected | partial
    }
)

#: One row per problem found in a rejected input row (a row with two problems has two rows). The key columns hold
#: what the row said, as far as it could be read, so quality reports can attribute failures and scopes apply.
_REJECTED_ROW = dict(
    {
        "batch_id": "string",
        "indicator_code": "string",
        "area_code": "string",
        "agency_code": "string",
        "period": "string",
        "row_number": "int64",
        "column_name": "string",
        "value": "string",
        "rule": "string",
        "message": "string",
        "raw": "string",
    }
)

_AUDIT = dict(
    {
        "at": "timestamp",
        "who": "string",
        "action": "string",  # query | download | load | login
        "what": "string",
        "spec": "string",
        "scope": "string",
        "rows": "int64",
    }
)

#: One row: the data version, bumped by every load; part of every cache key.
_META = dict({"key": "string", "value": "string"})


class _Tables(MutableMapping):
    """Table name -> its Ibis schema, built from the declaration on first read (`register` adds built ones)."""

    def __init__(self, declared: dict[str, dict[str, str]]) -> None:
        self.declared = declared
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Schema:
        built = self._built.get(name)
        if built is None:
            built = self._built[name] = ibis.schema(self.declared[name])
        return built

    def __setitem__(self, name: str, schema: Schema) -> None:
        self._built[name] = schema
        self.declared.pop(name, None)

    def __delitem__(self, name: str) -> None:
        self._built.pop(name, None)
        self.declared.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(self.declared), **dict.fromkeys(self._built)})

    def __len__(self) -> int:
        return len(set(self.declared) | set(self._built))


TABLES: MutableMapping[str, Schema] = _Tables(
    {
        "area": _AREA,
        "area_lineage": _AREA_LINEAGE,
        "area_map": _AREA_MAP,
        "agency": _AGENCY,
        "agency_lineage": _AGENCY_LINEAGE,
        "indicator": _INDICATOR,
        "observation": _OBSERVATION,
        "target": _TARGET,
        "load_batch": _LOAD_BATCH,
        "rejected_row": _REJECTED_ROW,
        "audit": _AUDIT,
        "meta": _META,
    }
)
#: the tables' schemas by their old constant names (AREA, OBSERVATION, ...): built on first use
_CONSTANTS = {
    "AREA": "area",
    "AREA_LINEAGE": "area_lineage",
    "AREA_MAP": "area_map",
    "AGENCY": "agency",
    "AGENCY_LINEAGE": "agency_lineage",
    "INDICATOR": "indicator",
    "OBSERVATION": "observation",
    "TARGET": "target",
    "LOAD_BATCH": "load_batch",
    "REJECTED_ROW": "rejected_row",
    "AUDIT": "audit",
    "META": "meta",
}


def __getattr__(name: str) -> Any:
    if name in _CONSTANTS:
        return TABLES[_CONSTANTS[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def columns(name: str) -> tuple[str, ...]:
    """The columns of a declared table, in order, without Ibis."""
    declared = TABLES.declared.get(name)
    return tuple(declared) if declared is not None else tuple(TABLES[name].names)


_ARROW = {
    "string": "string",
    "date": "date32",
    "float64": "float64",
    "int64": "int64",
    "int32": "int32",
    "boolean": "bool_",
}


def arrow_schema(name: str) -> Any:
    """A table's pyarrow schema (what `Schema.to_pyarrow()` gives: a timestamp is microseconds, no zone), without
    Ibis for a declared table."""
    import pyarrow as pa

    declared = TABLES.declared.get(name)
    if declared is None:
        return TABLES[name].to_pyarrow()
    return pa.schema(
        [(c, pa.timestamp("us") if t == "timestamp" else getattr(pa, _ARROW[t])()) for c, t in declared.items()]
    )


#: Key of an observation series point (vintage excluded): the latest vintage per key is "current".
OBSERVATION_KEY = ("indicator_code", "area_code", "agency_code", "category", "period_start", "freq", "base")


#: Constraints the database keeps, whatever writes: one value per observation key and vintage (two values with the
#: same vintage would make "current" a coin toss). NULL agency/category are one value here, hence the COALESCE (a
#: plain UNIQUE treats every NULL as distinct). A unique index on PostgreSQL; on DuckDB the same rule is checked
#: set-based by `Warehouse.insert` inside the writing transaction (`Warehouse.refuse_second_values`), and the index
#: is dropped (DUCKDB_DROPPED): DuckDB maintains an ART row by row, in memory that cannot spill, at ~5x the cost of
#: the insert itself (docs/performance.md, issue 13), while its writers are serialised by the file's lock anyway.
INDEXES: dict[str, tuple[str, ...]] = {
    "observation": (
        'CREATE UNIQUE INDEX IF NOT EXISTS "observation_one_value_per_vintage" ON "observation" ('
        '"indicator_code", "area_code", COALESCE("agency_code", \'\'), COALESCE("category", \'\'), "period_start", '
        '"freq", "base", "vintage")',
    ),
}
#: what ensure_schema drops on DuckDB (a warehouse made before the set-based check)
DUCKDB_DROPPED: tuple[str, ...] = ('DROP INDEX IF EXISTS "observation_one_value_per_vintage"',)
#: the key of `observation_one_value_per_vintage`, as SQL over a table alias `{t}` (both backends)
ONE_VALUE_KEY = (
    "{t}.indicator_code, {t}.area_code, coalesce({t}.agency_code, ''), coalesce({t}.category, ''), "
    "{t}.period_start, {t}.freq, {t}.base, {t}.vintage"
)


def table(name: str) -> ibis.Table:
    """An unbound Ibis table for `name`: expressions built on it touch no database until executed."""
    return ibis.table(TABLES[name], name=name)


def register(name: str, schema: Schema) -> None:
    """Add a table owned by another part of the warehouse (tasks, programs, events, forecasts)."""
    TABLES[name] = schema


def dtype(name: str, column: str) -> dt.DataType:
    return TABLES[name][column]
