"""A tiny warehouse with hand-computable values: each rule of the semantic layer is checked against it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from connectors.seed.reference import AREA_COLUMNS, LINEAGE_COLUMNS, assemble, ministries
from semantic.registry import Registry, load_registry
from warehouse.db import Warehouse
from warehouse.lineage import OPEN_END
from warehouse.load import BatchInfo, write_observations, write_reference

HERE = Path(__file__).resolve().parent
OLD_FROM, MERGE = date(2004, 1, 1), date(2025, 7, 1)


def registry() -> Registry:
    return load_registry(HERE / "indicators")


def reference(reg: Registry) -> dict[str, pd.DataFrame]:
    area = pd.DataFrame(
        [
            ("VN", "Việt Nam", "Viet Nam", "national", None, date(1945, 9, 2), OPEN_END),
            ("01", "Hà Nội", "Ha Noi", "province", "VN", OLD_FROM, MERGE),
            ("33", "Hưng Yên (cũ)", "Hung Yen (old)", "province", "VN", OLD_FROM, MERGE),
            ("34", "Thái Bình", "Thai Binh", "province", "VN", OLD_FROM, MERGE),
            ("01", "Hà Nội", "Ha Noi", "province", "VN", MERGE, OPEN_END),
            ("33", "Hưng Yên", "Hung Yen", "province", "VN", MERGE, OPEN_END),
            ("12345", "Xã Mẫu", "Sample commune", "commune", "33", MERGE, OPEN_END),
        ],
        columns=AREA_COLUMNS,
    )
    lineage = pd.DataFrame(
        [("01", "01", 1.0, "full", MERGE), ("33", "33", 1.0, "full", MERGE), ("34", "33", 1.0, "full", MERGE)],
        columns=LINEAGE_COLUMNS,
    )
    agency = ministries(["MOF", "MOC", "MOT", "MOH", "GSO"], date(1945, 9, 2), {"MOT": date(2025, 3, 1)})
    return assemble(area, lineage, agency, [("MOT", "MOC", date(2025, 3, 1))], reg)


def _obs(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["indicator_code", "area_code", "agency_code", "period_start", "freq", "base", "value", "vintage"]
    )
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    frame["vintage"] = pd.to_datetime(frame["vintage"])
    frame["category"] = None
    frame["status"] = "official"
    frame["source"] = "test"
    return frame


V1 = datetime(2025, 2, 28)
V2 = datetime(2025, 3, 28)

OBSERVATIONS = _obs(
    [
        # FLOW: old Hưng Yên (33) and old Thái Bình (34) merge into new 33 on 2025-07-01
        ("FLOW", "33", None, "2024-01-01", "M", "level", 10, V1),
        ("FLOW", "33", None, "2024-02-01", "M", "level", 20, V1),
        ("FLOW", "33", None, "2024-03-01", "M", "level", 30, V1),
        ("FLOW", "33", None, "2025-01-01", "M", "level", 12, V1),
        ("FLOW", "33", None, "2025-02-01", "M", "level", 24, V1),  # first estimate ...
        ("FLOW", "33", None, "2025-02-01", "M", "level", 25, V2),  # ... revised a month later
        ("FLOW", "34", None, "2024-01-01", "M", "level", 1, V1),
        ("FLOW", "34", None, "2024-02-01", "M", "level", 2, V1),
        ("FLOW", "34", None, "2024-03-01", "M", "level", 3, V1),
        ("FLOW", "34", None, "2025-01-01", "M", "level", 2, V1),
        ("FLOW", "34", None, "2025-02-01", "M", "level", 3, V1),
        ("FLOW", "01", None, "2025-02-01", "M", "level", 500, V1),
        ("FLOW", "33", None, "2025-08-01", "M", "level", 40, V2),  # after the merger: new Hưng Yên
        # FLOW2: a national total and its breakdown by ministry (MOT became part of MOC)
        ("FLOW2", "VN", None, "2024-01-01", "M", "level", 100, V1),
        ("FLOW2", "VN", "MOT", "2024-01-01", "M", "level", 30, V1),
        ("FLOW2", "VN", "MOC", "2024-01-01", "M", "level", 20, V1),
        ("FLOW2", "VN", "MOH", "2024-01-01", "M", "level", 50, V1),
        ("OWNED", "VN", None, "2024-01-01", "M", "level", 7, V1),
        # IDX: an index — never summed; a published yoy is preferred over one computed from levels
        ("IDX", "VN", None, "2024-01-01", "M", "level", 100, V1),
        ("IDX", "VN", None, "2024-02-01", "M", "level", 101, V1),
        ("IDX", "VN", None, "2024-03-01", "M", "level", 102, V1),
        ("IDX", "VN", None, "2025-01-01", "M", "level", 104, V1),
        ("IDX", "VN", None, "2025-02-01", "M", "level", 103.02, V1),
        ("IDX", "VN", None, "2025-02-01", "M", "yoy", 2.5, V1),
        ("IDX", "33", None, "2024-01-01", "M", "level", 100, V1),
        ("IDX", "34", None, "2024-01-01", "M", "level", 200, V1),
        ("IDX", "01", None, "2024-01-01", "M", "level", 150, V1),
        # STOCK: last value in the period
        ("STOCK", "VN", None, "2024-01-01", "M", "level", 5, V1),
        ("STOCK", "VN", None, "2024-02-01", "M", "level", 7, V1),
        ("STOCK", "VN", None, "2024-03-01", "M", "level", 6, V1),
        # RATE weighted by POP when units merge
        ("RATE", "33", None, "2024-01-01", "Y", "level", 10, V1),
        ("RATE", "34", None, "2024-01-01", "Y", "level", 20, V1),
        ("POP", "33", None, "2024-01-01", "Y", "level", 100, V1),
        ("POP", "34", None, "2024-01-01", "Y", "level", 300, V1),
    ]
)


def build(url: str) -> tuple[Warehouse, Registry]:
    reg = registry()
    wh = Warehouse(url)
    wh.ensure_schema()
    write_reference(wh, reference(reg))
    write_observations(wh, OBSERVATIONS, BatchInfo(source="tiny"))
    return wh, reg
