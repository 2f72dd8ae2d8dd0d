"""The one accent-folding helper: Vietnamese without its tones and marks, for matching what people type or write
slightly differently ('Hoà Bình' = 'Hòa Bình', 'Thường xuyên' = 'thuong xuyen') and for ASCII names."""

from __future__ import annotations

import re
import unicodedata


def strip_accents(text: object) -> str:
    """'Đắk Lắk' -> 'Dak Lak': every combining mark removed; đ/Đ, a letter of their own, become d/D."""
    s = str(text).replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")


def fold(text: object, *, words_only: bool = True) -> str:
    """A matching key: lower case, no accents, single spaces; with `words_only` also no punctuation
    ('Bà Rịa - Vũng Tàu' -> 'ba ria vung tau')."""
    s = strip_accents(unicodedata.normalize("NFC", str(text))).lower()
    return re.sub(r"[^a-z0-9]+" if words_only else r"\s+", " ", s).strip()
