"""Forecasts computed now, in the background: a page asks for one and returns at once; one worker thread runs the
backtest and the forecast, reports each backtest origin, and the time left is estimated from the pace so far (the
origins still to run at the seconds per origin measured), never from a fixed guess."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

#: one computation at a time: the server's cores are shared with every reader's page
WORKERS = 1


@dataclass
class Job:
    """One computation: queued (not started), running (origins done of total), then finished with a result or an
    error. `clock` is the time source (time.monotonic)."""

    queued_at: float
    clock: Callable[[], float] = time.monotonic
    started_at: float | None = None
    finished_at: float | None = None
    done: int = 0
    total: int = 0
    result: Any = None
    error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def running(self) -> bool:
        return self.finished_at is None

    def progress(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = done, total

    def elapsed(self) -> float:
        """Seconds since the work started (0 while queued), up to its end."""
        if self.started_at is None:
            return 0.0
        return (self.finished_at or self.clock()) - self.started_at

    def fraction(self) -> float:
        with self._lock:
            return self.done / self.total if self.total else 0.0

    def remaining(self) -> float | None:
        """Seconds left at the pace measured so far; None before the first origin is done (no pace yet)."""
        with self._lock:
            done, total = self.done, self.total
        if not done or not total or self.started_at is None:
            return None
        return self.elapsed() / done * (total - done)


class Jobs:
    """Jobs by key (the caller's scope belongs in the key: a result is only for those who may see its data)."""

    def __init__(self, workers: int = WORKERS, clock: Callable[[], float] = time.monotonic) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="forecast-now")
        self._jobs: dict[Hashable, Job] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: Hashable) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def start(self, key: Hashable, work: Callable[[Callable[[int, int], None]], Any]) -> Job:
        """Queue `work(progress)` unless a job of that key exists already (then that job is returned): returns at
        once, the work runs on the worker thread."""
        with self._lock:
            if key in self._jobs:
                return self._jobs[key]
            job = Job(queued_at=self._clock(), clock=self._clock)
            self._jobs[key] = job

        def run() -> None:
            job.started_at = self._clock()
            try:
                job.result = work(job.progress)
            except Exception as exc:  # noqa: BLE001 - the page says what failed; the server goes on
                job.error = f"{type(exc).__name__}: {exc}"
            finally:
                job.finished_at = self._clock()

        self._pool.submit(run)
        return job

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._jobs.pop(key, None)
