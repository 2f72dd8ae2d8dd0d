"""The indicator catalog (metadata cards) and the reference code lists the access gate validates claims against."""

from __future__ import annotations

import pandas as pd

from semantic.model import SemanticModel
from warehouse.db import Warehouse
from warehouse.schema import table

CATALOG_COLUMNS = (
    "code", "name_vi", "name_en", "group", "unit", "unit_en", "frequency", "kind", "time_agg", "space_agg",
    "direction", "comparisons", "owner", "source", "legal_basis", "release_due_days", "statistical", "demo",
    "description_vi", "description_en",
)


def catalog_frame(model: SemanticModel) -> pd.DataFrame:
    rows = []
    for ind in sorted(model.registry, key=lambda i: (i.group, i.code)):
        data = ind.model_dump()
        data["comparisons"] = ",".join(ind.comparisons)
        rows.append({c: data[c] for c in CATALOG_COLUMNS})
    return pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))


def reference_codes(wh: Warehouse) -> tuple[set[str], set[str]]:
    """(agency codes, area codes) known to the warehouse: a claim naming anything else grants nothing."""
    agency, area = table("agency"), table("area")
    agencies = set(wh.execute(agency.select("code").distinct())["code"])
    areas = set(wh.execute(area.select("code").distinct())["code"])
    return agencies, areas
