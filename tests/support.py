"""Test helpers shared by the fixtures in tests/conftest.py: throwaway PostgreSQL databases and seeded warehouses."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import pyarrow as pa

from warehouse.db import Warehouse
from warehouse.schema import TABLES

PG_ENV = "DIEUHANH_TEST_PG"
PG_MISSING = (
    f"{PG_ENV} is not set: this test needs the PostgreSQL server that the test command starts. "
    "Run the tests with `bash tests/run.sh` (it installs and starts PostgreSQL on loopback), "
    f"or set {PG_ENV}=postgres://user@host:port/db to a server where that user may create databases."
)


def pg_server_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _connect_admin(server_url: str):  # noqa: ANN202 - psycopg is imported lazily: DuckDB-only runs never need it
    import psycopg

    # CREATE/DROP DATABASE cannot run inside a transaction block.
    return psycopg.connect(server_url, autocommit=True)


def create_pg_database(server_url: str, label: str) -> str:
    """A new empty database on the test server; returns its Ibis URL. The name says which test made it."""
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:30] or "t"
    name = f"t_{slug}_{uuid.uuid4().hex[:8]}"
    with _connect_admin(server_url) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return _with_database(server_url, name)


def drop_pg_database(server_url: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _connect_admin(server_url) as con:
        # FORCE: a connection a test forgot to close must not keep the database (and the next run's disk) alive.
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _frame_to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    schema = TABLES[name]
    unknown = sorted(set(frame.columns) - set(schema.names))
    if unknown:
        raise ValueError(
            f"make_warehouse: table {name!r} has no column(s) {unknown}; its columns are {list(schema.names)}"
        )
    frame = frame.copy()
    for column in schema.names:
        if column not in frame.columns:
            frame[column] = None  # a column the test does not care about is NULL
    table = pa.Table.from_pandas(frame[list(schema.names)], preserve_index=False)
    return table.cast(schema.to_pyarrow())


def make_warehouse(url: str, frames: Mapping[str, pd.DataFrame]) -> Warehouse:
    """A warehouse at `url` with every table created and `frames` ({table: rows}) inserted in one transaction.

    Columns a frame leaves out are NULL; a column the table does not have, or an unknown table, is an error.
    """
    unknown = sorted(set(frames) - set(TABLES))
    if unknown:
        raise ValueError(f"make_warehouse: unknown table(s) {unknown}; known: {sorted(TABLES)}")
    arrow = {name: _frame_to_arrow(name, frame) for name, frame in frames.items()}
    wh = Warehouse(url)
    wh.ensure_schema()
    with wh.transaction():
        for name, table in arrow.items():
            wh.insert(name, table)
    return wh
