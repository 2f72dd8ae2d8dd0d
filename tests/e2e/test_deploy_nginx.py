"""`python -m deploy`: two app processes behind Debian's nginx on loopback, on one PostgreSQL warehouse and on one
DuckDB file. Every page of a mix renders through nginx's websocket proxy for several users, the users are spread over
both processes (each browser sticky by its cookie), and one process alone answers the same load too (the 1-vs-2
comparison of docs/performance.md is this run at 50 users). On a DuckDB file the warehouse is built once, before the
processes start, and both processes' writes (the audit trail) reach the one file through its gate."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.sessions import Stats, _rerun
from connectors.seed import seed
from deploy.__main__ import nginx_conf, start
from warehouse import audit
from warehouse.db import Warehouse
from warehouse.schema import table

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_the_nginx_configuration_lists_every_process_and_keeps_browsers_sticky(tmp_path):
    conf = nginx_conf(8600, [9001, 9002, 9003], tmp_path)
    assert "listen 127.0.0.1:8600;" in conf
    assert [int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+)", conf)] == [9001, 9002, 9003]
    assert "hash $cookie__streamlit_xsrf consistent;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and not re.search(r"@[A-Z]+@", conf)


def _streams(folder: Path) -> list[list[str]]:
    """nginx's access lines of the websockets it upgraded: [path, upstream, cookie, status, ...]."""
    lines = [ln.split() for ln in (folder / "logs" / "access.log").read_text().splitlines()]
    return [ln for ln in lines if ln[0] == "/_stcore/stream" and ln[3] == "101"]


def test_two_processes_share_one_duckdb_file_built_once(tmp_path):
    url = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    steps: list[str] = []
    cluster = start(2, db=url, demo=True, folder=tmp_path / "deploy", progress=lambda _f, step: steps.append(step))
    try:
        assert steps[0] == "schema" and steps[-1] == "done"  # built here, once, before either process started
        cookies = [f"browser-{i}" for i in range(8)]
        for cookie in cookies:
            stats = asyncio.run(_visit(cluster.url, cookie, ["hang-thang"]))
            assert not stats.errors, stats.messages
            assert {p: len(t) for p, t in stats.times.items()} == {"/": 1, "hang-thang": 1}
    finally:
        cluster.stop()  # each process writes its deferred audit rows as it exits
    assert len({ln[1] for ln in _streams(cluster.folder)}) == 2  # both processes served some of the browsers
    logs = [(cluster.folder / "logs" / f"app{i}.log").read_text() for i in range(2)]
    assert all("Traceback" not in log for log in logs), logs
    said = [ln for log in logs for ln in log.splitlines() if ln.startswith("audit:")]  # a write retried, say
    wh = Warehouse(url)
    try:
        audit.flush(wh)  # read as the audit page reads: what a process killed at stop left in its journal, too
        t = table("audit")
        logins = wh.execute(t.filter(t.action == "login").count())
    finally:
        wh.close()
    assert logins == len(cookies), said  # one login row per browser, from whichever process served it: none lost
    # the load test's default server is this deployment: two processes behind nginx on the warehouse DIEUHANH_DB names
    res = subprocess.run(
        [sys.executable, "-m", "bench.sessions", "--users", "4", "--duration", "15", "--ramp", "2", "--think",
         "0.5,1", "--mix", "overview:1,monthly:1"],
        cwd=ROOT, env={**os.environ, "DIEUHANH_DB": url}, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert "server: 2 processes behind nginx" in res.stdout
    assert len(re.findall(r"^server_warm_up_s=[\d.]+ \(process \d+: \d+ queries compiled\)$", res.stdout, re.M)) == 2
    assert dict(re.findall(r"^(\w+)=(\S+)$", res.stdout, re.M))["sessions_errors"] == "0", res.stdout


@pytest.fixture(scope="module")
def pg_real(pg_url: str) -> str:
    wh = Warehouse(pg_url)
    seed(wh)
    wh.close()
    return pg_url


async def _visit(base: str, cookie: str, pages: list[str]) -> Stats:
    """One browser-like session through nginx: the root, then each page by its hash; returns what it recorded."""
    import websockets

    stats, hashes = Stats(), {}
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(
        ws_url, subprotocols=["streamlit"], additional_headers={"Cookie": f"_streamlit_xsrf={cookie}"}, max_size=None
    ) as ws:
        await _rerun(ws, stats, "/", "persona=leader", "", "", hashes)
        for path in pages:
            await _rerun(ws, stats, path, "persona=leader", "", hashes.get(path, ""), hashes)
    return stats


def test_two_processes_behind_nginx_serve_every_page(pg_real: str, tmp_path):
    cluster = start(2, db=pg_real, demo=True, folder=tmp_path / "deploy")
    try:
        stats = asyncio.run(_visit(cluster.url, "browser-a", ["hang-thang", "ke-hoach-nam", "nhiem-vu"]))
        assert not stats.errors, stats.messages
        assert {p: len(t) for p, t in stats.times.items()} == {
            "/": 1,
            "hang-thang": 1,
            "ke-hoach-nam": 1,
            "nhiem-vu": 1,
        }
        res = subprocess.run(
            [sys.executable, "-m", "bench.sessions", "--url", cluster.url, "--users", "6", "--duration", "20",
             "--ramp", "2", "--think", "0.5,1", "--mix", "overview:1,monthly:1",
             *[a for pid in cluster.app_pids for a in ("--pid", str(pid))]],
            cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
        summary = dict(re.findall(r"^(\w+)=(\S+)$", res.stdout, re.M))
        assert summary["sessions_errors"] == "0", res.stdout
    finally:
        cluster.stop()  # nginx writes a websocket's access line when it closes
    # nginx's own log: every websocket went to one of the two processes, both took some, and each browser (cookie)
    # stayed on one process
    lines = [ln.split() for ln in (cluster.folder / "logs" / "access.log").read_text().splitlines()]
    streams = _streams(cluster.folder)
    assert len(streams) >= 7, lines  # the first visit + six users
    upstreams = {ln[1] for ln in streams}
    assert len(upstreams) == 2, upstreams
    by_cookie: dict[str, set[str]] = {}
    for ln in lines:
        if ln[2] != "-":
            by_cookie.setdefault(ln[2], set()).add(ln[1])
    assert all(len(ups) == 1 for ups in by_cookie.values()), by_cookie
    logs = [(cluster.folder / "logs" / f"app{i}.log").read_text() for i in range(2)]
    assert all("Traceback" not in log for log in logs), logs
