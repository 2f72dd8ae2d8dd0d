"""Task files through the connector: every bad row rejected with its row, column, value and rule (in Vietnamese and
English) and nothing written; --accept-valid semantics; idempotence; progress updates; dispatches on an event create
tasks the tasks view shows with their deadline and status."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from connectors.tasks.task_files import load_tasks, record_dispatch
from semantic.access import persona_scope
from semantic.errors import LoadRejected
from semantic.model import load_model
from semantic.query import compile
from semantic.scope import Scope
from semantic.spec import Filter, QuerySpec
from tests.tiny import direction
from warehouse.schema import table

TODAY = date(2025, 12, 31)
HEADER = "task_code,document_number,document_kind,document_date,assignee_agency,assignee_area,content,deadline,"
HEADER += "completed_on,status,event_id"
GOOD = [
    "A1,12/CT-TTg,,2025-03-01,MOF,,Rà soát thủ tục đầu tư,2025-04-30,,,",
    "A2,12/CT-TTg,,01/03/2025,,34,Giải phóng mặt bằng,2025-06-30,2025-06-20,hoàn thành đúng hạn,",
    "A3,12/CT-TTg,Chỉ thị,2025-03-01,MOT,,Bảo đảm an toàn giao thông,Thường xuyên,,,",
]
BAD = [
    ("A4,12/ABC,,2025-03-01,MOF,,x,2025-04-30,,,", "document_number", "document_number_form"),
    ("A5,12/CT-TTg,,2025-03-01,MOX,,x,2025-04-30,,,", "assignee_agency", "unknown_agency"),
    ("A6,12/CT-TTg,,2025-03-01,MOF,,x,2025-02-01,,,", "deadline", "deadline_before_document"),
    ("A7,12/CT-TTg,,2025-03-01,MOF,,x,,,,", "deadline", "required"),
    ("A8,12/CT-TTg,,31/02/2025,MOF,,x,2025-04-30,,,", "document_date", "date_form"),
    ("A9,12/CT-TTg,,2025-03-01,MOF,,x,2025-04-30,,hoàn thành đúng hạn,", "status", "status_conflict"),
    ("A10,12/CT-TTg,,2025-03-01,MOF,,x,2025-04-30,2026-01-05,,", "completed_on", "future_date"),
    ("A11,12/CT-TTg,,2025-03-01,,99,x,2025-04-30,,,", "assignee_area", "unknown_area"),
    ("A1,12/CT-TTg,,2025-03-01,MOF,,Rà soát thủ tục đầu tư,2025-04-30,,,", "task_code", "duplicate"),
    ("A12,12/CT-TTg,Nghị quyết,2025-03-01,MOF,,x,2025-04-30,,,", "document_kind", "document_kind"),
    ("A13,12/CT-TTg,,2025-03-01,MOF,33,x,2025-04-30,,,", "assignee_area", "assignee_conflict"),
    ("A14,12/CT-TTg,,2025-03-01,MOF,,x,2025-04-30,,,E9", "event_id", "unknown_event"),
]


def csv(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


@pytest.fixture
def wh(tmp_duckdb_url):
    warehouse = direction.build(tmp_duckdb_url)
    yield warehouse
    warehouse.close()


def count(wh, name: str) -> int:
    return int(wh.execute(table(name).count()))


def status_of(wh, task_id: str, scope=None) -> tuple:
    spec = QuerySpec(
        view="tasks",
        measures=("assigned",),
        dimensions=("task_id", "deadline", "status"),
        filters=(Filter("task_id", "in", (task_id,)),),
        as_of=TODAY,
    )
    frame = wh.execute(compile(spec, load_model(), scope or Scope.system()))
    return tuple(
        (r.task_id, pd.Timestamp(r.deadline).date() if pd.notna(r.deadline) else None, r.status)
        for r in frame.itertuples(index=False)
    )


def test_a_file_with_bad_rows_is_rejected_row_by_row_and_writes_nothing(wh):
    before = {name: count(wh, name) for name in ("task", "task_event", "load_batch")}
    with pytest.raises(LoadRejected) as err:
        load_tasks(wh, csv(GOOD + [line for line, _, _ in BAD]), "nhiem_vu.csv", today=TODAY, scope=Scope.system())
    found = {(p["row"], p["column"], p["rule"]) for p in err.value.problems}
    expected = {(len(GOOD) + 2 + i, column, rule) for i, (_, column, rule) in enumerate(BAD)}
    assert found == expected
    for p in err.value.problems:
        assert (
            p["file"] == "nhiem_vu.csv" and p["message_vi"] and p["message_en"] and p["message_vi"] != p["message_en"]
        )
    bad_area = next(p for p in err.value.problems if p["rule"] == "unknown_area")
    assert bad_area["value"] == "99" and bad_area["row"] == len(GOOD) + 2 + 7
    assert {name: count(wh, name) for name in before} == before


def test_accept_valid_loads_the_good_rows_and_keeps_the_reasons(wh):
    result = load_tasks(
        wh,
        csv(GOOD + [line for line, _, _ in BAD]),
        "nhiem_vu.csv",
        today=TODAY,
        accept_valid=True,
        scope=Scope.system(),
    )
    assert (result.outcome, result.rows_rejected) == ("partial", len(BAD))
    rejected = wh.execute(table("rejected_row").filter(table("rejected_row").batch_id == result.batch_id))
    assert sorted(rejected["rule"]) == sorted(rule for _, _, rule in BAD)
    # Thái Bình (34) on 1/3/2025 is today's Hưng Yên (33); the Ministry of Transport's task is now Construction's
    assert status_of(wh, "A2") == (("A2", date(2025, 6, 30), "done_on_time"),)
    assert status_of(wh, "A2", persona_scope("hungyen")) == (("A2", date(2025, 6, 30), "done_on_time"),)
    assert status_of(wh, "A3", persona_scope("moc")) == (("A3", None, "not_started"),)
    assert status_of(wh, "A1") == (("A1", date(2025, 4, 30), "overdue"),)
    again = load_tasks(wh, csv(GOOD), "nhiem_vu.csv", today=TODAY, scope=Scope.system())
    assert (again.outcome, again.rows_written) == ("unchanged", 0)


def test_a_progress_report_adds_to_the_history(wh):
    load_tasks(wh, csv(GOOD), "nhiem_vu.csv", today=TODAY, scope=Scope.system())
    report = csv(["A1,12/CT-TTg,,2025-03-01,MOF,,Rà soát thủ tục đầu tư,2025-04-30,2025-05-06,hoàn thành quá hạn,"])
    result = load_tasks(wh, report, "bao_cao.csv", today=TODAY, scope=Scope.system())
    assert result.rows_written == 1  # the completion; the task row itself is known
    assert status_of(wh, "A1") == (("A1", date(2025, 4, 30), "done_late"),)


def test_a_changed_deadline_is_a_conflict_not_an_overwrite(wh):
    load_tasks(wh, csv(GOOD), "nhiem_vu.csv", today=TODAY, scope=Scope.system())
    with pytest.raises(LoadRejected) as err:
        load_tasks(
            wh,
            csv(["A1,12/CT-TTg,,2025-03-01,MOF,,Rà soát thủ tục đầu tư,2025-05-30,,,"]),
            "sua.csv",
            today=TODAY,
            scope=Scope.system(),
        )
    assert [(p["row"], p["rule"]) for p in err.value.problems] == [(2, "task_conflict")]


def test_xlsx_with_vietnamese_headers(wh):
    frame = pd.DataFrame(
        {
            "Số văn bản": ["45/TB-VPCP"],
            "Ngày văn bản": [pd.Timestamp("2025-08-01")],
            "Cơ quan được giao": ["MOH"],
            "Nội dung nhiệm vụ": ["Tổng kết phòng chống dịch"],
            "Thời hạn": [pd.Timestamp("2025-09-30")],
        }
    )
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    result = load_tasks(wh, buf.getvalue(), "thong_bao.xlsx", today=TODAY, scope=Scope.system())
    assert result.rows_written == 2  # the task and its "assigned" event
    spec = QuerySpec(
        view="tasks",
        measures=("overdue",),
        dimensions=("document_kind", "issuer"),
        filters=(Filter("document_number", "in", ("45/TB-VPCP",)),),
        as_of=TODAY,
    )
    assert wh.execute(compile(spec, load_model(), Scope.system())).values.tolist() == [["thong_bao", "VPCP", 1]]


def test_staff_load_only_their_own_tasks(wh):
    with pytest.raises(LoadRejected) as err:
        load_tasks(wh, csv(GOOD), "nhiem_vu.csv", today=TODAY, scope=persona_scope("hungyen"))
    assert [(p["row"], p["rule"]) for p in err.value.problems] == [(2, "out_of_scope"), (4, "out_of_scope")]


def test_a_missing_column_rejects_the_file(wh):
    with pytest.raises(LoadRejected) as err:
        load_tasks(
            wh,
            b"document_number,content\n01/NQ-CP,x\n",
            "thieu.csv",
            today=TODAY,
            accept_valid=True,
            scope=Scope.system(),
        )
    assert {(p["row"], p["column"], p["rule"]) for p in err.value.problems} >= {
        (0, "document_date", "missing_column"),
        (0, "deadline", "missing_column"),
    }
    assert count(wh, "task") == len(direction.TASKS)


def test_a_dispatch_on_an_event_creates_tasks_on_the_tasks_view(backend_url):
    wh = direction.build(backend_url)
    try:
        record_dispatch(
            wh,
            "E2",
            "200/CĐ-TTg",
            date(2025, 10, 2),
            [
                {"assignee_agency": "MOH", "content": "Cấp thuốc, vật tư phòng dịch", "deadline": "2025-10-10"},
                {
                    "assignee_area": "01",
                    "content": "Phun thuốc diệt muỗi toàn thành phố",
                    "deadline": "2025-10-05",
                    "completed_on": "2025-10-04",
                },
            ],
            title_vi="Tăng cường phòng, chống dịch sốt xuất huyết",
            today=TODAY,
        )
        model = load_model()
        spec = QuerySpec(
            view="tasks",
            measures=("assigned",),
            dimensions=("document_number", "assignee_agency", "deadline", "status"),
            filters=(Filter("event_id", "in", ("E2",)),),
            as_of=TODAY,
        )
        frame = wh.execute(compile(spec, model, Scope.system()))
        got = [
            (r.document_number, r.assignee_agency, pd.Timestamp(r.deadline).date(), r.status)
            for r in frame.itertuples(index=False)
        ]
        assert got == [
            ("200/CĐ-TTg", "MOH", date(2025, 10, 10), "overdue"),
            ("200/CĐ-TTg", "UBND01", date(2025, 10, 5), "done_on_time"),
        ]
        disp = wh.execute(
            compile(
                QuerySpec(view="dispatches", measures=("dispatches",), dimensions=("event_id",), as_of=TODAY),
                model,
                Scope.system(),
            )
        )
        assert disp.values.tolist() == [["E1", 1], ["E2", 1]]
        # the Ministry of Health was tasked: it already led the epidemic; Hà Nội's committee is now a party
        parties = wh.execute(
            compile(
                QuerySpec(
                    view="event_areas",
                    measures=("parties",),
                    dimensions=("role",),
                    filters=(Filter("event_id", "in", ("E2",)),),
                ),
                model,
                Scope.system(),
            )
        )
        assert parties.values.tolist() == [["affected", 1], ["assigned", 2], ["lead", 1]]
        with pytest.raises(LoadRejected):
            record_dispatch(
                wh, "E2", "201/CĐ-TTg", date(2025, 10, 3), [{"assignee_agency": "MOH", "content": "x"}], today=TODAY
            )
    finally:
        wh.close()
