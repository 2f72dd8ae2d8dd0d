"""The codes a load is checked against: areas and agencies with their validity, and lineage for scopes — the one
loader of reference codes (observation loads read it directly, task loads through
connectors.tasks.task_files.load_refs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd

from connectors.checks.recent import recent_levels
from warehouse.db import Warehouse
from warehouse.schema import table


@dataclass(frozen=True)
class KnownCodes:
    """Reference rows as the warehouse holds them (validity windows: valid_to exclusive)."""

    areas: pd.DataFrame  # code, name_vi, level, valid_from, valid_to
    agencies: pd.DataFrame  # code, name_vi, kind, valid_from, valid_to
    area_map: pd.DataFrame  # src_code, valid_from, valid_to, dst_code, province_2025
    agency_lineage: pd.DataFrame  # old_code, new_code
    #: indicator codes -> each series' recent level (connectors/checks/recent.py); None: nothing to compare with
    levels: Callable[[tuple[str, ...]], pd.DataFrame] | None = None

    @classmethod
    def load(cls, wh: Warehouse) -> KnownCodes:
        area, agency = table("area"), table("agency")
        amap, lineage = table("area_map"), table("agency_lineage")
        return cls(
            areas=_dates(wh.execute(area.select("code", "name_vi", "level", "valid_from", "valid_to"))),
            agencies=_dates(wh.execute(agency.select("code", "name_vi", "kind", "valid_from", "valid_to"))),
            area_map=_dates(wh.execute(amap.select("src_code", "valid_from", "valid_to", "dst_code", "province_2025"))),
            agency_lineage=wh.execute(lineage.select("old_code", "new_code")),
            levels=partial(recent_levels, wh),
        )

    def area_codes(self) -> set[str]:
        return set(self.areas["code"])

    def agency_codes(self) -> set[str]:
        return set(self.agencies["code"])

    def successors(self, code: str, on: date) -> list[str]:
        m = self.area_map
        rows = m[(m["src_code"] == code) & (m["valid_to"] <= on)]
        return sorted(set(rows["dst_code"]) - {code})

    def area_provinces(self) -> pd.DataFrame:
        """(src_code, valid_from, valid_to, dst_code, province_2025): which 2025 unit and province an area code
        counts in, when (a split commune: one row per commune that received a piece)."""
        return self.area_map[["src_code", "valid_from", "valid_to", "dst_code", "province_2025"]]

    def agencies_within(self, codes: frozenset[str]) -> set[str]:
        """Agency codes that live on in `codes` (their pre-2025 predecessors included)."""
        lin = self.agency_lineage
        return set(lin.loc[lin["new_code"].isin(codes), "old_code"]) | set(codes)


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("valid_from", "valid_to"):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame
