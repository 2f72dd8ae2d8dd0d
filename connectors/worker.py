"""Checks and loads of an uploaded file in a worker process, for the app: a check is CPU-bound pandas work that
holds Python's interpreter lock, so run on the Streamlit script thread it stalls every other session of the
server. A worker process holds its own; the server thread only waits on a future. The worker opens the warehouse
by its URL (DuckDB files: a reader or writer like any other process, see docs/concurrency.md)."""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.intake import LoadReport
from connectors.tasks.task_intake import TaskReport
from semantic.scope import Scope

#: two workers: two uploads are checked at once, a third waits for one of them (the app's sessions never do)
WORKERS = 2
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn, not fork: the server process has threads (Streamlit's, the audit timer) a fork would copy locked
        _pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
    return _pool


@contextlib.contextmanager
def _plain_main() -> Iterator[None]:
    """While a worker is started, `__main__` is a bare module. A spawned child re-runs the parent's `__main__`
    from its file, and inside Streamlit that is the page script being run (app.py): the worker would start the
    whole app and die (BrokenProcessPool). Workers start inside `submit` (spawn starts them on demand), so every
    submit goes through here; the script's module is put back unless a script run replaced it meanwhile."""
    saved = sys.modules.get("__main__")
    stub = types.ModuleType("__main__")
    sys.modules["__main__"] = stub
    try:
        yield
    finally:
        if sys.modules.get("__main__") is stub and saved is not None:
            sys.modules["__main__"] = saved


def _submit(fn: Callable[..., Any], *args: Any) -> Future:
    with _lock, _plain_main():
        return _executor().submit(fn, *args)


def _observations(
    url: str,
    data: bytes,
    name: str,
    source: str,
    fmt: str,
    encoding: str | None,
    decimal: str,
    who: str,
    scope: Scope,
    dry_run: bool,
    accept_valid: bool,
    published_at: datetime | None,
    registry_dir: str | None,
) -> tuple[LoadReport, int]:
    from connectors.intake import connector_for, load
    from semantic.registry import load_registry
    from warehouse.db import Warehouse

    wh = Warehouse(url)
    try:
        report = load(
            connector_for(data, name, source, fmt, encoding, None, decimal),
            wh,
            who,
            accept_valid=accept_valid,
            dry_run=dry_run,
            scope=scope,
            registry=load_registry(Path(registry_dir)) if registry_dir else load_registry(),
            published_at=published_at,
        )
    finally:
        _flush_and_close(wh)
    return report, os.getpid()


def _tasks(
    url: str, data: bytes, name: str, who: str, scope: Scope, dry_run: bool, accept_valid: bool
) -> tuple[TaskReport, int]:
    from connectors.tasks.task_intake import load_task_file
    from warehouse.db import Warehouse

    wh = Warehouse(url)
    try:
        report = load_task_file(wh, data, name, who, accept_valid=accept_valid, dry_run=dry_run, scope=scope)
    finally:
        _flush_and_close(wh)
    return report, os.getpid()


def _flush_and_close(wh: object) -> None:
    from warehouse import audit

    audit.flush(wh)  # type: ignore[arg-type]
    wh.close()  # type: ignore[attr-defined]


def check_upload(
    url: str,
    data: bytes,
    name: str,
    source: str,
    *,
    scope: Scope,
    who: str = "upload",
    fmt: str = "auto",
    encoding: str | None = None,
    decimal: str = ".",
    dry_run: bool = False,
    accept_valid: bool = False,
    published_at: datetime | None = None,
    registry_dir: Path | str | None = None,
) -> tuple[LoadReport, int]:
    """`connectors.intake.load` of an uploaded observation file in a worker: (the report, the worker's pid).
    Errors it raises (a refusal, a limit) come back raised here, as they were."""
    args = (url, data, name, source, fmt, encoding, decimal, who, scope, dry_run, accept_valid, published_at)
    future = _submit(_observations, *args, str(registry_dir) if registry_dir else None)
    return future.result()


def check_tasks(
    url: str,
    data: bytes,
    name: str,
    *,
    scope: Scope,
    who: str,
    dry_run: bool = False,
    accept_valid: bool = False,
) -> tuple[TaskReport, int]:
    """`connectors.tasks.task_intake.load_task_file` in a worker: (the report, the worker's pid)."""
    return _submit(_tasks, url, data, name, who, scope, dry_run, accept_valid).result()
