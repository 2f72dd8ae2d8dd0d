"""The project's vocabulary, once: frequencies, grains, bases, comparisons, filter operators, boundaries.

Every module that validates, parses or offers one of these (the registry and model files, a query spec, a load's
checks, the readers, the command lines' `choices=`) takes it from here, so that adding a comparison or a frequency
is one change. Names shown to people live with the pages (pages/i18n.py); this module holds codes only."""

from __future__ import annotations

from typing import Literal, get_args

#: how often an indicator is measured: a day, a month, a quarter, a year, and multi-year periods
Freq = Literal["D", "M", "Q", "Y", "2Y", "5Y", "10Y"]
FREQS: tuple[str, ...] = get_args(Freq)
#: months in one period of each frequency (a day has none: its periods are counted in days)
MONTHS: dict[str, int] = {"M": 1, "Q": 3, "Y": 12, "2Y": 24, "5Y": 60, "10Y": 120}
#: coarseness order: a grain can only aggregate finer frequencies
ORDER: dict[str, int] = {f: i for i, f in enumerate(FREQS)}

#: the grain a query aggregates to, and its frequency
Grain = Literal["day", "month", "quarter", "year"]
GRAINS: dict[str, str] = {"day": "D", "month": "M", "quarter": "Q", "year": "Y"}
GRAIN_OF_FREQ: dict[str, str] = {"D": "day", "M": "month", "Q": "quarter", "Y": "year", "2Y": "year", "5Y": "year"}
GRAIN_OF_FREQ["10Y"] = "year"

#: what a stored value is: the level, or a comparison published as such (base_year: an index on a base year = 100)
Base = Literal["level", "yoy", "pop", "ytd", "ytd_yoy", "base_year"]
BASES: tuple[str, ...] = get_args(Base)
#: the bases that are rates or indices in percent, not amounts
RATE_BASES: tuple[str, ...] = ("yoy", "pop", "ytd_yoy", "base_year")

#: what a query may compute from levels: vs the same period a year back, vs the previous period, year to date,
#: year to date vs the same span a year back
Compare = Literal["yoy", "pop", "ytd", "ytd_yoy"]
COMPARES: tuple[str, ...] = get_args(Compare)

#: a filter's operator in a query spec
Operator = Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "is_null", "not_null"]
OPERATORS: tuple[str, ...] = get_args(Operator)

#: the administrative units a query answers in: today's (the 34 provinces since 1 July 2025) or as they were
Boundaries = Literal["2025", "as-was"]
BOUNDARIES: tuple[str, ...] = get_args(Boundaries)
