"""The administrative units a reader may pick and map: the country and the provinces valid on a date (34 from
2025-07-01, 63 before) within the reader's scope, their polygons, and the offshore archipelagos."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from semantic.errors import QueryError
from semantic.profile import active as active_profile
from semantic.scope import Scope
from warehouse.db import Warehouse
from warehouse.lineage import MERGER_2025
from warehouse.schema import table

COLUMNS = ["code", "name_vi", "name_en", "level"]


def provinces_on(wh: Warehouse, on: date) -> pd.DataFrame:
    """The provinces (and the country) valid on `on`, ordered: VN first, then by code."""
    area = table("area")
    expr = area.filter(area.valid_from <= on, area.valid_to > on, area.level.isin(["national", "province"]))
    frame = wh.execute(expr.select(*COLUMNS))
    frame["_n"] = (frame["level"] != "national").astype(int)
    return frame.sort_values(["_n", "code"]).drop(columns="_n").reset_index(drop=True)


def units_on(wh: Warehouse, on: date) -> pd.DataFrame:
    """The units a reader may pick in this deployment: the country and its provinces (national profile), or the
    country, the home province and the province's communes and wards of `on` (a province's profile), home first;
    a province's profile adds `parent_code` (the home province for its communes, None for the others)."""
    profile = active_profile()
    frame = provinces_on(wh, on)
    if not profile.province:
        return frame
    area, amap = table("area"), table("area_map")
    # the communes of `on` that count in the home province of 2025: after the merger its communes; before it the
    # pre-2025 communes of the lineage (of old Hưng Yên and of Thái Bình alike), whatever their province then was
    counted = amap.filter(amap.province_2025 == profile.home_area, amap.valid_from <= on, amap.valid_to > on)
    communes = area.filter(
        area.valid_from <= on, area.valid_to > on, area.level == "commune", area.code.isin(counted.src_code)
    )
    communes = wh.execute(communes.select(*COLUMNS)).sort_values("code")
    communes["parent_code"] = profile.home_area  # the province (of 2025) they count in, which the scope reads
    home = frame[frame["code"] == profile.home_area]
    country = frame[frame["level"] == "national"]
    out = pd.concat([home, country, communes], ignore_index=True)
    return out.astype({"parent_code": object}).where(out.notna(), None)


def boundary_date(boundaries: str, period_start: date | None) -> date:
    """The date whose units a view shows: today's for 2025 boundaries; the period's own when 'as it was'."""
    if boundaries == "as-was" and period_start is not None and period_start < MERGER_2025:
        return period_start
    return max(MERGER_2025, date.today())


def visible(frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The units `scope` may pick: all of them, or its provinces (and the country when national figures are
    visible to it). Picking is convenience: the query path applies the scope again whatever is picked."""
    parents = frame["parent_code"] if "parent_code" in frame.columns else None
    return frame[scope.keep_units(frame["code"], frame["level"], parents)].reset_index(drop=True)


GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
GEO_FILES = {"34": "vn_provinces_34_2025.geojson", "63": "vn_provinces_63_pre2025.geojson"}

#: Viet Nam's offshore archipelagos, drawn as labelled points on every map (no polygon source ships with
#: geoBoundaries): Hoàng Sa (Paracel), a district of Đà Nẵng; Trường Sa (Spratly), a special zone of Khánh Hòa.
ARCHIPELAGOS = (
    {"code": "hoang_sa", "lat": 16.5, "lon": 112.0, "province": "48"},
    {"code": "truong_sa", "lat": 10.0, "lon": 114.0, "province": "56"},
)


def map_kind(boundaries: str, period_start: date | None) -> str:
    """'63' (the provinces as they were) only for an as-was view of a period before 1 July 2025; else '34'."""
    return "63" if boundaries == "as-was" and period_start is not None and period_start < MERGER_2025 else "34"


def boundaries_geojson(kind: str) -> dict[str, Any]:
    """The province polygons (built by connectors/seed/geo.py from geoBoundaries through the lineage), keyed by code."""
    if kind not in GEO_FILES:
        raise QueryError(f"unknown map '{kind}'; valid choices: 34, 63", f"bản đồ '{kind}' không có; hợp lệ: 34, 63")
    return json.loads((GEO_DIR / GEO_FILES[kind]).read_text(encoding="utf-8"))


def provincial_indicators(wh: Warehouse) -> list[str]:
    """Indicators with values below the national level (what a map can show); codes only, no values."""
    obs = table("observation")
    expr = obs.filter(obs.area_code != "VN", obs.agency_code.isnull(), obs.category.isnull())
    expr = expr.select("indicator_code").distinct()
    return sorted(wh.execute(expr)["indicator_code"])
