"""Reference tables of the warehouse: administrative units and their 2025 lineage, agencies, the registry, targets."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd

from connectors.seed import agencies, targets
from connectors.seed.names import english_name
from semantic.errors import LoadRejected
from semantic.profile import active as active_profile
from semantic.registry import Registry
from warehouse.lineage import MERGER_2025, OPEN_END, build_area_map, close_agency_lineage

DATA = Path(__file__).resolve().parents[2] / "data"
ADMIN = DATA / "admin"
OLD_PROVINCES = ADMIN / "vn_provinces_63_pre2025_with_regions.csv"
NEW_PROVINCES = ADMIN / "vn_provinces_34_2025_cv915.csv"
PROVINCE_MAPPING = ADMIN / "vn_provinces_63_to_34_mapping_2025.csv"
COMMUNES = ADMIN / "vn_wards_3321_2025_dvhcvn.csv"

#: The 63 provinces are taken as they stood from 2004 (the earliest data the warehouse holds); Hà Tây's merger
#: into Hà Nội in 2008 predates every series shipped here, so it is not modelled.
OLD_FROM = date(2004, 1, 1)
NATION_FROM = date(1945, 9, 2)
AREA_COLUMNS = ["code", "name_vi", "name_en", "level", "parent_code", "valid_from", "valid_to"]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a shipped CSV, every value a string (codes such as '01' keep their leading zero)."""
    if not path.exists():
        raise LoadRejected(f"{path}: reference file missing", f"{path}: thiếu tệp dữ liệu tham chiếu")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _require(condition: bool, where: str, what_en: str, what_vi: str) -> None:
    if not condition:
        raise LoadRejected(f"{where}: {what_en}", f"{where}: {what_vi}")


def provinces_2025() -> list[tuple[str, str]]:
    """(code, full Vietnamese name) of the 34 provinces of Decision 19/2025 in GSO letter 915/CTK-CSCL order.

    The letter writes provinces bare ("Hưng Yên") and cities in full ("Thành phố Hà Nội"); the full name comes
    from the 63 -> 34 mapping and must agree with the letter.
    """
    full = {r["new_code"]: r["new_name"] for r in read_csv(PROVINCE_MAPPING)}
    out = []
    for i, row in enumerate(read_csv(NEW_PROVINCES), start=2):
        code, short = row["Mã số"].strip(), row["Tên 34 tỉnh sau sáp nhập"].strip()
        name = full.get(code, "")
        where = f"{NEW_PROVINCES.name} row {i}"
        _require(bool(name), where, f"code {code!r} is not a new_code of the mapping", f"mã {code!r} không có")
        _require(name in (short, f"Tỉnh {short}"), where, f"{short!r} disagrees with {name!r}", f"{short!r} ≠ {name!r}")
        out.append((code, name))
    _require(len(out) == 34, NEW_PROVINCES.name, f"{len(out)} provinces, expected 34", f"{len(out)} tỉnh, cần 34")
    return out


def areas() -> pd.DataFrame:
    """VN, the 63 provinces before 1 July 2025, the 34 after it and their 3,321 communes/wards."""
    rows: list[tuple[object, ...]] = [("VN", "Việt Nam", "Viet Nam", "national", None, NATION_FROM, OPEN_END)]
    old = read_csv(OLD_PROVINCES)
    _require(len(old) == 63, OLD_PROVINCES.name, f"{len(old)} provinces, expected 63", f"{len(old)} tỉnh, cần 63")
    for r in old:
        rows.append((r["code"], r["full_name"], r["full_name_en"], "province", "VN", OLD_FROM, MERGER_2025))
    new = provinces_2025()
    for code, name in new:
        rows.append((code, name, english_name(name), "province", "VN", MERGER_2025, OPEN_END))
    new_codes = {code for code, _ in new}
    for i, r in enumerate(read_csv(COMMUNES), start=2):
        parent = r["province_code"]
        _require(parent in new_codes, f"{COMMUNES.name} row {i}", f"unknown province {parent!r}", f"tỉnh {parent!r}?")
        name = r["ward_name"].strip()
        rows.append((r["ward_code"], name, english_name(name), "commune", parent, MERGER_2025, OPEN_END))
    frame = pd.DataFrame(rows, columns=AREA_COLUMNS)
    dup = frame.duplicated(["code", "valid_from"])
    _require(not dup.any(), "area", f"duplicate codes {sorted(frame.code[dup])[:5]}", "mã trùng")
    return frame


def area_lineage() -> pd.DataFrame:
    """Old province -> new province, effective 1 July 2025. Every merger of 2025 moved whole provinces, so each
    old unit goes to exactly one new one with weight 1.0 (a split would carry its share instead)."""
    rows = []
    for i, r in enumerate(read_csv(PROVINCE_MAPPING), start=2):
        where = f"{PROVINCE_MAPPING.name} row {i}"
        _require(r["merge_type"] == "full", where, f"merge_type {r['merge_type']!r} needs a weight", "cần trọng số")
        rows.append((r["old_code"], r["new_code"], 1.0, r["merge_type"], MERGER_2025))
    return pd.DataFrame(rows, columns=["old_code", "new_code", "weight", "merge_type", "effective"])


def old_communes(path: Path, home: str, new_communes: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A province's pre-2025 communes (areas valid until 1 July 2025) and their lineage into its 2025 communes.

    A 'full' row moves the whole old commune into one new commune (weight 1.0). A 'partial' row is a piece of an
    old commune that was split between new communes: the file gives no share, so its weight is unknown (NaN) and
    build_area_map withholds the pre-2025 totals of every new commune that received such a piece (never a guess).
    The old communes are taken as they stood just before the merger, from 2004 like the old provinces: their own
    earlier boundary changes are not in the data (data/SOURCES.md).
    """
    areas: dict[str, tuple[object, ...]] = {}
    lineage = []
    for i, r in enumerate(read_csv(path), start=2):
        where = f"{path.name} row {i}"
        _require(r["province_code"] == home, where, f"province {r['province_code']!r} is not {home}", "khác tỉnh")
        new, old, kind = r["new_ward_code"], r["old_ward_code"], r["merge_type"]
        _require(new in new_communes, where, f"{new} is no 2025 commune of {home}", f"{new} không phải xã của tỉnh")
        _require(kind in ("full", "partial"), where, f"merge_type {kind!r}", f"merge_type {kind!r}?")
        name = " ".join(r["old_ward_name"].split())  # the source writes a few names with a double space
        areas[old] = (old, name, english_name(name), "commune", r["old_province_code"], OLD_FROM, MERGER_2025)
        lineage.append((old, new, 1.0 if kind == "full" else float("nan"), kind, MERGER_2025))
    frame = pd.DataFrame(lineage, columns=LINEAGE_COLUMNS)
    # an old commune is either moved whole into one new commune or split (every piece 'partial'): nothing between
    by_old = frame.groupby("old_code")["merge_type"].agg(lambda k: (len(k), set(k)))
    odd = [code for code, (n, kinds) in by_old.items() if (n > 1) != (kinds == {"partial"})]
    _require(not odd, path.name, f"old communes neither whole nor split: {odd[:5]}", f"xã cũ không rõ: {odd[:5]}")
    return pd.DataFrame(list(areas.values()), columns=AREA_COLUMNS), frame


def indicators(registry: Registry) -> pd.DataFrame:
    """The registry as a table, so queries can join owners and groups (the YAML stays the source of truth)."""
    rows = [
        (i.code, i.name_vi, i.name_en, i.group, i.unit, i.frequency, i.kind, i.time_agg, i.space_agg, i.owner, i.demo)
        for i in registry
    ]
    columns = ["code", "name_vi", "name_en", "grp", "unit", "freq", "kind", "time_agg", "space_agg"]
    return pd.DataFrame(rows, columns=[*columns, "owner_agency", "demo"])


AREA_COLUMNS = ["code", "name_vi", "name_en", "level", "parent_code", "valid_from", "valid_to"]
LINEAGE_COLUMNS = ["old_code", "new_code", "weight", "merge_type", "effective"]
AGENCY_COLUMNS = ["code", "name_vi", "name_en", "kind", "valid_from", "valid_to"]


def assemble(
    area: pd.DataFrame, lineage: pd.DataFrame, agency: pd.DataFrame, moves: list, registry: Registry
) -> dict[str, pd.DataFrame]:
    """The reference tables from areas, their lineage, agencies and the agency moves (old, new, effective): what
    the seed writes, and what the tests' and benchmarks' small warehouses write the same way."""
    return {
        "area": area,
        "area_lineage": lineage,
        "area_map": build_area_map(area, lineage),
        "agency": agency,
        "agency_lineage": close_agency_lineage(moves, list(agency.code)),
        "indicator": indicators(registry),
    }


def ministries(codes: list[str], since: date, ended: dict[str, date]) -> pd.DataFrame:
    """Agency rows of kind ministry named by their codes (test and benchmark warehouses), ended where given."""
    return pd.DataFrame([(c, c, c, "ministry", since, ended.get(c, OPEN_END)) for c in codes], columns=AGENCY_COLUMNS)


def tables(registry: Registry) -> dict[str, pd.DataFrame]:
    """Every reference table, replaced together by `warehouse.load.write_reference`."""
    agency = agencies.agencies(provinces_2025(), read_csv(PROVINCE_MAPPING))
    profile = active_profile()
    if profile.departments:  # a province's deployment: its sở, ban, ngành are agencies too
        agency = pd.concat([agency, agencies.departments(profile)], ignore_index=True)
    moves = agencies.lineage_pairs(read_csv(PROVINCE_MAPPING))
    area, lineage = areas(), area_lineage()
    if profile.commune_lineage:  # a province's deployment: its communes before 1 July 2025, and where they went
        home = area[(area["level"] == "commune") & (area["parent_code"] == profile.home_area)]
        old, more = old_communes(ADMIN / profile.commune_lineage, profile.home_area, set(home["code"]))
        area = pd.concat([area, old], ignore_index=True)
        lineage = pd.concat([lineage, more], ignore_index=True)
    return {**assemble(area, lineage, agency, moves, registry), "target": targets.targets(registry)}
