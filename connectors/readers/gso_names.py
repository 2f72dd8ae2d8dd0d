"""The names GSO prints in its tables, mapped to our codes: provinces (pre-2025 GSO codes), ministries (agency
codes), and product/partner labels tidied into stable category names."""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from semantic.fold import fold as fold_accents

ROOT = Path(__file__).resolve().parents[2]

#: GSO's ministry labels in the public-investment table (folded, see `fold`) -> agency code
MINISTRIES = {
    "bo giao thong van tai": "MOT",
    "bo nn va ptnt": "MARD",
    "bo nong nghiep va phat trien nong thon": "MARD",
    "bo y te": "MOH",
    "bo giao duc dao tao": "MOET",
    "bo giao duc va dao tao": "MOET",
    "bo van hoa the thao va du lich": "MOCST",
    "bo tai nguyen va moi truong": "MONRE",
    "bo thong tin va truyen thong": "MIC",
    "bo cong thuong": "MOIT",
    "bo xay dung": "MOC",
    "bo khoa hoc va cong nghe": "MOST",
}

#: spellings GSO uses that the province list does not (folded)
PROVINCE_ALIASES = {"thua thien hue": "46", "tp ho chi minh": "79", "dac lak": "66", "dac nong": "67"}

# Old-style tone placement on open syllables (hoá, thuỷ) -> the modern one (hóa, thủy), so that a product keeps one
# name across the years GSO switched styles. Only at a word's end: in closed syllables (hoàn) both styles agree.
_TONES = {"à": "ò", "á": "ó", "ả": "ỏ", "ã": "õ", "ạ": "ọ", "è": "ò", "é": "ó", "ẻ": "ỏ", "ẽ": "õ", "ẹ": "ọ"}
_OA = re.compile(r"o([àáảãạ])(?!\w)")
_OE = re.compile(r"o([èéẻẽẹ])(?!\w)")
_UY = re.compile(r"(?<![qQ])u([ỳýỷỹỵ])(?!\w)")
_UY_TONE = {"ỳ": "ù", "ý": "ú", "ỷ": "ủ", "ỹ": "ũ", "ỵ": "ụ"}


def tidy(name: object) -> str:
    """One spelling per label: NFC, single spaces, no padding, modern tone placement."""
    s = unicodedata.normalize("NFC", str(name))
    s = re.sub(r"\s+", " ", s).strip()
    s = _OA.sub(lambda m: _TONES[m.group(1)] + "a", s)
    s = _OE.sub(lambda m: _TONES[m.group(1)] + "e", s)
    return _UY.sub(lambda m: _UY_TONE[m.group(1)] + "y", s)


def fold(name: object) -> str:
    """Accent-, case- and punctuation-free key: 'TP. Hồ Chí Minh' and 'Thành phố Hồ Chí Minh' both -> 'ho chi minh'."""
    return re.sub(r"^(tp|thanh pho|tinh) ", "", fold_accents(name))


def _find(relative: str) -> Path:
    """The repository's copy under data/, else the shared reference folder (a fresh clone has data/)."""
    for base in (ROOT / "data", ROOT.parent / "shared" / "data"):
        if (base / relative).exists():
            return base / relative
    raise FileNotFoundError(f"{relative}: not found under data/ nor ../shared/data/")


@lru_cache(maxsize=1)
def provinces_pre2025() -> dict[str, str]:
    """Folded province name -> pre-2025 GSO code, from the 63-province list (short and full names)."""
    path = _find("admin/vn_provinces_63_pre2025_with_regions.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, str] = {}
    for r in rows:
        for name in (r["name"], r["full_name"]):
            key = fold(name)
            if out.get(key, r["code"]) != r["code"]:
                raise ValueError(f"{path}: '{name}' folds to '{key}', already used by code {out[key]}")
            out[key] = r["code"]
    return {**out, **PROVINCE_ALIASES}


def province_code(name: str) -> str | None:
    return provinces_pre2025().get(fold(name))


def ministry_code(name: str) -> str | None:
    return MINISTRIES.get(fold(name))
