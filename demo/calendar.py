"""Calendars and paths for demo series: Vietnam's working days, anchored paths with seeded noise."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

START = date(2023, 1, 1)
END = date(2025, 12, 31)
SEED = 20250701
#: (ISO date, value) points a demo path passes through
Anchors = Sequence[tuple[str, float]]

#: Public holidays on weekdays (markets and the State Bank closed): New Year, Tết, Hùng Kings, 30/4-1/5, 2/9, with
#: the compensating days the Government announced.
HOLIDAYS = frozenset(
    date.fromisoformat(d)
    for d in (
        "2023-01-02", "2023-01-20", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26",
        "2023-05-01", "2023-05-02", "2023-05-03", "2023-09-01", "2023-09-04",
        "2024-01-01", "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14",
        "2024-04-18", "2024-04-29", "2024-04-30", "2024-05-01", "2024-09-02", "2024-09-03",
        "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
        "2025-04-07", "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01", "2025-09-02",
    )
)  # fmt: skip

#: The month in which Tết (Lunar New Year) falls: revenue and activity dip in it.
TET_MONTH = {2023: 1, 2024: 2, 2025: 1}


def rng(code: str) -> np.random.Generator:
    """One generator per indicator, seeded from its code (crc32, not hash(): Python salts str hashes per process)."""
    return np.random.default_rng([SEED, zlib.crc32(code.encode())])


def all_days(start: date = START, end: date = END) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def working_days(start: date = START, end: date = END) -> list[date]:
    return [d for d in all_days(start, end) if d.weekday() < 5 and d not in HOLIDAYS]


def months(start: date = START, end: date = END) -> list[date]:
    return [d.date() for d in pd.date_range(start, end, freq="MS")]


def anchored(days: list[date], anchors: Anchors) -> np.ndarray:
    """The path through dated anchor values, linear in between and flat beyond the ends."""
    x = np.array([d.toordinal() for d in days], dtype=float)
    ax = np.array([date.fromisoformat(a).toordinal() for a, _ in anchors], dtype=float)
    ay = np.array([v for _, v in anchors], dtype=float)
    return np.interp(x, ax, ay)


def ar1(gen: np.random.Generator, n: int, sd: float, phi: float = 0.9) -> np.ndarray:
    """Mean-reverting noise: day-to-day moves look like a market's, yet the path keeps to its anchors."""
    shocks = gen.normal(0.0, sd, n)
    out = np.empty(n)
    level = 0.0
    for i in range(n):
        level = phi * level + shocks[i]
        out[i] = level
    return out
