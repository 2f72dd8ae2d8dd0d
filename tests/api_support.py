"""Real parts for the API tests: the npm `oidc-provider` issuing client-credentials JWTs (tests/e2e/
oidc_api_provider.mjs), `python -m api` under uvicorn on a loopback port, a warehouse holding the product's reference
data (areas, agencies, the indicator registry) and no facts, and a small local HTTP server receiving webhooks."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from joserfc.jwk import RSAKey

ROOT = Path(__file__).resolve().parents[1]
E2E = ROOT / "tests" / "e2e"
AUDIENCE = "https://dieuhanh.test/api"
OTHER_AUDIENCE = "https://other.test/api"
BOTH = "exchange.read exchange.write"
#: connected systems as the provider knows them: id -> (claims, scopes it may ask for, token lifetime in seconds)
CLIENTS = {
    "hungyen-system": ({"roles": ["system"], "province": "33"}, BOTH, 600),
    "hanoi-system": ({"roles": ["system"], "province": "01"}, BOTH, 600),
    "mof-system": ({"roles": ["system"], "agency": "MOF"}, BOTH, 600),
    "hungyen-reader": ({"roles": ["system"], "province": "33"}, "exchange.read", 600),
    "leader-dashboard": ({"roles": ["leader"]}, "exchange.read", 600),
    "no-role": ({"agency": "MOF"}, BOTH, 600),
    "short-lived": ({"roles": ["system"], "province": "33"}, BOTH, 10),  # long enough for one request on a busy machine
}


def secret_of(client_id: str) -> str:
    return f"{client_id}-secret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{url} did not come up:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()  # by the PID started here, nothing broader
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


def signing_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@contextlib.contextmanager
def provider(folder: Path, port: int, key: RSAKey) -> Iterator[str]:
    """The provider on 127.0.0.1:`port`, signing with `key`; yields its issuer URL."""
    node = shutil.which("node")
    assert node, "node is not installed (tests/run.sh installs it)"
    assert (E2E / "node_modules" / "oidc-provider").is_dir(), "run `npm ci` in tests/e2e (tests/run.sh does)"
    clients = [
        {"client_id": cid, "client_secret": secret_of(cid), "scope": scope, "claims": claims, "ttl": ttl}
        for cid, (claims, scope, ttl) in CLIENTS.items()
    ]
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_AUDIENCES": json.dumps([AUDIENCE, OTHER_AUDIENCE]),
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_JWKS": json.dumps({"keys": [key.as_dict(private=True)]}),
    }
    log = folder / f"provider-{port}-{key.kid}.log"
    with log.open("w") as out:
        proc = subprocess.Popen([node, "oidc_api_provider.mjs"], cwd=E2E, env=env, stdout=out, stderr=out)
    issuer = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{issuer}/.well-known/openid-configuration", proc, log, 60)
        yield issuer
    finally:
        stop(proc)


def token(issuer: str, client_id: str, scope: str = BOTH, resource: str = AUDIENCE) -> str:
    resp = httpx.post(
        f"{issuer}/token",
        auth=(client_id, secret_of(client_id)),
        data={"grant_type": "client_credentials", "scope": scope, "resource": resource},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def build_reference_warehouse(url: str) -> None:
    """The product's areas, agencies and indicator registry, no observations: what the API serves is only what the
    tests send it."""
    from connectors.seed import reference
    from semantic.registry import load_registry
    from warehouse.db import Warehouse
    from warehouse.load import write_reference

    wh = Warehouse(url)
    wh.ensure_schema()
    write_reference(wh, reference.tables(load_registry()))
    wh.close()


@contextlib.contextmanager
def api_server(folder: Path, db_url: str, issuer: str | None, extra_env: dict | None = None) -> Iterator[str]:
    """`python -m api --port P` against `db_url` trusting `issuer`; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIEUHANH_API_")} | {
        "DIEUHANH_DB": db_url,
        "DIEUHANH_API_AUDIENCE": AUDIENCE,
        "DIEUHANH_API_LEEWAY": "0",
        "PYTHONUNBUFFERED": "1",
    }
    if issuer:
        env["DIEUHANH_API_ISSUER"] = issuer
    env |= extra_env or {}
    log = folder / f"api-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/api/v1/health", proc, log, 180)
        yield base
    finally:
        stop(proc)


class Receiver:
    """A local HTTP server that records every POST (arrival time, headers, body) and answers `status` (a list is
    consumed in order, then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.received: list[tuple[float, dict[str, str], bytes]] = []
        self.statuses = list(statuses or [])
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.append((time.monotonic(), dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.arrived.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
