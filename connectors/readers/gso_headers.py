"""Reading GSO's column headers: 'Tháng 02 năm 2025 so với: Tháng 02 năm 2024' is the month's change on the same
month last year. The grammar is GSO's, not one month's: it reads 'tháng 3' and 'tháng 03', 'Quý I năm 2023' and
'02 tháng năm 2025', 'so với cùng kỳ năm trước' and 'so với: Tháng 02 năm 2024'."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from semantic.fold import fold as fold_accents

#: column kinds a mapping can name (connectors/readers/mappings/*.yml `columns:`)
KINDS = (
    "month_level",  # the month's value: Thực hiện / Ước tính / Sơ bộ tháng 02 năm 2025
    "month_yoy",  # Tháng 02 năm 2025 so với cùng kỳ năm trước | so với: Tháng 02 năm 2024
    "month_pop",  # ... so với tháng trước | so với: Tháng 01 năm 2025
    "month_base_year",  # ... so với: Kỳ gốc (2019)
    "ytd_level",  # Cộng dồn 02 tháng | Ước tính 2 tháng năm 2025 | Ước tính quý I năm 2023
    "ytd_yoy",  # 02 tháng / Bình quân 02 tháng / Quý I năm 2025 / Năm 2024 so với cùng kỳ | so với năm 2023
)
#: recognised, deliberately not loaded (no base of ours): vs plan, vs December, structure shares
OTHER = ("vs_plan", "vs_december", "share", "other")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def norm(text: object) -> str:
    s = unicodedata.normalize("NFC", str(text or "")).lower()
    s = s.replace("\u00a0", " ").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", s).strip()


def fold(text: object) -> str:
    """Accents, case, punctuation and spacing aside ('Hoà Bình' = 'Hòa Bình', 'Bà Rịa - Vũng Tàu' = 'Bà Rịa–Vũng
    Tàu'): for matching names and labels written slightly differently month to month."""
    return fold_accents(norm(text))


@dataclass(frozen=True)
class Column:
    kind: str  # one of KINDS, QUARTER or OTHER
    year: int
    month: int  # the period's (last) month
    status: str  # official | preliminary | estimate (from Thực hiện / Chính thức / Sơ bộ / Ước tính)
    what: str = ""  # the reading in words, for --explain


#: a single quarter (not the year to date): recognised, loaded only where an indicator is quarterly
QUARTER = ("quarter_level", "quarter_yoy", "quarter_pop")
_WORD_MONTHS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
    "mười": 10, "mười một": 11, "mười hai": 12,
}  # fmt: skip
_WORDS = re.compile(r"tháng (mười hai|mười một|mười|giêng|một|hai|ba|tư|bốn|sáu|bảy|tám|chín|năm(?= năm \d{4}))\b")
_QUARTER = re.compile(r"quý (iv|i{1,3}|[1-4])\b")
_CUM = re.compile(r"(?<!tháng )(?<!\d )\b(\d{1,2}) tháng\b")
_MONTH = re.compile(r"tháng (\d{1,2})\b(?! tháng)")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def _words_to_digits(t: str) -> str:
    return _WORDS.sub(lambda m: f"tháng {_WORD_MONTHS[m.group(1)]}", t)


def _quarter_no(token: str) -> int:
    return int(token) if token.isdigit() else ROMAN[token]


@dataclass(frozen=True)
class _Subject:
    what: str  # month | cum | quarter | year
    year: int
    n: int  # month number, months to date, or quarter number
    average: bool


def _subject(left: str, release: tuple[int, int] | None) -> _Subject | None:
    """The period a header's left side (before 'so với') speaks of."""
    avg = "bình quân" in left
    found = [
        (m.start(), kind, m)
        for kind, rx in (("quarter", _QUARTER), ("cum", _CUM), ("month", _MONTH))
        for m in [rx.search(left)]
        if m
    ]
    years = [int(y) for y in _YEAR.findall(left)]
    if found:
        _, kind, m = min(found, key=lambda x: x[0])
        n = _quarter_no(m.group(1)) if kind == "quarter" else int(m.group(1))
        if not (1 <= n <= (4 if kind == "quarter" else 12)):
            return None
        after = [int(y) for y in _YEAR.findall(left[m.end() :])]
        year = after[0] if after else years[0] if years else None
        if year is None and release is not None:  # 'Tháng 12' in a January release is last December
            last = 3 * n if kind == "quarter" else n
            year = release[0] - 1 if last > release[1] else release[0]
        return None if year is None else _Subject(kind, year, n, avg)
    if "cả năm" in left or re.search(r"\bnăm\b", left):
        year = years[0] if years else release[0] if release and "cả năm" in left else None
        return None if year is None else _Subject("year", year, 12, avg)
    return None


def _right_period(right: str, year: int) -> tuple[str, int, int] | None:
    """The period a header's right side (after 'so với') names: (month|cum|quarter|year, year, n)."""
    for kind, rx in (("quarter", _QUARTER), ("cum", _CUM), ("month", _MONTH)):
        m = rx.search(right)
        if m:
            n = _quarter_no(m.group(1)) if kind == "quarter" else int(m.group(1))
            after = _YEAR.findall(right[m.end() :])
            return kind, int(after[0]) if after else year, n
    ys = _YEAR.findall(right)
    return ("year", int(ys[0]), 12) if ys else None


_EN_NUMBERS = ("one two three four five six seven eight nine ten eleven twelve").split()
_EN_MONTHS = ("january february march april may june july august september october november december").split()
_EN_ORDINAL = {"first": "i", "1st": "i", "second": "ii", "2nd": "ii", "third": "iii", "3rd": "iii", "fourth": "iv",
               "4th": "iv"}  # fmt: skip
#: the English edition's header words (September 2020: 'Estimate September 2020', '9 months of 2020 versus same
#: period last year', 'September 2020 versus: August 2020', '3rd quarter of 2020'), said in the Vietnamese grammar's
#: words; a header with none of them is left as it is
_EN_WORD = re.compile(
    r"\b(versus|compared? (?:to|with)|months?|quarter|estimated?|preliminary|performance|accumulation|"
    + "|".join(m for m in _EN_MONTHS if m != "may")  # 'may' is Vietnamese too (may mặc)
    + r")\b"
)
_EN = (
    (r"\b(?:compared? (?:to|with)|versus|vs\.?)\s*:?", " so với "),
    (r"\b(?:the )?same period(?: of)?(?: last year| previous year)?", " cùng kỳ năm trước "),
    (r"\b(?:last|previous) month\b", " tháng trước "),
    (r"\bbase (?:year|period)\b", " kỳ gốc "),
    (r"\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter\b", lambda m: f" quý {_EN_ORDINAL[m.group(1)]} "),
    (r"\bquarter (iv|i{1,3}|[1-4])\b", lambda m: f" quý {m.group(1)} "),
    (r"\b(" + "|".join(_EN_NUMBERS) + r")\b(?= months?\b)", lambda m: str(_EN_NUMBERS.index(m.group(1)) + 1)),
    (r"\b(\d{1,2}) months?\b", lambda m: f" {m.group(1)} tháng "),
    (r"\b(" + "|".join(_EN_MONTHS) + r")\b", lambda m: f" tháng {_EN_MONTHS.index(m.group(1)) + 1} "),
    (r"\bestimated?\b|\bestimation\b", " ước tính "),
    (r"\bpreliminary\b", " sơ bộ "),
    (r"\b(?:whole|full) year\b", " cả năm "),
    (r"\byear (\d{4})\b", lambda m: f" năm {m.group(1)} "),
    (r"\baverage\b", " bình quân "),
    (r"\bplan\b", " kế hoạch "),
    (r"\bstructure\b", " cơ cấu "),
    (r"\bvalue\b", " trị giá "),
    (r"\bvolume\b", " lượng "),
)


def english(text: str) -> str:
    """An English-edition header in the grammar's Vietnamese words (unchanged when it has no English period word)."""
    t = norm(text)
    if not _EN_WORD.search(t):
        return text
    for rx, to in _EN:
        t = re.sub(rx, to, t)
    return re.sub(r"\s+", " ", t).strip()


_SO = re.compile(r"\bso (?!với)(?=cùng kỳ|năm|tháng|quý|kỳ|kế hoạch|bình quân|cả năm|\d)")


def classify(header: str, default_year: int | None = None, release: tuple[int, int] | None = None) -> Column | None:
    """The kind of a data column from its joined header text as a whole; None when it says nothing we know.

    `release` (year, month) of the workbook fills a period left without its year ('Tháng 12' in January's release
    is last December's)."""
    t = _words_to_digits(norm(english(header)).replace("so sánh với", "so với"))
    # 'so' alone is 'so với' ('Năm 2013 so năm 2012 (%)', 'So cùng kỳ năm trước (%)' above 'Tháng 7 năm 2020')
    t = _SO.sub("so với ", t)
    status = (
        "preliminary" if "sơ bộ" in t else "estimate" if "ước tính" in t or re.search(r"\bước\b", t) else "official"
    )
    if release is None and default_year is not None:
        release = (default_year, 12)
    if "cơ cấu" in t:
        return Column("share", default_year or 0, 0, status, "a structure share (%)")
    left, sep, right = t.partition("so với")
    s = _subject(left, release)
    if s is None and sep and "cùng kỳ" in right:  # 'So với cùng kỳ năm trước (%)' above 'Tháng 9 năm 2018'
        rest = re.sub(r"cùng kỳ( năm trước)?", " ", right)
        s = _subject(rest, release)
        left, right = rest, "cùng kỳ"
    if s is None:
        return None
    cumulative = s.what in ("cum", "year") or (s.what == "quarter" and s.n == 1)
    month = 3 * s.n if s.what == "quarter" else s.n
    label = {
        "month": f"month {s.year}-{month:02d}",
        "cum": f"{s.n} months to date {s.year}",
        "year": f"year {s.year}",
        "quarter": f"quarter {'I' * s.n if s.n < 4 else 'IV'} {s.year}",
    }[s.what] + (" (average)" if s.average else "")
    prefix = "ytd" if cumulative else "quarter" if s.what == "quarter" else "month"
    if not sep:
        if s.average:  # an average level (of prices): no base of ours
            return Column("other", s.year, month, status, f"{label}: an average")
        return Column(f"{prefix}_level", s.year, month, status, f"{label}: level")
    if "kỳ gốc" in right:
        kind = "month_base_year" if s.what == "month" else "other"
        return Column(kind, s.year, month, status, f"{label} vs the base period")
    if "kế hoạch" in right:
        return Column("vs_plan", s.year, month, status, f"{label} vs the plan")
    if "cùng kỳ" in right:
        return Column(f"{prefix}_yoy", s.year, month, status, f"{label} vs the same period last year")
    if "tháng trước" in right or "kỳ trước" in right or "quý trước" in right:
        kind = "month_pop" if s.what == "month" else "quarter_pop" if s.what == "quarter" else "other"
        return Column(kind, s.year, month, status, f"{label} vs the previous period")
    if "tháng 12 năm trước" in right:
        return Column("vs_december", s.year, month, status, f"{label} vs last December")
    if "năm trước" in right and not _MONTH.search(right) and not _QUARTER.search(right):
        return Column(f"{prefix}_yoy", s.year, month, status, f"{label} vs the previous year's same period")
    other = _right_period(right, s.year)
    if other is None:
        return None
    okind, oyear, on = other
    same_shape = okind == s.what or (cumulative and okind in ("cum", "year", "quarter"))
    omonth = 3 * on if okind == "quarter" else on
    if same_shape and oyear == s.year - 1 and omonth == month:
        return Column(f"{prefix}_yoy", s.year, month, status, f"{label} vs the same period of {oyear}")
    if s.what == "month" and okind == "month":
        prev = (month - 1, s.year) if month > 1 else (12, s.year - 1)
        if (on, oyear) == prev:
            return Column("month_pop", s.year, month, status, f"{label} vs the previous month")
        if (on, oyear) == (12, s.year - 1):
            return Column("vs_december", s.year, month, status, f"{label} vs last December")
    if s.what == "quarter" and okind == "quarter":
        prev_q = (s.n - 1, s.year) if s.n > 1 else (4, s.year - 1)
        if (on, oyear) == prev_q:
            return Column("quarter_pop", s.year, month, status, f"{label} vs the previous quarter")
    return Column("other", s.year, month, status, f"{label} vs {okind} {on} {oyear}")


def _year(text: str, default: int | None) -> int | None:
    found = re.search(r"năm (\d{4})", text)
    return int(found.group(1)) if found else default


def title_period(title: str) -> tuple[int, int] | None:
    """(year, month) a sheet's title names: 'tháng 02 năm 2025', 'tháng Sáu năm 2013', 'quý IV năm 2023' (its last
    month), 'tháng 12 và cả năm 2024' (December)."""
    t = _words_to_digits(norm(title))
    m = re.search(r"tháng (\d{1,2})(?: và (?:cả )?năm| năm)? (\d{4})", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return int(m.group(2)), int(m.group(1))
    q = re.search(r"quý (iv|i{1,3}|[1-4])\b(?: và (?:cả )?năm| năm)? (\d{4})", t)
    if q:
        return int(q.group(2)), 3 * _quarter_no(q.group(1))
    return None
