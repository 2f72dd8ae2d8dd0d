"""Reading GSO's column headers: 'Tháng 02 năm 2025 so với: Tháng 02 năm 2024' is the month's change on the same
month last year. The grammar is GSO's, not one month's: it reads 'tháng 3' and 'tháng 03', 'Quý I năm 2023' and
'02 tháng năm 2025', 'so với cùng kỳ năm trước' and 'so với: Tháng 02 năm 2024'."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: column kinds a mapping can name (connectors/mappings/*.yml `columns:`)
KINDS = (
    "month_level",  # the month's value: Thực hiện / Ước tính / Sơ bộ tháng 02 năm 2025
    "month_yoy",  # Tháng 02 năm 2025 so với cùng kỳ năm trước | so với: Tháng 02 năm 2024
    "month_pop",  # ... so với tháng trước | so với: Tháng 01 năm 2025
    "month_base_year",  # ... so với: Kỳ gốc (2019)
    "ytd_level",  # Cộng dồn 02 tháng | Ước tính 2 tháng năm 2025 | Ước tính quý I năm 2023
    "ytd_yoy",  # 02 tháng / Bình quân 02 tháng / Quý I năm 2025 so với cùng kỳ
)
#: recognised, deliberately not loaded (no base of ours): vs plan, vs December, structure shares
OTHER = ("vs_plan", "vs_december", "share")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def norm(text: object) -> str:
    s = unicodedata.normalize("NFC", str(text or "")).lower()
    s = s.replace("\u00a0", " ").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", s).strip()


def fold(text: object) -> str:
    """Accents, case, punctuation and spacing aside ('Hoà Bình' = 'Hòa Bình', 'Bà Rịa - Vũng Tàu' = 'Bà Rịa–Vũng
    Tàu'): for matching names and labels written slightly differently month to month."""
    s = unicodedata.normalize("NFD", norm(text)).replace("đ", "d")
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


@dataclass(frozen=True)
class Column:
    kind: str  # one of KINDS or OTHER
    year: int
    month: int  # the period's (last) month
    status: str  # official | preliminary | estimate (from Thực hiện / Sơ bộ / Ước tính)


_MONTH = r"tháng (\d{1,2})(?: năm (\d{4}))?"
_CUM = r"(?:bình quân |ước tính |cộng dồn |sơ bộ |thực hiện )*(?:(\d{1,2}) tháng|quý (i{1,3}|iv))(?: năm (\d{4}))?"


def classify(header: str, default_year: int | None = None) -> Column | None:
    """The kind of a data column from its joined header text; None when it says nothing we know."""
    t = norm(header)
    status = "preliminary" if "sơ bộ" in t else "estimate" if "ước tính" in t or "ước" in t.split() else "official"
    if "cơ cấu" in t:
        return Column("share", default_year or 0, 0, status)
    left, sep, right = t.partition("so với")
    cum = re.search(_CUM, left)
    month = re.search(_MONTH, left)
    if cum and (not month or cum.start() < month.start()):
        n = int(cum.group(1)) if cum.group(1) else 3 * ROMAN[cum.group(2)]
        year = int(cum.group(3)) if cum.group(3) else _year(left, default_year)
        if year is None or not 1 <= n <= 12:
            return None
        if not sep:
            return Column("ytd_level", year, n, status)
        if "kế hoạch" in right:
            return Column("vs_plan", year, n, status)
        if "cùng kỳ" in right or re.search(rf"năm {year - 1}", right):
            return Column("ytd_yoy", year, n, status)
        return None
    if not month:
        return None
    m = int(month.group(1))
    year = int(month.group(2)) if month.group(2) else _year(left, default_year)
    if year is None or not 1 <= m <= 12:
        return None
    if not sep:
        return Column("month_level", year, m, status)
    if "kỳ gốc" in right:
        return Column("month_base_year", year, m, status)
    if "kế hoạch" in right:
        return Column("vs_plan", year, m, status)
    if "cùng kỳ" in right:
        return Column("month_yoy", year, m, status)
    if "tháng trước" in right:
        return Column("month_pop", year, m, status)
    other = re.search(_MONTH, right)
    if other:
        om = int(other.group(1))
        oy = int(other.group(2)) if other.group(2) else year
        if (om, oy) == (m, year - 1):
            return Column("month_yoy", year, m, status)
        prev = (m - 1, year) if m > 1 else (12, year - 1)
        if (om, oy) == prev:
            return Column("month_pop", year, m, status)
        if om == 12 and oy == year - 1:
            return Column("vs_december", year, m, status)
    return None


def _year(text: str, default: int | None) -> int | None:
    found = re.search(r"năm (\d{4})", text)
    return int(found.group(1)) if found else default


def title_period(title: str) -> tuple[int, int] | None:
    """(year, month) a sheet's title names: 'tháng 02 năm 2025', 'quý I năm 2023' (its last month)."""
    t = norm(title)
    m = re.search(r"tháng (\d{1,2}) năm (\d{4})", t)
    if m:
        return int(m.group(2)), int(m.group(1))
    q = re.search(r"quý (i{1,3}|iv) năm (\d{4})", t)
    if q:
        return int(q.group(2)), 3 * ROMAN[q.group(1)]
    return None
