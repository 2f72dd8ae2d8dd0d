"""Streaming a query result out of the warehouse: CSV through the backend's own COPY (DuckDB, PostgreSQL) and
Arrow record batches for anything else — never the whole result in a pandas frame (docs/performance.md: 6x slower)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from warehouse.db import Warehouse

#: rows per Arrow batch when a backend has no native COPY, and for the XLSX writer
BATCH_ROWS = 50_000


def copy_csv(wh: Warehouse, expr: ir.Table, out: BinaryIO, header: bool = True) -> int:
    """Append `expr` as CSV (header row unless `header` is False, UTF-8, comma, RFC 4180 quoting) to the binary
    stream `out`; the number of data rows written, as the database counted them."""
    if wh.backend == "duckdb":
        # COPY writes to a path only: a private temp file, then a byte copy onto the stream
        with tempfile.TemporaryDirectory(prefix="extract-") as tmp:
            path = Path(tmp) / "part.csv"
            with wh.lock:  # the gate's lock: the borrowed connection stays open until the COPY is done
                con = wh.con
                sql = con.compile(expr)
                head = "true" if header else "false"
                rows = con.con.execute(f"COPY ({sql}) TO '{path}' (FORMAT csv, HEADER {head})").fetchone()[0]
            with path.open("rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
        return int(rows)
    if wh.backend in ("postgres", "postgresql"):
        sql = str(ibis.to_sql(expr, dialect="postgres"))
        with wh.lock:
            cur = wh.con.con.cursor()
            try:
                with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER {str(header).lower()})") as copy:
                    for chunk in copy:
                        out.write(bytes(chunk))
                rows = cur.rowcount
            finally:
                cur.close()
        return int(rows)
    writer: pacsv.CSVWriter | None = None
    rows = 0
    for batch in record_batches(wh, expr):
        if writer is None:
            writer = pacsv.CSVWriter(out, batch.schema, write_options=pacsv.WriteOptions(include_header=header))
        writer.write_batch(batch)
        rows += batch.num_rows
    if writer is not None:
        writer.close()
    elif header:
        out.write((",".join(expr.columns) + "\n").encode("utf-8"))
    return rows


def record_batches(wh: Warehouse, expr: ir.Table, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Arrow batches of `expr`. On DuckDB the result is first spooled to a Parquet file by COPY, so the shared
    connection is released at once and a slow consumer (the XLSX writer) blocks no other session."""
    if wh.backend == "duckdb":
        with tempfile.TemporaryDirectory(prefix="extract-") as tmp:
            path = Path(tmp) / "part.parquet"
            with wh.lock:
                wh.con.to_parquet(expr, path)
            yield from pq.ParquetFile(path).iter_batches(batch_size=rows)
        return
    with wh.lock:
        # other backends stream from their cursor: the lock is held until the last batch is read
        yield from wh.con.to_pyarrow_batches(expr, chunk_size=rows)


def count(wh: Warehouse, expr: ir.Table) -> int:
    return int(wh.execute(expr.count()))
