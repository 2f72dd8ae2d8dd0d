"""The reports a running scenario expects against each duty (received on time, late, missing, due) and the warnings
late and missing ones raise — pure functions of the playbook, the run and the reports the caller may see."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from analytics.warnings import Alert, _num
from semantic import fmt
from semantic.playbook import PROVINCES, Playbook

COLUMNS = ["duty", "reporter", "slot", "due_at", "received_at", "status", "hours_late"]
#: a report received within the duty's grace is on time; after it, late; none once the grace is over, missing; none
#: yet within the grace, due
STATUSES = ("on_time", "late", "missing", "due")
KIND = "late_report"


def _duty_start(book: Playbook, duty_from: int | None, levels: list[tuple[datetime, int]]) -> datetime | None:
    """When the duty began: the first time the run stood at its level or above (from activation without one)."""
    need = duty_from if duty_from is not None else book.levels[0].level
    return next((at for at, lv in sorted(levels) if lv >= need), None)


def expected(
    book: Playbook,
    activated_at: datetime,
    levels: list[tuple[datetime, int]],
    provinces: tuple[str, ...],
    agencies: tuple[str, ...] | None,
    reports: pd.DataFrame,
    now: datetime,
) -> pd.DataFrame:
    """One row per duty, reporter and slot due by `now` (slot k due at activation + k x every_hours), with its
    report if any. `provinces`: the run's provinces the caller sees; `agencies`: the agencies whose duties the
    caller sees (None: all)."""
    rows = []
    for duty in book.duties:
        start = _duty_start(book, duty.from_level, levels)
        if start is None:
            continue
        if duty.reporter == PROVINCES:
            reporters = list(provinces)
        else:
            reporters = [duty.reporter] if agencies is None or duty.reporter in agencies else []
        every, grace = timedelta(hours=duty.every_hours), timedelta(hours=duty.grace_hours)
        for who in reporters:
            col = "area_code" if duty.reporter == PROVINCES else "agency_code"
            got = reports[(reports["duty"] == duty.code) & (reports[col] == who)] if len(reports) else reports
            received = {int(r.slot): pd.Timestamp(r.received_at).to_pydatetime() for r in got.itertuples()}
            k = 1
            while (due := activated_at + k * every) <= now:
                if due > start:
                    at = received.get(k)
                    if at is not None:
                        status = "on_time" if at <= due + grace else "late"
                        late = max((at - due - grace).total_seconds() / 3600, 0.0)
                    else:
                        status = "missing" if now > due + grace else "due"
                        late = max((now - due - grace).total_seconds() / 3600, 0.0)
                    rows.append((duty.code, who, k, due, at, status, round(late, 1)))
                k += 1
    return pd.DataFrame(rows, columns=COLUMNS)


def alerts(book: Playbook, run_id: str, status: pd.DataFrame) -> list[Alert]:
    """A warning per late report (medium) and per missing one (high), naming the duty, who and the due time."""
    out = []
    for r in status[status["status"].isin(["late", "missing"])].itertuples():
        duty = book.duty(r.duty)
        due = pd.Timestamp(r.due_at)
        h_vi, h_en = _num(r.hours_late, 1), _num(r.hours_late, 1, "en")
        if r.status == "missing":
            vi = f"{duty.name_vi}: {r.reporter} chưa gửi báo cáo hạn {fmt.moment(due)} (quá {h_vi} giờ)"
            en = f"{duty.name_en}: {r.reporter} has not sent the report due {fmt.moment(due, 'en')} ({h_en} h over)"
        else:
            vi = f"{duty.name_vi}: {r.reporter} gửi muộn báo cáo hạn {fmt.moment(due)} ({h_vi} giờ)"
            en = f"{duty.name_en}: {r.reporter} sent the report due {fmt.moment(due, 'en')} late ({h_en} h)"
        out.append(
            Alert(
                r.duty,
                r.reporter,
                KIND,
                "high" if r.status == "missing" else "medium",
                None,
                float(r.hours_late),
                None,
                f"{book.name_vi} — {vi}",
                f"{book.name_en} — {en}",
                run_id,
            )
        )
    return sorted(out, key=lambda a: (a.severity != "high", a.indicator_code, a.area_code))


def counts(status: pd.DataFrame) -> pd.DataFrame:
    """Per duty: reports on time, late, missing, due — the board's and the after-action report's table."""
    if status.empty:
        return pd.DataFrame(columns=["duty", *STATUSES])
    table = status.pivot_table(index="duty", columns="status", values="slot", aggfunc="count", fill_value=0)
    return table.reindex(columns=list(STATUSES), fill_value=0).reset_index()
