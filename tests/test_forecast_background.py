"""A forecast computed now runs in the background: the request returns at once, each backtest origin is reported,
the time left is estimated from the pace measured so far, and a failure is kept as an error, not raised."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from analytics.background import Job, Jobs
from analytics.backtest import HORIZONS, origins_for
from analytics.jobs import process
from analytics.series import Series

pytestmark = pytest.mark.unit


def _monthly(n: int) -> Series:
    rng = np.random.default_rng(7)
    t = np.arange(n)
    values = 100 + 0.5 * t + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    return Series(
        "SYN", "VN", None, "level", "M", pd.Series(values, index=pd.date_range("2015-01-01", periods=n, freq="MS"))
    )


def test_a_real_backtest_reports_each_origin_and_the_job_returns_at_once():
    series = _monthly(72)
    origins, _ = origins_for(72, "M", HORIZONS["M"])
    seen: list[tuple[int, int]] = []
    gate = threading.Event()

    def work(progress):
        gate.wait(30)  # the request must come back before any work is done
        return process(series, None, True, lambda d, n: (seen.append((d, n)), progress(d, n)))

    jobs = Jobs()
    job = jobs.start("SYN", work)
    assert job.running and job.done == 0 and job.remaining() is None  # no pace yet: no guessed time
    assert jobs.start("SYN", work) is job  # asked again (a rerun, another tab): the same job
    gate.set()
    deadline = time.monotonic() + 300
    while job.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not job.running and job.error is None
    assert seen == [(k, len(origins)) for k in range(1, len(origins) + 1)]  # one report per origin, in order
    assert job.fraction() == 1.0 and job.remaining() == 0.0
    fc = job.result.forecast  # the forecast itself came back, as far as the backtest looked ahead
    assert fc is not None and fc.ok and len(fc.mean) == job.result.result.horizon


def test_the_time_left_is_the_pace_so_far_times_the_origins_left():
    now = [100.0]
    job = Job(queued_at=100.0, clock=lambda: now[0])
    job.started_at = 100.0
    now[0] = 130.0
    job.progress(6, 24)  # 6 origins in 30 s: 5 s each, 18 left
    assert job.elapsed() == 30.0 and job.remaining() == pytest.approx(90.0) and job.fraction() == 0.25


def test_a_failing_computation_is_an_error_on_the_job_not_a_crash():
    jobs = Jobs()
    job = jobs.start(("X", None), lambda progress: 1 / 0)
    deadline = time.monotonic() + 30
    while job.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.error == "ZeroDivisionError: division by zero" and job.result is None
    jobs.forget(("X", None))
    assert jobs.get(("X", None)) is None
