"""Running SQL the semantic layer compiled once (its compile cache) on the warehouse's own connection, with the
same pandas result Ibis' `execute` gives: DuckDB and PostgreSQL; other backends go through Ibis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warehouse.db import Warehouse
from warehouse.lazy import lazy

if TYPE_CHECKING:
    from ibis.expr.schema import Schema

pd = lazy("pandas")


FAST_BACKENDS = ("duckdb", "postgres", "postgresql")


def supports(wh: Warehouse) -> bool:
    return wh.backend in FAST_BACKENDS


def run(wh: Warehouse, sql: str, schema: Schema) -> pd.DataFrame:
    """Rows of `sql` (a SELECT whose columns are `schema`) as Ibis would return them."""
    if wh.backend == "duckdb":
        with wh.lock:  # the gate's lock: the borrowed connection stays open until the result is read
            table = wh.con.con.execute(sql).to_arrow_table()
        return _convert(table, schema)
    if wh.backend in ("postgres", "postgresql"):
        from ibis.backends.postgres.converter import PostgresPandasData

        with wh.lock:
            con = wh.con.con
            with con.cursor() as cur, con.transaction():
                rows = cur.execute(sql).fetchall()
        df = pd.DataFrame.from_records(rows, columns=schema.names, coerce_float=True)
        return PostgresPandasData.convert_table(df, schema)
    raise ValueError(f"no direct SQL path for backend {wh.backend!r}; use Warehouse.execute")


def _convert(table, schema: Schema) -> pd.DataFrame:  # noqa: ANN001 - a pyarrow Table
    """`table` as Ibis' DuckDB backend returns it (null-bearing non-text and nested columns through Python objects,
    then Ibis' own conversion per column), built column by column into one frame: the frame Ibis builds first and
    converts into a second is skipped (a test compares the two on every suite query)."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    if any(pat.is_nested(c.type) or pat.is_dictionary(c.type) for c in table.columns):
        return _convert_as_ibis(table, schema)
    cols = {}
    for (name, dtype), col in zip(schema.items(), table.columns, strict=True):
        s = pd.Series(col.to_pylist()) if col.null_count and not pat.is_string(col.type) else col.to_pandas()
        cols[name] = DuckDBPandasData.convert_column(s, dtype)
    return pd.DataFrame(cols, copy=False)


def _convert_as_ibis(table, schema: Schema) -> pd.DataFrame:  # noqa: ANN001 - a pyarrow Table
    """What Ibis' DuckDB backend does with a fetched Arrow table."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    df = pd.DataFrame(
        {
            name: col.to_pylist()
            if (pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count)
            else col.to_pandas()
            for name, col in zip(schema.names, table.columns, strict=True)
        }
    )
    return DuckDBPandasData.convert_table(df, schema)


def tuples(wh: Warehouse, sql: str) -> list[tuple]:
    """Rows of a small `sql` as Python tuples, without a DataFrame (a few rows read on every query)."""
    if wh.backend == "duckdb":
        with wh.lock:
            return wh.con.con.execute(sql).fetchall()
    if wh.backend in ("postgres", "postgresql"):
        with wh.lock:
            con = wh.con.con
            with con.cursor() as cur, con.transaction():
                return list(cur.execute(sql).fetchall())
    raise ValueError(f"no direct SQL path for backend {wh.backend!r}; use Warehouse.execute")
