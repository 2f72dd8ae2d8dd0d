"""Backtests and forecasts of many series at once on a process pool, with a progress bar on stderr."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TextIO

from analytics.backtest import backtest, forecast
from analytics.series import Series
from analytics.vintage import Outcome

#: both cores of the machine (docs/architecture.md: 2 cores, shared); a worker runs one series at a time
WORKERS = 2


def process(
    series: Series, horizon: int | None, with_forecast: bool, progress: Callable[[int, int], None] | None = None
) -> Outcome:
    """Backtest one series and, when asked, forecast with the model the backtest chose (`progress(done, total)`
    after each backtest origin)."""
    result = backtest(series, horizon, progress=progress)
    if not with_forecast or result.forecast_model is None:
        return Outcome(result)
    fc, config = forecast(series, result.forecast_model, result.horizon)
    return Outcome(result, fc, config)


class Progress:
    """`[#####.....] 12/40 CPI|VN|yoy` on stderr: redrawn in place on a terminal, every tenth otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total, self.done, self.width = total, 0, width
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.start = time.monotonic()
        self._last_decile = -1

    def step(self, label: str = "") -> None:
        self.done += 1
        frac = self.done / self.total if self.total else 1.0
        filled = int(self.width * frac)
        bar = "#" * filled + "." * (self.width - filled)
        line = f"[{bar}] {self.done}/{self.total} {time.monotonic() - self.start:5.0f}s {label[:40]}"
        if self.tty:
            self.stream.write("\r" + line.ljust(100))
            if self.done == self.total:
                self.stream.write("\n")
        elif int(frac * 10) != self._last_decile or self.done == self.total:
            self._last_decile = int(frac * 10)
            self.stream.write(line + "\n")
        self.stream.flush()


def run_all(
    series: list[Series],
    horizon: int | None = None,
    with_forecast: bool = False,
    workers: int = WORKERS,
    progress: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """Every series through `process`, `workers` processes at a time; results in the input order."""
    report = progress or (lambda _label: None)
    if workers <= 1 or len(series) <= 1:
        out = []
        for s in series:
            out.append(process(s, horizon, with_forecast))
            report(s.key)
        return out
    results: dict[int, Outcome] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(process, s, horizon, with_forecast): i for i, s in enumerate(series)}
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            report(series[i].key)
    return [results[i] for i in range(len(series))]
