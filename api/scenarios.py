"""GET /api/v1/scenarios (the scenario runs the caller's scope sees, with the duties their playbooks declare) and
POST /api/v1/scenarios/{run_id}/reports (a situation report against a duty, received now): the same path as the
CLI's `report` and the upload page (connectors.tasks.scenario_reports.receive — its rules and scope check), audited."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
from fastapi import FastAPI, Header
from pydantic import BaseModel, Field

from analytics.situation import runs
from api import data
from api.auth import READ, WRITE
from api.context import Context
from api.problems import Problem
from connectors.tasks.scenario_reports import receive
from connectors.tasks.scenarios import load_run
from semantic.errors import AccessDenied, LoadRejected, SemanticError
from semantic.playbook import default_playbooks, now_vn
from semantic.query import execute
from warehouse.direction import ensure_tables

Auth = Annotated[str | None, Header(alias="Authorization")]


class SituationReportIn(BaseModel):
    duty: str = Field(max_length=80, description="the duty's code in the playbook (damage_6h …)")
    reporter: str = Field(max_length=20, description="the province code (provinces' duties) or the agency code")
    figures: dict[str, float] = Field(description="every figure the duty carries: totals to now")


def _stamp(v: object) -> str | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%dT%H:%M")


def routes(app: FastAPI, ctx: Context) -> None:
    @app.get("/api/v1/scenarios")
    def scenarios(authorization: Auth = None) -> list[dict]:
        """The runs of scenario playbooks that cover the caller's province or involve its ministry, latest first:
        current level, closed or not, and the reporting duties (who reports which figures, how often)."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, READ)
        ensure_tables(ctx.wh)
        try:
            # the query is the call's audit record (as GET /api/v1/tasks): action api, the spec, scope and rows
            found = runs(
                lambda spec: execute(spec, ctx.model, scope, ctx.wh, action="api", what="GET /api/v1/scenarios")
            )
        except SemanticError as exc:
            raise Problem(400, exc.message_en, exc.message_vi) from exc
        books = default_playbooks()
        out = []
        for run_id in found["run_id"]:
            run = load_run(ctx.wh, run_id)
            book = books.get(run.scenario)
            duties = [
                {"code": d.code, "reporter": d.reporter, "figures": list(d.figures), "every_hours": d.every_hours}
                for d in (book.duties if book else ())
            ]
            out.append(
                {
                    "run_id": run.run_id,
                    "scenario": run.scenario,
                    "event_id": run.event_id,
                    "areas": list(run.areas),
                    "activated_at": _stamp(run.activated_at),
                    "level": run.level,
                    "closed_at": _stamp(run.closed_at),
                    "duties": duties,
                }
            )
        return out

    @app.post("/api/v1/scenarios/{run_id}/reports")
    def report(run_id: str, body: SituationReportIn, authorization: Auth = None) -> dict:
        """A situation report for a duty of a running scenario, received now (Vietnam time): 200 recorded (with its
        slot, due time and whether late), 403 for a reporter outside the caller's scope, 404 no such run, 422
        refused by the duty's rules."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, WRITE)
        what = f"POST /api/v1/scenarios/{run_id[:60]}/reports"
        ensure_tables(ctx.wh)
        try:
            load_run(ctx.wh, run_id)
        except LoadRejected as exc:
            data.audit_call(ctx, caller.who, what + " -> 404", scope, 0)
            raise Problem(404, exc.message_en, exc.message_vi) from exc
        try:
            got = receive(ctx.wh, run_id, body.duty, body.reporter, now_vn(), body.figures, caller.who, scope=scope)
        except AccessDenied as exc:
            data.audit_call(ctx, caller.who, what + " -> 403", scope, 0)
            raise Problem(403, exc.message_en, exc.message_vi) from exc
        except SemanticError as exc:
            data.audit_call(ctx, caller.who, what + " -> 422", scope, 0)
            raise Problem(422, exc.message_en, exc.message_vi) from exc
        data.audit_call(ctx, caller.who, what + " -> 200", scope, len(body.figures))
        return {
            "run_id": got.run_id,
            "duty": got.duty,
            "reporter": got.reporter,
            "slot": got.slot,
            "due_at": _stamp(got.due_at),
            "late": got.late,
            "status": "received",
        }
