"""One sentence per indicator, as GSO's monthly press release and the Government's reports write it:
"CPI tháng 2/2025 tăng 2,91% so với cùng kỳ" — built from the month's values, never from free text."""

from __future__ import annotations

import math
from datetime import date

from semantic import fmt


def _known(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def monthly_sentence(
    name: str,
    month: date,
    unit: str,
    level: float | None = None,
    pop: float | None = None,
    yoy: float | None = None,
    ytd: float | None = None,
    ytd_yoy: float | None = None,
    decimals: int = 1,
    is_rate: bool = False,
    lang: str = "vi",
) -> str:
    """A price index or rate is told by its changes; a flow by its amount, then its change and the year to date.

    >>> monthly_sentence("CPI", date(2025, 2, 1), "%", yoy=2.91, is_rate=True)
    'CPI tháng 2/2025 tăng 2,91% so với cùng kỳ.'
    """
    vi = lang == "vi"
    when = f"tháng {month.month}/{month.year}" if vi else fmt.period(month, "M", "en")
    vs_year = " so với cùng kỳ" if vi else " year on year"
    vs_month = " so với tháng trước" if vi else " on the previous month"
    parts: list[str] = []
    if is_rate or not _known(level):
        head = f"{name} {when}"
        changes = []
        if yoy is not None and _known(yoy):
            changes.append(fmt.change_phrase(yoy, lang) + vs_year)
        if pop is not None and _known(pop):
            changes.append(fmt.change_phrase(pop, lang) + vs_month)
        if not changes:
            return ""
        parts.append(f"{head} {', '.join(changes)}")
    else:
        amount = f"{fmt.number(level, decimals, lang)} {unit}"
        first = f"{name} {when} {'đạt' if vi else 'reached'} {amount}"
        if yoy is not None and _known(yoy):
            first += ", " + fmt.change_phrase(yoy, lang) + vs_year
        parts.append(first)
    if ytd_yoy is not None and _known(ytd_yoy):
        span = fmt.year_to_date(month, lang)
        span = span[0].lower() + span[1:] if vi else span
        change = fmt.change_phrase(ytd_yoy, lang)
        if ytd is not None and _known(ytd) and not is_rate:
            total = f"{fmt.number(ytd, decimals, lang)} {unit}"
            reached = "lũy kế" if vi else "year to date"
            parts.append(f"{reached} {span} {'đạt ' if vi else ''}{total}, {change}{vs_year}")
        else:
            parts.append(f"{'bình quân' if vi else 'average'} {span} {change}{vs_year}")
    return "; ".join(parts) + "."
