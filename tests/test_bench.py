"""`python -m bench` runs end to end at a small size and prints its summary lines (no timing is asserted: the
figures are for the 50 M-row run on the machine, see docs/performance.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_bench_harness_runs_and_prints_its_summary(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "bench", "--rows", "100000", "--reps", "1", "--dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    out = res.stdout
    for name in ("overview", "series_15y", "ranking_month", "explore_3d_2f", "persona_overview"):
        line = next(x for x in out.splitlines() if x.startswith(name))
        assert "equal_hand=yes" in line and "rollup_equal=yes" in line, line
    summary = dict(re.findall(r"^(\w+)=(\S+)$", out, re.M))
    assert {"ratio_median", "rollup_speedup", "extract_peak_rss_mb", "extract_rows", "answers_equal"} <= set(summary)
    assert summary["answers_equal"] == "yes"
    # the extract is complete: every row the database counted is in the file (32 indicators, 15 areas, 60 months)
    assert int(summary["extract_rows"]) == 32 * 15 * 60
    assert "complete=yes" in out and "complete=NO" not in out
