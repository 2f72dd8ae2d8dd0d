"""Task files (CSV/XLSX in the task layout) and dispatches on emergencies -> validated task and task_event rows.

Layout (one row per task and assignee; Vietnamese headers accepted): document_number, document_date, assignee_agency
or assignee_area, content, deadline (a date or "thường xuyên"), and optionally task_code, document_kind, coordinating,
started_on, completed_on, reported_on (a progress report), status, event_id, note. A file with any bad row is
rejected whole (nothing written) unless `accept_valid`, which loads the valid rows and keeps the rejected ones with
their reasons.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from connectors.base import Problem, file_problem
from connectors.checks.codes import KnownCodes
from connectors.readers.textio import DecodeError, decode, read_rows, sniff_separator
from connectors.tasks.task_rules import DEFAULT_RULES, Refs, Row, RuleContext, blank, fold
from semantic.errors import LoadRejected
from semantic.profile import active as active_profile
from semantic.scope import Scope
from warehouse.db import Warehouse
from warehouse.direction import ensure_tables, write_direction
from warehouse.lineage import OPEN_END
from warehouse.load import BatchInfo, LoadResult, file_sha256, stable_id
from warehouse.schema import table

COLUMNS = (
    "task_code",
    "document_number",
    "document_kind",
    "document_date",
    "assignee_agency",
    "assignee_area",
    "coordinating",
    "content",
    "deadline",
    "started_on",
    "completed_on",
    "reported_on",
    "status",
    "event_id",
    "note",
)
REQUIRED = ("document_number", "document_date", "content", "deadline")
#: headers as ministries write them (toneless, lower case) -> the layout's columns
ALIASES = {
    "ma nhiem vu": "task_code",
    "so van ban": "document_number",
    "so hieu van ban": "document_number",
    "loai van ban": "document_kind",
    "ngay van ban": "document_date",
    "ngay ban hanh": "document_date",
    "co quan duoc giao": "assignee_agency",
    "don vi chu tri": "assignee_agency",
    "co quan chu tri": "assignee_agency",
    "tinh thanh": "assignee_area",
    "tinh/thanh pho": "assignee_area",
    "ma tinh": "assignee_area",
    "co quan phoi hop": "coordinating",
    "noi dung": "content",
    "noi dung nhiem vu": "content",
    "thoi han": "deadline",
    "han xu ly": "deadline",
    "ngay bat dau": "started_on",
    "ngay hoan thanh": "completed_on",
    "ngay bao cao": "reported_on",
    "tinh trang": "status",
    "trang thai": "status",
    "tinh huong": "event_id",
    "su kien": "event_id",
    "ghi chu": "note",
}


@dataclass
class TaskBatch:
    """A task file read: rows (canonical column -> cell, `_row` the spreadsheet row), the headers as written."""

    file_name: str
    file_hash: str
    records: list[tuple[int, dict[str, Any]]]
    labels: dict[str, str]
    problems: list[Problem]


def _canonical(header: str) -> str | None:
    key = fold(header).replace("_", " ")
    if key.replace(" ", "_") in COLUMNS:
        return key.replace(" ", "_")
    return ALIASES.get(key)


def _from_table(file_name: str, digest: str, header: list[Any], body: list[tuple[int, list[Any]]]) -> TaskBatch:
    labels: dict[str, str] = {}
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        col = _canonical(str(h)) if not blank(h) else None
        if col and col not in index:
            index[col], labels[col] = i, str(h).strip()
    problems = [
        file_problem(
            file_name,
            "missing_column",
            f"the column {col} is missing (task layout: {', '.join(COLUMNS)})",
            f"thiếu cột {col} (mẫu nhiệm vụ: {', '.join(COLUMNS)})",
            column=col,
        )
        for col in REQUIRED
        if col not in index
    ]
    if "assignee_agency" not in index and "assignee_area" not in index:
        en = "name the assignee in assignee_agency or assignee_area"
        vi = "thiếu cột cơ quan được giao (assignee_agency hoặc assignee_area)"
        problems.append(file_problem(file_name, "missing_column", en, vi, column="assignee_agency"))
    records = [(n, {col: (cells[i] if i < len(cells) else None) for col, i in index.items()}) for n, cells in body]
    return TaskBatch(file_name, digest, records, labels, problems)


def read_task_file(data: bytes, file_name: str) -> TaskBatch:
    """CSV (any common encoding and separator) or XLSX (first sheet, headers on its first row)."""
    digest = file_sha256(data)
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        try:
            sheet = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            bad = file_problem(
                file_name, "workbook", f"not a readable XLSX workbook ({exc})", f"không đọc được tệp XLSX ({exc})"
            )
            return TaskBatch(file_name, digest, [], {}, [bad])
        rows = [list(r) for r in sheet.itertuples(index=False)]
        if not rows:
            return TaskBatch(
                file_name, digest, [], {}, [file_problem(file_name, "empty", "the sheet is empty", "trang tính trống")]
            )
        body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(not blank(v) for v in r)]
        return _from_table(file_name, digest, rows[0], body)
    try:
        text, _ = decode(data)
    except DecodeError as exc:
        return TaskBatch(
            file_name, digest, [], {}, [file_problem(file_name, "encoding", str(exc), f"không đọc được bảng mã: {exc}")]
        )
    lines = read_rows(text, sniff_separator(text))
    if not lines:
        empty = file_problem(file_name, "empty", "the file is empty", "tệp trống")
        return TaskBatch(file_name, digest, [], {}, [empty])
    return _from_table(file_name, digest, lines[0][1], lines[1:])


def committees(agencies: pd.DataFrame, provinces: set[str]) -> dict[str, str]:
    """Province people's committees -> their province: the province code the agency code carries (UBND33, PC-33)."""
    out = {}
    for rec in agencies[agencies["kind"] == "province_committee"].itertuples(index=False):
        digits = re.findall(r"\d{2}", str(rec.code))
        if digits and digits[-1] in provinces:
            out[rec.code] = digits[-1]
    return out


def load_refs(wh: Warehouse) -> Refs:
    ensure_tables(wh)
    codes = KnownCodes.load(wh)
    agencies = codes.agencies[["code", "kind", "valid_to"]]
    area_map = codes.area_map[["src_code", "valid_from", "valid_to", "province_2025"]]
    current = set(area_map.loc[area_map["valid_to"] >= OPEN_END, "province_2025"].dropna())
    live = agencies[agencies["valid_to"] >= OPEN_END]
    events = set(wh.execute(table("event").select("event_id"))["event_id"])
    task = table("task")
    stored = wh.execute(task.select("task_id", "document_number", "assignee_agency", "deadline", "content"))
    tasks = {
        r.task_id: (r.document_number, r.assignee_agency, _day(r.deadline), r.content)
        for r in stored.itertuples(index=False)
    }
    home = active_profile().home_area
    departments = {code: home for code in live.loc[live["kind"] == "province_department", "code"]}
    return Refs(agencies, codes.agency_lineage, area_map, committees(live, current), events, tasks, departments)


def _day(v: Any) -> date | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def validate(batch: TaskBatch, refs: Refs, today: date, scope: Scope) -> tuple[list[Row], list[Problem]]:
    """Run every rule on every row; then duplicates within the file and conflicts with stored tasks."""
    ctx = RuleContext(batch.file_name, refs, today, scope, batch.labels)
    rows = [Row(n, raw) for n, raw in batch.records]
    for row in rows:
        for rule in DEFAULT_RULES:
            rule(row, ctx)
    seen: dict[str, int] = {}
    for row in rows:
        if row.problems:
            continue
        out = row.out
        code = row.raw.get("task_code")
        # numbers restart every year (01/NQ-CP each January): the date belongs to the document's identity; the
        # assignee as written does too (Hưng Yên's and Thái Bình's tasks stay two tasks after their merger)
        out["task_id"] = (
            str(code).strip()
            if not blank(code)
            else stable_id(
                out["document_number"],
                out["document_date"].isoformat(),
                out["original_agency"],
                out.get("original_area") or "",
                str(row.raw["content"]).strip(),
            )
        )
        out["content"] = str(row.raw["content"]).strip()
        out["note"] = None if blank(row.raw.get("note")) else str(row.raw["note"]).strip()
        if out["task_id"] in seen:
            ctx.problem(
                row,
                "task_code" if not blank(code) else "content",
                "duplicate",
                f"the same task as row {seen[out['task_id']]}",
                f"trùng nhiệm vụ ở dòng {seen[out['task_id']]}",
            )
            continue
        seen[out["task_id"]] = row.number
        stored = refs.tasks.get(out["task_id"])
        if stored and stored != (out["document_number"], out["assignee_agency"], out["deadline"], out["content"]):
            ctx.problem(
                row,
                "deadline",
                "task_conflict",
                "this task is stored with another document, assignee, deadline or content",
                "nhiệm vụ đã có trong kho với văn bản, cơ quan, thời hạn hoặc nội dung khác",
            )
    return rows, [*batch.problems, *(p for r in rows for p in r.problems)]


def frames(rows: list[Row], source: str, demo: bool = False, dispatch_id: str | None = None) -> dict[str, pd.DataFrame]:
    """task, task_event (and for dispatches on an event: dispatch, event_party) rows of the valid rows."""
    tasks, events, parties, dispatches = [], [], [], {}
    for row in rows:
        o = row.out
        disp = dispatch_id or (
            stable_id(o["document_number"]) if o["document_kind"] == "cong_dien" and o["event_id"] else None
        )
        tasks.append(
            {
                k: o.get(k)
                for k in (
                    "task_id",
                    "document_number",
                    "document_kind",
                    "document_date",
                    "issuer",
                    "assignee_agency",
                    "assignee_area",
                    "original_agency",
                    "original_area",
                    "coordinating",
                    "content",
                    "deadline",
                    "recurring",
                    "event_id",
                )
            }
            | {"dispatch_id": disp, "demo": demo, "source": source}
        )
        events.append({"task_id": o["task_id"], "event_date": o["document_date"], "kind": "assigned", "note": None})
        if o.get("started_on") or o.get("status_written") == "in_progress":
            events.append(
                {
                    "task_id": o["task_id"],
                    "event_date": o.get("started_on") or o["document_date"],
                    "kind": "started",
                    "note": None,
                }
            )
        if o.get("reported_on"):
            events.append(
                {"task_id": o["task_id"], "event_date": o["reported_on"], "kind": "progress", "note": o.get("note")}
            )
        if o.get("completed_on"):
            events.append(
                {"task_id": o["task_id"], "event_date": o["completed_on"], "kind": "completed", "note": o.get("note")}
            )
        if disp:
            dispatches[disp] = {
                "dispatch_id": disp,
                "event_id": o["event_id"],
                "document_number": o["document_number"],
                "document_date": o["document_date"],
                "issuer": o["issuer"],
                "demo": demo,
            }
        if o["event_id"]:
            parties.append(
                {
                    "event_id": o["event_id"],
                    "area_code": o.get("assignee_area"),
                    "agency_code": o["assignee_agency"],
                    "role": "assigned",
                    "since": o["document_date"],
                }
            )
    out = {"task": pd.DataFrame(tasks), "task_event": pd.DataFrame(events)}
    if dispatches:
        out["dispatch"] = pd.DataFrame(list(dispatches.values()))
    if parties:
        out["event_party"] = pd.DataFrame(parties)
    return out


def rejected_frame(rows: list[Row], problems: list[Problem]) -> pd.DataFrame:
    """rejected_row rows (without batch_id) for the problems, each with its row as read."""
    raw = {r.number: r.raw for r in rows}
    return pd.DataFrame(
        [
            {
                "row_number": p.row,
                "column_name": p.column,
                "value": p.value,
                "rule": p.rule,
                "message": f"{p.message_vi} | {p.message_en}",
                "raw": str(raw.get(p.row, "")),
            }
            for p in problems
        ]
    )


def load_tasks(
    wh: Warehouse,
    data: bytes,
    file_name: str,
    loaded_by: str = "system",
    accept_valid: bool = False,
    dry_run: bool = False,
    *,
    scope: Scope,
    today: date | None = None,
    demo: bool = False,
) -> LoadResult | None:
    """Validate a task file and write it in one transaction. Any problem rejects the whole file (LoadRejected,
    nothing written) unless `accept_valid`. `dry_run`: validate only (returns None, or raises)."""
    batch = read_task_file(data, file_name)
    rows, problems = validate(batch, load_refs(wh), today or date.today(), scope)
    if problems and (not accept_valid or batch.problems):
        raise LoadRejected(
            f"{file_name}: {len(problems)} problem(s); nothing was written",
            f"{file_name}: {len(problems)} lỗi; không ghi dữ liệu nào",
            [p.as_dict() for p in problems],
        )
    if dry_run:
        return None
    good = [r for r in rows if not r.problems]
    info = BatchInfo(source="tasks", file_name=file_name, file_hash=batch.file_hash, loaded_by=loaded_by)
    return write_direction(wh, frames(good, "tasks", demo), info, rejected_frame(rows, problems), rows_in=len(rows))


def dispatch_frames(
    wh: Warehouse,
    event_id: str,
    document_number: str,
    document_date: date,
    tasks: list[dict[str, Any]],
    title_vi: str = "",
    today: date | None = None,
    demo: bool = False,
    new_events: tuple[str, ...] = (),
    document_kind: str = "cong_dien",
) -> tuple[dict[str, pd.DataFrame], str]:
    """The rows a dispatch (công điện) on an emergency writes — its tasks (assignee_agency or assignee_area, content,
    deadline, optional task_code/coordinating/started_on/completed_on) through the task rules, the dispatch and the
    event's new parties — and the batch's hash; LoadRejected names every problem. `new_events`: events written in the
    same batch (a scenario's activation), known to the rules before they are stored; `document_kind` thong_bao for
    a conclusion notice (an inspection's), whose number says so (45/TB-VPCP)."""
    records = [
        (
            i + 1,
            {
                "document_number": document_number,
                "document_kind": document_kind,
                "document_date": document_date,
                "event_id": event_id,
                **t,
            },
        )
        for i, t in enumerate(tasks)
    ]
    labels = {c: c for c in COLUMNS}
    batch = TaskBatch(f"dispatch {document_number}", file_sha256(repr(records).encode()), records, labels, [])
    refs = load_refs(wh)
    refs.events = refs.events | set(new_events)
    rows, problems = validate(batch, refs, today or date.today(), Scope.system())
    if problems:
        raise LoadRejected(
            f"dispatch {document_number}: {len(problems)} problem(s); nothing was written",
            f"công điện {document_number}: {len(problems)} lỗi; không ghi dữ liệu nào",
            [p.as_dict() for p in problems],
        )
    out = frames(rows, "dispatch", demo, stable_id(document_number))
    out["dispatch"] = out["dispatch"].assign(title_vi=title_vi or None)
    return out, batch.file_hash


def record_dispatch(
    wh: Warehouse,
    event_id: str,
    document_number: str,
    document_date: date,
    tasks: list[dict[str, Any]],
    title_vi: str = "",
    loaded_by: str = "system",
    today: date | None = None,
    demo: bool = False,
) -> LoadResult:
    """Record a dispatch (công điện) on an emergency: the dispatch, its tasks and the event's new parties are
    written together (see dispatch_frames)."""
    out, digest = dispatch_frames(wh, event_id, document_number, document_date, tasks, title_vi, today, demo)
    info = BatchInfo(source="dispatch", file_name=document_number, file_hash=digest, loaded_by=loaded_by)
    return write_direction(wh, out, info, rows_in=len(tasks))


def load_task_path(wh: Warehouse, path: Path, **kw: Any) -> LoadResult | None:
    return load_tasks(wh, path.read_bytes(), path.name, **kw)
