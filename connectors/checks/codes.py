"""The codes a load is checked against: areas and agencies with their validity, and lineage for scopes — the one
loader of reference codes (observation loads read it directly, task loads through
connectors.tasks.task_files.load_refs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property, partial

from connectors.checks.recent import recent_level_rows, recent_levels
from warehouse.db import Warehouse
from warehouse.lazy import lazy
from warehouse.schema import table

pd = lazy("pandas")


class KnownCodes:
    """Reference rows as the warehouse holds them (validity windows: valid_to exclusive), each read on first use:
    a large staged load reads only the validity spans it needs, without pandas (`spans`)."""

    def __init__(self, wh: Warehouse) -> None:
        self._wh = wh
        #: indicator codes -> each series' recent level (connectors/checks/recent.py); None: nothing to compare with
        self.levels: Callable[[tuple[str, ...]], pd.DataFrame] | None = partial(recent_levels, wh)

    @classmethod
    def load(cls, wh: Warehouse) -> KnownCodes:
        return cls(wh)

    @cached_property
    def areas(self) -> pd.DataFrame:  # code, name_vi, level, valid_from, valid_to
        area = table("area")
        return _dates(self._wh.execute(area.select("code", "name_vi", "level", "valid_from", "valid_to")))

    @cached_property
    def agencies(self) -> pd.DataFrame:  # code, name_vi, kind, valid_from, valid_to
        agency = table("agency")
        return _dates(self._wh.execute(agency.select("code", "name_vi", "kind", "valid_from", "valid_to")))

    @cached_property
    def area_map(self) -> pd.DataFrame:  # src_code, valid_from, valid_to, dst_code, province_2025
        amap = table("area_map")
        return _dates(self._wh.execute(amap.select("src_code", "valid_from", "valid_to", "dst_code", "province_2025")))

    @cached_property
    def agency_lineage(self) -> pd.DataFrame:  # old_code, new_code
        lineage = table("agency_lineage")
        return self._wh.execute(lineage.select("old_code", "new_code"))

    def level_rows(self, codes: tuple[str, ...]) -> list[tuple]:
        """What `levels` gives for `codes`, as tuples (series key..., level) read without pandas on a DuckDB file."""
        return recent_level_rows(self._wh, codes)

    def spans(self, name: str) -> dict[str, list[tuple[date, date]]]:
        """`area` or `agency`: code -> its validity windows (valid_from, valid_to), as `areas`/`agencies` hold them;
        on a DuckDB file read straight from it (no pandas) unless the frame is read already."""
        read = "areas" if name == "area" else "agencies"
        if self._wh is not None and self._wh.raw_duckdb and read not in self.__dict__:
            rows = self._wh.rows(f"SELECT code, valid_from, valid_to FROM {name}")
        else:
            frame = getattr(self, read)
            rows = zip(frame["code"], frame["valid_from"], frame["valid_to"], strict=True)
        out: dict[str, list[tuple[date, date]]] = {}
        for code, a, b in rows:
            out.setdefault(code, []).append((a, b))
        return out

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
