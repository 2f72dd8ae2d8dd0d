"""App-level performance rules: importing the app's modules runs no query, and the overview runs each of its
queries once per rerun, none at all when its results are cached (timings: `python -m bench.app_render`)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
    from pages import ui

    calls: Counter[str] = Counter()
    real_run = ui.run  # the pages' cached query calls `run` as pages.ui's global

    def counting(spec, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls[spec.to_json()] += 1
        return real_run(spec, *args, **kwargs)

    monkeypatch.setattr(ui, "run", counting)  # looked up when called

    def overview_of(area: str) -> AppTest:
        """The overview rerun for `area` (a province other tests' pages leave alone, so its queries are new)."""
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params["persona"] = "leader"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        calls.clear()
        at.sidebar.selectbox(key="area").set_value(area).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    with using(real_warehouse_url()):
        overview_of("96")
        assert calls and max(calls.values()) == 1, calls  # every spec of the rerun once
        assert all('"96"' in spec for spec in calls), calls  # and the page's queries are the area's
        overview_of("96")
        assert sum(calls.values()) == 0  # st.cache_data: same spec, scope and data version
