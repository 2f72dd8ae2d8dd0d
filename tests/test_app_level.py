"""App-level performance rules: importing the app's modules runs no query, and the overview runs each of its
queries once per rerun, none at all when its results are cached (timings: `python -m bench.app_render`)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from semantic import query
from tests.monitoring_support import real_warehouse_url, using

ROOT = Path(__file__).resolve().parent.parent


def test_importing_the_app_modules_opens_no_database(tmp_path):
    db = tmp_path / "never.duckdb"
    code = (
        "import os, sys; os.environ['DIEUHANH_DB'] = sys.argv[1]\n"
        "import pages.ui, pages.i18n, semantic.query, semantic.extract, semantic.preagg, warehouse.db\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, f"duckdb://{db}"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert res.returncode == 0, res.stderr
    assert not db.exists()  # DuckDB creates the file on the first connection: there was none


@pytest.mark.slow
def test_the_overview_runs_each_query_once_per_rerun_and_none_when_cached(monkeypatch):
    calls: Counter[str] = Counter()
    real_run = query.run

    def counting(spec, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls[spec.to_json()] += 1
        return real_run(spec, *args, **kwargs)

    monkeypatch.setattr(query, "run", counting)  # execute() looks `run` up when called
    with using(real_warehouse_url()):
        first = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        first.query_params["persona"] = "leader"
        first.run()
        assert not first.exception, [e.value for e in first.exception]
        assert calls and max(calls.values()) == 1, calls  # every spec once
        assert len(first.metric) >= 10  # the KPI cards were drawn from those queries
        calls.clear()
        again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        again.query_params["persona"] = "leader"
        again.run()
        assert not again.exception
        assert sum(calls.values()) == 0  # st.cache_data: same spec, scope and data version
