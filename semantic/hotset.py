"""Where a deployment keeps its hot set (the (spec, scope) pairs its pages compiled — no rows, no names — which a
starting server compiles again in the background before its users ask: pages/ui.py `warm_up`) and the marker a
server process writes once that warm-up is done: `python -m bench.sessions` waits for it before it sends users."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def folder() -> Path:
    return Path(os.environ.get("DIEUHANH_AUDIT_DIR") or tempfile.gettempdir())


def hot_path(url: str) -> Path:
    """The hot set of the warehouse at `url`: one JSON line per (spec, scope grant) — no rows, no names."""
    return folder() / f"dieuhanh-hot-{hashlib.sha1(url.encode()).hexdigest()[:12]}.jsonl"


def sql_path(url: str) -> Path:
    """The compiled SQL the app's processes on the warehouse at `url` keep (semantic/compiled.py `persist`)."""
    return folder() / f"dieuhanh-sql-{hashlib.sha1(url.encode()).hexdigest()[:12]}.jsonl"


def warm_marker(pid: int) -> Path:
    """Written by server process `pid` when its start-up warm-up (imports, hot set compiled) has finished."""
    return folder() / f"dieuhanh-warm-{pid}.json"


def mark_warm(compiled: int, seconds: float, error: str = "") -> None:
    """This process's warm-up is over (`error`: it stopped early; the pages compile what they need when asked)."""
    path = warm_marker(os.getpid())
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps({"compiled": compiled, "seconds": round(seconds, 2), "error": error}))
        os.replace(tmp, path)
    except OSError:
        pass  # an aid for the bench and the deploy script only


def read_warm(pid: int) -> dict | None:
    """Process `pid`'s warm-up report, or None while it runs (or never started)."""
    try:
        return json.loads(warm_marker(pid).read_text())
    except (OSError, ValueError):
        return None
