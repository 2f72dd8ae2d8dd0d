"""The rules a task file is checked by before anything is written: each names file, row, column, value and rule,
in Vietnamese and English. A row with any problem is rejected; the valid rows become task/task_event rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pandas as pd

from connectors.base import Problem
from semantic.fold import fold as fold_accents
from semantic.profile import active as active_profile
from semantic.safetext import describe, has_control
from semantic.scope import Scope
from warehouse.lineage import OPEN_END

#: kind code -> (vi, en) and the abbreviation in document numbers (01/NQ-CP, 123/CĐ-TTg, 45/TB-VPCP ...)
KINDS: dict[str, tuple[str, str]] = {
    "nghi_quyet": ("Nghị quyết", "Resolution"),
    "quyet_dinh": ("Quyết định", "Decision"),
    "chi_thi": ("Chỉ thị", "Directive"),
    "cong_dien": ("Công điện", "Official dispatch"),
    "thong_bao": ("Thông báo kết luận", "Conclusion notice"),
    "van_ban": ("Văn bản chỉ đạo", "Directing letter"),
}
ABBREV = {"NQ": "nghi_quyet", "QĐ": "quyet_dinh", "CT": "chi_thi", "CĐ": "cong_dien", "TB": "thong_bao"}
NUMBER = re.compile(r"^\d{1,5}(?:/\d{4})?/(?:(NQ|QĐ|CT|CĐ|TB)-(CP|TTg|VPCP)|(VPCP)-[A-ZĐ]{2,6})$")
NUMBER_FORMS = "01/NQ-CP, 1012/QĐ-TTg, 05/CT-TTg, 123/CĐ-TTg, 45/TB-VPCP, 1234/VPCP-KTTH"


@lru_cache(maxsize=4)
def _number_form(issuer: str | None) -> tuple[re.Pattern[str], str]:
    """The document numbers a deployment tracks: the Government's always (a province receives them too) and, for a
    province's deployment, its own committee's (12/QĐ-UBND, 05/CT-UBND, 45/TB-UBND, 1234/UBND-KT)."""
    if not issuer:
        return NUMBER, NUMBER_FORMS
    own = re.escape(issuer)
    pattern = re.compile(
        rf"^\d{{1,5}}(?:/\d{{4}})?/(?:(NQ|QĐ|CT|CĐ|TB)-(CP|TTg|VPCP|{own})|(VPCP|{own})-[A-ZĐ]{{2,6}})$"
    )
    return pattern, f"{NUMBER_FORMS}, 12/QĐ-{issuer}, 05/CT-{issuer}, 45/TB-{issuer}, 1234/{issuer}-KT"


RECURRING = {"thuong xuyen", "recurring", "tx"}
STATUSES = {
    "chua thuc hien": "not_started",
    "not started": "not_started",
    "not_started": "not_started",
    "dang thuc hien": "in_progress",
    "in progress": "in_progress",
    "in_progress": "in_progress",
    "hoan thanh": "done",
    "done": "done",
    "hoan thanh dung han": "done_on_time",
    "done on time": "done_on_time",
    "done_on_time": "done_on_time",
    "hoan thanh qua han": "done_late",
    "done late": "done_late",
    "done_late": "done_late",
    "qua han": "overdue",
    "qua han chua hoan thanh": "overdue",
    "overdue": "overdue",
}


def fold(text: Any) -> str:
    """Lower case without tones: 'Thường xuyên' -> 'thuong xuyen' (headers and words typed either way)."""
    return fold_accents(text, words_only=False)


def parse_date(value: Any) -> date | None:
    """2025-03-14, 14/03/2025, an Excel date cell; None when blank or not a date."""
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(s, form).date()
        except ValueError:
            continue
    return None


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


@dataclass
class Refs:
    """What rows are checked against: agencies (kind, validity, lineage), provinces over time, committees, events,
    tasks already stored."""

    agencies: pd.DataFrame  # code, kind, valid_to
    lineage: pd.DataFrame  # old_code, new_code
    area_map: pd.DataFrame  # src_code, valid_from, valid_to, province_2025, level
    committees: dict[str, str]  # committee agency code -> 2025 province code
    events: set[str] = field(default_factory=set)
    tasks: dict[str, tuple] = field(default_factory=dict)  # task_id -> (document_number, assignee, deadline, content)
    #: a province deployment's departments (sở, ban, ngành) -> the province they serve
    departments: dict[str, str] = field(default_factory=dict)

    def current_agency(self, code: str) -> list[str]:
        """The agencies `code` lives on in today (itself when current)."""
        live = set(self.agencies.loc[self.agencies["valid_to"] >= OPEN_END, "code"])
        new = set(self.lineage.loc[self.lineage["old_code"] == code, "new_code"]) | {code}
        return sorted(new & live)

    def province_of(self, code: str, on: date) -> str | None:
        m = self.area_map
        rows = m[(m["src_code"] == code) & (m["valid_from"] <= on) & (m["valid_to"] > on) & m["province_2025"].notna()]
        if rows.empty:  # a 2025 code written on an older document: the unit of today
            rows = m[(m["src_code"] == code) & (m["valid_to"] >= OPEN_END) & m["province_2025"].notna()]
        codes = sorted(set(rows["province_2025"]))
        return codes[0] if len(codes) == 1 else None

    def communes_of(self, province: str) -> set[str]:
        """The communes and wards of today's `province` (a province's deployment assigns tasks to them)."""
        m = self.area_map
        rows = m[(m["province_2025"] == province) & (m["valid_to"] >= OPEN_END) & (m["src_code"] != province)]
        return set(rows["src_code"])

    def committee_of(self, province: str) -> str | None:
        found = [a for a, p in self.committees.items() if p == province and self.current_agency(a) == [a]]
        return found[0] if found else None


@dataclass
class Row:
    """One input row as read (`raw`: canonical column -> cell) and what the rules made of it."""

    number: int
    raw: dict[str, Any]
    out: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class RuleContext:
    file: str
    refs: Refs
    today: date
    scope: Scope
    labels: dict[str, str]  # canonical column -> header as written in the file

    def problem(self, row: Row, column: str, rule: str, en: str, vi: str) -> None:
        value = row.raw.get(column)
        row.problems.append(
            Problem(
                self.file, row.number, self.labels.get(column, column), "" if blank(value) else str(value), rule, en, vi
            )
        )


Rule = Callable[[Row, RuleContext], None]


def rule_control_characters(row: Row, c: RuleContext) -> None:
    """No cell holds a control character (they hide a formula from the eye and from a spreadsheet's check)."""
    for col, value in row.raw.items():
        ch = has_control(value) if isinstance(value, str) else None
        if ch is not None:
            c.problem(
                row,
                col,
                "control_character",
                f"a control character ({describe(ch)}) in the text: remove it",
                f"văn bản chứa ký tự điều khiển ({describe(ch)}): hãy xóa ký tự này",
            )


def rule_required(row: Row, c: RuleContext) -> None:
    for col in ("document_number", "document_date", "content", "deadline"):
        if blank(row.raw.get(col)):
            extra = " (write 'thường xuyên' for a recurring task)" if col == "deadline" else ""
            extra_vi = " (ghi 'thường xuyên' nếu là nhiệm vụ thường xuyên)" if col == "deadline" else ""
            label = c.labels.get(col, col)
            c.problem(row, col, "required", f"{col} is required{extra}", f"cột {label} bắt buộc{extra_vi}")
    if blank(row.raw.get("assignee_agency")) and blank(row.raw.get("assignee_area")):
        c.problem(
            row,
            "assignee_agency",
            "required",
            "name the assignee: an agency code or a province code",
            "cần ghi cơ quan được giao: mã bộ/ngành hoặc mã tỉnh",
        )


def rule_document(row: Row, c: RuleContext) -> None:
    number = row.raw.get("document_number")
    if blank(number):
        return
    pattern, forms = _number_form(active_profile().issuer)
    m = pattern.match(str(number).strip())
    if not m:
        c.problem(
            row,
            "document_number",
            "document_number_form",
            f"not a directing document number; forms: {forms}",
            f"số văn bản không đúng dạng; dạng hợp lệ: {forms}",
        )
        return
    kind = ABBREV[m.group(1)] if m.group(1) else "van_ban"
    issuer = m.group(2) or m.group(3)
    written = row.raw.get("document_kind")
    if not blank(written):
        given = next((k for k, (vi, en) in KINDS.items() if fold(written) in (k, fold(vi), fold(en))), None)
        if given is None:
            c.problem(
                row,
                "document_kind",
                "document_kind",
                f"unknown kind; valid: {', '.join(KINDS)}",
                f"loại văn bản không hợp lệ; hợp lệ: {', '.join(v for v, _ in KINDS.values())}",
            )
            return
        if given != kind:
            c.problem(
                row,
                "document_kind",
                "document_kind",
                f"the number {number} is a {KINDS[kind][1].lower()}, not a {KINDS[given][1].lower()}",
                f"số {number} là {KINDS[kind][0].lower()}, không phải {KINDS[given][0].lower()}",
            )
            return
    row.out.update(document_number=str(number).strip(), document_kind=kind, issuer=issuer)


def _date(row: Row, c: RuleContext, col: str) -> date | None:
    value = row.raw.get(col)
    if blank(value):
        return None
    if col == "deadline" and fold(value) in RECURRING:
        return None
    d = parse_date(value)
    if d is None:
        c.problem(
            row,
            col,
            "date_form",
            "not a date: use 2025-03-14 or 14/03/2025",
            "không phải ngày: dùng dạng 2025-03-14 hoặc 14/03/2025",
        )
    elif d > c.today and col != "deadline":
        c.problem(
            row,
            col,
            "future_date",
            f"{d.isoformat()} is after today ({c.today.isoformat()})",
            f"ngày {d:%d/%m/%Y} sau ngày hôm nay ({c.today:%d/%m/%Y})",
        )
    return d


def rule_dates(row: Row, c: RuleContext) -> None:
    doc, deadline = _date(row, c, "document_date"), _date(row, c, "deadline")
    started, completed = _date(row, c, "started_on"), _date(row, c, "completed_on")
    reported = _date(row, c, "reported_on")
    recurring = not blank(row.raw.get("deadline")) and fold(row.raw["deadline"]) in RECURRING
    if doc and deadline and deadline < doc:
        c.problem(
            row,
            "deadline",
            "deadline_before_document",
            "the deadline is before the document's date",
            "thời hạn trước ngày ban hành văn bản",
        )
    for col, d in (("started_on", started), ("completed_on", completed), ("reported_on", reported)):
        if doc and d and d < doc:
            c.problem(
                row,
                col,
                "before_document",
                "a task cannot start or finish before its document",
                "nhiệm vụ không thể bắt đầu hoặc hoàn thành trước ngày văn bản",
            )
    if started and completed and started > completed:
        c.problem(
            row,
            "started_on",
            "started_after_completed",
            "started after it was completed",
            "ngày bắt đầu sau ngày hoàn thành",
        )
    row.out.update(
        document_date=doc,
        deadline=deadline,
        recurring=recurring,
        started_on=started,
        completed_on=completed,
        reported_on=reported,
    )


def rule_status(row: Row, c: RuleContext) -> None:
    """A status written in the file must agree with the dates: overdue is computed, never taken on trust."""
    written = row.raw.get("status")
    if blank(written):
        return
    status = STATUSES.get(fold(written))
    if status is None:
        c.problem(
            row,
            "status",
            "status",
            "unknown status; valid: chưa thực hiện, đang thực hiện, hoàn thành "
            "(đúng hạn / quá hạn), quá hạn chưa hoàn thành",
            "tình trạng không hợp lệ; hợp lệ: chưa thực hiện, đang thực hiện, hoàn thành (đúng hạn / quá hạn), "
            "quá hạn chưa hoàn thành",
        )
        return
    done, deadline = row.out.get("completed_on"), row.out.get("deadline")
    late = bool(done and deadline and done > deadline)
    wrong = (
        (status.startswith("done") and done is None)
        or (not status.startswith("done") and done is not None)
        or (status == "done_on_time" and late)
        or (status == "done_late" and done is not None and not late)
        or (status == "overdue" and (deadline is None or deadline >= c.today))
    )
    if wrong:
        c.problem(
            row,
            "status",
            "status_conflict",
            "the status disagrees with the deadline and completion date",
            "tình trạng không khớp với thời hạn và ngày hoàn thành",
        )
    row.out["status_written"] = status


def rule_assignee(row: Row, c: RuleContext) -> None:
    refs, doc = c.refs, row.out.get("document_date") or c.today
    agency, area = row.raw.get("assignee_agency"), row.raw.get("assignee_area")
    by_agency = by_area = None
    if not blank(agency):
        code = str(agency).strip().upper()
        now = refs.current_agency(code)
        if code not in set(refs.agencies["code"]):
            c.problem(row, "assignee_agency", "unknown_agency", "unknown agency code", "mã cơ quan không tồn tại")
            return
        if len(now) != 1:
            c.problem(
                row,
                "assignee_agency",
                "agency_successor",
                f"{code} no longer exists and has {len(now)} successors: name today's agency",
                f"{code} không còn tồn tại và có {len(now)} cơ quan kế thừa: ghi cơ quan hiện nay",
            )
            return
        by_agency = (code, now[0], refs.committees.get(now[0]) or refs.departments.get(now[0]))
    if not blank(area):
        code = str(area).strip().zfill(2)
        province = refs.province_of(code, doc)
        committee = refs.committee_of(province) if province else None
        if province is None or committee is None:
            c.problem(
                row,
                "assignee_area",
                "unknown_area",
                "not a province code on the document's date",
                "không phải mã tỉnh/thành phố tại ngày văn bản",
            )
            return
        # a commune or ward (a province's own task to its locality) stays the assignee: its staff see it
        own = active_profile().province and code in refs.communes_of(province)
        by_area = (code, committee, code if own else province)
    if by_agency and by_area and (by_agency[1] != by_area[1]):
        c.problem(
            row,
            "assignee_area",
            "assignee_conflict",
            "the agency and the province name different assignees",
            "cơ quan và tỉnh được giao không khớp nhau",
        )
        return
    if by_area:
        row.out.update(
            original_area=by_area[0],
            assignee_agency=by_area[1],
            assignee_area=by_area[2],
            original_agency=by_agency[0] if by_agency else by_area[1],
        )
    elif by_agency:
        row.out.update(
            original_agency=by_agency[0],
            assignee_agency=by_agency[1],
            assignee_area=by_agency[2],
            original_area=by_agency[2],
        )


def rule_coordinating(row: Row, c: RuleContext) -> None:
    text = row.raw.get("coordinating")
    codes = [] if blank(text) else [p.strip().upper() for p in re.split(r"[;,]", str(text)) if p.strip()]
    unknown = [x for x in codes if x not in set(c.refs.agencies["code"])]
    if unknown:
        c.problem(
            row,
            "coordinating",
            "unknown_agency",
            f"unknown agency code(s): {', '.join(unknown)}",
            f"mã cơ quan không tồn tại: {', '.join(unknown)}",
        )
    row.out["coordinating"] = ";".join(codes) or None


def rule_event(row: Row, c: RuleContext) -> None:
    event = row.raw.get("event_id")
    if blank(event):
        row.out["event_id"] = None
        return
    if str(event).strip() not in c.refs.events:
        c.problem(row, "event_id", "unknown_event", "no such emergency event", "không có tình huống khẩn cấp này")
    row.out["event_id"] = str(event).strip()


def rule_scope(row: Row, c: RuleContext) -> None:
    """Staff of a ministry or province load only their own tasks (their progress reports)."""
    s = c.scope
    if s.unrestricted or "assignee_agency" not in row.out:
        return
    if not (s.sees_agency(row.out["assignee_agency"]) and s.sees_area(row.out.get("assignee_area"))):
        # point at the column the file named the assignee in (a province code alone: the area column)
        column = "assignee_area" if blank(row.raw.get("assignee_agency")) else "assignee_agency"
        c.problem(
            row,
            column,
            "out_of_scope",
            "this task is not assigned to your agency or province",
            "nhiệm vụ này không giao cho cơ quan/tỉnh của bạn",
        )


DEFAULT_RULES: tuple[Rule, ...] = (
    rule_control_characters,
    rule_required,
    rule_document,
    rule_dates,
    rule_status,
    rule_assignee,
    rule_coordinating,
    rule_event,
    rule_scope,
)
