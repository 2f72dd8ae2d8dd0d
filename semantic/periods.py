"""Periods: the one grammar ('2025', '2025-Q1', '2025-03' or SDMX's '2025-M03', '2025-03-14'), read strictly for
queries (a QueryError naming the forms) and leniently for loads (None: the load's checks name the cell); grains;
period arithmetic on dates."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal, overload

from semantic.errors import QueryError
from semantic.vocab import FREQS, GRAIN_OF_FREQ, GRAINS, MONTHS, ORDER
from warehouse.lineage import period_end

__all__ = [
    "FREQS", "GRAINS", "GRAIN_OF_FREQ", "ORDER", "add", "parse_period", "period_end", "period_key", "truncate",
]  # fmt: skip

#: the years a period may name
YEARS = (1900, 2200)

#: year; then a quarter (Q1-Q4), or a month (03, or SDMX's M03) and maybe its day; letters in either case
_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|M?(\d{2}))(?:-(\d{2}))?)?$", re.IGNORECASE)


def _read(text: object) -> tuple[date, str] | None:
    m = _PERIOD.match(str(text).strip())
    if not m:
        return None
    y, q, mo, d = m.groups()
    if not YEARS[0] <= int(y) <= YEARS[1]:
        return None  # year 1 or 9999 would overflow date arithmetic (a year back for comparisons, a period's end)
    try:
        if q:
            return (date(int(y), 3 * (int(q) - 1) + 1, 1), "Q") if d is None else None
        if mo and d:
            return date(int(y), int(mo), int(d)), "D"
        if mo:
            return date(int(y), int(mo), 1), "M"
        return date(int(y), 1, 1), "Y"
    except ValueError:
        return None


@overload
def parse_period(text: object, *, lenient: Literal[False] = False) -> tuple[date, str]: ...
@overload
def parse_period(text: object, *, lenient: Literal[True]) -> tuple[date, str] | None: ...
def parse_period(text: object, *, lenient: bool = False) -> tuple[date, str] | None:
    """'2025-Q1' -> (date(2025, 1, 1), 'Q'); '2025-M03' and '2025-03' are the same month. What is not a period
    raises a QueryError naming the accepted forms, or with `lenient` (a load, which lists every bad cell) gives
    None. The grammar is the same either way: a period a load stores is a period a query can ask for."""
    found = _read(text)
    if found is not None or lenient:
        return found
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
    months = MONTHS[freq] * n
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
