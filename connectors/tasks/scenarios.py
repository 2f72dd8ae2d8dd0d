"""Running a scenario: a leader (or a trigger on a watched indicator) activates a playbook for provinces at a time,
which writes the event, its parties, the run and its log, and dispatches the level's standard tasks through the one
task path (connectors/tasks.dispatch_frames: the task rules, a công điện or a conclusion notice) — all in one
transaction. A level change is logged and dispatches the tasks of the levels reached; closing is logged too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from connectors.tasks.task_files import dispatch_frames, load_refs
from semantic.errors import LoadRejected
from semantic.playbook import PROVINCES, Playbook
from semantic.scope import Scope
from warehouse import audit
from warehouse.db import Warehouse
from warehouse.direction import ensure_tables, write_direction
from warehouse.load import BatchInfo, LoadResult, file_sha256
from warehouse.schema import table

SOURCE = "scenario"
ABBREV = {"cong_dien": "CĐ", "thong_bao": "TB"}


@dataclass(frozen=True)
class Run:
    """A run as stored, with what its log says now: its current level and whether (and when) it was closed."""

    run_id: str
    scenario: str
    event_id: str
    areas: tuple[str, ...]
    activated_at: datetime
    activated_by: str
    level: int
    closed_at: datetime | None


@dataclass
class Dispatched:
    """What an activation or a level change wrote: the run, the document, how many tasks, the load result."""

    run_id: str
    level: int
    document_number: str | None
    tasks: int
    result: LoadResult | None


def refuse(en: str, vi: str) -> LoadRejected:
    return LoadRejected(en, vi)


def run_id_for(book: Playbook, at: datetime) -> str:
    return f"{book.code}-{at:%Y%m%d%H%M}"


def _ts(v: Any) -> datetime | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).to_pydatetime()


def load_run(wh: Warehouse, run_id: str) -> Run:
    ensure_tables(wh)
    runs = wh.execute(table("scenario_run").filter(lambda t: t.run_id == run_id))
    if runs.empty:
        raise refuse(f"no scenario run '{run_id}'", f"không có lần kích hoạt kịch bản '{run_id}'")
    r = runs.iloc[0]
    log = wh.execute(table("scenario_log").filter(lambda t: t.run_id == run_id)).sort_values("at")
    levels = log[log["kind"].isin(["activated", "level"])]
    closed = log[log["kind"] == "closed"]
    return Run(
        r["run_id"],
        r["scenario"],
        r["event_id"],
        tuple(a for a in str(r["areas"]).split(";") if a),
        pd.Timestamp(r["activated_at"]).to_pydatetime(),
        r["activated_by"],
        int(levels["level"].iloc[-1]) if not levels.empty else int(r["level"]),
        _ts(closed["at"].iloc[0]) if not closed.empty else None,
    )


def next_number(wh: Warehouse, book: Playbook) -> str:
    """The next free number of the playbook's document form (151/CĐ-TTg after 150/CĐ-TTg) among the dispatches
    and the tasks' documents: numbers are never reused, since a dispatch is known by its number."""
    suffix = f"/{ABBREV[book.document_kind]}-{book.issuer}"
    numbers = pd.concat(
        [
            wh.execute(table(name).select("document_number").distinct())["document_number"]
            for name in ("dispatch", "task")
        ]
    )
    used = [int(m.group(1)) for n in numbers if (m := re.match(rf"^(\d+)(?:/\d{{4}})?{re.escape(suffix)}$", str(n)))]
    return f"{max(used, default=0) + 1}{suffix}"


def _task_rows(book: Playbook, run_id: str, areas: tuple[str, ...], levels: range, at: datetime) -> list[dict]:
    rows = []
    for t in book.tasks:
        if t.level not in levels:
            continue
        for who in areas if t.assignee == PROVINCES else (t.assignee,):
            rows.append(
                {
                    "task_code": f"{run_id}.{t.code}.{who}",
                    "assignee_area" if t.assignee == PROVINCES else "assignee_agency": who,
                    "content": t.content,
                    "deadline": (at + timedelta(hours=t.deadline_hours)).date(),
                    "coordinating": ";".join(t.coordinating) or None,
                }
            )
    return rows


def _merge(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out: dict[str, list[pd.DataFrame]] = {}
    for part in parts:
        for name, frame in part.items():
            out.setdefault(name, []).append(frame)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in out.items()}


def _level_check(book: Playbook, level: int) -> None:
    known = [lv.level for lv in book.levels]
    if level not in known:
        raise refuse(
            f"{book.code} has no level {level} (levels: {', '.join(map(str, known))})",
            f"kịch bản {book.code} không có cấp độ {level} (các cấp độ: {', '.join(map(str, known))})",
        )


def _areas_check(wh: Warehouse, areas: tuple[str, ...], at: datetime) -> None:
    refs = load_refs(wh)
    bad = [a for a in areas if refs.province_of(a, at.date()) != a or refs.committee_of(a) is None]
    if not areas or bad:
        raise refuse(
            f"--areas: {', '.join(bad) or '(none)'} not a province code of 2025 (01 Hà Nội, 33 Hưng Yên …)",
            f"--areas: {', '.join(bad) or '(trống)'} không phải mã tỉnh/thành phố năm 2025 (01 Hà Nội, 33 Hưng Yên …)",
        )


def _dispatch(
    wh: Warehouse,
    book: Playbook,
    run: str,
    areas: tuple[str, ...],
    levels: range,
    at: datetime,
    document: str | None,
    demo: bool,
    new_event: bool,
) -> tuple[dict[str, pd.DataFrame], str | None, int]:
    rows = _task_rows(book, run, areas, levels, at)
    if not rows:
        return {}, None, 0
    number = document or next_number(wh, book)
    title = f"{book.name_vi}: cấp độ {levels[-1]}"
    out, _ = dispatch_frames(
        wh, run, number, at.date(), rows, title, at.date(), demo, (run,) if new_event else (), book.document_kind
    )
    return out, number, len(rows)


def activate(
    wh: Warehouse,
    book: Playbook,
    areas: tuple[str, ...],
    at: datetime,
    level: int,
    who: str,
    *,
    scope: Scope,
    document: str | None = None,
    demo: bool = False,
    note: str = "",
) -> Dispatched:
    """Activate `book` for `areas` (2025 province codes) at `at` and `level`: the event, its parties, the run, the
    log and the tasks of every level up to `level` (deadlines counted from `at`), written in one transaction."""
    scope.require("activate")
    ensure_tables(wh)
    _level_check(book, level)
    areas = tuple(sorted({a.strip().zfill(2) for a in areas if a.strip()}))
    _areas_check(wh, areas, at)
    run = run_id_for(book, at)
    if not wh.execute(table("scenario_run").filter(lambda t: t.run_id == run)).empty:
        raise refuse(f"{run} is already activated", f"kịch bản {run} đã được kích hoạt")
    refs = load_refs(wh)
    first = book.levels[0].level
    tasks, number, n = _dispatch(wh, book, run, areas, range(first, level + 1), at, document, demo, True)
    day = at.date()
    event = pd.DataFrame(
        [
            {
                "event_id": run,
                "kind": book.event_kind,
                "name_vi": f"{book.name_vi} ({', '.join(areas)}) {at:%d/%m/%Y %H:%M}",
                "name_en": f"{book.name_en} ({', '.join(areas)}) {at:%Y-%m-%d %H:%M}",
                "started_on": day,
                "ended_on": None,
                "severity": level,
                "lead_agency": book.lead_agency,
                "summary_vi": f"Kích hoạt theo kịch bản {book.code}. Căn cứ: {'; '.join(book.basis)}",
                "summary_en": f"Activated from the playbook {book.code}. Basis: {'; '.join(book.basis)}",
                "demo": demo,
            }
        ]
    )
    parties = pd.DataFrame(
        [
            {"event_id": run, "area_code": a, "agency_code": refs.committee_of(a), "role": "affected", "since": day}
            for a in areas
        ]
        + [{"event_id": run, "area_code": None, "agency_code": book.lead_agency, "role": "lead", "since": day}]
    )
    run_row = {"run_id": run, "scenario": book.code, "event_id": run, "areas": ";".join(areas), "activated_at": at}
    run_row |= {"activated_by": who, "level": level, "demo": demo}
    log = {"run_id": run, "event_id": run, "at": at, "kind": "activated", "level": level, "who": who}
    log["note"] = "; ".join(x for x in (note, f"{number}: {n} nhiệm vụ" if number else "") if x) or None
    frames = _merge(
        {"event": event, "event_party": parties},
        tasks,
        {"scenario_run": pd.DataFrame([run_row]), "scenario_log": pd.DataFrame([log])},
    )
    info = BatchInfo(SOURCE, run, file_sha256(f"{run}|{level}|{areas}".encode()), who)
    result = write_direction(wh, frames, info)
    audit.record(wh, who, "activate", run, SOURCE, scope.key(), result.rows_written)
    return Dispatched(run, level, number, n, result)


def change_level(
    wh: Warehouse,
    book: Playbook,
    run_id: str,
    level: int,
    at: datetime,
    who: str,
    *,
    scope: Scope,
    document: str | None = None,
    note: str = "",
) -> Dispatched:
    """Record a level change; going up dispatches the tasks of the levels newly reached (deadlines from `at`)."""
    scope.require("activate")
    run = load_run(wh, run_id)
    _level_check(book, level)
    if run.closed_at is not None:
        raise refuse(f"{run_id} was closed on {run.closed_at:%Y-%m-%d %H:%M}", f"{run_id} đã kết thúc")
    if level == run.level:
        raise refuse(f"{run_id} is already at level {level}", f"{run_id} đang ở cấp độ {level}")
    if at < run.activated_at:
        raise refuse("a level change cannot precede the activation", "không thể đổi cấp độ trước thời điểm kích hoạt")
    tasks: dict[str, pd.DataFrame] = {}
    number, n = None, 0
    if level > run.level:
        tasks, number, n = _dispatch(
            wh, book, run_id, run.areas, range(run.level + 1, level + 1), at, document, False, False
        )
    log = {"run_id": run_id, "event_id": run.event_id, "at": at, "kind": "level", "level": level, "who": who}
    log["note"] = "; ".join(x for x in (note, f"{number}: {n} nhiệm vụ" if number else "") if x) or None
    info = BatchInfo(SOURCE, run_id, file_sha256(f"{run_id}|{level}|{at}".encode()), who)
    result = write_direction(wh, _merge(tasks, {"scenario_log": pd.DataFrame([log])}), info)
    audit.record(wh, who, "level", run_id, SOURCE, scope.key(), result.rows_written)
    return Dispatched(run_id, level, number, n, result)


def close(wh: Warehouse, run_id: str, at: datetime, who: str, *, scope: Scope, note: str = "") -> Run:
    """Close a run: logged; the board freezes at `at` and the after-action report can be drawn up."""
    scope.require("activate")
    run = load_run(wh, run_id)
    if run.closed_at is not None:
        raise refuse(f"{run_id} is already closed", f"{run_id} đã kết thúc")
    if at < run.activated_at:
        raise refuse("closing cannot precede the activation", "không thể kết thúc trước thời điểm kích hoạt")
    log = {"run_id": run_id, "event_id": run.event_id, "at": at, "kind": "closed", "level": run.level, "who": who}
    log["note"] = note or None
    info = BatchInfo(SOURCE, run_id, file_sha256(f"{run_id}|closed".encode()), who)
    write_direction(wh, {"scenario_log": pd.DataFrame([log])}, info)
    audit.record(wh, who, "close", run_id, SOURCE, scope.key(), 1)
    return load_run(wh, run_id)


def open_runs(wh: Warehouse, scenario: str) -> list[Run]:
    ensure_tables(wh)
    ids = wh.execute(table("scenario_run").filter(lambda t: t.scenario == scenario).select("run_id"))["run_id"]
    return [r for r in (load_run(wh, i) for i in sorted(ids)) if r.closed_at is None]


def triggered_level(book: Playbook, indicator: str, value: float) -> int | None:
    """The highest level whose trigger on `indicator` the reading reaches (at or above its threshold), else None."""
    watched = [w.code for w in book.watch]
    if indicator not in watched:
        raise refuse(
            f"{book.code} does not watch '{indicator}' (watched: {', '.join(watched) or 'none'})",
            f"kịch bản {book.code} không theo dõi '{indicator}' (đang theo dõi: {', '.join(watched) or 'không'})",
        )
    hit = [
        lv.level
        for lv in book.levels
        if lv.trigger and lv.trigger.indicator == indicator and value >= lv.trigger.at_least
    ]
    return max(hit) if hit else None


def on_reading(
    wh: Warehouse, book: Playbook, indicator: str, value: float, areas: tuple[str, ...], at: datetime, who: str
) -> Dispatched | None:
    """A reading of a watched indicator for `areas`: at or above a trigger's threshold it activates the playbook at
    that level, or raises the level of an open run covering those areas; below every threshold it does nothing."""
    level = triggered_level(book, indicator, value)
    if level is None:
        return None
    note = f"{indicator} = {value:g} ≥ {book.level(level).trigger.at_least:g}"  # type: ignore[union-attr]
    wanted = {a.strip().zfill(2) for a in areas}
    for run in open_runs(wh, book.code):
        if wanted & set(run.areas):
            if level <= run.level:
                return None
            return change_level(wh, book, run.run_id, level, at, who, note=note, scope=Scope.system())
    return activate(wh, book, areas, at, level, who, note=note, scope=Scope.system())
