"""Plan targets: the National Assembly's and the Government's annual targets, mapped onto registry indicators.

One row per target version (a later resolution may raise a target: 2025 GDP 6.5-7 % -> >= 8 % -> 8.3-8.5 %); the
version in force on a date is the latest document on or before it. Which observation base a target is judged
against (GDP growth: `yoy` of the year; average CPI: `ytd_yoy` of December) is the registry's business
(semantic/plan_status.py), not the target's.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd

from semantic.errors import LoadRejected
from semantic.registry import Registry

TARGETS = Path(__file__).resolve().parents[2] / "data" / "targets" / "vn_annual_targets.csv"
COLUMNS = [
    "indicator_code", "area_code", "year", "seq", "target_vi", "target_en", "comparator", "low", "high", "unit",
    "document", "document_date", "source_url", "status",
]  # fmt: skip
COMPARATORS = ("about", "range", "below", "above", "at_least")

#: target_en (as the file words it, before any bracketed note) -> registry indicator code
INDICATOR_OF_TARGET = {
    "GDP growth rate": "GDP",
    "GDP per capita": "GDP_PER_CAPITA_USD",
    "Manufacturing share of GDP": "MANUF_SHARE_GDP",
    "Average CPI growth": "CPI",
    "Social labour productivity growth": "LABOUR_PROD_GROWTH",
    "Agricultural labour share": "AGRI_LABOUR_SHARE",
    "Trained workers share": "TRAINED_LABOUR_SHARE",
    "Urban unemployment rate": "UNEMP_URBAN",
    "Multidimensional poverty rate reduction": "POVERTY_MD_REDUCTION",
    "Doctors per 10000 people": "DOCTORS_PER_10K",
    "Hospital beds per 10000 people": "BEDS_PER_10K",
    "Health insurance coverage": "HEALTH_INS_COVERAGE",
    "Communes meeting new-rural standards": "NEW_RURAL_COMMUNE_SHARE",
    "Urban solid waste collected and treated to standard": "URBAN_WASTE_TREATED",
    "Industrial zones with compliant central wastewater treatment": "IZ_WASTEWATER_SHARE",
}

#: The Government's Resolution 01/NQ-CP of each year, for targets the data file does not carry.
RESOLUTION_01 = {2024: ("Nghị quyết 01/NQ-CP", date(2024, 1, 5)), 2025: ("Nghị quyết 01/NQ-CP", date(2025, 1, 8))}

#: Demo targets (status 'demo'): figures of the kind Resolution 01/NQ-CP assigns, not transcribed from its text.
#: (year, code, comparator, low, high, unit). Budget amounts are of the order of the National Assembly's estimates.
DEMO_TARGETS: tuple[tuple[int, str, str, float | None, float | None, str], ...] = (
    (2024, "BUDGET_REV", "at_least", 1_700_988, None, "billion VND"),
    (2025, "BUDGET_REV", "at_least", 1_966_839, None, "billion VND"),
    (2024, "BUDGET_EXP", "about", 2_119_798, 2_119_798, "billion VND"),
    (2025, "BUDGET_EXP", "about", 2_548_958, 2_548_958, "billion VND"),
    (2024, "FOREST_COVER", "about", 42.0, 42.0, "%"),
    (2025, "FOREST_COVER", "about", 42.0, 42.0, "%"),
    (2024, "URBAN_RATE", "about", 39.0, 39.0, "%"),
    (2025, "URBAN_RATE", "about", 39.5, 39.5, "%"),
)
DEMO_SEQ_FROM = 101  # demo rows are numbered apart from the resolutions' own items


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def indicator_for(target_en: str) -> str:
    """The indicator a target measures; a target the mapping does not know is an error naming it."""
    base = target_en.split(" (", 1)[0].strip()
    if base not in INDICATOR_OF_TARGET:
        raise LoadRejected(
            f"{TARGETS.name}: target '{target_en}' maps to no indicator (known: {', '.join(INDICATOR_OF_TARGET)})",
            f"{TARGETS.name}: chỉ tiêu '{target_en}' chưa gắn với chỉ tiêu nào trong danh mục",
        )
    return INDICATOR_OF_TARGET[base]


def _split_note(document: str) -> tuple[str, str]:
    """'Nghị quyết 158/2024/QH15 (phấn đấu 7.0-7.5)' -> ('Nghị quyết 158/2024/QH15', 'phấn đấu 7.0-7.5')."""
    m = re.fullmatch(r"(.*?)\s*\((.*)\)", document.strip())
    return (m.group(1), m.group(2)) if m else (document.strip(), "")


def official(registry: Registry) -> pd.DataFrame:
    """The file's rows; indicator_code is null where the registry has no indicator for the target yet."""
    with TARGETS.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    rows = []
    for i, r in enumerate(records, start=2):
        where = f"{TARGETS.name} row {i}"
        if r["comparator"] not in COMPARATORS:
            raise LoadRejected(
                f"{where}: comparator '{r['comparator']}' (valid: {', '.join(COMPARATORS)})",
                f"{where}: phép so sánh '{r['comparator']}' không hợp lệ",
            )
        code = indicator_for(r["target_en"])
        document, note = _split_note(r["document"])
        rows.append(
            {
                "indicator_code": code if code in registry else None,
                "area_code": "VN",
                "year": int(r["year"]),
                "seq": int(r["seq"]),
                "target_vi": r["target_vi"] + (f" ({note})" if note else ""),
                "target_en": r["target_en"] + (f" ({note.replace('phấn đấu', 'aspiration')})" if note else ""),
                "comparator": r["comparator"],
                "low": _number(r["low"]),
                "high": _number(r["high"]),
                "unit": r["unit"],
                "document": document,
                "document_date": date.fromisoformat(r["document_date"]),
                "source_url": r["source_url"],
                "status": "official",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def demo(registry: Registry) -> pd.DataFrame:
    rows = []
    for seq, (year, code, comparator, low, high, unit) in enumerate(DEMO_TARGETS, start=DEMO_SEQ_FROM):
        if code not in registry:
            continue
        ind = registry[code]
        document, issued = RESOLUTION_01[year]
        document_en = document.replace("Nghị quyết", "Resolution")
        rows.append(
            {
                "indicator_code": code,
                "area_code": "VN",
                "year": year,
                "seq": seq,
                "target_vi": f"{ind.name_vi} (minh họa: con số của {document} chưa có trong dữ liệu)",
                "target_en": f"{ind.name_en} (demo: the {document_en} figure is not in the data)",
                "comparator": comparator,
                "low": low,
                "high": high,
                "unit": unit,
                "document": document,
                "document_date": issued,
                "source_url": None,
                "status": "demo",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def targets(registry: Registry) -> pd.DataFrame:
    from demo.province import targets as province_targets

    own = pd.DataFrame(province_targets(registry), columns=COLUMNS)  # a province deployment's (demo) targets
    frame = pd.concat([f for f in (official(registry), demo(registry), own) if not f.empty], ignore_index=True)
    for col in ("low", "high"):
        frame[col] = frame[col].astype("float64")
    return frame
