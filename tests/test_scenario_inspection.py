"""A key-project inspection on the tiny warehouse (its program made a key-project group): the shipped playbook
dispatches a conclusion notice (TB-VPCP) with the declared tasks; the next inspection shows the project's progress
against plan, its milestones and the earlier inspection's tasks still open."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from analytics.inspection import inspection
from analytics.situation import situation
from connectors.tasks.scenarios import activate
from semantic.model import default_model
from semantic.playbook import default_playbooks
from semantic.query import execute
from semantic.scope import Scope
from tests.support import make_warehouse
from tests.tiny import direction
from warehouse.schema import table

BOOK = default_playbooks()["key_project_inspection"]


@pytest.fixture
def wh(tmp_path):
    frames = direction.frames()
    frames["program"] = frames["program"].assign(kind="key")
    w = make_warehouse(f"duckdb://{tmp_path / 'w.duckdb'}", frames)
    yield w
    w.close()


def test_an_inspection_dispatches_its_notice_and_the_next_one_follows_it_up(wh):
    first = activate(wh, BOOK, ("33",), datetime(2025, 6, 10, 9, 0), 1, "Phó Thủ tướng", scope=Scope.system())
    # level 1: clearance for Hưng Yên (720 h -> 10/07), catch_up for MOC (336 h -> 24/06); a notice after 45/TB-VPCP
    assert (first.document_number, first.tasks) == ("46/TB-VPCP", 2)
    tasks = wh.execute(table("task").filter(lambda t: t.event_id == first.run_id))
    assert sorted(
        zip(tasks["assignee_agency"], tasks["document_kind"], pd.to_datetime(tasks["deadline"]).dt.date, strict=True)
    ) == [
        ("MOC", "thong_bao", date(2025, 6, 24)),
        ("UBND33", "thong_bao", date(2025, 7, 10)),
    ]
    second = activate(wh, BOOK, ("33",), datetime(2025, 7, 15, 9, 0), 1, "Phó Thủ tướng", scope=Scope.system())
    assert second.document_number == "47/TB-VPCP"
    scope = Scope.system("test")

    def run(spec):
        return execute(spec, default_model(), scope, wh)

    sit = situation(run, BOOK, second.run_id, scope, datetime(2025, 7, 15, 12, 0))
    seen = inspection(run, sit)
    # J1 (Hưng Yên): June 2025 is the latest month known on 15/07: 50 of 50 planned, physical 50 % of 50 %
    assert seen.progress[
        ["project_id", "disbursed_ytd", "plan_ytd", "physical_pct", "physical_plan_pct"]
    ].values.tolist() == [["J1", 50.0, 50.0, 50.0, 50.0]]
    assert seen.milestones[["project_id", "name_vi", "status"]].values.tolist() == [["J1", "Hoàn thành", "upcoming"]]
    # both tasks of the first inspection are open and past due on 15/07: catch_up (24/06), clearance (10/07)
    assert sorted(zip(seen.carried["assignee_agency"], seen.carried["status"], strict=True)) == [
        ("MOC", "overdue"),
        ("UBND33", "overdue"),
    ]
