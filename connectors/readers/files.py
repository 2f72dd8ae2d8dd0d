"""Files in the canonical long format (docs/architecture.md, The one write path): CSV in any common encoding, an
XLSX sheet, a JSON list."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from connectors.base import (
    CANONICAL,
    REQUIRED,
    ROW,
    Batch,
    Connector,
    Problem,
    empty_records,
    file_problem,
    refused,
    unreadable_text,
)
from connectors.readers import decimals
from connectors.readers.textio import DecodeError, decode, read_rows, sniff_separator
from warehouse.lazy import lazy
from warehouse.load import file_sha256

pd = lazy("pandas")

#: sheet names an XLSX upload may use for its data when it has several sheets
DATA_SHEETS = ("data", "du_lieu", "dữ liệu", "du lieu", "observations")


def _header(name: object) -> str:
    return re.sub(r"\s+", "_", str(name or "").strip().lstrip("\ufeff").lower())


def header_problems(file: str, names: list[str], row: int = 1) -> list[Problem]:
    """Unknown or missing canonical columns: a file-level problem each, naming the valid choices."""
    problems = []
    seen = set()
    for i, name in enumerate(names):
        if not name:
            continue
        if name not in CANONICAL:
            en = f"unknown column; the canonical columns are: {', '.join(CANONICAL)}"
            vi = f"cột không hợp lệ; các cột chuẩn là: {', '.join(CANONICAL)}"
        elif name in seen:
            en, vi = (
                f"column '{name}' appears twice (column {i + 1})",
                f"cột '{name}' xuất hiện hai lần (cột thứ {i + 1})",
            )
        else:
            en = vi = ""
        if en:
            problems.append(Problem(file, row, name, name, "columns", en, vi))
        seen.add(name)
    for name in REQUIRED:
        if name not in seen:
            problems.append(
                Problem(
                    file,
                    row,
                    name,
                    "",
                    "columns",
                    f"required column '{name}' is missing (required: {', '.join(REQUIRED)})",
                    f"thiếu cột bắt buộc '{name}' (bắt buộc: {', '.join(REQUIRED)})",
                )
            )
    return problems


def pad_area(v: Any) -> Any:
    """Excel drops the leading zero of '01': a one-digit area code can only mean the two-digit one."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip() if v is not None else v
    return "0" + s if isinstance(s, str) and re.fullmatch(r"\d", s) else (s if isinstance(v, int) else v)


def _records(rows: list[tuple[int, list[Any]]], names: list[str]) -> pd.DataFrame:
    data: dict[str, list[Any]] = {n: [] for n in names if n}
    data[ROW] = []
    for line, fields in rows:
        for i, n in enumerate(names):
            if n:
                data[n].append(fields[i] if i < len(fields) else None)
        data[ROW].append(line)
    frame = pd.DataFrame(data)
    if "area_code" in frame:
        frame["area_code"] = frame["area_code"].map(pad_area)
    return frame


@dataclass
class CsvConnector(Connector):
    data: bytes
    file_name: str
    source: str
    encoding: str | None = None
    sep: str | None = None
    decimal: str = "."
    format = "csv"

    def batches(self) -> Iterator[Batch]:
        digest = file_sha256(self.data)
        try:
            text, used = decode(self.data, self.encoding)
        except DecodeError as exc:
            yield unreadable_text(self.source, self.file_name, digest, exc)
            return
        sep = sniff_separator(text, self.sep)
        rows = read_rows(text, sep)
        if not rows:
            yield refused(self.source, self.file_name, digest, "empty", "the file has no rows", "tệp không có dòng nào")
            return
        names = [_header(n) for n in rows[0][1]]
        problems = header_problems(self.file_name, names, rows[0][0])
        records = _records(rows[1:], names)
        decimal = self.decimal
        if decimal == decimals.AUTO:  # nobody said: the file's own numbers decide ('3.650' with ';' is 3650)
            decimal = decimals.infer(records["value"] if "value" in records else (), sep)
        notes = [f"encoding {used}, separator {sep!r}, decimal {decimal!r}"]
        yield Batch(self.source, self.file_name, digest, records, decimal=decimal, problems=problems, notes=notes)


def _cell_text(v: Any) -> tuple[Any, bool]:
    """A typed cell as the canonical text; True when it was an Excel date (which Excel makes of '2025-03')."""
    if isinstance(v, datetime | date):
        return v.strftime("%Y-%m-%d"), True
    if isinstance(v, float) and v.is_integer():
        return str(int(v)), False
    if isinstance(v, int):
        return str(v), False
    return v, False


@dataclass
class XlsxConnector(Connector):
    """A workbook with one sheet (or a sheet named `data`) in the canonical long format, header in row 1."""

    data: bytes
    file_name: str
    source: str
    decimal: str = "."
    format = "xlsx"

    def batches(self) -> Iterator[Batch]:
        import openpyxl

        digest = file_sha256(self.data)
        try:
            wb = openpyxl.load_workbook(BytesIO(self.data), data_only=True, read_only=True)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            problem = file_problem(
                self.file_name,
                "workbook",
                f"not a readable XLSX workbook ({exc})",
                f"không đọc được tệp XLSX ({exc})",
            )
            yield Batch(self.source, self.file_name, digest, empty_records(), problems=[problem])
            return
        sheets = wb.worksheets
        ws = next((s for s in sheets if s.title.strip().lower() in DATA_SHEETS), sheets[0])
        rows = [
            (i, list(r))
            for i, r in enumerate(ws.iter_rows(values_only=True), start=1)
            if any(c is not None and str(c).strip() for c in r)
        ]
        label = f"{self.file_name} [{ws.title}]"
        if not rows:
            yield refused(self.source, label, digest, "empty", "the sheet has no rows", "trang tính không có dòng nào")
            return
        names = [_header(n) for n in rows[0][1]]
        problems = header_problems(label, names, rows[0][0])
        typed: list[bool] = []
        body = []
        pidx = names.index("period") if "period" in names else None
        for line, cells in rows[1:]:
            out = []
            is_date = False
            for i, v in enumerate(cells):
                name = names[i] if i < len(names) else ""
                if name == "value" and isinstance(v, int | float):
                    out.append(v)  # keep the number as typed: no text round trip
                    continue
                text, was_date = _cell_text(v)
                out.append(text)
                is_date = is_date or (i == pidx and was_date)
            typed.append(is_date)
            body.append((line, out))
        records = _records(body, names)
        if pidx is not None:
            records["_typed_period"] = typed
        notes = [f"sheet {ws.title!r}"] + (
            [f"other sheets ignored: {[s.title for s in sheets if s is not ws]}"] if len(sheets) > 1 else []
        )
        decimal = self.decimal
        if decimal == decimals.AUTO:  # typed numbers need no mark; numbers typed as text decide as in a CSV
            text = [v for v in (records["value"] if "value" in records else ()) if isinstance(v, str)]
            decimal = decimals.infer(text, ";" if any(decimals.looks_vietnamese(t) for t in text) else "")
        yield Batch(self.source, label, digest, records, decimal=decimal, problems=problems, notes=notes)


@dataclass
class JsonConnector(Connector):
    """A JSON list of canonical records (or {"data": [...]}), as a REST endpoint would return them."""

    data: bytes
    file_name: str
    source: str
    format = "json"

    def batches(self) -> Iterator[Batch]:
        digest = file_sha256(self.data)
        try:
            doc = json.loads(decode(self.data)[0])
        except (json.JSONDecodeError, DecodeError) as exc:
            yield refused(
                self.source, self.file_name, digest, "json", f"not valid JSON: {exc}", f"không phải JSON hợp lệ: {exc}"
            )
            return
        items = doc.get("data") if isinstance(doc, dict) else doc
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            yield refused(
                self.source,
                self.file_name,
                digest,
                "json",
                "expected a list of records (objects)",
                "cần một danh sách bản ghi (đối tượng JSON)",
            )
            return
        names = sorted({_header(k) for item in items for k in item})
        problems = header_problems(self.file_name, names, 0)
        rows = [
            (i, [{_header(k): v for k, v in item.items()}.get(n) for n in names])
            for i, item in enumerate(items, start=1)
        ]
        yield Batch(self.source, self.file_name, digest, _records(rows, names), problems=problems)
