"""Periods: parsing '2025', '2025-Q1', '2025-03', '2025-03-14'; grains; period arithmetic on dates."""

from __future__ import annotations

import re
from datetime import date, timedelta

from semantic.errors import QueryError
from warehouse.lineage import period_end

__all__ = ["FREQS", "GRAINS", "ORDER", "add", "parse_period", "period_end", "period_key", "truncate"]

FREQS = ("D", "M", "Q", "Y", "2Y", "5Y", "10Y")
GRAINS = {"day": "D", "month": "M", "quarter": "Q", "year": "Y"}
GRAIN_OF_FREQ = {"D": "day", "M": "month", "Q": "quarter", "Y": "year", "2Y": "year", "5Y": "year", "10Y": "year"}
#: coarseness order: a grain can only aggregate finer frequencies
ORDER = {"D": 0, "M": 1, "Q": 2, "Y": 3, "2Y": 4, "5Y": 5, "10Y": 6}

#: the years a period may name
YEARS = (1900, 2200)

_PATTERNS = (
    (re.compile(r"^(\d{4})$"), "Y"),
    (re.compile(r"^(\d{4})-Q([1-4])$", re.I), "Q"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "M"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "D"),
)


def parse_period(text: str) -> tuple[date, str]:
    """'2025-Q1' -> (date(2025, 1, 1), 'Q'). Raises QueryError naming the accepted forms."""
    s = str(text).strip()
    for pattern, freq in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        try:
            y = int(m.group(1))
            if not YEARS[0] <= y <= YEARS[1]:
                break  # year 1 or 9999 would overflow date arithmetic (a year back for comparisons, a period's end)
            if freq == "Y":
                return date(y, 1, 1), freq
            if freq == "Q":
                return date(y, 3 * (int(m.group(2)) - 1) + 1, 1), freq
            if freq == "M":
                return date(y, int(m.group(2)), 1), freq
            return date(y, int(m.group(2)), int(m.group(3))), freq
        except ValueError:
            break
    raise QueryError(
        f"period '{text}' is not valid; use 2025, 2025-Q1, 2025-03 or 2025-03-14",
        f"kỳ '{text}' không hợp lệ; dùng dạng 2025, 2025-Q1, 2025-03 hoặc 2025-03-14",
    )


def truncate(d: date, freq: str) -> date:
    if freq == "D":
        return d
    if freq == "M":
        return date(d.year, d.month, 1)
    if freq == "Q":
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return date(d.year, 1, 1)


def add(d: date, freq: str, n: int = 1) -> date:
    """The start of the period n periods after the one starting at d."""
    if freq == "D":
        return d + timedelta(days=n)
    months = {"M": 1, "Q": 3, "Y": 12, "2Y": 24, "5Y": 60, "10Y": 120}[freq] * n
    total = d.year * 12 + (d.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def period_key(start: date, freq: str) -> str:
    """Machine form used in CSV/JSON output: 2025, 2025-Q1, 2025-03, 2025-03-14."""
    if freq == "D":
        return start.isoformat()
    if freq == "M":
        return f"{start.year}-{start.month:02d}"
    if freq == "Q":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}"
