"""Tiny direction tables with hand-computable answers: eleven tasks (on time, late, overdue, recurring, assigned after
the as-of date, completed after it), two emergencies with figures and a dispatch, one program with two projects.

Hand-computed answers live next to the tests that check them (tests/test_direction_cubes.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd

import warehouse.tables  # noqa: F401 - registers the direction tables
from tests import tiny
from tests.support import make_warehouse
from warehouse.db import Warehouse
from warehouse.lineage import OPEN_END, build_area_map, close_agency_lineage

D = date.fromisoformat
MERGE = date(2025, 7, 1)


def reference() -> dict[str, pd.DataFrame]:
    ref = tiny.reference(tiny.registry())
    committees = pd.DataFrame(
        [
            ("UBND01", "UBND TP Hà Nội", "Ha Noi People's Committee", "province_committee", D("1945-09-02"), OPEN_END),
            (
                "UBND33",
                "UBND tỉnh Hưng Yên",
                "Hung Yen People's Committee",
                "province_committee",
                D("1945-09-02"),
                OPEN_END,
            ),
            (
                "UBND34",
                "UBND tỉnh Thái Bình",
                "Thai Binh People's Committee",
                "province_committee",
                D("1945-09-02"),
                MERGE,
            ),
            (
                "MAE",
                "Bộ Nông nghiệp và Môi trường",
                "Agriculture and Environment",
                "ministry",
                D("2025-03-01"),
                OPEN_END,
            ),
        ],
        columns=["code", "name_vi", "name_en", "kind", "valid_from", "valid_to"],
    )
    ref["agency"] = pd.concat([ref["agency"], committees], ignore_index=True)
    codes = list(ref["agency"]["code"])
    ref["agency_lineage"] = close_agency_lineage([("MOT", "MOC", D("2025-03-01")), ("UBND34", "UBND33", MERGE)], codes)
    # Thanh Hóa (38) joins the tiny map for the storm; it exists before and after the merger
    extra = pd.DataFrame(
        [
            ("38", "Thanh Hóa", "Thanh Hoa", "province", "VN", D("2004-01-01"), MERGE),
            ("38", "Thanh Hóa", "Thanh Hoa", "province", "VN", MERGE, OPEN_END),
        ],
        columns=["code", "name_vi", "name_en", "level", "parent_code", "valid_from", "valid_to"],
    )
    ref["area"] = pd.concat([ref["area"], extra], ignore_index=True)
    lin = pd.concat(
        [
            ref["area_lineage"],
            pd.DataFrame([("38", "38", 1.0, "full", MERGE)], columns=list(ref["area_lineage"].columns)),
        ]
    )
    ref["area_lineage"] = lin
    ref["area_map"] = build_area_map(ref["area"], lin)
    return ref


def _task(tid, agency, area, doc, deadline, kind="nghi_quyet", number="01/NQ-CP", event=None, dispatch=None):
    return {
        "task_id": tid,
        "document_number": number,
        "document_kind": kind,
        "document_date": D(doc),
        "issuer": number.split("-")[-1],
        "assignee_agency": agency,
        "assignee_area": area,
        "original_agency": agency,
        "original_area": area,
        "content": f"Nhiệm vụ {tid}",
        "deadline": D(deadline) if deadline else None,
        "recurring": deadline is None,
        "event_id": event,
        "dispatch_id": dispatch,
        "demo": False,
        "source": "test",
    }


TASKS = pd.DataFrame(
    [
        _task("T1", "MOF", None, "2025-01-10", "2025-03-31"),
        _task("T2", "MOF", None, "2025-01-10", "2025-03-31"),
        _task("T3", "MOC", None, "2025-01-10", "2025-05-31"),
        {**_task("T4", "MOC", None, "2025-01-10", "2025-12-31"), "original_agency": "MOT"},
        _task("T5", "MOC", None, "2025-01-10", None),
        _task("T6", "MOH", None, "2025-02-01", "2025-06-30", "chi_thi", "05/CT-TTg"),
        _task("T7", "UBND33", "33", "2025-02-01", "2025-04-30", "chi_thi", "05/CT-TTg"),
        {
            **_task("T8", "UBND33", "33", "2025-02-01", "2025-09-30", "chi_thi", "05/CT-TTg"),
            "original_area": "34",
            "original_agency": "UBND34",
        },
        _task("T9", "MOF", None, "2025-07-15", "2025-08-31", "thong_bao", "45/TB-VPCP"),
        _task("T10", "MOF", None, "2025-02-01", "2025-06-15", "chi_thi", "05/CT-TTg"),
        _task("T11", "MOH", None, "2025-02-01", None, "chi_thi", "05/CT-TTg"),
        _task("T12", "MOC", None, "2025-09-20", "2025-09-25", "cong_dien", "150/CĐ-TTg", "E1", "DSP1"),
        _task("T13", "UBND33", "33", "2025-09-20", "2025-09-30", "cong_dien", "150/CĐ-TTg", "E1", "DSP1"),
    ]
)

_EV = [
    ("T1", "2025-01-10", "assigned"),
    ("T1", "2025-01-15", "started"),
    ("T1", "2025-03-20", "completed"),
    ("T2", "2025-01-10", "assigned"),
    ("T2", "2025-02-01", "started"),
    ("T2", "2025-04-10", "completed"),
    ("T3", "2025-01-10", "assigned"),
    ("T3", "2025-02-01", "started"),
    ("T4", "2025-01-10", "assigned"),
    ("T4", "2025-03-01", "progress"),
    ("T5", "2025-01-10", "assigned"),
    ("T5", "2025-01-20", "started"),
    ("T6", "2025-02-01", "assigned"),
    ("T6", "2025-06-30", "completed"),
    ("T7", "2025-02-01", "assigned"),
    ("T8", "2025-02-01", "assigned"),
    ("T9", "2025-07-15", "assigned"),
    ("T9", "2025-08-20", "completed"),
    ("T10", "2025-02-01", "assigned"),
    ("T10", "2025-03-01", "started"),
    ("T10", "2025-07-05", "completed"),
    ("T11", "2025-02-01", "assigned"),
    ("T11", "2025-05-01", "completed"),
    ("T12", "2025-09-20", "assigned"),
    ("T12", "2025-09-24", "completed"),
    ("T13", "2025-09-20", "assigned"),
    ("T13", "2025-09-21", "started"),
]
TASK_EVENTS = pd.DataFrame([{"task_id": t, "event_date": D(d), "kind": k} for t, d, k in _EV])

EVENTS = pd.DataFrame(
    [
        {
            "event_id": "E1",
            "kind": "storm",
            "name_vi": "Bão thử",
            "name_en": "Test storm",
            "started_on": D("2025-09-18"),
            "ended_on": D("2025-09-30"),
            "severity": 4,
            "lead_agency": "MAE",
            "demo": False,
        },
        {
            "event_id": "E2",
            "kind": "epidemic",
            "name_vi": "Dịch thử",
            "name_en": "Test epidemic",
            "started_on": D("2025-05-01"),
            "ended_on": None,
            "severity": 2,
            "lead_agency": "MOH",
            "demo": False,
        },
    ]
)
PARTIES = pd.DataFrame(
    [
        {"event_id": "E1", "area_code": "33", "agency_code": "UBND33", "role": "affected", "since": D("2025-09-18")},
        {"event_id": "E1", "area_code": "38", "agency_code": None, "role": "affected", "since": D("2025-09-18")},
        {"event_id": "E1", "area_code": None, "agency_code": "MAE", "role": "lead", "since": D("2025-09-18")},
        {"event_id": "E1", "area_code": None, "agency_code": "MOC", "role": "assigned", "since": D("2025-09-20")},
        {"event_id": "E2", "area_code": "01", "agency_code": "UBND01", "role": "affected", "since": D("2025-05-01")},
        {"event_id": "E2", "area_code": None, "agency_code": "MOH", "role": "lead", "since": D("2025-05-01")},
    ]
)
FIGURES = pd.DataFrame(
    [
        {"event_id": e, "area_code": a, "reported_on": D(d), "figure": f, "value": v, "demo": False}
        for e, a, d, f, v in [
            ("E1", "33", "2025-09-19", "deaths", 1),
            ("E1", "33", "2025-09-19", "missing", 2),
            ("E1", "33", "2025-09-21", "deaths", 1),
            ("E1", "33", "2025-09-21", "missing", -1),
            ("E1", "38", "2025-09-20", "deaths", 3),
            ("E1", "38", "2025-09-20", "houses_damaged", 120),
            ("E2", "01", "2025-06-01", "injured", 40),
            ("E2", "01", "2025-10-01", "injured", 25),
        ]
    ]
)
DISPATCHES = pd.DataFrame(
    [
        {
            "dispatch_id": "DSP1",
            "event_id": "E1",
            "document_number": "150/CĐ-TTg",
            "document_date": D("2025-09-20"),
            "issuer": "TTg",
            "title_vi": "Ứng phó bão",
            "demo": False,
        }
    ]
)

PROGRAMS = pd.DataFrame(
    [
        {
            "program_id": "P1",
            "kind": "ntp",
            "name_vi": "CTMTQG thử",
            "name_en": "Test NTP",
            "owner_agency": "MAE",
            "period_from": D("2021-01-01"),
            "period_to": D("2025-12-31"),
            "plan_capital": 1000.0,
            "demo": False,
        }
    ]
)
PROJECTS = pd.DataFrame(
    [
        {
            "project_id": "J1",
            "program_id": "P1",
            "name_vi": "Hợp phần Hưng Yên",
            "name_en": "Hung Yen part",
            "agency_code": "UBND33",
            "area_code": "33",
            "plan_capital": 400.0,
            "demo": False,
        },
        {
            "project_id": "J2",
            "program_id": "P1",
            "name_vi": "Hợp phần Bộ Xây dựng",
            "name_en": "MOC part",
            "agency_code": "MOC",
            "area_code": None,
            "plan_capital": 600.0,
            "demo": False,
        },
    ]
)
PROGRESS = pd.DataFrame(
    [
        {
            "project_id": p,
            "month": D(m),
            "disbursed": d,
            "disbursed_ytd": y,
            "plan_year": py,
            "plan_ytd": pt,
            "physical_pct": ph,
            "physical_plan_pct": pp,
            "demo": False,
        }
        for p, m, d, y, py, pt, ph, pp in [
            ("J1", "2024-06-01", 10, 30, 100, 40, 20, 25),
            ("J1", "2025-06-01", 20, 50, 100, 50, 50, 50),
            ("J2", "2024-06-01", 30, 60, 200, 80, 10, 10),
            ("J2", "2025-06-01", 40, 70, 200, 100, 30, 40),
        ]
    ]
)
MILESTONES = pd.DataFrame(
    [
        {
            "project_id": "J2",
            "seq": 1,
            "name_vi": "Khởi công",
            "name_en": "Start",
            "planned_on": D("2024-01-15"),
            "done_on": D("2024-01-15"),
            "demo": False,
        },
        {
            "project_id": "J2",
            "seq": 2,
            "name_vi": "Thông xe",
            "name_en": "Opening",
            "planned_on": D("2025-04-30"),
            "done_on": D("2025-08-30"),
            "demo": False,
        },
        {
            "project_id": "J1",
            "seq": 1,
            "name_vi": "Hoàn thành",
            "name_en": "Done",
            "planned_on": D("2025-12-31"),
            "done_on": None,
            "demo": False,
        },
    ]
)


def frames() -> dict[str, pd.DataFrame]:
    return {
        **reference(),
        "task": TASKS,
        "task_event": TASK_EVENTS,
        "event": EVENTS,
        "event_party": PARTIES,
        "event_figure": FIGURES,
        "dispatch": DISPATCHES,
        "program": PROGRAMS,
        "project": PROJECTS,
        "project_progress": PROGRESS,
        "project_milestone": MILESTONES,
    }


def build(url: str) -> Warehouse:
    return make_warehouse(url, frames())
