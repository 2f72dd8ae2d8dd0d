"""Audit gaps (issue 11, item 11): page views written ahead to a journal survive a hard kill; refusals (a scope
that grants nothing, a permission missing, the CLI's exit 3, a login without access), rejected loads and logins are
all written to the trail."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from connectors.__main__ import main as connectors_main
from connectors.intake import connector_for, load
from semantic.errors import AccessDenied, LoadRejected
from semantic.model import load_model
from semantic.query import execute
from semantic.scope import Scope
from semantic.spec import QuerySpec
from tests import intake_support as s
from tests.direction_support import direction_url, using
from warehouse import audit
from warehouse.db import Warehouse
from warehouse.schema import table

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def wh(intake_wh):
    return intake_wh


def trail(wh, action: str | None = None):
    audit.flush(wh)
    t = table("audit")
    frame = wh.execute(t.filter(t.action == action) if action else t)
    return frame.sort_values("at").reset_index(drop=True)


KILLED = """
import os, sys, time
from warehouse import audit
from warehouse.db import Warehouse
wh = Warehouse(sys.argv[1])
for i in range(int(sys.argv[2])):
    audit.record(wh, "viewer", "query", f"page-{i}", defer=True)
print(time.time(), flush=True)
os.kill(os.getpid(), 9)
"""


def test_page_views_survive_a_hard_kill(wh):
    """A page view is recorded deferred (written to the database within seconds) but appended to a journal on
    disk first: SIGKILL right after the last view loses none of them; the next process writes them."""
    n = 200
    done = subprocess.run(
        [sys.executable, "-c", KILLED, wh.url, str(n)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    journals = list(wh.path.parent.glob(wh.path.name + ".audit.*.jsonl"))
    assert len(journals) == 1 and len(journals[0].read_text().splitlines()) == n
    rows = trail(wh, "query")  # any use of the trail recovers what a dead process left
    assert sorted(rows["what"]) == sorted(f"page-{i}" for i in range(n))
    assert set(rows["who"]) == {"viewer"}
    assert not list(wh.path.parent.glob(wh.path.name + ".audit.*"))  # the journal is gone once written
    assert len(trail(wh, "query")) == n  # and never written twice


def test_a_failed_write_keeps_its_rows_for_the_next_flush(wh):
    """A deferred write that fails (here the trail's table is away, a real DuckDB error) loses nothing: the rows
    stay pending and in the journal, ahead of those recorded after, and the next flush writes them all once."""
    audit.record(wh, "v", "query", "before", defer=True)
    audit.flush(wh)
    with wh.transaction() as con:
        con.raw_sql("ALTER TABLE audit RENAME TO audit_away")
    audit.record(wh, "v", "query", "a", defer=True)
    audit.record(wh, "v", "query", "b", defer=True)
    with pytest.raises(Exception, match="audit"):
        audit.flush(wh)
    journal = audit.journal_path(wh, os.getpid())
    assert [json.loads(ln)["what"] for ln in journal.read_text().splitlines()] == ["a", "b"]
    audit.record(wh, "v", "query", "c", defer=True)
    with wh.transaction() as con:
        con.raw_sql("ALTER TABLE audit_away RENAME TO audit")
    assert list(trail(wh, "query")["what"]) == ["before", "a", "b", "c"]
    assert not journal.exists()


def test_a_live_process_journal_is_not_taken(wh):
    """Another process's journal is recovered only once that process is dead."""
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        path = audit.journal_path(wh, live.pid)
        row = {"at": "2025-01-01T00:00:00", "who": "w", "action": "query", "what": "p", "spec": "", "scope": ""}
        path.write_text(json.dumps({**row, "rows": 0}) + "\n")
        assert trail(wh, "query").empty and path.exists()
    finally:
        live.kill()
        live.wait()
    assert list(trail(wh, "query")["who"]) == ["w"] and not path.exists()


def test_a_refused_query_is_written(wh):
    model = load_model(s.DATA / "no-models", s.REGISTRY_DIR)
    spec = QuerySpec(indicators=("RETAIL",))
    with pytest.raises(AccessDenied):
        execute(spec, model, Scope.none("nobody", ("claim 'province' = '99'", "")), wh)
    rows = trail(wh, "refused")
    assert list(rows["who"]) == ["nobody"]
    assert "observations" in rows["what"].iloc[0] and "province" in rows["what"].iloc[0]
    assert json.loads(rows["spec"].iloc[0])["indicators"] == ["RETAIL"]


def test_rejected_loads_and_refused_uploads_are_written(wh, monkeypatch):
    bad = b"indicator_code,area_code,period,value\nRETAIL,VN,2025-13,5\n"
    report = load(connector_for(bad, "bad.csv", "GSO"), wh, "sender", registry=s.registry(), scope=Scope.system())
    assert report.outcome == "rejected"
    monkeypatch.setenv("DIEUHANH_MAX_UPLOAD_BYTES", "10")
    with pytest.raises(LoadRejected):
        load(connector_for(bad, "big.csv", "GSO"), wh, "sender", registry=s.registry(), scope=Scope.system())
    monkeypatch.delenv("DIEUHANH_MAX_UPLOAD_BYTES")
    leader = Scope(frozenset({"leader"}), None, None, True, False, who="leader-x")
    with pytest.raises(AccessDenied):
        load(connector_for(bad, "l.csv", "GSO"), wh, "leader-x", registry=s.registry(), scope=leader)
    rejected = trail(wh, "load_rejected")
    assert list(rejected["what"]) == ["bad.csv", "big.csv"]
    assert "period" in rejected["spec"].iloc[0] and "bytes" in rejected["spec"].iloc[1]
    refused = trail(wh, "refused")
    assert list(refused["who"]) == ["leader-x"] and "l.csv" in refused["what"].iloc[0]


def test_the_cli_exit_3_is_written(wh, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIEUHANH_DB", wh.url)
    path = tmp_path / "f.csv"
    path.write_text("indicator_code,area_code,period,value\nRETAIL,VN,2025-01,5\n")
    claims = tmp_path / "claims.json"
    claims.write_text(json.dumps({"sub": "u-99", "roles": ["province_staff"], "province": "99"}))
    args = ["load", str(path), "--source", "GSO", "--claims", str(claims)]  # scoped: the installed registry
    assert connectors_main(args) == 3
    capsys.readouterr()
    rows = trail(wh, "refused")
    assert list(rows["who"]) == ["u-99"]
    assert rows["what"].iloc[0].startswith("cli load") and "99" in rows["what"].iloc[0]


@pytest.fixture(scope="module")
def app_url():
    url = direction_url()
    with using(url):
        yield url


def _open(persona: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["persona"] = persona
    return at.run()


def test_logins_and_logins_without_access_are_written(app_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no secrets file here: demo mode
    # the warehouse is shared with the other direction modules of this process: count what this test adds
    wh = Warehouse(app_url)
    try:
        before = {action: len(trail(wh, action)) for action in ("login", "refused")}
    finally:
        wh.close()
    at = _open("hungyen")
    assert not at.exception
    at.run()  # a rerun of the same session is not a second login
    _open("none")
    wh = Warehouse(app_url)
    try:
        logins = trail(wh, "login").iloc[before["login"] :]
        assert len(logins) == 1 and "33" in logins["scope"].iloc[0]
        refused = trail(wh, "refused").iloc[before["refused"] :]
        assert len(refused) == 1 and refused["what"].iloc[0].startswith("login")
    finally:
        wh.close()


def test_the_audit_page_offers_every_action():
    """The page's filter is the trail's own list of actions, and that list names what is now written."""
    assert "from warehouse.audit import ACTIONS" in (ROOT / "pages" / "audit.py").read_text(encoding="utf-8")
    assert {"login", "refused", "load_rejected"} <= set(audit.ACTIONS)


def test_the_loss_window_is_measured(wh):
    """The figure the README gives: rows lost on a hard kill (0: each view is in the journal before the call
    returns) and the cost of writing ahead per view."""
    started = time.perf_counter()
    for i in range(500):
        audit.record(wh, "v", "query", f"p{i}", defer=True)
    per_view_ms = (time.perf_counter() - started) * 1000 / 500
    assert per_view_ms < 5, per_view_ms
    assert os.path.exists(audit.journal_path(wh, os.getpid()))
    assert len(trail(wh, "query")) == 500
