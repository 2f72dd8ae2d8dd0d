"""Scope owns every row predicate and every capability (issue 17 item 1), and Khám phá shows the SQL that runs
(item 5): capabilities per persona, the system scope, the refusal a missing capability gives, and `sql_for`
equal to the text the one query path sends to a real DuckDB warehouse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from semantic.access import persona_scope
from semantic.errors import AccessDenied
from semantic.model import load_model
from semantic.query import execute, sql_for
from semantic.scope import CAPABILITIES, Scope
from semantic.spec import QuerySpec
from tests import tiny
from warehouse import fastsql

ROOT = Path(__file__).resolve().parent.parent

#: persona -> the capabilities semantic/access.yml grants it (hand-read from the file)
GRANTS = {
    "leader": {"activate"},
    "analyst": {"sql"},
    "mof": {"upload", "api-write"},
    "hungyen": {"upload", "api-write"},
    "admin": {"upload", "api-write", "audit", "sql", "activate"},  # not "backdate": history is the system's
    "none": set(),
}


@pytest.mark.parametrize("persona", list(GRANTS))
def test_each_persona_holds_exactly_its_capabilities(persona):
    scope = persona_scope(persona)
    assert {c for c in CAPABILITIES if scope.may(c)} == GRANTS[persona]
    for capability in CAPABILITIES:
        if capability in GRANTS[persona]:
            scope.require(capability)
        else:
            with pytest.raises(AccessDenied):
                scope.require(capability)


def test_the_system_scope_sees_everything_and_holds_every_capability():
    system = Scope.system("cli:test")
    assert system.who == "cli:test" and system.unrestricted and not system.denied and system.is_system
    assert all(system.may(c) for c in CAPABILITIES)
    assert system.area_codes() is None and system.agency_codes() is None and system.source_areas() is None


def test_a_missing_capability_is_refused_by_name_and_an_unknown_one_is_a_bug():
    with pytest.raises(AccessDenied) as err:
        persona_scope("leader").require("upload")
    assert err.value.message_en == "your account may not load data"
    with pytest.raises(AccessDenied) as err:
        persona_scope("none").require("sql")  # seeing nothing: the no-access message, not the capability's
    assert "no access to any data" in err.value.message_en
    with pytest.raises(ValueError, match="unknown capability 'delete'"):
        Scope.system().may("delete")


def test_a_province_scope_limits_areas_and_keeps_the_country_when_national():
    hy = Scope(frozenset({"province_staff"}), None, frozenset({"33"}), national=True)
    assert hy.area_codes() == ("33", "VN") and hy.area_limited and not hy.agency_limited
    assert hy.sees_area("33") and not hy.sees_area("01") and not hy.sees_area(None)
    assert Scope(frozenset({"province_staff"}), None, frozenset({"33"})).area_codes() == ("33",)


def test_no_area_or_agency_predicate_is_written_outside_the_scope_module():
    """The compilers ask the scope for their filters: no module of the query path builds one itself."""
    pattern = re.compile(r"province_2025\.isin|new_code\.isin|scope\.(areas|agencies|national)\b")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("semantic", "api", "analytics", "connectors", "pages")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name != "scope.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


@pytest.fixture(scope="module")
def tiny_wh(tmp_path_factory):
    warehouse, _ = tiny.build(f"duckdb://{tmp_path_factory.mktemp('scope')}/w.duckdb")
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="module")
def model():
    return load_model(tiny.HERE / "no-models", tiny.HERE / "indicators")


def test_the_sql_shown_is_the_sql_executed(tiny_wh, model, monkeypatch):
    executed: list[str] = []
    real_run = fastsql.run
    monkeypatch.setattr(fastsql, "run", lambda wh, sql, schema: executed.append(sql) or real_run(wh, sql, schema))
    analyst = persona_scope("analyst")
    spec = QuerySpec(indicators=("FLOW",), areas=("33",), time_from="2025-02", time_to="2025-02")
    frame = execute(spec, model, analyst, tiny_wh)
    assert list(frame["value"]) == [28.0]  # Hưng Yên on 2025 boundaries: 25 (old Hưng Yên) + 3 (Thái Bình)
    assert executed == [sql_for(spec, model, analyst, tiny_wh)]
    with pytest.raises(AccessDenied, match="may not see the SQL"):
        sql_for(spec, model, persona_scope("leader"), tiny_wh)
