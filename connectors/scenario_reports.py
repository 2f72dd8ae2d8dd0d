"""Situation reports in: a province or a ministry reports its figures against a duty of a running scenario. The
report fills the oldest slot still open (a late report is the late answer to the slot it missed, not an early one
for the next); its figures are totals to its time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from connectors.scenarios import SOURCE, load_run, refuse
from connectors.task_intake import require_upload
from semantic.errors import AccessDenied
from semantic.playbook import PROVINCES, Playbook
from semantic.scope import Scope
from warehouse import audit
from warehouse.db import Warehouse
from warehouse.direction import write_direction
from warehouse.load import BatchInfo, file_sha256
from warehouse.schema import table


@dataclass(frozen=True)
class Received:
    run_id: str
    duty: str
    reporter: str
    slot: int
    due_at: datetime
    late: bool


def receive_report(
    wh: Warehouse,
    book: Playbook,
    run_id: str,
    duty_code: str,
    reporter: str,
    at: datetime,
    figures: dict[str, float],
    who: str,
    *,
    scope: Scope | None = None,
) -> Received:
    """Store a report of `reporter` (a province code for a provinces' duty, else the duty's agency) for `duty_code`
    received at `at`, with `figures` (each declared by the duty; every one of them required)."""
    require_upload(scope)
    run = load_run(wh, run_id)
    codes = [d.code for d in book.duties]
    if duty_code not in codes:
        raise refuse(
            f"{book.code} has no duty '{duty_code}' (duties: {', '.join(codes)})",
            f"kịch bản {book.code} không có nghĩa vụ báo cáo '{duty_code}' (có: {', '.join(codes)})",
        )
    duty = book.duty(duty_code)
    by_province = duty.reporter == PROVINCES
    reporter = reporter.strip().zfill(2) if by_province else reporter.strip().upper()
    if by_province and reporter not in run.areas:
        raise refuse(
            f"{reporter} is not a province of {run_id} ({', '.join(run.areas)})",
            f"{reporter} không thuộc các tỉnh của {run_id} ({', '.join(run.areas)})",
        )
    if not by_province and reporter != duty.reporter:
        raise refuse(f"{duty_code} is reported by {duty.reporter}", f"{duty_code} do {duty.reporter} báo cáo")
    if scope is not None and not (scope.sees_area(reporter) if by_province else scope.sees_agency(reporter)):
        raise AccessDenied(
            f"your account may not report for {reporter}", f"tài khoản không được báo cáo thay {reporter}"
        )
    missing = [f for f in duty.figures if f not in figures]
    extra = [f for f in figures if f not in duty.figures]
    if missing or extra:
        raise refuse(
            f"{duty_code} carries {', '.join(duty.figures)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; not of this duty: {', '.join(extra)}" if extra else ""),
            f"{duty_code} gồm {', '.join(duty.figures)}"
            + (f"; thiếu: {', '.join(missing)}" if missing else "")
            + (f"; không thuộc báo cáo này: {', '.join(extra)}" if extra else ""),
        )
    if at < run.activated_at or (run.closed_at is not None and at > run.closed_at):
        raise refuse(
            f"{at:%Y-%m-%d %H:%M} is outside the run ({run.activated_at:%Y-%m-%d %H:%M} – closed or now)",
            f"{at:%d/%m/%Y %H:%M} nằm ngoài thời gian kịch bản chạy",
        )
    area, agency = (reporter, None) if by_province else (None, reporter)
    stored = wh.execute(
        table("scenario_report")
        .filter(lambda t: (t.run_id == run_id) & (t.duty == duty_code))
        .select("area_code", "agency_code", "slot")
    )
    mine = stored[(stored["area_code"] == area) if by_province else (stored["agency_code"] == agency)]
    taken = set(int(s) for s in mine["slot"])
    every = timedelta(hours=duty.every_hours)
    # the slots whose window has opened by `at` (slot k's window opens at activation + (k-1) x every)
    opened = int((at - run.activated_at) / every) + 1
    free = [k for k in range(1, opened + 1) if k not in taken]
    if not free:
        raise refuse(
            f"{reporter} already reported {duty_code} for every slot up to {at:%Y-%m-%d %H:%M}",
            f"{reporter} đã gửi đủ báo cáo {duty_code} đến {at:%d/%m/%Y %H:%M}",
        )
    slot = free[0]
    due = run.activated_at + slot * every
    key = {"run_id": run_id, "event_id": run.event_id, "duty": duty_code, "area_code": area, "agency_code": agency}
    report = pd.DataFrame([key | {"slot": slot, "due_at": due, "received_at": at, "received_by": who}])
    figs = pd.DataFrame([key | {"slot": slot, "at": at, "figure": f, "value": float(v)} for f, v in figures.items()])
    info = BatchInfo(SOURCE, f"{run_id}/{duty_code}/{reporter}/{slot}", file_sha256(repr(key | figures).encode()), who)
    result = write_direction(wh, {"scenario_report": report, "scenario_figure": figs}, info)
    audit.record(wh, who, "report", run_id, SOURCE, scope.key() if scope else "", result.rows_written)
    return Received(run_id, duty_code, reporter, slot, due, at > due + timedelta(hours=duty.grace_hours))
