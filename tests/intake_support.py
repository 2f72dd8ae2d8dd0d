"""A small warehouse for the connector tests: real area codes around the 2025 merger, a few agencies with their
2025 lineage, and the registry in tests/data/intake (one indicator per shape a load must handle)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from connectors.seed.reference import AREA_COLUMNS, LINEAGE_COLUMNS, assemble, ministries
from semantic.registry import Registry, load_registry
from semantic.scope import Scope
from warehouse.db import Warehouse
from warehouse.lineage import OPEN_END
from warehouse.load import write_reference
from warehouse.schema import table

DATA = Path(__file__).resolve().parent / "data"
REGISTRY_DIR = DATA / "intake"
BAD = DATA / "bad"
GOOD = DATA / "good"
OLD, MERGE, FOUNDED = date(2004, 1, 1), date(2025, 7, 1), date(1945, 9, 2)


def registry() -> Registry:
    return load_registry(REGISTRY_DIR)


def reference(reg: Registry) -> dict[str, pd.DataFrame]:
    area = pd.DataFrame(
        [
            ("VN", "Việt Nam", "Viet Nam", "national", None, FOUNDED, OPEN_END),
            ("01", "Thành phố Hà Nội", "Ha Noi", "province", "VN", OLD, MERGE),
            ("01", "Thành phố Hà Nội", "Ha Noi", "province", "VN", MERGE, OPEN_END),
            ("33", "Tỉnh Hưng Yên", "Hung Yen (old)", "province", "VN", OLD, MERGE),
            ("34", "Tỉnh Thái Bình", "Thai Binh", "province", "VN", OLD, MERGE),
            ("33", "Tỉnh Hưng Yên", "Hung Yen", "province", "VN", MERGE, OPEN_END),
            ("79", "Thành phố Hồ Chí Minh", "Ho Chi Minh City", "province", "VN", OLD, MERGE),
            ("77", "Tỉnh Bà Rịa - Vũng Tàu", "Ba Ria - Vung Tau", "province", "VN", OLD, MERGE),
            ("79", "Thành phố Hồ Chí Minh", "Ho Chi Minh City", "province", "VN", MERGE, OPEN_END),
            ("12166", "Phường Phố Hiến", "Pho Hien Ward", "commune", "33", MERGE, OPEN_END),
        ],
        columns=AREA_COLUMNS,
    )
    lineage = pd.DataFrame(
        [
            ("01", "01", 1.0, "full", MERGE),
            ("33", "33", 1.0, "full", MERGE),
            ("34", "33", 1.0, "full", MERGE),
            ("79", "79", 1.0, "full", MERGE),
            ("77", "79", 1.0, "full", MERGE),
        ],
        columns=LINEAGE_COLUMNS,
    )
    ended = {"MPI": date(2025, 3, 1), "MOT": date(2025, 3, 1)}
    agency = ministries(["MOF", "MPI", "MOC", "MOT", "GSO", "MOIT", "MOH", "SBV", "MARD"], FOUNDED, ended)
    pairs = [("MPI", "MOF", date(2025, 3, 1)), ("MOT", "MOC", date(2025, 3, 1))]
    return assemble(area, lineage, agency, pairs, reg)


def build(url: str) -> tuple[Warehouse, Registry]:
    reg = registry()
    wh = Warehouse(url)
    wh.ensure_schema()
    write_reference(wh, reference(reg))
    return wh, reg


def count(wh: Warehouse, name: str) -> int:
    return int(wh.execute(table(name).count()))


def province(code: str) -> Scope:
    return Scope(frozenset({"province_staff"}), None, frozenset({code}), True, True, who=f"staff-{code}")


def ministry(code: str) -> Scope:
    return Scope(frozenset({"ministry_staff"}), frozenset({code}), None, True, True, who=f"staff-{code}")
