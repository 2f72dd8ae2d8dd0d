"""`python -m bench` runs end to end at a small size and prints its summary lines (no timing is asserted: the
figures are for the 50 M-row run on the machine, see docs/performance.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )


@pytest.mark.slow
def test_the_bench_harness_runs_and_prints_its_summary(tmp_path):
    res = bench("--rows", "100000", "--reps", "1", "--dir", str(tmp_path))
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    out = res.stdout
    for name in ("overview", "series_15y", "ranking_month", "explore_3d_2f", "persona_overview"):
        line = next(x for x in out.splitlines() if x.startswith(name))
        assert "equal_hand=yes" in line and "rollup_equal=yes" in line, line
    summary = dict(re.findall(r"^(\w+)=(\S+)$", out, re.M))
    wanted = {"ratio_median", "ratio_max", "ratio_max_query", "rollup_speedup", "extract_peak_rss_mb", "extract_rows"}
    assert wanted | {"answers_equal"} <= set(summary)
    assert summary["answers_equal"] == "yes"
    assert float(summary["ratio_max"]) >= float(summary["ratio_median"]) > 0
    names = {"overview", "series_15y", "ranking_month", "explore_3d_2f", "persona_overview"}
    assert summary["ratio_max_query"] in names
    # the extract is complete: every row the database counted is in the file (32 indicators, 15 areas, 60 months)
    assert int(summary["extract_rows"]) == 32 * 15 * 60
    assert "complete=yes" in out and "complete=NO" not in out


@pytest.mark.slow
def test_the_ingest_bench_runs_and_prints_its_figures(tmp_path):
    """`python -m bench ingest` at 50 000 rows: every figure printed, every row stored, the bad row refused."""
    res = bench("ingest", "--rows", "50000", "--dir", str(tmp_path))
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    summary = dict(re.findall(r"^(\w+)=(\S+)$", res.stdout, re.M))
    names = {"read_csv_s", "ingest_s", "ingest_ratio", "ingest_peak_rss_mb", "dry_run_s", "dry_run_peak_rss_mb"}
    assert names <= set(summary)
    assert summary["ingest_rows"] == summary["stored_rows"] == "50000"
    assert summary["bad_row_refused"] == summary["warehouse_unchanged"] == "yes"
    ratio = float(summary["read_csv_s"]) / float(summary["ingest_s"])
    assert float(summary["ingest_ratio"]) == pytest.approx(ratio, rel=0.05, abs=0.002)
    assert 100 < float(summary["ingest_peak_rss_mb"]) < 4000
