"""A task file from end to end for `python -m connectors tasks` and the upload page: upload rights, check, load
(all or nothing, or the valid rows), audit, one report — as connectors/intake.py does for observation files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from connectors.checks.limits import check_file, check_rows
from connectors.intake import LoadReport, rejection
from connectors.tasks.task_files import frames, load_refs, read_task_file, rejected_frame, validate
from semantic.errors import LoadRejected
from semantic.scope import Scope
from warehouse import audit
from warehouse.db import Warehouse
from warehouse.direction import write_direction
from warehouse.load import BatchInfo

SOURCE = "tasks"
#: what the check shows of a valid row (the task as it will be stored: assignee after lineage, kind from the number)
PREVIEW = (
    "task_id",
    "document_number",
    "document_kind",
    "document_date",
    "assignee_agency",
    "assignee_area",
    "content",
    "deadline",
    "recurring",
)


@dataclass
class TaskReport(LoadReport):
    """A load report whose counts say what a task file adds: a row read is one task; a row written is a task or one
    entry of its history (assigned, started, progress, completed), so one new task writes at least two. New tasks
    are those not yet stored (on a check: those a load would add)."""

    tasks_new: int = 0

    def written(self, lang: str) -> str:
        r = self.result
        vi = lang == "vi"
        text = ""
        if self.outcome != "rejected":
            text += f"; nhiệm vụ mới: {self.tasks_new}" if vi else f"; new tasks: {self.tasks_new}"
        if r and vi:
            text += f"; {r.rows_written} dòng ghi vào kho (nhiệm vụ và diễn biến), {r.rows_unchanged} đã có"
        elif r:
            text += f"; {r.rows_written} rows written (tasks and their events), {r.rows_unchanged} unchanged"
        return text


def load_task_file(
    wh: Warehouse,
    data: bytes,
    file_name: str,
    who: str,
    *,
    accept_valid: bool = False,
    dry_run: bool = False,
    scope: Scope,
    today: date | None = None,
) -> TaskReport:
    """Check every row of a task file (the scope rule keeps staff to their own ministry's or province's tasks); write
    the valid rows in one transaction unless anything is wrong (or `accept_valid`, which keeps the rejected rows with
    their reasons). Nothing is written on `dry_run`, nor when a required column is missing. A write is audited."""
    if not scope.may("upload"):
        audit.refused(wh, who, f"tasks {file_name}", "no upload rights", scope=scope.key())
    scope.require("upload")
    try:
        check_file(data, file_name)
        batch = read_task_file(data, file_name)
        check_rows(len(batch.records), file_name)
    except LoadRejected as exc:
        audit.record(wh, who, "load_rejected", file_name, exc.message_en, scope.key())
        raise
    refs = load_refs(wh)
    rows, problems = validate(batch, refs, today or date.today(), scope)
    good = [] if batch.problems else [r for r in rows if not r.problems]
    report = TaskReport(file=file_name, source=SOURCE, who=who, rows_in=len(rows), rows_valid=len(good))
    report.problems = sorted(problems, key=lambda p: p.row)
    report.tasks_new = sum(1 for r in good if r.out["task_id"] not in refs.tasks)
    out = frames(good, SOURCE) if good else {}
    report.valid = out["task"][list(PREVIEW)] if good else pd.DataFrame(columns=list(PREVIEW))
    if dry_run:
        report.outcome = "checked"
        return report
    if batch.problems or (problems and not accept_valid):
        report.outcome = "rejected"
        key = scope.key()
        audit.record(wh, who, "load_rejected", file_name, rejection(report.problems), key, report.rows_in)
        return report
    info = BatchInfo(source=SOURCE, file_name=file_name, file_hash=batch.file_hash, loaded_by=who)
    result = write_direction(wh, out, info, rejected_frame(rows, problems), rows_in=len(rows))
    audit.record(wh, who, "load", file_name, SOURCE, scope.key(), result.rows_written)
    report.result = result
    report.outcome = result.outcome
    return report
