"""Extracts (downloads) of a query or of a page's table: CSV (UTF-8 with BOM, for Excel) and XLSX, streamed,
never silently capped, formula-safe, with a metadata header, and every one written to the audit trail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from semantic import fmt
from semantic.compile_indicators import out_base_is_rate
from semantic.model import SemanticModel
from semantic.query import compile
from semantic.safetext import cell, cells
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse import audit, rollups
from warehouse import extract as physical
from warehouse.db import Warehouse

BOM = "\ufeff".encode()
#: above this many rows the reader is told the size and asked to confirm before the file is made
LARGE_ROWS = 100_000
#: Excel's sheet limit is 1,048,576 rows: one header row + this many data rows per sheet
XLSX_SHEET_ROWS = 1_048_575
VN_TIME = timezone(timedelta(hours=7))

_LABELS = {
    "title": ("Nội dung", "Content"),
    "source": ("Nguồn", "Source"),
    "unit": ("Đơn vị", "Unit"),
    "vintage": ("Số liệu cập nhật đến", "Data as known on"),
    "scope": ("Phạm vi dữ liệu", "Data scope"),
    "who": ("Người tải", "Downloaded by"),
    "generated": ("Thời điểm tạo tệp", "Generated at"),
    "rows": ("Số dòng dữ liệu", "Data rows"),
    "query": ("Truy vấn", "Query"),
    "demo": ("Lưu ý", "Note"),
    "demo_text": ("Có dữ liệu minh họa, không dùng cho số liệu chính thức", "Contains demo data, not official"),
    "data_sheet": ("Dữ liệu", "Data"),
    "meta_sheet": ("Thông tin", "About"),
}


def label(key: str, lang: str) -> str:
    vi, en = _LABELS[key]
    return vi if lang == "vi" else en


@dataclass(frozen=True)
class ExtractInfo:
    """What an extract holds, known before it is written: the row count and the metadata header."""

    rows: int
    lines: tuple[tuple[str, str], ...]
    what: str
    spec_json: str

    @property
    def large(self) -> bool:
        return self.rows > LARGE_ROWS


def prepare(spec: QuerySpec, model: SemanticModel, scope: Scope, wh: Warehouse, lang: str = "vi") -> ExtractInfo:
    """Count the rows and gather the metadata of `spec`'s extract in one query (scoped like every query)."""
    expr = compile(spec, model, scope, rollups.fresh(wh))
    if "vintage" in expr.columns:
        agg = wh.execute(expr.aggregate(n=expr.count(), vintage=expr.vintage.max()))
        rows, vintage = int(agg["n"].iloc[0]), agg["vintage"].iloc[0]
    else:
        rows, vintage = physical.count(wh, expr), None
    lines: list[tuple[str, str]] = []
    if spec.view == "observations":
        inds = [model.registry[c] for c in spec.indicators]
        lines.append(
            (label("title", lang), "; ".join(f"{i.code} — {i.name_vi if lang == 'vi' else i.name_en}" for i in inds))
        )
        lines.append((label("source", lang), "; ".join(dict.fromkeys(i.source for i in inds))))
        # the unit of what the rows hold: a comparison's percent change is in %, not in the level's unit
        rate = out_base_is_rate(spec.compare)
        lines.append(
            (
                label("unit", lang),
                "; ".join(f"{i.code}: {'%' if rate else i.unit if lang == 'vi' else i.unit_en}" for i in inds),
            )
        )
        if any(i.demo for i in inds):
            lines.append((label("demo", lang), label("demo_text", lang)))
        what = spec.view + ":" + ",".join(spec.indicators)
    else:
        cube = model.cube(spec.view)
        measures = [cube.measure(m) for m in spec.measures or [m.name for m in cube.measures]]
        lines.append((label("title", lang), cube.title_vi if lang == "vi" else cube.title_en))
        lines.append((label("source", lang), f"Điều hành số — {cube.table}"))
        units = [f"{m.name}: {m.unit}" for m in measures if m.unit]
        if units:
            lines.append((label("unit", lang), "; ".join(units)))
        what = spec.view
    if vintage is not None and not pd.isna(vintage):
        lines.append((label("vintage", lang), fmt.day(pd.Timestamp(vintage).date(), lang)))
    return _finish(lines, rows, scope, lang, what, spec.to_json())


def frame_info(
    frame: pd.DataFrame,
    lines: Iterable[tuple[str, str]],
    scope: Scope,
    what: str,
    specs: Iterable[QuerySpec] = (),
    lang: str = "vi",
) -> ExtractInfo:
    """The metadata of a table a page computed (from `specs`), for the same writers."""
    spec_json = json.dumps([json.loads(s.to_json()) for s in specs], ensure_ascii=False)
    return _finish(list(lines), len(frame), scope, lang, what, spec_json)


def _finish(lines: list[tuple[str, str]], rows: int, scope: Scope, lang: str, what: str, spec_json: str) -> ExtractInfo:
    now = datetime.now(VN_TIME)
    lines += [
        (label("scope", lang), scope.describe(lang)),
        (label("who", lang), scope.who),
        (label("generated", lang), f"{fmt.day(now.date(), lang)} {now:%H:%M:%S} (UTC+7)"),
        (label("rows", lang), fmt.number(rows, 0, lang)),
        (label("query", lang), spec_json),
    ]
    return ExtractInfo(rows, tuple((k, str(cell(v))) for k, v in lines), what, spec_json)


def _header(info: ExtractInfo) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for key, value in info.lines:
        writer.writerow([f"# {key}", value])
    return buf.getvalue().encode("utf-8")


def write_csv(
    spec: QuerySpec, model: SemanticModel, scope: Scope, wh: Warehouse, out: BinaryIO, info: ExtractInfo
) -> int:
    """BOM, '# key: value' metadata lines, then every row of `spec` streamed by the database. Audited."""
    out.write(BOM)
    out.write(_header(info))
    fresh = rollups.fresh(wh)
    rows = 0
    for i, part in enumerate(_parts(spec, wh)):
        rows += physical.copy_csv(wh, cells(compile(part, model, scope, fresh)), out, header=i == 0)
    audit.record(wh, scope.who, "download", f"csv:{info.what}", info.spec_json, scope.key(), rows)
    return rows


#: indicators per COPY when a large indicator extract is written in parts (DuckDB)
PART_INDICATORS = 25


def _parts(spec: QuerySpec, wh: Warehouse) -> list[QuerySpec]:
    """The extract as consecutive queries, each for a slice of the indicators in code order: the rows are ordered
    by indicator first, so the parts one after another are the whole in the same order, and each sort holds a
    slice (a 1 M-row extract peaks at ~350 MB instead of ~600 MB). Only where that is exact: DuckDB (byte order of
    codes), no comparison (a part could hold no indicator offering it), no row limit."""
    codes = sorted(dict.fromkeys(spec.indicators))
    if (
        wh.backend != "duckdb"
        or spec.view != "observations"
        or spec.compare is not None
        or spec.limit is not None
        or len(codes) <= PART_INDICATORS
    ):
        return [spec]
    return [spec.with_(indicators=tuple(codes[i : i + PART_INDICATORS])) for i in range(0, len(codes), PART_INDICATORS)]


def write_xlsx(
    spec: QuerySpec,
    model: SemanticModel,
    scope: Scope,
    wh: Warehouse,
    out: BinaryIO,
    info: ExtractInfo,
    sheet_rows: int = XLSX_SHEET_ROWS,
    lang: str = "vi",
) -> int:
    """A data sheet per `sheet_rows` rows (Excel's limit) and a metadata sheet; rows streamed in Arrow batches."""
    expr = cells(compile(spec, model, scope, rollups.fresh(wh)))
    rows = _xlsx(expr.columns, physical.record_batches(wh, expr), out, info, sheet_rows, lang)
    audit.record(wh, scope.who, "download", f"xlsx:{info.what}", info.spec_json, scope.key(), rows)
    return rows


def frame_csv(frame: pd.DataFrame, info: ExtractInfo, wh: Warehouse, scope: Scope) -> bytes:
    """A page's own (small) table as CSV with BOM and metadata lines. Audited."""
    buf = io.BytesIO()
    buf.write(BOM)
    buf.write(_header(info))
    safe = frame.apply(lambda col: col.map(cell) if col.dtype == object or pd.api.types.is_string_dtype(col) else col)
    buf.write(safe.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    audit.record(wh, scope.who, "download", f"csv:{info.what}", info.spec_json, scope.key(), len(frame))
    return buf.getvalue()


def frame_xlsx(frame: pd.DataFrame, info: ExtractInfo, wh: Warehouse, scope: Scope, lang: str = "vi") -> bytes:
    buf = io.BytesIO()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    rows = _xlsx(list(frame.columns), table.to_batches(), buf, info, XLSX_SHEET_ROWS, lang)
    audit.record(wh, scope.who, "download", f"xlsx:{info.what}", info.spec_json, scope.key(), rows)
    return buf.getvalue()


def _cells(batch: pa.RecordBatch) -> Iterator[tuple[Any, ...]]:
    columns = []
    for col in batch.columns:
        if pa.types.is_floating(col.type):
            col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
        values = col.to_pylist()
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            # again here, whatever the batches came from: control characters are not allowed in XLSX XML, and a
            # cell already made safe is unchanged by a second pass (its apostrophe is not a formula lead)
            values = [cell(v) for v in values]
        elif pa.types.is_timestamp(col.type) and col.type.tz is not None:
            values = [None if v is None else v.replace(tzinfo=None) for v in values]
        columns.append(values)
    return zip(*columns, strict=True)


def _xlsx(
    columns: list[str],
    batches: Iterable[pa.RecordBatch],
    out: BinaryIO,
    info: ExtractInfo,
    sheet_rows: int,
    lang: str,
) -> int:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    base = label("data_sheet", lang)
    sheet, in_sheet, total, n_sheets = None, 0, 0, 0

    def new_sheet() -> Any:
        nonlocal n_sheets
        n_sheets += 1
        ws = wb.create_sheet(base if n_sheets == 1 else f"{base} {n_sheets}")
        header = []
        for name in columns:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        return ws

    sheet = new_sheet()
    for batch in batches:
        for row in _cells(batch):
            if in_sheet == sheet_rows:
                sheet, in_sheet = new_sheet(), 0
            sheet.append(row)
            in_sheet += 1
            total += 1
    meta = wb.create_sheet(label("meta_sheet", lang))
    for key, value in info.lines:
        if key == label("rows", lang):
            value = fmt.number(total, 0, lang)
        meta.append([key, value])
    wb.save(out)
    return total
