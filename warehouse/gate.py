"""Sharing one DuckDB file between processes: one writer or many readers at a time, readers never see half a batch.

DuckDB locks a database file per process: either one process opens it read-write, or any number open it read-only.
So no process holds the file: a reader borrows a read-only connection that is closed `LINGER` seconds after its last
use (a page's burst of queries shares it), and a writer opens read-write only for its transaction. A writer that is
waiting raises a flag file (`<db>.writer.<pid>`); readers seeing it stop taking new connections until it is done, so
a stream of readers cannot starve a load. Conflicts are retried with backoff until `TIMEOUT`. Measured costs and the
alternatives weighed are in docs/concurrency.md.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import ibis

#: seconds a reader keeps its read-only connection after the last use (reuse saves ~15 ms per query)
LINGER = float(os.environ.get("DIEUHANH_READ_LINGER", "0.25"))
#: seconds a reader or writer waits for the file before giving up with WarehouseBusy
TIMEOUT = float(os.environ.get("DIEUHANH_LOCK_TIMEOUT", "120"))

_LOCK_ERRORS = ("Could not set lock", "Conflicting lock", "different configuration")


class WarehouseBusy(RuntimeError):
    """The warehouse file stayed locked by another process for longer than TIMEOUT."""


def _is_lock_error(exc: Exception) -> bool:
    return any(s in str(exc) for s in _LOCK_ERRORS)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        #: waits of this process, for measurements: (write, seconds waited for the file)
        self.waits: list[tuple[bool, float]] = []

    def exists(self) -> bool:
        return self.path.exists()

    # -- borrowing ---------------------------------------------------------------------------------------------
    @contextmanager
    def use(self, write: bool = False) -> Iterator[Any]:
        with self.lock:
            con = self._acquire(write)
            self._depth += 1
            try:
                yield con
            finally:
                self._depth -= 1
                if self._depth == 0 and self._held == 0:
                    self._release()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Keep the read-write connection across several transactions."""
        with self.lock:
            self._acquire(write=True)
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
    def _acquire(self, write: bool) -> Any:
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
                        con = ibis.duckdb.connect(str(self.path), read_only=not write)
                    except (duckdb.IOException, duckdb.ConnectionException) as exc:
                        if not _is_lock_error(exc):
                            raise
                    else:
                        self._con, self._mode = con, ("rw" if write else "ro")
                        self.waits.append((write, time.monotonic() - start))
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
            if _alive(pid):
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
