"""The audit trail: who viewed, queried, downloaded, loaded or logged in, what was refused, with how many rows.

A download, a load or a refusal is written at once, in its own transaction. A page view's queries and a session's
login may be written a moment later (`defer=True`): on a DuckDB file every write takes the file's write lock
(closing this process's readers and blocking other processes'), which costs 25-120 ms — more than the query it
records. Deferred rows are written ahead to a journal file first (one append, ~0.05 ms: it survives a hard kill of
the process), kept in memory, and written to the warehouse together by a background thread within FLUSH_SECONDS, by
`flush()`, and at exit. A journal left by a dead process is written by the next process that uses the trail
(`recover`)."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import threading
import weakref
from datetime import datetime
from pathlib import Path

from warehouse.db import ROOT, Warehouse
from warehouse.gate import alive
from warehouse.load import now_utc

#: deferred rows are written at most this many seconds after they are recorded
FLUSH_SECONDS = 5.0
#: every action the trail holds (the audit page offers these): a page's query, a CLI query, the quality report's and
#: the forecasts' queries, a download, a load, a load refused for its content or a limit, a login, a refusal (no
#: scope, a permission missing, no upload rights), and a call of the exchange API
ACTIONS = ("query", "cli", "quality", "analytics", "download", "load", "load_rejected", "login", "refused", "api")
_COLUMNS = ("at", "who", "action", "what", "spec", "scope", "rows")

_lock = threading.Lock()
_pending: weakref.WeakKeyDictionary[Warehouse, list[tuple]] = weakref.WeakKeyDictionary()
_timer: threading.Timer | None = None
_warned: list[str] = []


def journal_path(wh: Warehouse, pid: int) -> Path:
    """The write-ahead journal of process `pid` for `wh`: beside a DuckDB file, else in data/ (or
    DIEUHANH_AUDIT_DIR) under a name made from the warehouse URL."""
    if wh.path is not None:
        return wh.path.parent / f"{wh.path.name}.audit.{pid}.jsonl"
    folder = Path(os.environ.get("DIEUHANH_AUDIT_DIR") or ROOT / "data")
    return folder / f"warehouse-{hashlib.sha1(wh.url.encode()).hexdigest()[:12]}.audit.{pid}.jsonl"


def _columns(rows: list[tuple]) -> dict[str, list]:
    table = {name: [r[i] for r in rows] for i, name in enumerate(_COLUMNS)}
    table["rows"] = [int(r[6]) for r in rows]
    return table


def _write(wh: Warehouse, rows: list[tuple]) -> None:
    with wh.transaction():
        wh.insert_rows("audit", _columns(rows))


def within(
    wh: Warehouse, at: datetime, who: str, action: str, what: str, spec: str = "", scope: str = "", rows: int = 0
) -> None:
    """A row written inside the caller's open transaction on `wh`, at the transaction's instant `at`: a load's, so
    that it commits or rolls back with the batch it records, under the batch's own time (and costs no write of its
    own). The caller writes the deferred rows (`flush`) before its transaction begins, so the trail stays in
    order."""
    wh.insert_rows("audit", _columns([(at, who, action, what, spec, scope, int(rows))]))


def _line(row: tuple) -> str:
    return json.dumps({**dict(zip(_COLUMNS, row, strict=True)), "at": row[0].isoformat()}, ensure_ascii=False) + "\n"


def _append(wh: Warehouse, row: tuple) -> None:
    path = journal_path(wh, os.getpid())
    path.parent.mkdir(parents=True, exist_ok=True)
    # one write(2) on an O_APPEND descriptor: in the kernel's page cache when this returns, so a killed process
    # loses nothing (a power cut can lose what the disk had not yet been given)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, _line(row).encode())
    finally:
        os.close(fd)


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
    with _lock:
        try:
            _append(wh, row)
        except OSError as exc:  # a folder the server may not write: memory only (the old window), said once
            if not _warned:
                _warned.append(str(exc))
                import sys

                print(f"audit: no write-ahead journal ({exc}); page views wait in memory only", file=sys.stderr)
        _pending.setdefault(wh, []).append(row)
    _schedule()


def _schedule() -> None:
    """A flush of every warehouse's deferred rows within FLUSH_SECONDS, unless one is already due."""
    global _timer
    with _lock:
        if _timer is None:
            _timer = threading.Timer(FLUSH_SECONDS, _flush_all)
            _timer.daemon = True
            _timer.start()


def refused(wh: Warehouse, who: str, what: str, reason: str, spec: str = "", scope: str = "") -> None:
    """A refusal (no scope, a permission missing, no upload rights, claims that give nothing): written at once.
    Never raises: the refusal itself is what the caller must see."""
    try:
        record(wh, who, "refused", f"{what}: {reason}"[:1000], spec, scope, 0)
    except Exception as exc:  # noqa: BLE001 - an unreachable warehouse must not hide the refusal being reported
        import sys

        print(f"audit: refusal not written: {exc}", file=sys.stderr)


def flush(wh: Warehouse | None = None) -> int:
    """Write the deferred rows (of `wh`, or of every warehouse) now, and what dead processes left; the number
    written."""
    if wh is not None:
        recover(wh)
    with _lock:
        targets = [wh] if wh is not None else list(_pending.keys())
        batches = [(w, _pending.pop(w)) for w in targets if _pending.get(w)]
    for i, (w, rows) in enumerate(batches):
        try:
            _write(w, rows)
        except BaseException:
            # not written: this batch and the ones not yet tried go back in front of what was recorded since, and
            # the journal (rewritten only after a write) still holds them all, for the next flush or process
            with _lock:
                for w2, rows2 in batches[i:]:
                    _pending[w2] = rows2 + _pending.get(w2, [])
            raise
        with _lock:  # the journal keeps exactly what is still pending (rows recorded while this one wrote)
            _rewrite(w, _pending.get(w, []))
    return sum(len(rows) for _, rows in batches)


def _rewrite(wh: Warehouse, rows: list[tuple]) -> None:
    path = journal_path(wh, os.getpid())
    if not rows:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(_line(r) for r in rows), encoding="utf-8")
    os.replace(tmp, path)


def recover(wh: Warehouse) -> int:
    """Write the journals that dead processes left for `wh`; the rows written. A journal is claimed by renaming it
    first, so two processes never write the same one; rows already in the trail (a process killed between its
    write and its journal's removal) are not written twice. A directory listing when there is nothing to do."""
    mine = journal_path(wh, os.getpid())
    written = 0
    for path in sorted(mine.parent.glob(mine.name.rsplit(".", 2)[0] + ".*.jsonl")):
        pid = path.name.rsplit(".", 2)[1]
        if not pid.isdigit() or int(pid) == os.getpid() or alive(int(pid)):
            continue
        claimed = path.with_name(f"{path.name}.{os.getpid()}.claim")
        try:
            os.rename(path, claimed)
        except FileNotFoundError:  # another process claimed it first
            continue
        written += _replay(wh, claimed)
    return written


def _replay(wh: Warehouse, path: Path) -> int:
    rows = []
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            d = json.loads(text)
            rows.append((datetime.fromisoformat(d["at"]), *(d[c] for c in _COLUMNS[1:])))
        except (ValueError, KeyError):  # a line cut by the kill: the rows before it are whole
            continue
    if rows:
        from warehouse.schema import table

        audit = table("audit")
        times = sorted({r[0] for r in rows})
        have = wh.execute(audit.filter(audit.at.isin(times)).select("at", "who", "action", "what"))
        seen = {(t.to_pydatetime(), w, a, x) for t, w, a, x in have.itertuples(index=False, name=None)}
        rows = [r for r in rows if (r[0], r[1], r[2], r[3]) not in seen]
        if rows:
            _write(wh, rows)
    path.unlink(missing_ok=True)
    return len(rows)


def _flush_all() -> None:
    global _timer
    with _lock:
        _timer = None
    try:
        flush()
    except Exception as exc:  # noqa: BLE001 - a timer thread has no caller to raise to; say it where it is seen
        import sys

        print(f"audit: deferred rows not written, tried again in {FLUSH_SECONDS:g} s: {exc}", file=sys.stderr)
        _schedule()


atexit.register(flush)
