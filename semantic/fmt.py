"""Formatting for readers: vi-VN numbers (1.234,5), dates (23/11/2026) and period names ("Quý I/2025",
"6 tháng đầu năm 2025"); English forms when asked."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def number(value: Any, decimals: int = 1, lang: str = "vi", sign: bool = False) -> str:
    """1234.5 -> '1.234,5' (vi) or '1,234.5' (en); None/NaN -> '–'."""
    if value is None:
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v) or math.isinf(v):
        return "–"
    text = f"{v:+,.{decimals}f}" if sign else f"{v:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(value: Any, decimals: int = 2, lang: str = "vi", sign: bool = True) -> str:
    text = number(value, decimals, lang, sign)
    return text if text == "–" else f"{text}%"


def day(value: date | datetime | str | None, lang: str = "vi") -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    if lang == "vi":
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def moment(value: date | datetime | str, lang: str = "vi") -> str:
    """A time of day on a date: '14:30 20/09/2025' (vi, hour first as Vietnamese documents write it) or
    '2025-09-20 14:30' (en)."""
    t = datetime.fromisoformat(str(value)) if isinstance(value, str) else value
    return f"{t:%H:%M %d/%m/%Y}" if lang == "vi" else f"{t:%Y-%m-%d %H:%M}"


def period(start: date | datetime | str, freq: str, lang: str = "vi") -> str:
    """Vietnamese period names as GSO and the Government write them."""
    if isinstance(start, str):
        start = date.fromisoformat(start[:10])
    if isinstance(start, datetime):
        start = start.date()
    y, m = start.year, start.month
    if freq == "D":
        return day(start, lang)
    if freq == "M":
        return f"Tháng {m}/{y}" if lang == "vi" else f"{MONTHS_EN[m - 1]} {y}"
    if freq == "Q":
        q = (m - 1) // 3 + 1
        return f"Quý {ROMAN[q]}/{y}" if lang == "vi" else f"Q{q} {y}"
    if freq == "Y":
        return f"Năm {y}" if lang == "vi" else f"{y}"
    years = int(freq[:-1])
    return f"Giai đoạn {y}–{y + years - 1}" if lang == "vi" else f"{y}–{y + years - 1}"


def year_to_date(month_start: date | datetime, lang: str = "vi") -> str:
    """The span Jan..month: '2 tháng đầu năm 2025', '6 tháng đầu năm 2025' (H1), '9 tháng năm 2025', 'Năm 2025'."""
    m, y = month_start.month, month_start.year
    if lang != "vi":
        return f"Jan–{MONTHS_EN[m - 1]} {y}" if m > 1 else f"Jan {y}"
    if m == 12:
        return f"Năm {y}"
    if m == 1:
        return f"Tháng 1/{y}"
    if m == 9:
        return f"9 tháng năm {y}"
    return f"{m} tháng đầu năm {y}"


def change_phrase(value: float, lang: str = "vi", decimals: int = 2) -> str:
    """'tăng 2,91%' / 'giảm 0,35%' / 'không đổi'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "chưa có số liệu" if lang == "vi" else "no data"
    if round(value, decimals) == 0:
        return "không đổi" if lang == "vi" else "unchanged"
    word = ("tăng" if value > 0 else "giảm") if lang == "vi" else ("up" if value > 0 else "down")
    return f"{word} {number(abs(value), decimals, lang)}%"
