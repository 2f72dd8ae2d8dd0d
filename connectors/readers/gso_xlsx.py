"""GSO's monthly socio-economic workbooks through a declarative mapping (connectors/readers/mappings/gso_monthly.yml).

A sheet is recognised by words of its title (sheet names change month to month: '16. CPI', '24.CPI'); its merged
two- and three-row headers are read by the grammar in gso_headers.py; its rows map to indicators, areas, agencies
or categories by label, or by sections ('Phân theo một số tỉnh, thành phố', 'Trong đó:'). A sheet the mapping does
not name is reported, never guessed; a row label that names no known area or agency is rejected by validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from openpyxl.utils import get_column_letter

from connectors.base import ROW, Batch, Connector, Problem, file_problem
from connectors.checks.codes import KnownCodes
from connectors.readers.gso_headers import Column, classify, english, fold, title_period
from connectors.readers.gso_names import province_code, tidy
from connectors.readers.gso_read import RawSheet, Unreadable, read_sheets
from semantic.strict import Strict, parse, read_yaml
from semantic.vocab import Base
from warehouse.lineage import period_end
from warehouse.load import file_sha256

MAPPINGS = Path(__file__).resolve().parent / "mappings"
DEFAULT_MAPPING = MAPPINGS / "gso_monthly.yml"
_PREFIXES = ("thanh pho ", "tp ", "tinh ")


class RowRule(Strict):
    """A row by its label, or every row of a section read as areas, agencies or categories."""

    indicator: str = ""  # empty in a `keyed` table: the words around each figure name its indicator
    label: str | tuple[str, ...] | None = None  # the row whose label is this, or one of these (spellings vary)
    section: str | None = None  # the rows after the row labelled this ...
    until: str | None = None  # ... up to the row labelled this (else the sheet's end)
    each: Literal["area", "agency", "category"] | None = None  # what a section row's label names
    area: str = "VN"
    agency: str | None = None
    category: str | None = None
    form: Literal["index100", "percent"] | None = None
    unit: str | None = None  # this row's unit where it is not the table's ('Vốn đăng ký (Tỷ đồng)' among 'DN' rows)


class SheetMap(Strict):
    id: str
    title: str | tuple[str, ...]  # words of the sheet's title (one of these wordings: they change over the years)
    exclude: tuple[str, ...] = ()  # ... unless the title has one of these words ('chỉ số giá' xuất khẩu)
    columns: dict[str, Base]  # column kind (gso_headers.KINDS) -> base
    require: str | None = None  # only columns whose header holds this word (XK: 'trị giá', not 'lượng')
    unit: str | None = None  # unit of the level columns as GSO prints it
    form: Literal["index100", "percent"] = "index100"  # how comparisons are printed (102.91 vs 2.91)
    # a table whose columns name no period ('Số dự án', 'Vốn đăng ký') but whose title gives the year to date
    # ('được cấp phép từ 01/01- 20/12/2023'): each column is the year-to-date level of the indicator its header
    # names (first match of these header words, in order; a header matching none is not loaded)
    measures: dict[str, str] = {}
    units: dict[str, str] = {}  # an indicator's own unit where it is not `unit` (FDI_PROJECTS: dự án)
    # a table printing each row's unit in a column (industrial products: 'Đơn vị tính' | 'Nghìn tấn', '"' = the
    # unit above): words of that column's header. A level is then in its row's printed unit (validation converts it
    # or refuses it by name); a row with no unit printed has its levels left out
    unit_column: str | None = None
    # the units a table may print above its figures or in a level column's header (tourist arrivals: 'Nghìn lượt
    # người' in some years, 'Lượt người' in others): the one printed is the levels' unit; none printed, none loaded
    printed_units: tuple[str, ...] = ()
    # a table whose figures say what they measure only by the words around them (transport: 'A. HÀNH KHÁCH' /
    # 'B. HÀNG HÓA' section rows or the sheet's title, 'Vận chuyển' / 'Luân chuyển' columns or row labels): each
    # facet is a set of alternative words; the nearest text saying exactly one of them decides it (the row's label,
    # its column's header, the labels above it nearest first, the title); `keyed` names the indicator of each
    # combination (words in facet order). A figure with a facet left undecided is not loaded.
    facets: tuple[tuple[str, ...], ...] = ()
    keyed: dict[str, tuple[str, ...]] = {}
    rows: tuple[RowRule, ...]


class Mapping(Strict):
    source: str = "GSO"
    agencies: dict[str, tuple[str, ...]] = {}  # agency code -> names as GSO prints them
    areas: dict[str, tuple[str, ...]] = {}  # area code -> extra names ('cả nước')
    sheets: tuple[SheetMap, ...]


def load_mapping(path: Path = DEFAULT_MAPPING) -> Mapping:
    return parse(Mapping, read_yaml(path), str(path))


def looks_like_gso(data: bytes) -> bool:
    """A workbook whose first row is not the canonical header is read as a GSO workbook (so is one that cannot be
    read at all: the GSO reader names the file and the reason, exit 2)."""
    try:
        sheets = read_sheets(data, "")
    except Unreadable:
        return True
    first = sheets[0].grid[0] if sheets and sheets[0].grid else []
    return "indicator_code" not in {str(v).strip().lower() for v in first if v is not None}


_PERIOD_WORDS = re.compile(
    r"\b(thang|quy|nam|so voi|ky goc|thuc hien|uoc tinh|uoc|so bo|binh quan|cong don|chinh thuc|luong|tri gia|"
    r"don vi|don vi tinh|ty dong|trieu usd|nghin tan|cung ky)\b"
)


def _texts(row: list[Any]) -> list[tuple[int, str]]:
    return [(j, v.strip()) for j, v in enumerate(row) if isinstance(v, str) and v.strip()]


def _unit_like(text: str) -> bool:
    """A unit or note line above the header ('%', 'Tỷ đồng', 'Đơn vị tính: %'), not a period header."""
    f = fold(text)
    return len(f) <= 40 and not re.search(r"\b(thang|quy|so voi|thuc hien|uoc|so bo|binh quan|\d{4})\b", f)


@dataclass
class Sheet:
    """A sheet as a grid: its title rows, its header rows (merged header cells filled in, the title's merge not),
    and where its data starts."""

    name: str
    grid: list[list[Any]]
    title: str
    header_start: int  # 0-based row index of the first header row (after the title and unit lines)
    data_start: int  # 0-based row index of the first data row

    @classmethod
    def read(cls, raw: RawSheet) -> Sheet:
        grid = [list(r) for r in raw.grid]
        head = 0
        title_parts: list[str] = []
        while head < len(grid):
            texts = _texts(grid[head])
            numbers = [v for v in grid[head] if _is_number(v)]
            if numbers:
                break
            title_like = all(j <= 1 for j, _ in texts) or (len(texts) == 1 and _unit_like(texts[0][1]))
            if texts and not title_like:
                break
            title_parts += [t for j, t in texts if j <= 1]
            head += 1
        start = _data_start(grid, head)
        width = len(grid[0]) if grid else 0
        for r0, c0, r1, c1 in raw.merged:  # a merged header label belongs to every column it spans
            if r0 < head or r0 >= start:
                continue  # the title's merge (or a merged data label) is no column's header
            top = grid[r0][c0]
            for r in range(r0, min(r1 + 1, start)):
                for c in range(c0, min(c1 + 1, width)):
                    grid[r][c] = top
        return cls(raw.name, grid, " ".join(title_parts), head, start)

    def header(self, col: int) -> str:
        parts: list[str] = []
        for r in self.grid[self.header_start : self.data_start]:
            v = r[col]
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            v = " ".join(str(v).split()) if isinstance(v, str | int) and not isinstance(v, bool) else ""
            if v and (not parts or parts[-1] != v):  # a year row ('2025') is part of the header
                parts.append(v)
        return " ".join(parts)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _header_like(row: list[Any], j: int) -> bool:
    """A header row that has a number: years typed as numbers ('Tháng 12 năm' | 2023) or small scratch numbers,
    next to period words."""
    nums = [v for v in row if _is_number(v)]
    texts = _texts(row)
    if sum(1 for _, t in texts if _PERIOD_WORDS.search(fold(t))) >= 2:
        return True  # period words over several columns: a header, whatever scratch figures stand beside it
    words = " ".join(t for _, t in texts)
    yearish = all(float(v).is_integer() and (1990 <= v <= 2035 or 0 <= v <= 12) for v in nums)
    return yearish and bool(_PERIOD_WORDS.search(fold(words)))


def _data_start(grid: list[list[Any]], head: int = 0) -> int:
    """The first row with a text label followed by a number that is not a header row."""
    for i in range(head, len(grid)):
        row = grid[i]
        if not any(isinstance(x, str) and x.strip() for x in row[:2]):
            continue  # a data row is labelled in its first columns; numbers elsewhere are scratch or years
        for j, v in enumerate(row):
            if _is_number(v) and any(isinstance(x, str) and x.strip() for x in row[:j]):
                if _header_like(row, j):
                    break
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


#: column kinds a release may write: its own month and the month before (which it revises), nothing older
LOADABLE = ("month_level", "month_yoy", "month_pop", "month_base_year", "ytd_level", "ytd_yoy")
_RELEASE_NAME = re.compile(r"(20\d\d|19\d\d)[-_.](\d{1,2})(?!\d)")


def release_month(file_name: str, titles: list[str]) -> tuple[int, int] | None:
    """The month a workbook reports: from its file name (gso_bieu_kt-xh_2024-12.xlsx), else the month most of its
    sheet titles name."""
    m = _RELEASE_NAME.search(Path(file_name).name)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2))
    found = [p for p in (title_period(t) for t in titles) if p]
    return max(set(found), key=found.count) if found else None


def previous(ym: tuple[int, int]) -> tuple[int, int]:
    return (ym[0], ym[1] - 1) if ym[1] > 1 else (ym[0] - 1, 12)


def table_kind(title: str) -> str:
    """monthly | quarterly | annual: a table of the quarters ('… các quý năm 2023', '… quý IV năm 2023') is not the
    monthly table of the same indicator, whatever words their titles share."""
    t = fold(title)
    if re.search(r"\bcac quy\b|\bquy (i|ii|iii|iv) (nam \d{4}|va nam)", t) and not re.search(r"\bthang\b", t):
        return "quarterly"
    # the English edition: 'IIP of every quarter in 2020', 'Exports of goods in the quarters of 2020'
    if re.search(r"\bevery quarter\b|\bquarters of\b", t) and not re.search(r"\bmonths?\b", t):
        return "quarterly"
    if re.search(r"(?<!thang )\b5 nam\b|\bnam 20\d\d 20\d\d\b", t):
        return "annual"
    return "monthly"


def matched_any(readings: list[SheetReading]) -> bool:
    return any(r.rule is not None for r in readings)


def _titles(rule: SheetMap) -> tuple[str, ...]:
    return (rule.title,) if isinstance(rule.title, str) else rule.title


def match_sheet(mapping: Mapping, title: str) -> SheetMap | None:
    key = fold(title)
    for m in mapping.sheets:
        if any(fold(t) in key for t in _titles(m)) and not any(fold(x) in key for x in m.exclude):
            return m
    return None


@dataclass
class ColumnReading:
    index: int
    header: str
    column: Column | None
    loaded: bool
    why: str
    indicator: str | None = None  # the column's own indicator (a `measures` table)


_CUTOFF = re.compile(r"từ 0?1/0?1\s*-\s*(\d{1,2})/(\d{1,2})/(\d{4})")


_CUTOFF_EN = re.compile(r"from january 0?1 to ([a-z]+) (\d{1,2}),? (\d{4})")
_MONTH_NAMES = "january february march april may june july august september october november december".split()


def cutoff(title: str) -> tuple[int, int] | None:
    """(year, month) of a year-to-date table's cut-off day: 'từ 01/01- 20/12/2023' -> (2023, 12); the English
    edition's 'from January 01 to September 20, 2020' -> (2020, 9)."""
    t = re.sub(r"\s+", " ", title.lower())
    m = _CUTOFF.search(t)
    if m:
        return (int(m.group(3)), int(m.group(2))) if 1 <= int(m.group(2)) <= 12 else None
    m = _CUTOFF_EN.search(t)
    if m and m.group(1) in _MONTH_NAMES:
        return int(m.group(3)), _MONTH_NAMES.index(m.group(1)) + 1
    return None


@dataclass
class SheetReading:
    sheet: Sheet
    rule: SheetMap | None
    kind: str
    why: str
    columns: list[ColumnReading] = field(default_factory=list)


@dataclass
class GsoWorkbookConnector(Connector):
    data: bytes
    file_name: str
    source: str
    mapping_path: Path | None = None
    codes: KnownCodes | None = None
    format = "gso-xlsx"
    notes: list[str] = field(default_factory=list)
    published_at: Any = None  # the release day when the caller knows it (--published-at, backfill)
    _names: dict[Any, dict[str, list[str]]] = field(default_factory=dict)

    def bind(self, codes: KnownCodes) -> None:
        """Area names resolve against the warehouse's areas (valid at each period's end)."""
        self.codes = codes

    def _fail(self, digest: str, rule: str, en: str, vi: str, notes: list[str] | None = None) -> Batch:
        return Batch(
            self.source or "GSO",
            self.file_name,
            digest,
            pd.DataFrame(columns=["indicator_code", "area_code", "period", "value", ROW]),
            notes=notes or [],
            problems=[file_problem(self.file_name, rule, en, vi)],
        )

    def readings(self) -> tuple[tuple[int, int] | None, list[SheetReading]]:
        """Every sheet classified (raises Unreadable for a file that is no workbook)."""
        mapping = load_mapping(self.mapping_path or DEFAULT_MAPPING)
        sheets = [Sheet.read(raw) for raw in read_sheets(self.data, self.file_name)]
        release = release_month(self.file_name, [s.title for s in sheets])
        out: list[SheetReading] = []
        for sheet in sheets:
            kind = table_kind(sheet.title)
            rule = match_sheet(mapping, sheet.title)
            if not sheet.title.strip():
                out.append(SheetReading(sheet, None, kind, "no title"))
                continue
            if rule is None:
                out.append(SheetReading(sheet, None, kind, "no table of the mapping has this title"))
                continue
            if kind != "monthly":
                out.append(SheetReading(sheet, None, kind, f"a {kind} table: its indicators are monthly here"))
                continue
            reading = SheetReading(sheet, rule, kind, f"table '{rule.id}'")
            reading.columns = self._columns(sheet, rule, release)
            out.append(reading)
        return release, out

    def _columns(self, sheet: Sheet, rule: SheetMap, release: tuple[int, int] | None) -> list[ColumnReading]:
        width = len(sheet.grid[0]) if sheet.grid else 0
        allowed = {release, previous(release)} if release else set()
        out: list[ColumnReading] = []
        if rule.measures:
            return self._measure_columns(sheet, rule, allowed)
        for j in range(1, width):
            head = sheet.header(j)
            if not head:
                continue
            col = classify(head, release[0] if release else None, release)
            if col is None:
                out.append(ColumnReading(j, head, None, False, "says no period we know"))
            elif col.kind not in LOADABLE:
                out.append(ColumnReading(j, head, col, False, f"{col.what}: not loaded ({col.kind})"))
            elif (col.year, col.month) not in allowed:
                out.append(
                    ColumnReading(j, head, col, False, f"{col.what}: neither this release's month nor the one before")
                )
            elif col.kind not in rule.columns:
                out.append(ColumnReading(j, head, col, False, f"{col.what}: the mapping loads no {col.kind}"))
            elif rule.require is not None and fold(rule.require) not in fold(english(head)):
                out.append(ColumnReading(j, head, col, False, f"{col.what}: not '{rule.require}'"))
            else:
                out.append(ColumnReading(j, head, col, True, f"{col.what} -> {rule.columns[col.kind]}"))
        return out

    def _measure_columns(self, sheet: Sheet, rule: SheetMap, allowed: set) -> list[ColumnReading]:
        width = len(sheet.grid[0]) if sheet.grid else 0
        ym = cutoff(sheet.title)
        out: list[ColumnReading] = []
        for j in range(1, width):
            head = sheet.header(j)
            if not head:
                continue
            code = next((code for words, code in rule.measures.items() if fold(words) in fold(head)), None)
            if ym is None:
                out.append(ColumnReading(j, head, None, False, "the title gives no cut-off day (từ 01/01- dd/mm/yyyy)"))
            elif code is None or code == "-":
                out.append(ColumnReading(j, head, None, False, "no indicator of the mapping (not loaded)"))
            elif ym not in allowed:
                out.append(ColumnReading(j, head, None, False, f"cut-off {ym}: not this release's month"))
            else:
                col = Column("ytd_level", ym[0], ym[1], "official", f"year to date {ym[0]}-{ym[1]:02d} (cut-off)")
                out.append(ColumnReading(j, head, col, True, f"{col.what} -> {code} ytd", code))
        return out

    def batches(self) -> Iterator[Batch]:
        mapping = load_mapping(self.mapping_path or DEFAULT_MAPPING)
        digest = file_sha256(self.data)
        try:
            release, readings = self.readings()
        except Unreadable as exc:
            yield self._fail(digest, "unreadable", exc.en, exc.vi)
            return
        notes: list[str] = []
        if self.published_at is None:
            # a workbook does not say when it was published: without --published-at the load time is the vintage,
            # which makes an old workbook's first estimates newer than the revisions loaded since
            notes.append(
                "vintage: the workbook has no publication date; pass --published-at (GSO's release day) / "
                "tệp không ghi ngày công bố; hãy dùng --published-at (ngày Tổng cục công bố)"
            )
        if release is None:
            yield self._fail(
                digest,
                "release_month",
                "cannot tell which month this workbook reports: neither its file name (…_YYYY-MM.xlsx) nor its sheet "
                "titles name one",
                "không xác định được tháng báo cáo: tên tệp (…_YYYY-MM.xlsx) và tiêu đề các trang đều không ghi",
                notes,
            )
            return
        english = [
            r for r in readings if re.match(r"\d+ (gross domestic|index of|some key|agricultural)", fold(r.sheet.title))
        ]
        if len(english) >= 2 and not matched_any(readings):
            yield self._fail(
                digest,
                "english_edition",
                "an English-language edition of the workbook (sheet titles in English): read the Vietnamese edition",
                "bản tiếng Anh của biểu (tiêu đề bằng tiếng Anh): hãy nạp bản tiếng Việt",
                notes,
            )
            return
        unmapped = [f"{r.sheet.name.strip()} ({r.sheet.title.strip()[:70]})" for r in readings if r.rule is None]
        if unmapped:
            notes.insert(
                0, f"unmapped sheets (not loaded) / trang không có trong ánh xạ (không nạp): {'; '.join(unmapped)}"
            )
        matched = [r for r in readings if r.rule is not None]
        if not matched:
            yield self._fail(
                digest,
                "mapping",
                "no sheet of this workbook is in the mapping",
                "không trang nào của tệp có trong ánh xạ",
                notes,
            )
            return
        frames: list[tuple[SheetReading, pd.DataFrame, list[str]]] = []
        for reading in matched:
            records, sheet_notes = self._records(reading, mapping)
            frames.append((reading, records, sheet_notes))
        problems, dropped = _consistency(self.file_name, [f for _, f, _ in frames])
        if dropped:
            notes.append(f"{dropped} figure(s) printed twice with the same value (in two tables) loaded once")
        for i, (reading, records, sheet_notes) in enumerate(frames):
            if len(records):
                records = records[~records["_dup"]].drop(columns="_dup")
            yield Batch(
                self.source or mapping.source,
                f"{self.file_name} [{reading.sheet.name.strip()}]",
                digest,
                records,
                notes=(notes if i == 0 else []) + sheet_notes,
                problems=problems if i == 0 else [],
            )

    def explain(self) -> list[str]:
        """What every sheet, column and row was read as, or why it was skipped (--explain)."""
        try:
            release, readings = self.readings()
        except Unreadable as exc:
            return [f"unreadable: {exc.en}"]
        mapping = load_mapping(self.mapping_path or DEFAULT_MAPPING)
        lines = [f"{self.file_name}: release {release[0]}-{release[1]:02d}" if release else "release: unknown"]
        for r in readings:
            s = r.sheet
            state = "LOADED" if r.rule else "skipped"
            lines.append(
                f"sheet '{s.name.strip()}' [{r.kind}] {state}: {r.why} — title '{s.title.strip()[:90]}'; header rows "
                f"{s.header_start + 1}-{s.data_start}, data from row {s.data_start + 1}"
            )
            if r.rule is None:
                continue
            for c in r.columns:
                mark = "+" if c.loaded else "-"
                lines.append(f"  {mark} column {get_column_letter(c.index + 1)} '{c.header[:70]}': {c.why}")
            _, row_lines = self._rows(r, mapping, explain=True)
            lines += row_lines
        return lines

    # -- one sheet -----------------------------------------------------------------------------------------------
    def _records(self, reading: SheetReading, mapping: Mapping) -> tuple[pd.DataFrame, list[str]]:
        out, notes = self._rows(reading, mapping)
        out, form_notes = _printed_form(reading.sheet.name.strip(), out)
        notes += form_notes
        skipped = sorted({c.column.kind for c in reading.columns if c.column is not None and not c.loaded})
        name = reading.sheet.name.strip()
        if skipped:
            notes.insert(0, f"{name}: columns not loaded: {', '.join(skipped)}")
        cols = ["indicator_code", "area_code", "period", "value", ROW, "_dup"]
        frame = pd.DataFrame(out) if out else pd.DataFrame(columns=cols)
        if "_dup" not in frame:
            frame["_dup"] = False
        return frame, notes

    def _rows(self, reading: SheetReading, mapping: Mapping, explain: bool = False) -> tuple[list[dict], list[str]]:
        sheet, rule = reading.sheet, reading.rule
        assert rule is not None
        width = len(sheet.grid[0]) if sheet.grid else 0
        wanted = [c for c in reading.columns if c.loaded]
        first = min((c.index for c in reading.columns), default=width)
        out: list[dict[str, Any]] = []
        lines: list[str] = []
        active: RowRule | None = None
        unmatched: list[str] = []
        unit_col = _unit_column(sheet, rule)
        col_units = {c.index: _printed_unit(sheet, rule, c.header) for c in wanted} if rule.printed_units else {}
        row_unit: str | None = None
        no_unit: list[str] = []
        above = [_label(r, first)[0] for r in sheet.grid[sheet.header_start : sheet.data_start]]  # keyed tables
        for i in range(sheet.data_start, len(sheet.grid)):
            row = sheet.grid[i]
            if unit_col is not None:
                printed = row[unit_col].strip() if isinstance(row[unit_col], str) else ""
                row_unit = row_unit if printed in DITTO else (printed or None)
            heads = [c for c in reading.columns if isinstance(row[c.index], str) and c.index != unit_col]
            if heads and rule.keyed and all(_unit_like(row[c.index]) for c in heads):
                heads = []  # a section row printing its units over the figures ('B. HÀNG HÓA' | 'Nghìn tấn')
            if heads:  # text where figures stand: the header of another table below this one ends this table
                lines.append(f"  row {i + 1}: a new header ('{row[heads[0].index][:40]}'): the table ends here")
                break
            label, label_col, sub = _label(row, first)
            if not label:
                continue
            above.append(label)
            key = fold(label)
            section = next((r for r in rule.rows if r.section and fold(r.section) == key), None)
            if section is not None:
                active = section
                lines.append(f"  row {i + 1} '{label[:50]}': section ({section.each} of {section.indicator})")
                continue
            if active is not None and active.until and fold(active.until) == key:
                active = None
            fixed = next((r for r in rule.rows if key in _labels(r)), None)
            # a 'Trong đó:' sub-item in a section is ambiguous out of position ('Nguyên chiếc' of cars and of
            # motorbikes): only an explicit label rule loads it
            target = fixed or (active if not sub or active is None or active.each != "category" else None)
            values = [c for c in wanted if _is_number(row[c.index])]
            if not values:
                continue
            if target is None:
                unmatched.append(label)
                lines.append(f"  row {i + 1} '{label[:50]}': not in the mapping (not loaded)")
                continue
            what = target.indicator + (f" by {target.each}" if fixed is None and target.each else "")
            if rule.keyed:
                what = "the indicator its words name"
            lines.append(f"  row {i + 1} '{label[:50]}': {what} ({len(values)} figure(s))")
            for c in values:
                assert c.column is not None
                near = [label, english(c.header), *reversed(above[:-1]), sheet.title]  # nearest first
                code = _keyed(rule, near) if rule.keyed else None
                if rule.keyed and code is None:
                    lines.append(
                        f"  {sheet.name.strip()}!{get_column_letter(c.index + 1)}{i + 1}: its words name "
                        "no single indicator of the mapping: not loaded"
                    )
                    continue
                rec = self._record(
                    sheet,
                    rule,
                    mapping,
                    target,
                    fixed is None,
                    label,
                    label_col,
                    i,
                    c.index,
                    c.column,
                    c.header,
                    row[c.index],
                )
                if c.indicator or code:  # a `measures` column or a `keyed` figure names its own indicator
                    rec["indicator_code"] = c.indicator or code
                    if rec["base"] in ("level", "ytd"):
                        rec["unit"] = rule.units.get(rec["indicator_code"], rec["unit"])
                    if code:  # each total of a keyed table is checked for its printed form on its own
                        rec["_form"] = f"{rec['_col_value']} {code}"
                        lines.append(f"  {rec['note']}: {code} {rec['base']}")
                if rec["base"] in ("level", "ytd") and (unit_col is not None or rule.printed_units):
                    rec["unit"] = row_unit if unit_col is not None else col_units.get(c.index)
                    if rec["unit"] is None:
                        no_unit.append(rec["note"])
                        lines.append(f"  {rec['note']}: no unit printed for it: not loaded")
                        continue
                out.append(rec)
        notes = []
        if no_unit:
            name = sheet.name.strip()
            notes.append(f"{name}: {len(no_unit)} level(s) with no unit printed not loaded (first: {no_unit[0]})")
        if unmatched:
            notes.append(
                f"{sheet.name.strip()}: {len(unmatched)} rows with figures are not in the mapping (not loaded)"
            )
        return out, (lines if explain else notes)

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
        base = rule.columns.get(col.kind, "ytd")
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
            unit = target.unit or rule.unit
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
            "_head": head,
            "_dup": False,
        }

    def _area(self, label: str, col: Column, mapping: Mapping) -> str:
        key = _strip_prefix(fold(label))
        for code, names in mapping.areas.items():
            if key in {_strip_prefix(fold(n)) for n in names}:
                return code
        if self.codes is None:
            return province_code(label) or label
        end = period_end(pd.Timestamp(col.year, col.month, 1).date(), "M")
        if end not in self._names:  # folded name -> codes of the areas live at `end` (one table scan per month)
            areas = self.codes.areas
            live = areas[(areas["valid_from"] <= end) & (areas["valid_to"] > end) & (areas["level"] != "commune")]
            by_name: dict[str, list[str]] = {}
            for c, n in zip(live["code"], live["name_vi"], strict=False):
                by_name.setdefault(_strip_prefix(fold(n)), []).append(c)
            self._names[end] = by_name
        hits = self._names[end].get(key, [])
        return hits[0] if len(hits) == 1 else province_code(label) or label


def _keyed(rule: SheetMap, texts: list[str]) -> str | None:
    """The indicator a `keyed` table's figure measures: each facet decided by the first of `texts` (nearest
    first) that says exactly one of its words; None when a facet is undecided or the words name no indicator."""
    picks: list[str] = []
    for facet in rule.facets:
        pick = None
        for text in texts:
            said = [w for w in facet if re.search(rf"\b{re.escape(fold(w))}\b", fold(text))]
            if len(said) == 1:  # 'hành khách và hàng hóa' decides nothing: a text further out may
                pick = fold(said[0])
                break
        if pick is None:
            return None
        picks.append(pick)
    return next((code for code, words in rule.keyed.items() if [fold(w) for w in words] == picks), None)


#: a unit cell that repeats the unit above it
DITTO = {'"', "''", "”", "“", "〃", "-nt-", "nt"}


def _unit_column(sheet: Sheet, rule: SheetMap) -> int | None:
    """The column printing each row's unit (`unit_column` words in its header), if the mapping names one."""
    if rule.unit_column is None:
        return None
    width = len(sheet.grid[0]) if sheet.grid else 0
    return next((j for j in range(width) if fold(rule.unit_column) in fold(sheet.header(j))), None)


def _printed_unit(sheet: Sheet, rule: SheetMap, header: str) -> str | None:
    """The unit of a level column: one of the table's `printed_units` in its header ('Ước tính tháng 12 (Nghìn
    lượt người)'), else above the figures (a unit line, 'Đơn vị tính: Lượt người'); the longest name wins ('nghìn
    lượt người' over 'lượt người'). None when none is printed: the figures' size is then unknown."""
    above = " ".join(str(v) for r in sheet.grid[: sheet.data_start] for v in r if isinstance(v, str))
    for text in (header, above):
        key = f" {fold(text)} "
        for unit in sorted(rule.printed_units, key=lambda u: -len(fold(u))):
            if f" {fold(unit)} " in key:
                return unit
    return None


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


#: two cells of one release agree when they differ by less than this (GSO prints one figure in a monthly and a
#: year-to-date table, sometimes rounded differently)
TOLERANCE = 0.0005
_KEY = ["indicator_code", "area_code", "agency_code", "category", "period", "base"]


def _consistency(file_name: str, frames: list[pd.DataFrame]) -> tuple[list[Problem], int]:
    """A release is internally consistent: one figure per key. Two cells with the same key and the same value
    (within TOLERANCE) load once (the others are marked `_dup`); with different values the release is refused, and
    the message names both cells (sheet, cell address, header text)."""
    rows = [
        (k, fi, idx, r)
        for fi, f in enumerate(frames)
        if len(f)
        for idx, r in f.iterrows()
        for k in [tuple("" if pd.isna(r.get(c)) else r.get(c) for c in _KEY)]
    ]
    seen: dict[tuple, tuple[int, Any, Any]] = {}
    problems: list[Problem] = []
    dropped = 0
    for key, fi, idx, r in rows:
        if key not in seen:
            seen[key] = (fi, idx, r)
            continue
        _, _, first = seen[key]
        frames[fi].at[idx, "_dup"] = True
        if abs(float(first["value"]) - float(r["value"])) <= TOLERANCE * max(1.0, abs(float(first["value"]))):
            dropped += 1
            continue
        what = " ".join(str(x) for x in key if x)
        problems.append(
            Problem(
                file_name,
                int(r[ROW]),
                "value",
                f"{r['value']:g}",
                "inconsistent_release",
                f"{r['note']} ('{r['_head'][:50]}') = {r['value']:g} but {first['note']} ('{first['_head'][:50]}') "
                f"= {first['value']:g} for the same figure ({what})",
                f"{r['note']} ('{r['_head'][:50]}') = {r['value']:g} nhưng {first['note']} "
                f"('{first['_head'][:50]}') = {first['value']:g} cho cùng một chỉ tiêu ({what})",
            )
        )
    return problems, dropped


def _printed_form(sheet: str, records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """A comparison column the mapping says is printed as an index (last year = 100) is checked on its first row,
    the table's total: above 50 it is an index; from 3 to 50, or below 0, GSO printed the change in % that month
    (retail, March 2018 and October 2024: 9.86, 7.12) and the column is read as %; between 0 and 3 it cannot be
    told from a ratio (1.232 for +23.2 %, exports of September 2010) and the column is not loaded. An index of 0
    (an empty cell typed 0) is no figure. In a `keyed` table each indicator's total in the column is checked on its
    own (transport, May 2010: passengers' 5 months printed as an index, 113.4, and freight's as a % change, 11.8)."""
    first: dict[str, float] = {}
    for rec in records:
        rec["_form"] = rec.get("_form") or rec["_col_value"]
        if rec["unit"] == "index":
            first.setdefault(rec["_form"], rec["value"])
    kept: list[dict[str, Any]] = []
    notes: list[str] = []
    for col, total in first.items():
        if 0 <= total < 3:
            notes.append(f"{sheet}: column {col} not loaded: its total {total:g} is neither an index nor a % change")
        elif total < 50:
            notes.append(f"{sheet}: column {col} read as % change (its total is {total:g}, not an index)")
    for rec in records:
        col = rec.pop("_form")
        if rec["unit"] == "index" and col in first:
            total = first[col]
            if 0 <= total < 3:
                continue
            if total < 50:
                rec["unit"] = "%"
            elif rec["value"] == 0:
                notes.append(f"{sheet}: {rec['note']} = 0 in an index column: not loaded")
                continue
        kept.append(rec)
    return kept, notes
