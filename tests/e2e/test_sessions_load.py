"""`python -m bench.sessions` against the real app: N websocket sessions speaking Streamlit's protocol open every
page of a mix as demo personas; every run ends with the script's finished message and no exception element. The
parsing of its options and its loopback-only rule are checked on their own (no timing is asserted here: the figures
for 50 users are in docs/performance.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.sessions import PAGES, check_loopback, parse_mix, percentile, server_processes
from tests.monitoring_support import real_warehouse_url

ROOT = Path(__file__).resolve().parents[2]


def test_a_mix_is_read_with_its_weights_and_a_wrong_one_is_named():
    assert parse_mix("overview:0.5,monthly:0.2", PAGES) == [("overview", 0.5), ("monthly", 0.2)]
    assert parse_mix("tasks", PAGES) == [("tasks", 1.0)]
    with pytest.raises(ValueError, match="unknown page 'overveiw'"):
        parse_mix("overveiw:1", PAGES)
    with pytest.raises(ValueError, match="must be above 0"):
        parse_mix("overview:0", PAGES)
    with pytest.raises(ValueError, match="not a number"):
        parse_mix("overview:x", PAGES)


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 95) == 3.0


def test_the_default_server_is_two_processes_behind_nginx_or_one_said_so():
    assert server_processes(None, have_nginx=True) == (2, "")
    n, note = server_processes(None, have_nginx=False)
    assert n == 1 and "nginx is not installed" in note and "one process" in note
    assert server_processes(1, have_nginx=True) == (1, "")  # what was asked, as asked
    assert server_processes(3, have_nginx=False) == (3, "")  # asked for: deploy then says nginx is missing


def test_load_goes_to_loopback_only():
    check_loopback("http://127.0.0.1:8501")
    check_loopback("http://localhost:8501")
    with pytest.raises(ValueError, match="loopback only"):
        check_loopback("http://10.0.0.1:8501")


def test_bad_options_exit_2_with_a_message():
    res = subprocess.run(
        [sys.executable, "-m", "bench.sessions", "--users", "0"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert res.returncode == 2 and "--users must be" in res.stderr and "Traceback" not in res.stderr
    res = subprocess.run(
        [sys.executable, "-m", "bench.sessions", "--processes", "0"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert res.returncode == 2 and "--processes must be 1..16, got 0" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.e2e
@pytest.mark.slow
def test_sessions_open_every_page_of_the_mix_without_an_error():
    url = real_warehouse_url()
    mix = "overview:0.4,monthly:0.15,plan:0.15,tasks:0.15,explore:0.15"
    res = subprocess.run(
        [sys.executable, "-m", "bench.sessions", "--users", "4", "--duration", "25", "--ramp", "2", "--think",
         "0.5,1", "--mix", mix, "--personas", "leader:1,hungyen:1,mof:1", "--processes", "1"],
        cwd=ROOT, env={**os.environ, "DIEUHANH_DB": url}, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    out = res.stdout
    summary = dict(re.findall(r"^(\w+)=(\S+)$", out, re.M))
    assert summary["sessions_errors"] == "0", out
    assert int(summary["sessions_runs"]) >= 4  # at least every user's first visit
    assert float(summary["server_peak_rss_mb"]) > 50  # the server process was sampled
    rows = {line.split()[0]: line.split() for line in out.splitlines() if re.match(r"^\S+\s+\d+\s+\d+\s", line)}
    assert rows["/"][1] == "4"  # four sessions opened the app at its root
    # the warm-up opened each page of the mix once, so each page rendered at least there without an error
    assert "warm-up:" in out
    # and the load began once the server had compiled its hot set (its report, not a guess from the clock)
    assert re.search(r"^server_warm_up_s=[\d.]+ \(process \d+: \d+ queries compiled\)$", out, re.M), out
