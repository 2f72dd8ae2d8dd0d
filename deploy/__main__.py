"""`python -m deploy`: several app processes behind nginx on loopback, the way Streamlit's deployment docs advise for
more users than one process serves: every process runs the same app on the same warehouse, nginx proxies HTTP and the
websocket, and each browser stays on one process (sticky by the `_streamlit_xsrf` cookie the app sets on the first
page, hashed consistently; all processes share one `server.cookieSecret`, so a login cookie or an XSRF token is valid
on any of them).

    python -m deploy --processes 2 [--port 8501] [--db postgresql://… | duckdb:///…] [--demo]

The warehouse may be PostgreSQL or the embedded DuckDB file (the default). On a DuckDB file the processes share it
through the file gate (warehouse/gate.py, docs/concurrency.md) exactly as the app and a `python -m connectors load`
running beside it do: readers borrow read-only connections, a writer (a load, an upload, the audit trail's batches)
raises its flag and holds the file only for its transaction. A warehouse that does not exist yet is built here,
once, before the processes start (each would otherwise start building it on its first visit).

Runs until interrupted; prints the URL and the app processes' ids (for `python -m bench.sessions --url … --pid …`).
The nginx configuration is `deploy/nginx.conf.template`: copy it for a real server (TLS, server_name, real ports)."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nginx_conf(listen_port: int, backends: list[int], folder: Path) -> str:
    """The template with its placeholders filled: the loopback port, one `server` line per app process, and the
    folder for nginx's pid, logs and temp files (so it runs as any user, outside /etc and /var)."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in backends)
    return (
        TEMPLATE.read_text(encoding="utf-8")
        .replace("@LISTEN@", f"127.0.0.1:{listen_port}")
        .replace("@UPSTREAMS@", servers)
        .replace("@PREFIX@", str(folder))
    )


@dataclass
class Cluster:
    """The processes of one deployment: the app servers and nginx in front."""

    url: str
    folder: Path
    apps: list[subprocess.Popen] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    @property
    def app_pids(self) -> list[int]:
        return [p.pid for p in self.apps]

    def stop(self) -> None:
        procs = ([self.nginx] if self.nginx else []) + self.apps
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()


def _wait_http(url: str, timeout: float, procs: list[subprocess.Popen], log: Path) -> None:
    import httpx

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"a process exited with {p.returncode} before {url} answered; see {log}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; see {log}")


def nginx_path() -> str | None:
    """Debian's nginx binary, or None when it is not installed."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return nginx if Path(nginx).exists() else None


def _print_progress(fraction: float, step: str) -> None:
    print(f"building the warehouse: {fraction:4.0%} {step}", file=sys.stderr, flush=True)


def ensure_built(db: str | None, progress: Callable[[float, str], None] | None = None) -> bool:
    """Build the warehouse at `db` (default: DIEUHANH_DB, else the DuckDB file) when it has no tables yet, in this
    process and once: N app processes started on an empty warehouse would each begin building it. True: built now."""
    from connectors.seed import ensure_seeded
    from warehouse.db import Warehouse

    wh = Warehouse(db)
    try:
        return ensure_seeded(wh, progress)
    finally:
        wh.close()


def start(processes: int, port: int | None = None, db: str | None = None, demo: bool = False,
          folder: Path | None = None, progress: Callable[[float, str], None] | None = None) -> Cluster:  # fmt: skip
    """Start `processes` app servers and nginx in front of them (the warehouse built first if it has no tables);
    returns when nginx answers the health check."""
    nginx = nginx_path()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
    ensure_built(db, progress)
    folder = folder or Path(tempfile.mkdtemp(prefix="dieuhanh-deploy-"))
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    env = dict(os.environ)
    if db:
        env["DIEUHANH_DB"] = db
    # One secret for every process: a cookie signed by one is read by the others (st.login, XSRF).
    # Streamlit takes it from the environment only (never a command-line flag, which `ps` would show).
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    cluster = Cluster(url=f"http://127.0.0.1:{port}", folder=folder)
    backends = [free_port() for _ in range(processes)]
    try:
        for i, backend in enumerate(backends):
            cmd = [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
                f"--server.port={backend}", "--server.address=127.0.0.1",
                "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
            ]  # fmt: skip
            if demo:
                cmd.append(f"--secrets.files={folder / 'no-secrets.toml'}")  # a file that does not exist: demo mode
            log = folder / "logs" / f"app{i}.log"
            cluster.apps.append(
                subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
            )
        for i, backend in enumerate(backends):
            health = f"http://127.0.0.1:{backend}/_stcore/health"
            _wait_http(health, 600, cluster.apps, folder / "logs" / f"app{i}.log")
        conf = folder / "nginx.conf"
        conf.write_text(nginx_conf(port, backends, folder), encoding="utf-8")
        cluster.nginx = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(conf), "-e", str(folder / "logs" / "nginx-error.log")],
            stdout=(folder / "logs" / "nginx.out").open("w"),
            stderr=subprocess.STDOUT,
        )
        _wait_http(f"{cluster.url}/_stcore/health", 60, [cluster.nginx], folder / "logs" / "nginx-error.log")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--processes", type=int, default=2, help="app processes behind nginx (1..16)")
    parser.add_argument("--port", type=int, help="nginx's loopback port (default: a free one)")
    parser.add_argument("--db", help="the warehouse URL for every process (default: DIEUHANH_DB, else the DuckDB file)")
    parser.add_argument("--demo", action="store_true", help="demo personas whatever secrets the tree holds")
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= 16:
        print(f"python -m deploy: --processes must be 1..16, got {args.processes}", file=sys.stderr)
        return 2
    db = args.db or os.environ.get("DIEUHANH_DB") or ""
    try:
        cluster = start(args.processes, args.port, db or None, args.demo, progress=_print_progress)
    except RuntimeError as exc:
        print(f"python -m deploy: {exc}", file=sys.stderr)
        return 1
    print(f"url={cluster.url}")
    print(f"app_pids={','.join(str(p) for p in cluster.app_pids)}")
    print(f"folder={cluster.folder}", flush=True)
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stop and all(p.poll() is None for p in cluster.apps) and cluster.nginx.poll() is None:  # type: ignore[union-attr]
            time.sleep(0.5)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
