"""Vintages that cannot lie (issue 11, items 5 and 6): one value per key and vintage — refused at the check with a
clear message and a constraint of the table on DuckDB and PostgreSQL — and no backdated history: a vintage cannot
precede its period's start, an existing vintage of the same key, nor (for a sender with a scope) the load time
minus the declared tolerance."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pytest

from connectors.intake import connector_for, load
from semantic.model import load_model
from semantic.query import execute
from semantic.scope import Scope
from semantic.spec import QuerySpec
from tests import intake_support as s
from warehouse.db import Warehouse
from warehouse.schema import table

TODAY = date(2025, 6, 1)
HEAD = "indicator_code,area_code,period,value,base,published_at\n"


@pytest.fixture
def wh(intake_wh):
    return intake_wh


def _load(wh, text: str, scope: Scope | None = None, name: str = "f.csv", today: date = TODAY):
    scope = scope or Scope.system()  # the system (no claims) may load history
    return load(
        connector_for((HEAD + text).encode(), name, "GSO"), wh, "t", registry=s.registry(), today=today, scope=scope
    )


def _value(wh, area: str = "VN", as_of: date | None = None) -> float:
    model = load_model(s.DATA / "no-models", s.REGISTRY_DIR)
    spec = QuerySpec(
        indicators=("PUBINV_DISB",), areas=(area,), time_from="2025-02", time_to="2025-02", boundaries="as-was"
    )
    frame = execute(spec.with_(as_of=as_of), model, Scope.system(), wh)
    return float(frame["value"].iloc[0])


def _problems(report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.rule) for p in report.problems]


# -- item 5: one value per key and vintage ------------------------------------------------------------------------


def test_a_second_value_for_the_same_key_and_vintage_is_refused_naming_the_stored_one(wh):
    assert _load(wh, "PUBINV_DISB,VN,2025-02,100,level,2025-03-06\n").outcome == "loaded"
    report = _load(wh, "PUBINV_DISB,VN,2025-02,200,level,2025-03-06\n", name="g.csv")
    assert report.outcome == "rejected"
    assert _problems(report) == [(2, "published_at", "vintage_conflict")]
    message = report.problems[0].message_en
    assert "100" in message and "2025-03-06" in message and "later published_at" in message
    assert s.count(wh, "observation") == 1 and _value(wh) == 100.0
    # the same value again is simply unchanged; a later vintage is the new current value
    assert _load(wh, "PUBINV_DISB,VN,2025-02,100,level,2025-03-06\n").outcome == "unchanged"
    assert _load(wh, "PUBINV_DISB,VN,2025-02,200,level,2025-03-07\n").outcome == "loaded"
    assert _value(wh) == 200.0 and _value(wh, as_of=date(2025, 3, 6)) == 100.0


def _obs(value: float, agency: str | None = None) -> pa.Table:
    return pa.table(
        {
            "indicator_code": ["PUBINV_DISB"],
            "area_code": ["VN"],
            "agency_code": pa.array([agency], pa.string()),
            "category": pa.array([None], pa.string()),
            "period_start": [date(2025, 2, 1)],
            "period_end": [date(2025, 2, 28)],
            "freq": ["M"],
            "base": ["level"],
            "value": [value],
            "status": ["official"],
            "source": ["GSO"],
            "vintage": [datetime(2025, 3, 6)],
            "batch_id": ["b"],
        }
    )


def test_one_value_per_key_and_vintage_is_a_constraint_of_the_table(backend_url):
    """Written past every check, straight into the table: the database itself refuses the second row (keys with
    empty agency and category included: NULL is one value here, not many)."""
    wh, _ = s.build(backend_url)
    try:
        before = s.count(wh, "observation")
        with wh.transaction():
            wh.insert("observation", _obs(1.0))
            wh.insert("observation", _obs(1.0, "MOF"))  # another key: fine
        with pytest.raises(Exception, match="(?i)duplicate|unique"):
            with wh.transaction():
                wh.insert("observation", _obs(2.0))
        assert s.count(wh, "observation") == before + 2
    finally:
        wh.close()
    # a warehouse made before the constraint gets it from ensure_schema
    again = Warehouse(backend_url)
    again.ensure_schema()
    with pytest.raises(Exception, match="(?i)duplicate|unique"):
        with again.transaction():
            again.insert("observation", _obs(3.0, "MOF"))
    again.close()


# -- item 6: no backdated history ---------------------------------------------------------------------------------


def test_a_vintage_before_its_periods_start_is_refused(wh):
    report = _load(wh, "PUBINV_DISB,VN,2025-02,100,level,2000-01-01\n")
    assert report.outcome == "rejected"
    assert _problems(report) == [(2, "published_at", "vintage_before_period")]
    assert "2025-02-01" in report.problems[0].message_en
    assert s.count(wh, "observation") == 0


def test_a_vintage_before_an_existing_vintage_of_the_key_is_refused(wh):
    assert _load(wh, "PUBINV_DISB,VN,2025-02,100,level,2025-03-06\n").outcome == "loaded"
    report = _load(wh, "PUBINV_DISB,VN,2025-02,90,level,2025-03-01\n", name="old.csv")
    assert report.outcome == "rejected"
    assert _problems(report) == [(2, "published_at", "vintage_before_existing")]
    assert "2025-03-06" in report.problems[0].message_en
    assert s.count(wh, "observation") == 1 and _value(wh) == 100.0


def test_a_sender_with_a_scope_cannot_backdate_beyond_the_tolerance(wh, monkeypatch):
    staff = s.province("33")
    monkeypatch.setenv("DIEUHANH_BACKDATE_DAYS", "7")
    report = _load(wh, "PUBINV_DISB,33,2025-02,100,level,2025-05-20\n", scope=staff)
    assert report.outcome == "rejected"
    assert _problems(report) == [(2, "published_at", "vintage_backdated")]
    assert "7 days" in report.problems[0].message_en and "DIEUHANH_BACKDATE_DAYS" in report.problems[0].message_en
    # within the tolerance: loaded; the reference loader (no scope: seed, the operator's CLI) may load history
    assert _load(wh, "PUBINV_DISB,33,2025-02,100,level,2025-05-26\n", scope=staff).outcome == "loaded"
    assert _load(wh, "PUBINV_DISB,VN,2025-02,100,level,2025-03-06\n").outcome == "loaded"
    # a load-time vintage is never backdated
    assert _load(wh, "PUBINV_DISB,33,2025-03,5,level,\n", scope=staff).outcome == "loaded"


def test_the_tolerance_setting_is_checked(wh, monkeypatch):
    monkeypatch.setenv("DIEUHANH_BACKDATE_DAYS", "a week")
    from connectors.checks.limits import SettingError, backdate_days

    with pytest.raises(SettingError, match="DIEUHANH_BACKDATE_DAYS"):
        backdate_days()


def test_as_of_does_not_see_a_backdated_figure(wh):
    """The attack as reported: a January 2025 figure 'published' on 2000-01-01 shows in --as-of 2024-06-01."""
    report = _load(wh, "PUBINV_DISB,VN,2025-01,999,level,2000-01-01\n", scope=Scope.system())
    assert report.outcome == "rejected"
    assert wh.execute(table("observation")).empty
