"""The audit trail: who viewed, queried, downloaded or loaded what, with how many rows.

A download or a load is written at once, in its own transaction. A page view's queries may be written a moment
later (`defer=True`): on a DuckDB file every write takes the file's write lock (closing this process's readers and
blocking other processes'), which costs 25-120 ms — more than the query it records. Deferred rows are kept in
memory and written together by a background thread within FLUSH_SECONDS, by `flush()`, and at exit."""

from __future__ import annotations

import atexit
import threading
import weakref

import pyarrow as pa

from warehouse.db import Warehouse
from warehouse.load import now_utc

#: deferred rows are written at most this many seconds after they are recorded
FLUSH_SECONDS = 5.0
_COLUMNS = ("at", "who", "action", "what", "spec", "scope", "rows")

_lock = threading.Lock()
_pending: weakref.WeakKeyDictionary[Warehouse, list[tuple]] = weakref.WeakKeyDictionary()
_timer: threading.Timer | None = None


def _write(wh: Warehouse, rows: list[tuple]) -> None:
    table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(_COLUMNS)})
    table = table.set_column(6, "rows", pa.array([int(r[6]) for r in rows], pa.int64()))
    with wh.transaction():
        wh.insert("audit", table)


def record(
    wh: Warehouse,
    who: str,
    action: str,
    what: str,
    spec: str = "",
    scope: str = "",
    rows: int = 0,
    defer: bool = False,
) -> None:
    row = (now_utc(), who, action, what, spec, scope, int(rows))
    if not defer:
        flush(wh)  # keep the trail in order
        _write(wh, [row])
        return
    global _timer
    with _lock:
        _pending.setdefault(wh, []).append(row)
        if _timer is None:
            _timer = threading.Timer(FLUSH_SECONDS, _flush_all)
            _timer.daemon = True
            _timer.start()


def flush(wh: Warehouse | None = None) -> int:
    """Write the deferred rows (of `wh`, or of every warehouse) now; the number written."""
    with _lock:
        targets = [wh] if wh is not None else list(_pending.keys())
        batches = [(w, _pending.pop(w)) for w in targets if _pending.get(w)]
    for w, rows in batches:
        _write(w, rows)
    return sum(len(rows) for _, rows in batches)


def _flush_all() -> None:
    global _timer
    with _lock:
        _timer = None
    try:
        flush()
    except Exception as exc:  # noqa: BLE001 - a timer thread has no caller to raise to; say it where it is seen
        import sys

        print(f"audit: deferred rows not written: {exc}", file=sys.stderr)


atexit.register(flush)
