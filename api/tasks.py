"""GET /api/v1/tasks (the caller's tasks, through the model's `tasks` view) and POST /api/v1/tasks/{task_id}/reports
(progress or completion, written as a one-row task file through connectors.tasks.task_intake: the same rules, scope
check and audit as a ministry's task file)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Annotated, Literal

import pandas as pd
from fastapi import FastAPI, Header
from pydantic import BaseModel, Field

from api import data
from api.auth import READ, WRITE
from api.context import Context
from api.problems import Problem
from connectors.tasks.task_intake import load_task_file
from semantic.errors import SemanticError
from semantic.query import execute
from semantic.spec import Filter, QuerySpec

Auth = Annotated[str | None, Header(alias="Authorization")]
DIMENSIONS = (
    "task_id",
    "document_number",
    "document_kind",
    "document_date",
    "assignee_agency",
    "assignee_area",
    "original_agency",
    "content",
    "deadline",
    "recurring",
    "status",
    "completed_on",
    "last_event_on",
)


class ReportIn(BaseModel):
    kind: Literal["progress", "completed"]
    date: date
    note: str = Field(default="", max_length=2000)


def _tasks(ctx: Context, scope, as_of: date | None, task_id: str | None = None) -> pd.DataFrame:  # noqa: ANN001
    spec = QuerySpec(
        view="tasks",
        measures=("assigned",),
        dimensions=DIMENSIONS,
        filters=(Filter("task_id", "eq", (task_id,)),) if task_id else (),
        as_of=as_of,
    )
    try:
        return execute(spec, ctx.model, scope, ctx.wh, action="api", what="GET /api/v1/tasks")
    except SemanticError as exc:
        raise Problem(400, exc.message_en, exc.message_vi) from exc


def _json(frame: pd.DataFrame) -> list[dict]:
    frame = frame.drop(columns=["assigned"], errors="ignore")
    for col in ("document_date", "deadline", "completed_on", "last_event_on"):
        frame[col] = pd.to_datetime(frame[col]).dt.strftime("%Y-%m-%d")
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def routes(app: FastAPI, ctx: Context) -> None:
    @app.get("/api/v1/tasks")
    def tasks(authorization: Auth = None, as_of: str | None = None) -> list[dict]:
        """The tasks assigned to the caller's ministry or province, with their status on `as_of` (today)."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, READ)
        on = data.parse_instant(as_of, "as_of").date() if as_of else None
        return _json(_tasks(ctx, scope, on))

    @app.post("/api/v1/tasks/{task_id}/reports")
    def report(task_id: str, body: ReportIn, authorization: Auth = None) -> dict:
        """A progress report or the completion of one of the caller's tasks, with its date and note: recorded as a
        task event through the task-file path (its rules and scope check), audited."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, WRITE)
        found = _tasks(ctx, scope, None, task_id)
        if found.empty:  # not the caller's, or no such task: the same answer, so nothing leaks
            raise Problem(404, f"no task '{task_id[:60]}' in your scope", f"không có nhiệm vụ '{task_id[:60]}' của bạn")
        t = found.iloc[0]
        row = {
            "task_code": task_id,
            "document_number": t["document_number"],
            "document_kind": t["document_kind"],
            "document_date": pd.Timestamp(t["document_date"]).date().isoformat(),
            "assignee_agency": t["original_agency"] or "",
            "assignee_area": t["assignee_area"] or "",
            "content": t["content"],
            "deadline": "thường xuyên" if t["recurring"] else pd.Timestamp(t["deadline"]).date().isoformat(),
            "reported_on" if body.kind == "progress" else "completed_on": body.date.isoformat(),
            "note": body.note,
        }
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
        try:
            result = load_task_file(
                ctx.wh, out.getvalue().encode(), f"api-report-{task_id}.csv", caller.who, scope=scope
            )
        except SemanticError as exc:
            raise Problem(403, exc.message_en, exc.message_vi) from exc
        answer = {
            "outcome": result.outcome,
            "task_id": task_id,
            "kind": body.kind,
            "date": body.date.isoformat(),
            "rows_written": result.result.rows_written if result.result else 0,
            "problems": [p.as_dict() for p in result.problems],
        }
        data.audit_call(ctx, caller.who, f"POST /api/v1/tasks/{task_id[:60]}/reports", scope, answer["rows_written"])
        if result.outcome == "rejected":
            raise Problem(422, result.summary("en"), result.summary("vi"), report=answer)
        return answer
