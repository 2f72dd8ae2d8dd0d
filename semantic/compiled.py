"""The compile cache: SQL compiled once per (spec, scope, dialect, rollups in use) and run on the warehouse's own
connection. Ibis builds an expression in 5-50 ms and renders SQL in 15-200 ms (docs/performance.md): on dashboard
queries that is most of the cost, so a repeated query pays neither.

Values reach the SQL as literals rendered by Ibis/sqlglot (quoted and escaped by the dialect's generator), never
formatted into text by us; a spec's values are part of its key, so one compiled query never serves another's.

The app also keeps what it compiles in a file (`persist`: one JSON line per entry, mode 600, beside the hot set —
SQL and column types, no rows, no names), so that a restarted server, or the other processes of a deployment, read a
query's SQL instead of compiling it again. An entry there is found by a digest of everything its SQL depends on: the
spec, the scope's whole grant, the dialect, the rollups in use, the day for a cube query, and a fingerprint of the
code and model that compiled it (every file of semantic/ and warehouse/, the deployment profile, the Ibis, sqlglot
and DuckDB versions): a change to any of them compiles anew."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.expr.schema import Schema

from semantic import sqlopt
from semantic.model import SemanticModel
from semantic.scope import Scope
from semantic.spec import QuerySpec

#: compiled queries kept per model (least recently used dropped first)
MAX_ENTRIES = 2048


@dataclass(frozen=True)
class Compiled:
    sql: str
    schema: Schema
    expr: ir.Table | None  # None: read from the persisted store (the SQL and schema are what runs)


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0  # compiled here
    loaded: int = 0  # read from the persisted store instead of compiled


stats = Stats()
_lock = threading.Lock()
_caches: weakref.WeakKeyDictionary[SemanticModel, OrderedDict[Any, Compiled]] = weakref.WeakKeyDictionary()


def key(spec: QuerySpec, scope: Scope, dialect: str, rollups_key: str) -> tuple[Any, ...]:
    """A cube query without as_of is as of today (its statuses depend on the date): today is part of its key.
    Scope compares and hashes without `who` (the audit name), so callers with the same grant share entries."""
    today = date.today() if spec.view != "observations" and spec.as_of is None else None
    return (spec, scope, dialect, rollups_key, today)


def get(
    spec: QuerySpec, model: SemanticModel, scope: Scope, dialect: str, build: Any, rollups_key: str = ""
) -> Compiled:
    """The compiled query for `spec` as `scope` sees it; `build()` gives the Ibis expression on a miss."""
    k = key(spec, scope, dialect, rollups_key)
    with _lock:
        cache = _caches.setdefault(model, OrderedDict())
        hit = cache.get(k)
        if hit is not None:
            cache.move_to_end(k)
            stats.hits += 1
            return hit
    store = _store if _store is not None and _store[1] is model and not scope.is_system else None
    digest = _digest(k) if store is not None else ""
    out = _load(store[0], digest) if store is not None else None
    if out is None:
        expr = build()
        out = Compiled(sqlopt.optimise(render(expr, dialect), dialect), expr.schema(), expr)
        if store is not None:
            _save(store[0], digest, out)
    with _lock:
        if out.expr is None:
            stats.loaded += 1
        else:
            stats.misses += 1
        cache[k] = out
        while len(cache) > MAX_ENTRIES:
            cache.popitem(last=False)
    return out


#: the file the app's compiled queries are kept in, and the model they were compiled for (`persist`)
_store: tuple[Path, SemanticModel] | None = None
#: the persisted entries read so far, per file: digest -> (sql, {column: type})
_persisted: dict[Path, dict[str, tuple[str, dict[str, str]]]] = {}
_read_at: dict[Path, float] = {}


def persist(path: Path | None, model: SemanticModel | None = None) -> None:
    """Keep `model`'s compiled queries in `path` as well, and read them from it before compiling (None: stop).
    Only the app calls it (pages/ui.py), for its own model: entries of other models stay in memory."""
    global _store
    if path is not None and model is not None:
        _compact(path)
    with _lock:
        _store = (path, model) if path is not None and model is not None else None


def _compact(path: Path) -> None:
    """Keep the entries the current code and model compiled (the last MAX_ENTRIES): older ones are never read."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    keep: dict[str, str] = {}
    for line in lines:
        try:
            d = json.loads(line) if line else None
        except ValueError:
            continue
        if isinstance(d, dict) and d.get("fingerprint") == fingerprint() and "digest" in d:
            keep.pop(d["digest"], None)
            keep[d["digest"]] = line
    if len(keep) == len(lines) <= MAX_ENTRIES:
        return  # nothing to drop (a file compacted by another process's start is in this form too)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in list(keep.values())[-MAX_ENTRIES:]))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


_fingerprint: str | None = None


def fingerprint() -> str:
    """What compiled SQL depends on besides its key: the code and model files, the profile, the libraries."""
    global _fingerprint
    if _fingerprint is None:
        import duckdb
        import sqlglot

        from semantic.profile import active

        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha256(f"{ibis.__version__}|{sqlglot.__version__}|{duckdb.__version__}|{active().id}".encode())
        for folder in ("semantic", "warehouse"):
            for f in sorted((root / folder).rglob("*")):
                if f.suffix in (".py", ".yml", ".yaml") and f.is_file():
                    h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
        _fingerprint = h.hexdigest()
    return _fingerprint


def _digest(k: tuple[Any, ...]) -> str:
    spec, scope, dialect, rollups_key, today = k
    grant = {**scope.grant(), "system": scope.is_system}
    text = json.dumps(
        [spec.to_json(), grant, dialect, rollups_key, today.isoformat() if today else None, fingerprint()],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _load(path: Path, digest: str) -> Compiled | None:
    """The entry `digest` from the persisted store; the file is read again when it changed (another process)."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    with _lock:
        entries = _persisted.setdefault(path, {})
        stale = _read_at.get(path) != mtime
    if stale and digest not in entries:
        fresh: dict[str, tuple[str, dict[str, str]]] = {}
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return None
        for line in text.splitlines():
            if not line:
                continue
            try:
                d = json.loads(line)
                fresh[d["digest"]] = (d["sql"], d["schema"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short or of an older form: that query is compiled again
        with _lock:
            entries.update(fresh)
            _read_at[path] = mtime
    got = entries.get(digest)
    if got is None:
        return None
    try:
        schema = ibis.schema({name: ibis.dtype(t) for name, t in got[1].items()})
    except Exception:  # noqa: BLE001 - an entry that does not read back: compiled again
        return None
    return Compiled(got[0], schema, None)


def _save(path: Path, digest: str, c: Compiled) -> None:
    line = json.dumps(
        {
            "digest": digest,
            "fingerprint": fingerprint(),
            "sql": c.sql,
            "schema": {n: str(t) for n, t in c.schema.items()},
        },
        ensure_ascii=False,
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            # one write on an O_APPEND descriptor (processes do not interleave), begun on a line of its own: a line a
            # killed process left unfinished stays one broken line (skipped) and does not swallow this one
            os.write(fd, ("\n" + line + "\n").encode())
        finally:
            os.close(fd)
    except OSError:
        return  # an aid only: the query is compiled in memory as before
    with _lock:
        _persisted.setdefault(path, {})[digest] = (c.sql, {n: str(t) for n, t in c.schema.items()})


_render_lock = threading.Lock()


def render(expr: ir.Table, dialect: str) -> str:
    """SQL for `expr` with Ibis' select fusing off: a relation that several branches read (the latest-vintage
    rows every aggregation rule of the indicator path starts from) then stays one node, which Ibis writes once as
    a CTE, and the engine scans the facts once instead of once per branch (measured 1.5-3x at 50 M rows)."""
    with _render_lock:
        before = ibis.options.sql.fuse_selects
        ibis.options.sql.fuse_selects = False
        try:
            return str(ibis.to_sql(expr, dialect=dialect))
        finally:
            ibis.options.sql.fuse_selects = before


def clear(persisted: bool = False) -> None:
    """Empty the compile cache (a fresh server); `persisted`: forget the persisted store too and remove its file
    (a server that never compiled anything)."""
    with _lock:
        _caches.clear()
        stats.hits = stats.misses = stats.loaded = 0
        if persisted:
            for path in {*_persisted, *([_store[0]] if _store else [])}:
                path.unlink(missing_ok=True)
            _persisted.clear()
            _read_at.clear()
