"""`python -m bench.sessions`: many users at once, measured the way a browser meets the app: N real sessions on
Streamlit's websocket (`/_stcore/stream`, the installed package's own protobuf messages), each user opening pages of
a mix with think time, timed from the rerun request to the script's finished message.

By default it starts the app as it is deployed for many users on one machine, on loopback: `--processes 2` app
processes behind nginx (`python -m deploy`, the warehouse `DIEUHANH_DB` names or the embedded DuckDB file; one
process holds one interpreter lock, so one process uses one core) and samples every process's RSS and CPU;
`--processes 1` starts a single `streamlit run app.py` server instead (no nginx; also the default, said in the
output, where nginx is not installed). `--url` (and `--pid` for each server
process) targets servers already running. Bounded in users, duration and per-run wait, and loopback only: it refuses
any other host.

Before the load, a warm-up session opens each page of the mix once on every server process (behind nginx, on each
process's own port), and the bench waits for each process's report that its start-up warm-up is done (the hot set
of queries its pages compiled before, semantic/hotset.py; `server_warm_up_s=`): the users meet a server that has
started, as a server restarted overnight has by the morning. A server's first minutes are `bench.app_render`'s cold
budgets; `--no-warm` measures a server that has done nothing yet.

Prints a table per page (sessions, script runs, p50/p95/p99 seconds, errors) and the summary lines
`sessions_p95_s=`, `sessions_errors=`, `server_peak_rss_mb=` (plus `server_cpu_pct=`, `sessions_runs=`)."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

from semantic import hotset

ROOT = Path(__file__).resolve().parent.parent

# The mix's names → the app's url paths (app.py's st.Page url_path).
PAGES = {
    "overview": "",  # the default page: st.navigation serves it at the root (url path "tong-quan" redirects there)
    "daily": "hang-ngay",
    "monthly": "hang-thang",
    "plan": "ke-hoach-nam",
    "provinces": "tinh-thanh",
    "forecast": "du-bao",
    "warnings": "canh-bao",
    "tasks": "nhiem-vu",
    "programs": "chuong-trinh-du-an",
    "emergency": "tinh-huong-khan-cap",
    "explore": "kham-pha",
    "catalog": "danh-muc",
    "quality": "chat-luong-du-lieu",
}
DEFAULT_MIX = "overview:0.5,monthly:0.2,plan:0.1,tasks:0.1,explore:0.1"
# Who opens the app in a morning: mostly leaders, then ministries' and provinces' staff, a few analysts.
DEFAULT_PERSONAS = "leader:0.4,mof:0.15,moc:0.15,hungyen:0.2,analyst:0.1"
MAX_USERS = 500
MAX_DURATION_S = 3600
RUN_TIMEOUT_S = 120.0


def parse_mix(text: str, known: dict[str, str] | None = None, what: str = "page") -> list[tuple[str, float]]:
    """'a:0.5,b:0.5' → [(a, 0.5), (b, 0.5)]; names checked against `known` when given; weights must be > 0."""
    out: list[tuple[str, float]] = []
    for part in text.split(","):
        name, _, weight = part.strip().partition(":")
        if not name:
            continue
        if known is not None and name not in known:
            raise ValueError(f"unknown {what} {name!r} in the mix; known: {', '.join(sorted(known))}")
        try:
            w = float(weight) if weight else 1.0
        except ValueError:
            raise ValueError(f"weight of {name!r} is not a number: {weight!r}") from None
        if not w > 0:
            raise ValueError(f"weight of {name!r} must be above 0, got {weight!r}")
        out.append((name, w))
    if not out:
        raise ValueError(f"the {what} mix is empty")
    return out


def check_loopback(url: str) -> None:
    """Load is sent to this machine only: the URL's host must resolve to loopback addresses."""
    host = urlparse(url).hostname or ""
    try:
        addrs = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise ValueError(f"cannot resolve host {host!r} of {url}") from None
    bad = [a for a in addrs if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
    if not addrs or bad:
        raise ValueError(f"{url}: load is sent to loopback only; {host} resolves to {', '.join(sorted(addrs))}")


def _own_url(pid: int) -> str | None:
    """The loopback URL app process `pid` listens on itself (its --server.port), e.g. behind nginx."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return None
    port = next((a.split("=", 1)[1] for a in args if a.startswith("--server.port=")), None)
    return f"http://127.0.0.1:{port}" if port and port.isdigit() else None


def wait_warm(pids: list[int], timeout: float) -> None:
    """Wait until each server process has finished its start-up warm-up (the hot set compiled: semantic/hotset.py),
    as a server restarted overnight has by the morning; the load then measures users, not the start-up. A process
    that says nothing within `timeout` (an older build) is measured as it is, and the line says so."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        while (got := hotset.read_warm(pid)) is None and time.monotonic() < deadline:
            time.sleep(0.5)
        if got is None:
            print(f"server {pid}: no warm-up report within {timeout:.0f} s; measured as it is", flush=True)
        else:
            extra = f" (stopped: {got['error']})" if got.get("error") else ""
            print(f"server_warm_up_s={got['seconds']} (process {pid}: {got['compiled']} queries compiled){extra}")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))
    return s[k]


@dataclass
class Stats:
    """What the users recorded: per page, the sessions that opened it, run times and errors."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sessions: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    messages: list[str] = field(default_factory=list)

    def error(self, page: str, message: str) -> None:
        self.errors[page] += 1
        if len(self.messages) < 20:
            self.messages.append(f"{page}: {message}")


async def _rerun(
    ws, stats: Stats, page: str, query: str, page_name: str, page_hash: str, hashes: dict[str, str]
) -> None:  # noqa: ANN001
    """One script run: the rerun request sent, messages read until the script's finished message; time or error
    recorded under `page`. The app's `navigation` message fills `hashes` (url path → page script hash)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page_name
    msg.rerun_script.page_script_hash = page_hash
    start = time.monotonic()
    await ws.send(msg.SerializeToString())
    failed = ""
    while True:
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=RUN_TIMEOUT_S)
        except TimeoutError:
            failed = f"no script_finished within {RUN_TIMEOUT_S:.0f} s"
            break
        fwd = ForwardMsg()
        fwd.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
        kind = fwd.WhichOneof("type")
        if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            if fwd.delta.new_element.WhichOneof("type") == "exception":
                failed = failed or f"exception: {fwd.delta.new_element.exception.message[:200]}"
        elif kind == "navigation":
            hashes.update({p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages})
        elif kind == "page_not_found":
            failed = failed or f"page not found: {page_name or page_hash!r}"
        elif kind == "script_finished":
            status = fwd.script_finished
            if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                break
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                failed = failed or "compile error"
                break
            # a fragment's own rerun (run_every) or an early finish for a rerun: keep waiting
    if failed:
        stats.error(page, failed)
    else:
        stats.times[page].append(time.monotonic() - start)


async def user(
    uid: int,
    base: str,
    persona: str,
    pages: list[tuple[str, float]],
    deadline: float,
    think: tuple[float, float],
    stats: Stats,
    rng: random.Random,
) -> None:
    """One person: one websocket session that opens the app at / (as a browser does), then moves between the pages
    of the mix by their script hashes (as the app's menu does) until the deadline."""
    import websockets

    ws_url = base.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    names = [p for p, _ in pages]
    weights = [w for _, w in pages]
    query = urlencode({"persona": persona})
    hashes: dict[str, str] = {}
    try:
        # A browser's own cookie: behind nginx (deploy/) it decides which process holds the session.
        cookie = {"Cookie": f"_streamlit_xsrf=bench-{uid}-{rng.random():.12f}"}
        async with websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
            ping_interval=None,
            additional_headers=cookie,
        ) as ws:
            stats.sessions["/"].add(uid)
            await _rerun(ws, stats, "/", query, "", "", hashes)
            while time.monotonic() < deadline:
                pause = rng.uniform(*think)
                if time.monotonic() + pause >= deadline:
                    break
                await asyncio.sleep(pause)
                page = rng.choices(names, weights)[0]
                page_hash = hashes.get(PAGES[page], "")
                if not page_hash:
                    stats.error(page, f"the app's menu has no page {PAGES[page]!r} for persona {persona}")
                    continue
                stats.sessions[page].add(uid)
                await _rerun(ws, stats, page, query, "", page_hash, hashes)
    except Exception as exc:  # a closed or refused socket is an error of the run, counted, not a crash of the bench
        stats.error("(connection)", f"user {uid}: {type(exc).__name__}: {exc}")


def _proc_sample(pids: list[int]) -> tuple[float, float]:
    """(RSS in MB, CPU seconds) summed over the processes and their children still alive."""
    rss = 0.0
    cpu = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _with_children(pids):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1]) / 1024
        cpu += (int(stat[11]) + int(stat[12])) / tick  # utime, stime (fields 14, 15 of the full line)
    return rss, cpu


def _with_children(pids: list[int]) -> list[int]:
    out = list(pids)
    for pid in pids:
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        out.extend(_with_children([int(k) for k in kids]))
    return out


async def sampler(pids: list[int], stop: asyncio.Event, out: dict[str, float]) -> None:
    _, cpu0 = _proc_sample(pids)
    t0 = time.monotonic()
    while not stop.is_set():
        rss, cpu = _proc_sample(pids)
        out["peak_rss_mb"] = max(out.get("peak_rss_mb", 0.0), rss)
        out["cpu_s"] = cpu - cpu0
        out["wall_s"] = time.monotonic() - t0
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except TimeoutError:
            pass


async def run_load(
    base: str,
    users: int,
    duration: float,
    pages: list[tuple[str, float]],
    personas: list[tuple[str, float]],
    think: tuple[float, float],
    ramp: float,
    pids: list[int],
    seed: int,
) -> tuple[Stats, dict[str, float]]:
    stats = Stats()
    usage: dict[str, float] = {}
    stop = asyncio.Event()
    sample = asyncio.create_task(sampler(pids, stop, usage))
    rng = random.Random(seed)
    names = [p for p, _ in personas]
    weights = [w for _, w in personas]
    start = time.monotonic()
    deadline = start + duration
    tasks = []
    for uid in range(users):
        persona = rng.choices(names, weights)[0]
        delay = ramp * uid / max(users, 1)
        tasks.append(
            asyncio.create_task(
                _delayed(delay, user(uid, base, persona, pages, deadline, think, stats, random.Random(seed + uid)))
            )
        )
    # Each user stops opening pages at the deadline; a run in flight may take up to RUN_TIMEOUT_S more.
    await asyncio.wait(tasks, timeout=duration + RUN_TIMEOUT_S + 30)
    for t in tasks:
        t.cancel()
    stop.set()
    await sample
    return stats, usage


async def _delayed(delay: float, coro) -> None:  # noqa: ANN001
    await asyncio.sleep(delay)
    await coro


def report(stats: Stats, usage: dict[str, float], out=sys.stdout) -> dict[str, float]:  # noqa: ANN001
    """The table per page and the summary lines; returns the summary figures."""
    pages = sorted(set(stats.times) | set(stats.errors), key=lambda p: (p.startswith("("), p))
    print(f"{'page':<14}{'sessions':>9}{'runs':>7}{'p50_s':>8}{'p95_s':>8}{'p99_s':>8}{'errors':>8}", file=out)
    every: list[float] = []
    for page in pages:
        t = stats.times.get(page, [])
        every.extend(t)
        cells = [f"{percentile(t, q):8.2f}" if t else f"{'-':>8}" for q in (50, 95, 99)]
        n_sessions = len(stats.sessions.get(page, ()))
        print(f"{page:<14}{n_sessions:>9}{len(t):>7}{''.join(cells)}{stats.errors.get(page, 0):>8}", file=out)
    for m in stats.messages:
        print(f"  error: {m}", file=out)
    wall = usage.get("wall_s", 0.0)
    figures = {
        "sessions_runs": float(len(every)),
        "sessions_p50_s": statistics.median(every) if every else float("nan"),
        "sessions_p95_s": percentile(every, 95) if every else float("nan"),
        "sessions_errors": float(sum(stats.errors.values())),
        "server_peak_rss_mb": usage.get("peak_rss_mb", float("nan")),
        "server_cpu_pct": 100 * usage.get("cpu_s", 0.0) / wall if wall else float("nan"),
    }
    print(f"sessions_runs={int(figures['sessions_runs'])}", file=out)
    print(f"sessions_p50_s={figures['sessions_p50_s']:.2f}", file=out)
    print(f"sessions_p95_s={figures['sessions_p95_s']:.2f}", file=out)
    print(f"sessions_errors={int(figures['sessions_errors'])}", file=out)
    print(f"server_peak_rss_mb={figures['server_peak_rss_mb']:.0f}", file=out)
    print(f"server_cpu_pct={figures['server_cpu_pct']:.0f}", file=out)
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        # demo mode whatever the tree holds: the users are demo personas (a secrets file that does not exist)
        f"--secrets.files={log.with_suffix('.no-secrets.toml')}",
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def server_processes(asked: int | None, have_nginx: bool) -> tuple[int, str]:
    """How many app processes to start, and a line to print when it is not what the defaults say: two behind
    nginx unless asked otherwise; one (said) when nginx is not installed and no number was asked for."""
    if asked is not None:
        return asked, ""
    if have_nginx:
        return 2, ""
    return 1, "server: nginx is not installed, so one process is measured (apt-get install nginx-light for two)"


def _built(fraction: float, step: str) -> None:
    print(f"building the warehouse: {fraction:4.0%} {step}", flush=True)


def wait_healthy(base: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    import httpx

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the app server exited with {proc.returncode} before it answered")
        try:
            if httpx.get(base + "/_stcore/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base} did not answer its health check within {timeout:.0f} s")


async def warm(base: str, pages: list[tuple[str, float]], persona: str = "leader") -> None:
    """One session opens / (the server's first request meets st.navigation), then each page of the mix once: a
    fresh server's first render is what `bench.app_render` measures; this run measures many users at once."""
    import websockets

    stats = Stats()
    hashes: dict[str, str] = {}
    query = urlencode({"persona": persona})
    ws_url = base.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60) as ws:
        await _rerun(ws, stats, "/", query, "", "", hashes)
        for page, _ in pages:
            await _rerun(ws, stats, page, query, "", hashes.get(PAGES[page], ""), hashes)
    if stats.errors:
        raise RuntimeError(f"warm-up failed: {stats.messages}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sessions", description=__doc__)
    parser.add_argument("--users", type=int, default=50, help=f"concurrent sessions (1..{MAX_USERS})")
    parser.add_argument("--duration", type=float, default=120, help=f"seconds of load (1..{MAX_DURATION_S})")
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"page:weight,... of {', '.join(PAGES)}")
    parser.add_argument("--personas", default=DEFAULT_PERSONAS, help="persona:weight,... (demo personas)")
    parser.add_argument("--think", default="2,8", help="think time between pages, MIN,MAX seconds")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the users arrive")
    parser.add_argument("--url", help="an app already running (loopback only); default: start one")
    parser.add_argument(
        "--processes", type=int,
        help="app processes to start when no --url: 2+ behind nginx (python -m deploy), 1 a single server "
        "(default 2; 1 when nginx is not installed, and the output says so)",
    )  # fmt: skip
    parser.add_argument("--pid", type=int, action="append", default=[], help="server process to sample (repeat)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-warm", action="store_true", help="measure from a cold server (no warm-up pass)")
    args = parser.parse_args(argv)
    try:
        if not 1 <= args.users <= MAX_USERS:
            raise ValueError(f"--users must be 1..{MAX_USERS}, got {args.users}")
        if not 1 <= args.duration <= MAX_DURATION_S:
            raise ValueError(f"--duration must be 1..{MAX_DURATION_S} s, got {args.duration}")
        pages = parse_mix(args.mix, PAGES)
        personas = parse_mix(args.personas, None, "persona")
        lo, _, hi = args.think.partition(",")
        think = (float(lo), float(hi or lo))
        if not 0 <= think[0] <= think[1]:
            raise ValueError(f"--think must be MIN,MAX with 0 <= MIN <= MAX, got {args.think!r}")
        if args.url:
            check_loopback(args.url)
        elif args.processes is not None and not 1 <= args.processes <= 16:
            raise ValueError(f"--processes must be 1..16, got {args.processes}")
    except ValueError as exc:
        print(f"bench.sessions: {exc}", file=sys.stderr)
        return 2

    proc = cluster = None
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"dieuhanh-sessions-{os.getpid()}.log"
    if not args.url:
        from deploy.__main__ import nginx_path

        args.processes, note = server_processes(args.processes, nginx_path() is not None)
        if note:
            print(note, flush=True)
    if args.url:
        base = args.url.rstrip("/")
        pids = args.pid
    elif args.processes == 1:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(port, dict(os.environ), log)
        pids = [proc.pid]
        hotset.warm_marker(proc.pid).unlink(missing_ok=True)  # a marker left by an older process of the same id
    else:
        from deploy.__main__ import start as deploy

        try:
            cluster = deploy(args.processes, demo=True, progress=_built)
        except RuntimeError as exc:
            print(f"bench.sessions: {exc} (or measure one process: --processes 1)", file=sys.stderr)
            return 1
        base, pids, log = cluster.url, cluster.app_pids, cluster.folder / "logs"
        for pid in pids:
            hotset.warm_marker(pid).unlink(missing_ok=True)
        print(f"server: {args.processes} processes behind nginx at {base} (pids {', '.join(map(str, pids))})")
    try:
        wait_healthy(base, 600, proc)
        if not args.no_warm:
            t = time.monotonic()
            # every process gets its first visit: behind nginx one session would stay on one of them
            bases = [b for b in (_own_url(pid) for pid in pids) if b] if len(pids) > 1 else []
            for b in bases or [base]:
                asyncio.run(warm(b, pages))
            print(f"warm-up: {time.monotonic() - t:.1f} s (first visit of each page, one session per process)")
            wait_warm(pids, 600)
        print(
            f"load: {args.users} users, {args.duration:.0f} s, mix {args.mix}, personas {args.personas}, "
            f"think {think[0]:g}-{think[1]:g} s, against {base}",
            flush=True,
        )
        stats, usage = asyncio.run(
            run_load(base, args.users, args.duration, pages, personas, think, args.ramp, pids, args.seed)
        )
        report(stats, usage)
    except RuntimeError as exc:
        print(f"bench.sessions: {exc} (server log: {log})", file=sys.stderr)
        return 1
    finally:
        if cluster is not None:
            cluster.stop()
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
