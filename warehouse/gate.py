"""Sharing one DuckDB file between processes: one writer or many readers at a time, readers never see half a batch.

DuckDB locks a database file per process: either one process opens it read-write, or any number open it read-only.
So no process holds the file: a reader borrows a read-only connection that is closed `LINGER` seconds after its last
use (a page's burst of queries shares it), and a writer opens read-write only for its transaction. A writer that is
waiting raises a flag file (`<db>.writer.<pid>`); readers seeing it stop taking new connections until it is done, so
a stream of readers cannot starve a load. Conflicts are retried with backoff until `TIMEOUT`.

A long write (a large batch, a seed) first copies the file, consistent because no writer can hold it while the copy
is taken, to `<db>.snapshot`; while the write holds the file, readers (other processes, and other threads of the
writer's process) read the snapshot instead of waiting: the state before the batch, never half of it. Measured costs
and the alternatives weighed are in docs/concurrency.md.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from warehouse.lazy import lazy

ibis = lazy("ibis")
#: seconds a reader keeps its read-only connection after the last use (reuse saves ~15 ms per query)
LINGER = float(os.environ.get("DIEUHANH_READ_LINGER", "0.25"))
#: seconds a reader or writer waits for the file before giving up with WarehouseBusy
TIMEOUT = float(os.environ.get("DIEUHANH_LOCK_TIMEOUT", "120"))

_LOCK_ERRORS = ("Could not set lock", "Conflicting lock", "different configuration")


class WarehouseBusy(RuntimeError):
    """The warehouse file stayed locked by another process for longer than TIMEOUT."""


def _is_lock_error(exc: Exception) -> bool:
    return any(s in str(exc) for s in _LOCK_ERRORS)


def alive(pid: int) -> bool:
    """Whether process `pid` is running (a flag or journal it left is still its own)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DuckConnection:
    """A connection to the file as the warehouse's Ibis backend would hold it (time zone UTC, no Python replacement
    scans), opened without Ibis: the raw connection (`con`), `raw_sql`, `list_tables` and `disconnect` need none —
    what a large load uses (docs/performance.md, issue 13). Any other attribute is the Ibis backend's, built on the
    same connection on first use, so expressions run as before."""

    name = "duckdb"

    def __init__(self, path: Path, read_only: bool) -> None:
        self.con = duckdb.connect(str(path), read_only=read_only)
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET python_enable_replacements = false")
        self._ibis: Any = None

    def raw_sql(self, query: Any, **kwargs: Any) -> Any:
        if not isinstance(query, str):  # an sqlglot expression: Ibis renders it
            return self._backend().raw_sql(query, **kwargs)
        return self.con.execute(query, **kwargs)

    def list_tables(self, **kwargs: Any) -> list[str]:
        if kwargs:
            return self._backend().list_tables(**kwargs)
        rows = self.con.execute(
            "SELECT DISTINCT table_name FROM information_schema.tables "
            "WHERE table_catalog IN (current_database(), 'temp') AND table_schema = current_schema()"
        ).fetchall()
        return [r[0] for r in rows]

    def disconnect(self) -> None:
        self.con.close()

    def _backend(self) -> Any:
        if self._ibis is None:
            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self._backend(), attr)


class FileGate:
    """This process's access to one DuckDB file: the lock serialising its threads, and the borrowed connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._con: Any = None
        self._mode: str | None = None  # "ro" | "rw"
        self._depth = 0  # use() blocks in progress
        self._held = 0  # hold() blocks in progress
        self._deadline = 0.0
        self._closer: threading.Thread | None = None
        self._flag = path.with_name(f"{path.name}.writer.{os.getpid()}")
        self.snapshot_path = path.with_name(f"{path.name}.snapshot")
        self._snap_gate: FileGate | None = None  # readers' gate on the snapshot, while a long write runs
        self._snapshotting = False  # this process is in a long write with a snapshot
        self._writer_thread = 0
        #: for measurements: (write, seconds waited for the file), and seconds each write connection was held
        self.waits: list[tuple[bool, float]] = []
        self.holds: list[float] = []
        self.snapshots: list[float] = []  # seconds each snapshot copy took
        self._opened = 0.0

    def exists(self) -> bool:
        return self.path.exists()

    # -- borrowing ---------------------------------------------------------------------------------------------
    @contextmanager
    def use(self, write: bool = False, snapshot: bool = False) -> Iterator[Any]:
        if write:
            self.lock.acquire()
        else:
            # a reader waiting for this process's lock keeps looking for a snapshot: a long write may start one
            entered = None
            while not self.lock.acquire(timeout=0.02):
                entered = self._enter_snapshot()
                if entered is not None:
                    break
            else:
                entered = self._enter_snapshot()
                if entered is not None:
                    self.lock.release()
            if entered is not None:
                cm, con = entered
                try:
                    yield con
                except BaseException as exc:
                    if not cm.__exit__(type(exc), exc, exc.__traceback__):
                        raise
                else:
                    cm.__exit__(None, None, None)
                return
        try:
            con = self._acquire(write, snapshot)
            self._depth += 1
            try:
                yield con
            finally:
                self._depth -= 1
                if self._depth == 0 and self._held == 0:
                    self._release()
        finally:
            self.lock.release()

    @contextmanager
    def hold(self, snapshot: bool = False) -> Iterator[None]:
        """Keep the read-write connection across several transactions."""
        with self.lock:
            self._acquire(True, snapshot)
            self._held += 1
            try:
                yield
            finally:
                self._held -= 1
                if self._depth == 0 and self._held == 0:
                    self._release()

    def current(self, write: bool = False) -> Any:
        """The connection in use (opening one when none is): for callers that need the raw backend."""
        with self.lock:
            con = self._acquire(write)
            if self._depth == 0 and self._held == 0:
                self._release()
            return con

    def close(self) -> None:
        with self.lock:
            self._close()

    # -- internals ---------------------------------------------------------------------------------------------
    def _enter_snapshot(self) -> tuple[Any, Any] | None:
        """(context, connection) on the snapshot when a long write runs; None when there is none (or it just ended)."""
        snap = self._snapshot_gate()
        if snap is None:
            return None
        cm = snap.use()
        try:
            return cm, cm.__enter__()
        except (duckdb.IOException, duckdb.ConnectionException, WarehouseBusy):
            return None  # the write ended and took its snapshot away: read the file itself

    def _snapshot_gate(self) -> FileGate | None:
        """The snapshot's gate when a long write is running elsewhere (another process, or another thread here)."""
        if self._snapshotting:
            if threading.get_ident() == self._writer_thread:
                return None
        elif not (self.snapshot_path.exists() and self._writer_waiting()):
            return None
        if self._snap_gate is None:
            self._snap_gate = FileGate(self.snapshot_path)
        if self._con is not None and self._mode == "ro" and self.lock.acquire(blocking=False):
            try:  # an idle reader of the file gives way to the waiting writer at once
                if self._depth == 0 and self._held == 0:
                    self._close()
            finally:
                self.lock.release()
        return self._snap_gate

    def _take_snapshot(self) -> None:
        """Copy the file while this process holds it read-only (so no writer can be midway), then publish."""
        t0 = time.monotonic()
        self._acquire(False)
        tmp = self.snapshot_path.with_name(f"{self.snapshot_path.name}.{os.getpid()}.tmp")
        shutil.copyfile(self.path, tmp)
        wal = self.path.with_name(self.path.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, tmp.with_name(tmp.name + ".wal"))
            os.replace(tmp.with_name(tmp.name + ".wal"), self.snapshot_path.with_name(self.snapshot_path.name + ".wal"))
        os.replace(tmp, self.snapshot_path)
        self.snapshots.append(time.monotonic() - t0)
        del self.snapshots[:-1000]
        self._snapshotting = True
        self._writer_thread = threading.get_ident()

    def _drop_snapshot(self) -> None:
        self._snapshotting = False
        for p in (self.snapshot_path, self.snapshot_path.with_name(self.snapshot_path.name + ".wal")):
            with suppress(FileNotFoundError):
                p.unlink()  # readers still on it keep their open file until they close

    def _acquire(self, write: bool, snapshot: bool = False) -> Any:
        if write and snapshot and self._mode != "rw" and self.exists() and not self._snapshotting:
            self._take_snapshot()
        if self._con is not None:
            if self._mode == "rw":
                return self._con
            if not write:
                # an idle borrowed reader gives way to another process's waiting writer
                if self._depth == 0 and self._writer_waiting():
                    self._close()
                else:
                    return self._con
            else:
                if self._depth or self._held:
                    raise RuntimeError("a write cannot start inside a read of the same warehouse")
                self._close()
        return self._connect(write)

    def _connect(self, write: bool) -> Any:
        start = time.monotonic()
        delay = 0.002
        if write:
            self._flag.write_text(str(os.getpid()))
        try:
            while True:
                if write or not self._writer_waiting():
                    try:
                        con = DuckConnection(self.path, read_only=not write)
                    except (duckdb.IOException, duckdb.ConnectionException) as exc:
                        if not _is_lock_error(exc):
                            raise
                    else:
                        self._con, self._mode = con, ("rw" if write else "ro")
                        self._opened = time.monotonic()
                        self.waits.append((write, self._opened - start))
                        del self.waits[:-1000]
                        return con
                if time.monotonic() - start > TIMEOUT:
                    raise WarehouseBusy(
                        f"{self.path}: still locked by another process after {TIMEOUT:.0f} s "
                        "(a load is running; try again later)"
                    )
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        except BaseException:
            if write:
                self._drop_flag()
            raise

    def _release(self) -> None:
        if self._mode == "rw":
            self._close()  # a writer lets go at once: its commit is checkpointed and readers may come back
            return
        self._deadline = time.monotonic() + LINGER
        if self._closer is None or not self._closer.is_alive():
            self._closer = threading.Thread(target=self._close_when_idle, name="warehouse-linger", daemon=True)
            self._closer.start()

    def _close_when_idle(self) -> None:
        while True:
            with self.lock:
                if self._con is None or self._mode != "ro":
                    return
                wait = self._deadline - time.monotonic()
                if wait <= 0 and self._depth == 0 and self._held == 0:
                    self._close()
                    return
            time.sleep(max(wait, 0.01))

    def _close(self) -> None:
        if self._con is not None:
            with suppress(Exception):
                self._con.disconnect()
        if self._mode == "rw":
            self._drop_flag()
            self.holds.append(time.monotonic() - self._opened)
            del self.holds[:-1000]
            if self._snapshotting:
                self._drop_snapshot()
        self._con, self._mode = None, None

    def _drop_flag(self) -> None:
        with suppress(FileNotFoundError):
            self._flag.unlink()

    def _writer_waiting(self) -> bool:
        """Another live process is waiting to write (or writing)."""
        for flag in self.path.parent.glob(f"{self.path.name}.writer.*"):
            try:
                pid = int(flag.name.rsplit(".", 1)[1])
            except ValueError:
                continue
            if pid == os.getpid():
                continue
            if alive(pid):
                return True
            with suppress(FileNotFoundError):
                flag.unlink()  # a writer that died left its flag behind
        return False


_gates: dict[Path, FileGate] = {}
_gates_lock = threading.Lock()


def gate_for(path: Path) -> FileGate:
    """One gate per file per process: every Warehouse on the same file shares its lock and connection."""
    key = path.resolve()
    with _gates_lock:
        if key not in _gates:
            _gates[key] = FileGate(key)
        return _gates[key]
