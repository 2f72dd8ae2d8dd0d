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

from warehouse.gate import FileGate, gate_for
from warehouse.lazy import lazy
from warehouse.schema import DUCKDB_DROPPED, INDEXES, ONE_VALUE_KEY, TABLES, arrow_schema

ibis = lazy("ibis")  # imported when an expression runs or another backend connects, never by a DuckDB load
pa = lazy("pyarrow")  # a large load into DuckDB passes no Arrow object from Python

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


class DuplicateKey(ValueError):
    """A write gave a second value for an observation key and vintage (DuckDB's set-based unique check)."""


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
    def execute(self, expr: Any) -> Any:
        with self._using() as con:
            return con.execute(expr)

    def to_pyarrow(self, expr: Any) -> pa.Table:
        with self._using() as con:
            return con.to_pyarrow(expr)

    @property
    def raw_duckdb(self) -> bool:
        """A DuckDB file: `rows` runs SQL on its own connection, without Ibis or pandas (a large load's
        path, docs/performance.md, issue 13); other backends go through Ibis expressions."""
        return self._gate is not None

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        """A DuckDB file only (`raw_duckdb`): the rows of `sql` as tuples."""
        with self._using() as con:
            return con.con.execute(sql, params or []).fetchall()

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
        if self.raw_duckdb:  # without Ibis or pandas (a load's path)
            rows = self.rows("SELECT value FROM meta WHERE key = 'data_version' LIMIT 1")
            return str(rows[0][0]) if rows else "0"
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
            if self.backend == "duckdb":  # checked set-based instead (refuse_second_values)
                for sql in DUCKDB_DROPPED:
                    con.raw_sql(sql)
                return
            for statements in INDEXES.values():
                for sql in statements:
                    con.raw_sql(sql)

    def insert(self, name: str, data: pa.Table) -> None:
        """Append rows (call inside `transaction`). Columns are cast to the table's schema."""
        if data.num_rows == 0:
            return
        schema = arrow_schema(name)
        data = data.select(schema.names).cast(schema)
        with self._using(write=True) as con:
            if self.backend == "duckdb":
                raw = con.con
                view = f"_ins_{name}_{time.monotonic_ns()}"
                raw.register(view, data)
                try:
                    raw.execute(f'INSERT INTO "{name}" SELECT * FROM "{view}"')
                finally:
                    raw.unregister(view)
                if name == "observation":
                    self.refuse_second_values(raw, sorted(set(data.column("batch_id").to_pylist())))
            else:
                # through Arrow, not pandas: an all-NULL column keeps its type (pandas would make it untyped)
                con.insert(name, ibis.memtable(data))

    def insert_rows(self, name: str, data: dict[str, list[Any]]) -> None:
        """`insert` of a few rows given as columns of Python values (call inside `transaction`). On a DuckDB file
        they are written as SQL literals: no Arrow table is built from Python objects, which makes PyArrow (and a
        registered table, DuckDB) import pandas — a large load's batch row, data version, rollup markers and audit
        row (docs/performance.md, issue 13). Elsewhere through `insert`."""
        if name == "observation" or not self.raw_duckdb:
            self.insert(name, pa.table(data))
            return
        types = TABLES.declared[name] if name in TABLES.declared else None
        if types is None:
            self.insert(name, pa.table(data))
            return
        n = len(next(iter(data.values()), []))
        if n == 0:
            return
        rows = ", ".join(
            "(" + ", ".join(_literal(data[c][i] if c in data else None, t) for c, t in types.items()) + ")"
            for i in range(n)
        )
        with self._using(write=True) as con:
            con.con.execute(f'INSERT INTO "{name}" VALUES {rows}')

    def refuse_second_values(self, raw: Any, batch_ids: list[str]) -> None:
        """DuckDB, inside the writing transaction, after rows of `batch_ids` were inserted into `observation`: raise
        (DuplicateKey) if any of them shares its key and vintage with another row, of the batch or stored — the
        unique index's rule (warehouse/schema.py INDEXES), checked set-based: a group-by over the batch's rows and a
        hash join against the stored rows of its indicators and periods. The caller's transaction then rolls back.
        """
        ids = ", ".join("'" + b.replace("'", "''") + "'" for b in batch_ids)
        if not ids:
            return
        key_n = ONE_VALUE_KEY.format(t="n")
        codes, lo, hi = raw.execute(
            f"SELECT list(DISTINCT indicator_code), min(period_start), max(period_start) FROM observation "
            f"WHERE batch_id IN ({ids})"
        ).fetchone()
        if not codes:
            return
        inlist = ", ".join("'" + c.replace("'", "''") + "'" for c in codes)
        clash = raw.execute(
            f"""SELECT {key_n} FROM observation n WHERE n.batch_id IN ({ids}) GROUP BY ALL HAVING count(*) > 1
                UNION ALL
                (SELECT {key_n} FROM observation n JOIN observation o
                   ON n.indicator_code = o.indicator_code AND n.area_code = o.area_code
                   AND coalesce(n.agency_code, '') = coalesce(o.agency_code, '')
                   AND coalesce(n.category, '') = coalesce(o.category, '') AND n.period_start = o.period_start
                   AND n.freq = o.freq AND n.base = o.base AND n.vintage = o.vintage
                 WHERE n.batch_id IN ({ids}) AND o.batch_id NOT IN ({ids}) AND o.indicator_code IN ({inlist})
                   AND o.period_start BETWEEN ? AND ?)
                LIMIT 1""",
            [lo, hi],
        ).fetchone()
        if clash:
            raise DuplicateKey(
                "Constraint Error: duplicate key in observation_one_value_per_vintage (one value per key and "
                f"vintage): {clash}"
            )

    def settle(self) -> None:
        """After a staged write (warehouse/load.py `_bounded`: the checkpoint threshold, vacuum and compression set
        for it): a writing connection still held open (`holding`) checkpoints now and goes back to the defaults; a
        closed one was checkpointed by its COMMIT or its close, and other backends have nothing to do."""
        if self._gate is None:
            return
        with self.lock:
            if self._gate._con is None or self._gate._mode != "rw":  # closed: its close checkpointed the file
                return
            with self._using(write=True) as con:
                con.raw_sql("CHECKPOINT")
                for setting in (
                    "checkpoint_threshold",
                    "max_vacuum_tasks",
                    "disabled_compression_methods",
                    "memory_limit",
                ):
                    con.raw_sql(f"RESET {setting}")  # what a staged write set (warehouse/load.py _bounded)

    def replace(self, name: str, data: pa.Table) -> None:
        """Replace a reference table's rows (call inside `transaction`): for registry-derived tables only."""
        with self._using(write=True) as con:
            con.raw_sql(f'DELETE FROM "{name}"')
        self.insert(name, data)

    def bump_version(self) -> str:
        version = f"{time.time_ns()}"
        with self._using(write=True) as con:
            con.raw_sql('DELETE FROM "meta" WHERE "key" = \'data_version\'')
        self.insert_rows("meta", {"key": ["data_version"], "value": [version]})
        return version

    def close(self) -> None:
        if self._gate is not None:
            self._gate.close()
            return
        with self.lock:
            self._con.disconnect()


_SQL_TYPES = {
    "string": "VARCHAR",
    "date": "DATE",
    "float64": "DOUBLE",
    "int64": "BIGINT",
    "int32": "INTEGER",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
}


def _literal(value: Any, dtype: str) -> str:
    """One value as a DuckDB literal of the column's type (text quoted, a time in ISO form, a number by repr)."""
    sql_type = _SQL_TYPES[dtype]
    if value is None or (isinstance(value, float) and value != value and dtype != "float64"):
        return f"NULL::{sql_type}"
    if dtype == "boolean":
        return "true" if value else "false"
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    if dtype in ("float64", "int64", "int32"):
        text = repr(float(value)) if dtype == "float64" else str(int(value))
    return "'" + text.replace("'", "''") + f"'::{sql_type}"


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
