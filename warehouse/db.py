"""Connections: the warehouse is any Ibis backend named by a URL (`DIEUHANH_DB`), DuckDB file by default."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from warehouse.gate import FileGate, gate_for
from warehouse.schema import INDEXES, TABLES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"duckdb://{ROOT / 'data' / 'warehouse.duckdb'}"
#: PostgreSQL advisory lock key held by a batch's write transaction (any constant the app uses for nothing else)
BATCH_LOCK_KEY = 1012_14


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

    A DuckDB *file* allows one writing process or many reading ones, never both. So for a file the connection is not
    held: reads borrow a read-only connection that is closed shortly after use, writes open a read-write one only
    for the transaction (see warehouse/gate.py and docs/concurrency.md). Other backends keep one connection.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.backend = backend_name(self.url)
        self.path = duckdb_path(self.url)
        self._gate: FileGate | None = None
        self._con: Any = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._gate = gate_for(self.path)
            self.lock: threading.RLock = self._gate.lock
        else:
            self._con = ibis.connect(self.url)
            self.lock = threading.RLock()

    @property
    def dialect(self) -> str:
        return "duckdb" if self._gate is not None else self._con.name

    @property
    def con(self) -> Any:
        """The connection in use: inside `transaction`/`holding` the writing one, else a reading one."""
        if self._gate is None:
            return self._con
        return self._gate.current(write=False)

    @contextmanager
    def _using(self, write: bool = False, snapshot: bool = False) -> Iterator[Any]:
        if self._gate is None:
            with self.lock:
                yield self._con
            return
        with self._gate.use(write=write, snapshot=snapshot) as con:
            yield con

    # -- reading -------------------------------------------------------------------------------------------------
    def execute(self, expr: ibis.Expr) -> Any:
        with self._using() as con:
            return con.execute(expr)

    def to_pyarrow(self, expr: ibis.Expr) -> pa.Table:
        with self._using() as con:
            return con.to_pyarrow(expr)

    def tables(self) -> set[str]:
        if self._gate is not None and not self._gate.exists():
            return set()
        with self._using() as con:
            return set(con.list_tables())

    def exists(self) -> bool:
        """The warehouse's tables are there. A DuckDB file not created yet has none; a database that cannot be
        reached (or a file that is busy past the lock timeout) raises rather than looking empty, so that the app
        says what is wrong instead of seeding again."""
        if self.path is not None and not self.path.exists():
            return False
        return {"observation", "indicator", "area"} <= self.tables()

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
    def holding(self, snapshot: bool = True) -> Iterator[Warehouse]:
        """Keep the writing connection across several transactions (seed). With `snapshot`, readers read a copy of
        the file as it was before the block, instead of waiting for it to end."""
        if self._gate is None:
            yield self
            return
        with self._gate.hold(snapshot=snapshot):
            yield self

    @contextmanager
    def transaction(self, snapshot: bool = False) -> Iterator[Any]:
        """All or nothing: the body's writes are committed together or not at all. `snapshot` (a long write): readers
        read a copy of the file as it was before, instead of waiting (DuckDB files; see warehouse/gate.py)."""
        with self._using(write=True, snapshot=snapshot) as con:
            con.raw_sql("BEGIN TRANSACTION" if self.backend == "duckdb" else "BEGIN")
            try:
                yield con
            except BaseException:
                con.raw_sql("ROLLBACK")
                raise
            else:
                con.raw_sql("COMMIT")

    def batch_instant(self, con: Any) -> datetime:
        """Inside `transaction`: wait until no other connection is writing a batch, then the batch's time (naive UTC).

        Taken once the write lock is held, so batches' times follow the order they commit in: a pull asking for
        what was loaded after the latest time it saw (`updated_after`) cannot miss a batch that committed later with
        an earlier time. A DuckDB file's writers are serialised by the gate (one writing process, one writing thread);
        on PostgreSQL, whose writers do not block one another, a transaction-scoped advisory lock serialises the
        batch writers of every process (released by the COMMIT or ROLLBACK). Readers are not held by either.
        """
        if self._gate is None and self.dialect == "postgres":
            con.raw_sql(f"SELECT pg_advisory_xact_lock({BATCH_LOCK_KEY})").close()
        return datetime.now(UTC).replace(tzinfo=None)

    def ensure_schema(self) -> None:
        with self._using(write=True) as con:
            existing = set(con.list_tables())
            for name, schema in TABLES.items():
                if name not in existing:
                    con.create_table(name, schema=schema)
            # also on a warehouse made before a constraint existed (IF NOT EXISTS: idempotent)
            for statements in INDEXES.values():
                for sql in statements:
                    con.raw_sql(sql)

    def insert(self, name: str, data: pa.Table) -> None:
        """Append rows (call inside `transaction`). Columns are cast to the table's schema."""
        if data.num_rows == 0:
            return
        arrow_schema = TABLES[name].to_pyarrow()
        data = data.select(arrow_schema.names).cast(arrow_schema)
        with self._using(write=True) as con:
            if self.backend == "duckdb":
                raw = con.con
                view = f"_ins_{name}_{time.monotonic_ns()}"
                raw.register(view, data)
                try:
                    raw.execute(f'INSERT INTO "{name}" SELECT * FROM "{view}"')
                finally:
                    raw.unregister(view)
            else:
                # through Arrow, not pandas: an all-NULL column keeps its type (pandas would make it untyped)
                con.insert(name, ibis.memtable(data))

    def replace(self, name: str, data: pa.Table) -> None:
        """Replace a reference table's rows (call inside `transaction`): for registry-derived tables only."""
        with self._using(write=True) as con:
            con.raw_sql(f'DELETE FROM "{name}"')
        self.insert(name, data)

    def bump_version(self) -> str:
        version = f"{time.time_ns()}"
        with self._using(write=True) as con:
            con.raw_sql('DELETE FROM "meta" WHERE "key" = \'data_version\'')
        self.insert("meta", pa.table({"key": ["data_version"], "value": [version]}))
        return version

    def close(self) -> None:
        if self._gate is not None:
            self._gate.close()
            return
        with self.lock:
            self._con.disconnect()


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
