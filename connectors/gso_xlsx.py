"""GSO's monthly socio-economic workbooks through a declarative mapping (connectors/mappings/gso_monthly.yml).

A sheet is recognised by words of its title (sheet names change month to month: '16. CPI', '24.CPI'); its merged
two- and three-row headers are read by the grammar in gso_headers.py; its rows map to indicators, areas, agencies
or categories by label, or by sections ('Phân theo một số tỉnh, thành phố', 'Trong đó:'). A sheet the mapping does
not name is reported, never guessed; a row label that names no known area or agency is rejected by validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from openpyxl.utils import get_column_letter

from connectors.base import ROW, Batch, Connector, file_problem
from connectors.codes import KnownCodes
from connectors.gso_headers import Column, classify, fold, title_period
from connectors.gso_names import tidy
from semantic.strict import Strict, parse, read_yaml
from warehouse.lineage import period_end
from warehouse.load import file_sha256

MAPPINGS = Path(__file__).resolve().parent / "mappings"
DEFAULT_MAPPING = MAPPINGS / "gso_monthly.yml"
Base = Literal["level", "yoy", "pop", "ytd", "ytd_yoy", "base_year"]
_PREFIXES = ("thanh pho ", "tp ", "tinh ")


class RowRule(Strict):
    """A row by its label, or every row of a section read as areas, agencies or categories."""

    indicator: str
    label: str | tuple[str, ...] | None = None  # the row whose label is this, or one of these (spellings vary)
    section: str | None = None  # the rows after the row labelled this ...
    until: str | None = None  # ... up to the row labelled this (else the sheet's end)
    each: Literal["area", "agency", "category"] | None = None  # what a section row's label names
    area: str = "VN"
    agency: str | None = None
    category: str | None = None
    form: Literal["index100", "percent"] | None = None


class SheetMap(Strict):
    id: str
    title: str  # words of the sheet's title
    columns: dict[str, Base]  # column kind (gso_headers.KINDS) -> base
    require: str | None = None  # only columns whose header holds this word (XK: 'trị giá', not 'lượng')
    unit: str | None = None  # unit of the level columns as GSO prints it
    form: Literal["index100", "percent"] = "index100"  # how comparisons are printed (102.91 vs 2.91)
    rows: tuple[RowRule, ...]


class Mapping(Strict):
    source: str = "GSO"
    agencies: dict[str, tuple[str, ...]] = {}  # agency code -> names as GSO prints them
    areas: dict[str, tuple[str, ...]] = {}  # area code -> extra names ('cả nước')
    sheets: tuple[SheetMap, ...]


def load_mapping(path: Path = DEFAULT_MAPPING) -> Mapping:
    return parse(Mapping, read_yaml(path), str(path))


def looks_like_gso(data: bytes) -> bool:
    """A workbook whose first row is not the canonical header is read as a GSO workbook."""
    import openpyxl

    wb = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    first = next(wb.worksheets[0].iter_rows(min_row=1, max_row=1, values_only=True), ())
    return "indicator_code" not in {str(v).strip().lower() for v in first if v is not None}


@dataclass
class Sheet:
    """A sheet as a grid of values, merged header cells filled in, and where its data starts."""

    name: str
    grid: list[list[Any]]
    title: str
    data_start: int  # 0-based row index of the first data row

    @classmethod
    def read(cls, ws: Any) -> Sheet:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        width = max((len(r) for r in grid), default=0)
        grid = [r + [None] * (width - len(r)) for r in grid]
        start = _data_start(grid)
        for rng in ws.merged_cells.ranges:  # a merged header label belongs to every column it spans
            if rng.min_row - 1 >= start:
                continue
            top = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                for c in range(rng.min_col - 1, min(rng.max_col, width)):
                    grid[r][c] = top
        title = " ".join(str(v) for r in grid[: max(start, 1)][:3] for v in r[:1] if isinstance(v, str))
        return cls(ws.title, grid, title, start)

    def header(self, col: int) -> str:
        parts: list[str] = []
        for r in self.grid[: self.data_start]:
            v = r[col]
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            v = str(v).strip() if isinstance(v, str | int) and not isinstance(v, bool) else ""
            if v and (not parts or parts[-1] != v):  # a year row ('2025') is part of the header
                parts.append(v)
        return " ".join(parts)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _data_start(grid: list[list[Any]]) -> int:
    """The first row with a text label followed by a number (header rows have years but no label)."""
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if _is_number(v) and any(isinstance(x, str) and x.strip() for x in row[:j]):
                return i
    return len(grid)


def _label(row: list[Any], first_data: int) -> tuple[str, int, bool]:
    """(label, column index, sub-row) of a row: the last text left of the data. 'Trong đó:' marks a sub-row (an
    item of the row above, whose parent only position tells), it is not a label itself."""
    texts = [(j, str(v).strip()) for j, v in enumerate(row[:first_data]) if isinstance(v, str) and v.strip()]
    sub = any(fold(t).startswith("trong do") for _, t in texts)
    kept = [(j, t) for j, t in texts if fold(t) != "trong do"]
    if not kept:
        return (texts[-1][1], texts[-1][0], False) if texts else ("", -1, False)
    j, t = kept[-1]
    t = re.sub(r"^trong đó\s*:?\s*", "", t, flags=re.I)
    return t, j, sub


def _labels(rule: RowRule) -> set[str]:
    if rule.label is None:
        return set()
    return {fold(x) for x in ((rule.label,) if isinstance(rule.label, str) else rule.label)}


@dataclass
class GsoWorkbookConnector(Connector):
    data: bytes
    file_name: str
    source: str
    mapping_path: Path | None = None
    codes: KnownCodes | None = None
    format = "gso-xlsx"
    notes: list[str] = field(default_factory=list)

    def bind(self, codes: KnownCodes) -> None:
        """Area names resolve against the warehouse's areas (valid at each period's end)."""
        self.codes = codes

    def batches(self) -> Iterator[Batch]:
        import openpyxl

        mapping = load_mapping(self.mapping_path or DEFAULT_MAPPING)
        digest = file_sha256(self.data)
        wb = openpyxl.load_workbook(BytesIO(self.data), data_only=True)
        matched: list[tuple[Sheet, SheetMap]] = []
        unmapped: list[str] = []
        for ws in wb.worksheets:
            sheet = Sheet.read(ws)
            rule = next((m for m in mapping.sheets if fold(m.title) in fold(sheet.title)), None)
            if rule is None:
                unmapped.append(f"{ws.title.strip()} ({sheet.title.strip()[:70]})")
            else:
                matched.append((sheet, rule))
        notes = (
            [f"unmapped sheets (not loaded) / trang không có trong ánh xạ (không nạp): {'; '.join(unmapped)}"]
            if unmapped
            else []
        )
        # a workbook does not say when it was published: without --published-at the load time is the vintage, which
        # makes an old workbook's first estimates newer than the revisions loaded since
        notes.append(
            "vintage: the workbook has no publication date; pass --published-at (GSO's release day) / "
            "tệp không ghi ngày công bố; hãy dùng --published-at (ngày Tổng cục công bố)"
        )
        if not matched:
            yield Batch(
                mapping.source,
                self.file_name,
                digest,
                pd.DataFrame(),
                notes=notes,
                problems=[
                    file_problem(
                        self.file_name,
                        "mapping",
                        "no sheet of this workbook is in the mapping",
                        "không trang nào của tệp có trong ánh xạ",
                    )
                ],
            )
            return
        for i, (sheet, rule) in enumerate(matched):
            records, sheet_notes = self._records(sheet, rule, mapping)
            yield Batch(
                self.source or mapping.source,
                f"{self.file_name} [{sheet.name.strip()}]",
                digest,
                records,
                notes=(notes if i == 0 else []) + sheet_notes,
            )

    # -- one sheet -----------------------------------------------------------------------------------------------
    def _records(self, sheet: Sheet, rule: SheetMap, mapping: Mapping) -> tuple[pd.DataFrame, list[str]]:
        year_month = title_period(sheet.title)
        width = len(sheet.grid[0]) if sheet.grid else 0
        cols: list[tuple[int, Column, str]] = []
        for j in range(1, width):
            head = sheet.header(j)
            col = classify(head, year_month[0] if year_month else None) if head else None
            if col is not None:
                cols.append((j, col, head))
        first = min((j for j, _, _ in cols), default=width)
        wanted = [
            (j, c, h)
            for j, c, h in cols
            if c.kind in rule.columns and (rule.require is None or fold(rule.require) in fold(h))
        ]
        skipped = sorted({c.kind for _, c, _ in cols} - set(rule.columns))
        notes = [f"{sheet.name.strip()}: columns not loaded: {', '.join(skipped)}"] if skipped else []
        out: list[dict[str, Any]] = []
        active: RowRule | None = None
        unmatched = 0
        for i in range(sheet.data_start, len(sheet.grid)):
            row = sheet.grid[i]
            label, label_col, sub = _label(row, first)
            if not label:
                continue
            key = fold(label)
            section = next((r for r in rule.rows if r.section and fold(r.section) == key), None)
            if section is not None:
                active = section
                continue
            if active is not None and active.until and fold(active.until) == key:
                active = None
            fixed = next((r for r in rule.rows if key in _labels(r)), None)
            # a 'Trong đó:' sub-item in a section is ambiguous out of position ('Nguyên chiếc' of cars and of
            # motorbikes): only an explicit label rule loads it
            target = fixed or (active if not sub or active is None or active.each != "category" else None)
            values = [(j, c, h) for j, c, h in wanted if _is_number(row[j])]
            if not values:
                continue
            if target is None:
                unmatched += 1
                continue
            for j, col, head in values:
                out.append(
                    self._record(sheet, rule, mapping, target, fixed is None, label, label_col, i, j, col, head, row[j])
                )
        if unmatched:
            notes.append(f"{sheet.name.strip()}: {unmatched} rows with figures are not in the mapping (not loaded)")
        frame = (
            pd.DataFrame(out) if out else pd.DataFrame(columns=["indicator_code", "area_code", "period", "value", ROW])
        )
        return frame, notes

    def _record(
        self,
        sheet: Sheet,
        rule: SheetMap,
        mapping: Mapping,
        target: RowRule,
        by_section: bool,
        label: str,
        label_col: int,
        i: int,
        j: int,
        col: Column,
        head: str,
        value: Any,
    ) -> dict[str, Any]:
        base = rule.columns[col.kind]
        period = f"{col.year}-{col.month:02d}"
        area, agency, category = target.area, target.agency, target.category
        if by_section and target.each == "area":
            area = self._area(label, col, mapping)
        elif by_section and target.each == "agency":
            agency = _agency(label, mapping)
        elif by_section and target.each == "category":
            category = tidy(label)
        form = target.form or rule.form
        if base == "level" or base == "ytd":
            unit = rule.unit
        else:
            unit = "index" if form == "index100" else "%"
        letter = get_column_letter(j + 1)
        return {
            "indicator_code": target.indicator,
            "area_code": area,
            "agency_code": agency,
            "category": category,
            "period": period,
            "value": float(value),
            "base": base,
            "unit": unit,
            "status": col.status,
            "note": f"{sheet.name.strip()}!{letter}{i + 1}",
            ROW: i + 1,
            "_col_value": f"{letter} ({head[:60]})",
            "_col_area_code": get_column_letter(label_col + 1),
            "_col_agency_code": get_column_letter(label_col + 1),
        }

    def _area(self, label: str, col: Column, mapping: Mapping) -> str:
        key = _strip_prefix(fold(label))
        for code, names in mapping.areas.items():
            if key in {_strip_prefix(fold(n)) for n in names}:
                return code
        if self.codes is None:
            return label
        end = period_end(pd.Timestamp(col.year, col.month, 1).date(), "M")
        areas = self.codes.areas
        live = areas[(areas["valid_from"] <= end) & (areas["valid_to"] > end) & (areas["level"] != "commune")]
        hits = [c for c, n in zip(live["code"], live["name_vi"], strict=False) if _strip_prefix(fold(n)) == key]
        return hits[0] if len(hits) == 1 else label


def _agency(label: str, mapping: Mapping) -> str:
    key = fold(label)
    for code, names in mapping.agencies.items():
        if key in {fold(n) for n in names}:
            return code
    return label


def _strip_prefix(name: str) -> str:
    for p in _PREFIXES:
        if name.startswith(p):
            return name[len(p) :]
    return name
