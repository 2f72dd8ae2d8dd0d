"""The indicator catalog (metadata cards) and the reference code lists the access gate validates claims against."""

from __future__ import annotations

from datetime import date

from semantic.model import SemanticModel
from semantic.profile import active as active_profile
from warehouse.db import Warehouse
from warehouse.lazy import lazy
from warehouse.schema import table

pd = lazy("pandas")

CATALOG_COLUMNS = (
    "code",
    "name_vi",
    "name_en",
    "group",
    "unit",
    "unit_en",
    "frequency",
    "kind",
    "time_agg",
    "space_agg",
    "direction",
    "comparisons",
    "owner",
    "source",
    "legal_basis",
    "release_due_days",
    "statistical",
    "demo",
    "description_vi",
    "description_en",
)


def catalog_frame(model: SemanticModel) -> pd.DataFrame:
    rows = []
    for ind in sorted(model.registry, key=lambda i: (i.group, i.code)):
        data = ind.model_dump()
        data["comparisons"] = ",".join(ind.comparisons)
        rows.append({c: data[c] for c in CATALOG_COLUMNS})
    return pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))


def reference_codes(wh: Warehouse, on: date | None = None) -> tuple[set[str], set[str]]:
    """(agency codes, province codes) that exist on `on` (today): the only codes a claim may name. A dissolved
    ministry, a pre-2025 province, a commune or the country in a `province` claim grants nothing. In a province's
    deployment (semantic/profile.py) they are its own province, communes (five-digit codes) and departments."""
    on = on or date.today()
    agency, area = table("agency"), table("area")
    live_agency = agency.filter(agency.valid_from <= on, agency.valid_to > on)
    live_area = area.filter(area.valid_from <= on, area.valid_to > on, area.level == "province")
    agencies = set(wh.execute(live_agency.select("code").distinct())["code"])
    areas = set(wh.execute(live_area.select("code").distinct())["code"])
    profile = active_profile()
    if profile.province:
        # a province's deployment: claims name its own province, its communes and wards, its departments and its
        # committee; any other province's (or a ministry's) claims grant nothing here
        home = profile.home_area
        communes = area.filter(area.valid_from <= on, area.valid_to > on, area.level == "commune")
        communes = communes.filter(communes.parent_code == home)
        areas = (areas & {home}) | set(wh.execute(communes.select("code").distinct())["code"])
        agencies &= set(profile.department_codes()) | {profile.committee or ""}
    return agencies, areas


def agencies_on(wh: Warehouse, on: date | None = None) -> pd.DataFrame:
    """The agencies (ministries, GSO, SBV…) that exist on `on` (today), by code: reference data, no values."""
    on = on or date.today()
    agency = table("agency")
    live = agency.filter(agency.valid_from <= on, agency.valid_to > on)
    return wh.execute(live.select("code", "name_vi", "name_en", "kind").order_by("code"))


def agency_names(wh: Warehouse, on: date | None = None) -> pd.DataFrame:
    """Agencies in office on `on` (today): code, name_vi, name_en — what a page shows instead of a code."""
    return agencies_on(wh, on)[["code", "name_vi", "name_en"]].drop_duplicates().reset_index(drop=True)
