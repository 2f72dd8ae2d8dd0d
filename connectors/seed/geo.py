"""Province boundaries for the maps: the 63 geoBoundaries polygons (as they were) and the 34 provinces of 2025,
dissolved from them through the province lineage with shapely. Run at build time (`python -m connectors.seed.geo`);
the app reads the derived GeoJSON files and never needs shapely."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "data" / "geo"
OUT_34 = OUT_DIR / "vn_provinces_34_2025.geojson"
OUT_63 = OUT_DIR / "vn_provinces_63_pre2025.geojson"
#: Douglas–Peucker tolerance in degrees (~500 m): keeps the map light in the browser, invisible at country scale
TOLERANCE = 0.005
DECIMALS = 4


def _find(relative: str) -> Path:
    """The repository's copy under data/ when the reference data has been copied there, else the shared folder."""
    for base in (ROOT / "data", ROOT.parent / "shared" / "data"):
        if (base / relative).exists():
            return base / relative
    raise FileNotFoundError(f"{relative}: not found under data/ nor ../shared/data/")


def _round(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round(c) for c in coords]


def _feature(code: str, name_vi: str, name_en: str, geom: Any) -> dict[str, Any]:
    geo = mapping(geom.simplify(TOLERANCE, preserve_topology=True))
    return {
        "type": "Feature",
        "id": code,
        "properties": {"code": code, "name_vi": name_vi, "name_en": name_en},
        "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])},
    }


def build() -> tuple[dict[str, Any], dict[str, Any]]:
    """(63 pre-2025 provinces, 34 provinces of 2025) as GeoJSON FeatureCollections keyed by GSO code."""
    shapes = json.loads(_find("geo/geoBoundaries-VNM-ADM1_simplified.geojson").read_text(encoding="utf-8"))
    with _find("geo/geoBoundaries-VNM-ADM1_code_crosswalk.csv").open(encoding="utf-8") as fh:
        crosswalk = {r["shapeID"]: r for r in csv.DictReader(fh)}
    with _find("admin/vn_provinces_63_to_34_mapping_2025.csv").open(encoding="utf-8") as fh:
        lineage = {r["old_code"]: r for r in csv.DictReader(fh)}
    with _find("admin/vn_provinces_63_pre2025_with_regions.csv").open(encoding="utf-8") as fh:
        old_names = {r["code"]: (r["full_name"], r["full_name_en"]) for r in csv.DictReader(fh)}

    old_parts: dict[str, list[Any]] = {}
    for feat in shapes["features"]:
        row = crosswalk[feat["properties"]["shapeID"]]
        # Côn Đảo is its own polygon in geoBoundaries: it belongs to Bà Rịa – Vũng Tàu (77)
        old_parts.setdefault(row["gso_code_pre2025"], []).append(shape(feat["geometry"]).buffer(0))
    missing = sorted(set(lineage) - set(old_parts))
    if missing:
        raise ValueError(f"geoBoundaries has no polygon for pre-2025 provinces {missing}")

    old_geoms = {code: unary_union(parts) for code, parts in old_parts.items()}
    new_parts: dict[str, list[Any]] = {}
    new_names: dict[str, str] = {}
    for old, geom in old_geoms.items():
        lin = lineage[old]
        new_parts.setdefault(lin["new_code"], []).append(geom)
        new_names[lin["new_code"]] = lin["new_name"]
    old_fc = [_feature(c, old_names[c][0], old_names[c][1], g) for c, g in sorted(old_geoms.items())]
    new_fc = [
        _feature(c, new_names[c], new_names[c], unary_union(parts).buffer(0)) for c, parts in sorted(new_parts.items())
    ]
    return (
        {"type": "FeatureCollection", "features": old_fc},
        {"type": "FeatureCollection", "features": new_fc},
    )


def write(out_dir: Path = OUT_DIR) -> tuple[Path, Path]:
    old_fc, new_fc = build()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = (out_dir / OUT_63.name, out_dir / OUT_34.name)
    for path, fc in zip(paths, (old_fc, new_fc), strict=True):
        path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return paths


if __name__ == "__main__":
    for p in write():
        print(f"wrote {p.relative_to(ROOT)} ({p.stat().st_size // 1024} KiB)", file=sys.stderr)
