"""Which decimal mark a file's numbers use, when nobody said: a Vietnamese "3.650" (three thousand six hundred fifty)
must never be read as 3,65. The file's own evidence decides; with none, the point (the international default)."""

from __future__ import annotations

import re
from collections.abc import Iterable

AUTO = "auto"
#: 1.234 / 12.345.678: dots every three digits (thousands dots as Vietnamese, German … write them)
_DOT_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+$")
_COMMA_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+$")
_BOTH = re.compile(r"^[-+]?[\d.,]*[.,]\d*$")


def infer(values: Iterable[object], sep: str) -> str:
    """',' or '.': the decimal mark of `values` (the value column's cells as text) in a file whose field separator
    is `sep`. Evidence for a decimal comma: a number with both marks, the comma last ('1.234,5'); a comma not in
    thousands groups ('3,65'); thousands dots ('3.650', '12.345.678') in a ';'-separated file — the Vietnamese and
    European convention, where ';' separates fields precisely because ',' is the decimal mark. Evidence for a point:
    both marks with the point last ('1,234.5'), a point not in thousands groups ('2.91'), or ',' as the field
    separator. A comma only when its evidence stands alone: a file that contradicts itself keeps the point, and the
    rows that do not read as numbers are rejected, naming the value (the reader decides, not a guess)."""
    texts = [str(v).strip().replace("\u00a0", "").replace(" ", "") for v in values if v is not None]
    texts = [t for t in texts if t and t.lower() != "nan"]
    comma = point = False
    for t in texts:
        if "." in t and "," in t and _BOTH.match(t):
            comma, point = comma or t.rfind(",") > t.rfind("."), point or t.rfind(".") > t.rfind(",")
        elif "," in t:
            comma = comma or not _COMMA_THOUSANDS.match(t)
        elif "." in t:
            if _DOT_THOUSANDS.match(t):
                comma = comma or sep == ";" or t.count(".") > 1  # 1.234.567: only thousands dots
            else:
                point = True
    return "," if comma and not point and sep != "," else "."


def looks_vietnamese(text: str) -> bool:
    """'3.650' or '1.234.567' as text in a workbook: thousands dots, as a Vietnamese staffer types them."""
    return bool(_DOT_THOUSANDS.match(text.strip()))
