"""Connections: the warehouse is any Ibis backend named by a URL (`DIEUHANH_DB`), DuckDB file by default."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from warehouse.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"duckdb://{ROOT / 'data' / 'warehouse.duckdb'}"


def database_url() -> str:
    return os.environ.get("DIEUHANH_DB") or DEFAULT_URL


def backend_name(url: str) -> str:
    return url.split("://", 1)[0].split("+", 1)[0]


def duckdb_path(url: str) -> Path | None:
    if backend_name(url) != "duckdb":
        return None
    path = url.split("://", 1)[1]
    if path in ("", ":memory:"):
        return None
    return Path(path)


class Warehouse:
    """One warehouse: a backend connection plus the lock that serialises its use across threads.

    Streamlit serves each session on its own thread; DuckDB and psycopg connections are not safe to share between
    threads without a guard, so every use goes through `run` or `transaction`.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.backend = backend_name(self.url)
        path = duckdb_path(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.con: Any = ibis.connect(self.url)
        self.lock = threading.RLock()

    @property
    def dialect(self) -> str:
        return self.con.name

    # -- reading -------------------------------------------------------------------------------------------------
    def execute(self, expr: ibis.Expr) -> Any:
        with self.lock:
            return self.con.execute(expr)

    def to_pyarrow(self, expr: ibis.Expr) -> pa.Table:
        with self.lock:
            return self.con.to_pyarrow(expr)

    def exists(self) -> bool:
        with self.lock:
            try:
                names = set(self.con.list_tables())
            except Exception:  # noqa: BLE001 - an unreachable or empty database has no warehouse
                return False
        return {"observation", "indicator", "area"} <= names

    def data_version(self) -> str:
        """Bumped by every load; part of every cache key. '0' before the first load."""
        if not self.exists():
            return "0"
        from warehouse.schema import table

        meta = table("meta")
        df = self.execute(meta.filter(meta.key == "data_version"))
        return str(df["value"].iloc[0]) if len(df) else "0"

    # -- writing -------------------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """All or nothing: the body's writes are committed together or not at all."""
        with self.lock:
            self.con.raw_sql("BEGIN TRANSACTION" if self.backend == "duckdb" else "BEGIN")
            try:
                yield self.con
            except BaseException:
                self.con.raw_sql("ROLLBACK")
                raise
            else:
                self.con.raw_sql("COMMIT")

    def ensure_schema(self) -> None:
        with self.lock:
            existing = set(self.con.list_tables())
            for name, schema in TABLES.items():
                if name not in existing:
                    self.con.create_table(name, schema=schema)

    def insert(self, name: str, data: pa.Table) -> None:
        """Append rows (call inside `transaction`). Columns are cast to the table's schema."""
        if data.num_rows == 0:
            return
        arrow_schema = TABLES[name].to_pyarrow()
        data = data.select(arrow_schema.names).cast(arrow_schema)
        with self.lock:
            if self.backend == "duckdb":
                raw = self.con.con
                view = f"_ins_{name}_{time.monotonic_ns()}"
                raw.register(view, data)
                try:
                    raw.execute(f'INSERT INTO "{name}" SELECT * FROM "{view}"')
                finally:
                    raw.unregister(view)
            else:
                self.con.insert(name, data.to_pandas())

    def replace(self, name: str, data: pa.Table) -> None:
        """Replace a reference table's rows (call inside `transaction`): for registry-derived tables only."""
        with self.lock:
            self.con.raw_sql(f'DELETE FROM "{name}"')
        self.insert(name, data)

    def bump_version(self) -> str:
        version = f"{time.time_ns()}"
        with self.lock:
            self.con.raw_sql("DELETE FROM \"meta\" WHERE \"key\" = 'data_version'")
        self.insert("meta", pa.table({"key": ["data_version"], "value": [version]}))
        return version

    def close(self) -> None:
        with self.lock:
            self.con.disconnect()


_shared: dict[str, Warehouse] = {}
_shared_lock = threading.Lock()


def shared(url: str | None = None) -> Warehouse:
    """The process-wide warehouse for `url` (one connection reused by every page and session)."""
    key = url or database_url()
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Warehouse(key)
        return _shared[key]


def reset_shared() -> None:
    with _shared_lock:
        for wh in _shared.values():
            try:
                wh.close()
            except Exception:  # noqa: BLE001 - closing a dead connection is not an error worth raising
                pass
        _shared.clear()
