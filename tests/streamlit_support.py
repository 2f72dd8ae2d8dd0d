"""`streamlit run app.py` (demo mode) on a free loopback port for the browser tests: started, awaited on its health
check, stopped by the PID started here."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_app(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """The app on 127.0.0.1 with `env` added (DIEUHANH_DB, DIEUHANH_PROFILE …); yields its base URL. A secrets file
    that does not exist: demo mode, whatever the tree holds (an existing file without a usable [auth], even an empty
    one, stops the app: README, "Login: OIDC, or demo mode")."""
    port = free_port()
    log_path = folder / "streamlit.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(folder / "no-secrets.toml"), "--server.fileWatcherType", "none",
         "--server.runOnSave", "false"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"streamlit did not start:\n{log_path.read_text()}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
