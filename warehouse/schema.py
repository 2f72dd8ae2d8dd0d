"""The physical schema: one Ibis schema per warehouse table, shared by the write path and the query compiler."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
from ibis.expr.schema import Schema

#: Administrative units, effective-dated. A code may be re-used by GSO for a new unit (new Hưng Yên keeps 33), so
#: the key is (code, valid_from); valid_to is exclusive.
AREA = ibis.schema(
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
AREA_LINEAGE = ibis.schema(
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
AREA_MAP = ibis.schema(
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

AGENCY = ibis.schema(
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
AGENCY_LINEAGE = ibis.schema(
    {
        "old_code": "string",
        "new_code": "string",
        "effective": "date",
    }
)

INDICATOR = ibis.schema(
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
OBSERVATION = ibis.schema(
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

TARGET = ibis.schema(
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

LOAD_BATCH = ibis.schema(
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
REJECTED_ROW = ibis.schema(
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

AUDIT = ibis.schema(
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
META = ibis.schema({"key": "string", "value": "string"})

TABLES: dict[str, Schema] = {
    "area": AREA,
    "area_lineage": AREA_LINEAGE,
    "area_map": AREA_MAP,
    "agency": AGENCY,
    "agency_lineage": AGENCY_LINEAGE,
    "indicator": INDICATOR,
    "observation": OBSERVATION,
    "target": TARGET,
    "load_batch": LOAD_BATCH,
    "rejected_row": REJECTED_ROW,
    "audit": AUDIT,
    "meta": META,
}

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
