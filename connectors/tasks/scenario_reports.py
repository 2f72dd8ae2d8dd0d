"""Situation reports in: a province or a ministry reports its figures against a duty of a running scenario. The
report fills the oldest slot still open (a late report is the late answer to the slot it missed, not an early one
for the next); its figures are totals to its time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from connectors.tasks.scenarios import SOURCE, load_run, refuse
from semantic.errors import AccessDenied, SemanticError
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
    scope: Scope,
) -> Received:
    """Store a report of `reporter` (a province code for a provinces' duty, else the duty's agency) for `duty_code`
    received at `at`, with `figures` (each declared by the duty; every one of them required)."""
    scope.require("upload")
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
    if not (scope.sees_area(reporter) if by_province else scope.sees_agency(reporter)):
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
    audit.record(wh, who, "report", run_id, SOURCE, scope.key(), result.rows_written)
    return Received(run_id, duty_code, reporter, slot, due, at > due + timedelta(hours=duty.grace_hours))


def receive(
    wh: Warehouse,
    run_id: str,
    duty_code: str,
    reporter: str,
    at: datetime,
    figures: dict[str, float],
    who: str,
    *,
    scope: Scope,
    books: dict[str, Playbook] | None = None,
) -> Received:
    """The one way a report comes in — the CLI's `report`, the exchange API, the upload page: the run's playbook
    (semantic/scenarios unless `books`), then receive_report with its rules and the caller's scope."""
    from semantic.playbook import default_playbooks, playbook

    book = playbook(load_run(wh, run_id).scenario, books if books is not None else default_playbooks())
    return receive_report(wh, book, run_id, duty_code, reporter, at, figures, who, scope=scope)


#: the declared layout of a situation-report file (CSV or XLSX): one row per figure; the rows sharing run, duty and
#: reporter are one report. Headers in Vietnamese or English.
REPORT_COLUMNS = {
    "run_id": ("run_id", "mã lần kích hoạt"),
    "duty": ("duty", "nghĩa vụ báo cáo"),
    "reporter": ("reporter", "đơn vị báo cáo"),
    "figure": ("figure", "chỉ tiêu"),
    "value": ("value", "giá trị"),
}


@dataclass(frozen=True)
class ReportIn:
    """One report read from a file: its run, duty, reporter and figures."""

    run_id: str
    duty: str
    reporter: str
    figures: dict[str, float]


def read_report_file(data: bytes, name: str) -> tuple[list[ReportIn], list[tuple[int, str, str]]]:
    """The reports a file in the declared layout carries, and its problems as (row, English, Vietnamese): a file
    with any problem is sent as nothing."""
    import io

    from connectors.readers.textio import decode, sniff_separator

    try:
        if name.lower().endswith(".xlsx"):
            raw = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        else:
            text, _ = decode(data)
            raw = pd.read_csv(io.StringIO(text), dtype=str, sep=sniff_separator(text), keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix, said so
        return [], [(0, f"the file cannot be read: {type(exc).__name__}", f"không đọc được tệp: {type(exc).__name__}")]
    names = {str(c).strip().lower(): c for c in raw.columns}
    found = {k: next((names[a] for a in alias if a in names), None) for k, alias in REPORT_COLUMNS.items()}
    lacking = [k for k, col in found.items() if col is None]
    if lacking:
        need = ", ".join(REPORT_COLUMNS)
        return [], [(0, f"missing columns: {', '.join(lacking)} (need {need})", f"thiếu cột: {', '.join(lacking)}")]
    problems: list[tuple[int, str, str]] = []
    groups: dict[tuple[str, str, str], dict[str, float]] = {}
    for i, r in enumerate(raw.fillna("").astype(str).itertuples(index=False), start=2):
        row = dict(zip(raw.columns, r, strict=True))
        key = tuple(row[found[k]].strip() for k in ("run_id", "duty", "reporter"))
        figure, value = row[found["figure"]].strip(), row[found["value"]].strip()
        if not all(key) or not figure:
            problems.append(
                (i, "run_id, duty, reporter and figure are required", "cần đủ mã kích hoạt, nghĩa vụ, đơn vị, chỉ tiêu")
            )
            continue
        try:
            number = float(value.replace(" ", "").replace(",", "."))
        except ValueError:
            problems.append((i, f"'{value[:30]}' is not a number", f"'{value[:30]}' không phải là số"))
            continue
        if number < 0:
            problems.append((i, f"{figure}: a figure cannot be negative", f"{figure}: số liệu không được âm"))
            continue
        figures = groups.setdefault(key, {})  # type: ignore[arg-type]
        if figure in figures:
            problems.append((i, f"{figure} is given twice for this report", f"{figure} bị lặp trong cùng báo cáo"))
            continue
        figures[figure] = number
    if raw.empty:
        problems.append((0, "the file has no rows", "tệp không có dòng dữ liệu"))
    return [ReportIn(*k, figures=f) for k, f in groups.items()], problems


def receive_all(
    wh: Warehouse, reports: list[ReportIn], at: datetime, who: str, *, scope: Scope
) -> list[tuple[ReportIn, Received | None, SemanticError | None]]:
    """Each report of a file through `receive`: recorded, or refused with its reason (the others still go in; a
    refused one is sent again once fixed)."""
    out: list[tuple[ReportIn, Received | None, SemanticError | None]] = []
    for r in reports:
        try:
            out.append((r, receive(wh, r.run_id, r.duty, r.reporter, at, r.figures, who, scope=scope), None))
        except SemanticError as exc:
            out.append((r, None, exc))
    return out
