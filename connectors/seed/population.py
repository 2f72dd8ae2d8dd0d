"""GSO population table (data/population): the real annual figures the annual plan uses, e.g. the urban share."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from semantic.errors import LoadRejected
from semantic.registry import Registry
from warehouse.load import BatchInfo

FILE = Path(__file__).resolve().parents[2] / "data" / "population" / "gso_vn_population_indicators_2020_2024.csv"
SOURCE = "GSO"
#: The workbook of December 2024, released with the year's socio-economic report on 6 January 2025.
VINTAGE = datetime(2025, 1, 6)

#: row label in the file -> registry indicator code (a label whose code the registry lacks is not loaded)
INDICATORS = {"Tỷ lệ dân số thành thị (%)": "URBAN_RATE"}


def frame(registry: Registry) -> pd.DataFrame:
    """Canonical rows for the mapped indicators; a year written '2024e' is GSO's estimate (status 'estimate')."""
    rows = []
    with FILE.open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh), start=2):
            code = INDICATORS.get(r["indicator"])
            if code is None or code not in registry:
                continue
            year_text = r["year"].strip()
            estimate = year_text.endswith("e")
            try:
                year, value = int(year_text.rstrip("e")), float(r["value"])
            except ValueError as exc:
                raise LoadRejected(
                    f"{FILE.name} row {i}: year {r['year']!r} / value {r['value']!r} is not a number",
                    f"{FILE.name} dòng {i}: năm {r['year']!r} / giá trị {r['value']!r} không phải số",
                ) from exc
            rows.append(
                {
                    "indicator_code": code,
                    "area_code": "VN",
                    "agency_code": None,
                    "category": None,
                    "period_start": date(year, 1, 1),
                    "freq": "Y",
                    "base": "level",
                    "value": value,
                    "status": "estimate" if estimate else "official",
                    "source": SOURCE,
                    "vintage": VINTAGE,
                }
            )
    out = pd.DataFrame(rows)
    if len(out):
        out["vintage"] = pd.to_datetime(out["vintage"])
    return out


def batches(registry: Registry) -> Iterator[tuple[BatchInfo, pd.DataFrame]]:
    rows = frame(registry)
    if len(rows):
        digest = hashlib.sha256(FILE.read_bytes()).hexdigest()
        yield BatchInfo(source=SOURCE, file_name=f"population/{FILE.name}", file_hash=digest), rows
