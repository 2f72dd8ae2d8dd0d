"""Up and down the hierarchy: a province's deployment (DIEUHANH_PROFILE=province:NN) and the national one, each a
connected system of the other's data-exchange API (`python -m api`), run on the province's side:

    python -m connectors.tasks.hierarchy --issuer URL --client ID [--secret-env VAR] \
        --national URL --national-audience AUD --own URL --own-audience AUD [--every SECONDS] [--state FILE]

- **Up**: the figures loaded in the province since the last run, as its own API returns them to its own system
  client (`GET /api/v1/data?updated_after=…&area=<province>`: scoped and audited there), of indicators the national
  registry has, are sent to the national API as canonical CSV (`POST /api/v1/data`, an Idempotency-Key per set of
  rows), where the province's client may write its province's rows only.
- **Down**: the tasks the Government assigned to the province (the national `GET /api/v1/tasks`, scoped to the
  client's province there) are loaded into the province's warehouse as a task file through the task rules, each
  keeping the national task id as its task code (a second run with nothing new writes nothing).

The client (`--client`, its secret in the environment variable `--secret-env`, DIEUHANH_HIERARCHY_SECRET by default)
is registered with the OIDC provider for the client-credentials grant with `roles: [system]` and `province: "NN"`;
the national API and the province's API both trust that provider, each under its own audience. Exit codes: 0 done,
1 a run was refused by an API (the answer is printed), 2 usage or configuration, 3 no access.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from connectors.tasks.task_files import load_tasks
from semantic.errors import SemanticError
from semantic.profile import active as active_profile
from semantic.scope import Scope
from warehouse.db import Warehouse

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_NO_SCOPE = 0, 1, 2, 3
SECRET_ENV = "DIEUHANH_HIERARCHY_SECRET"
#: the canonical columns a figure goes up in (connectors/base.py), from the API's read columns
UP_COLUMNS = ("indicator_code", "area_code", "period", "value", "agency_code", "status")


class HierarchyError(SemanticError):
    """An API answered with a refusal, or could not be reached: what it said, where."""

    def __init__(self, en: str, vi: str, status: int = 0) -> None:
        super().__init__(en, vi)
        self.status = status


@dataclass
class Link:
    issuer: str
    client_id: str
    secret: str
    national: str
    national_audience: str
    own: str
    own_audience: str
    #: where the last run's cursor (the own API's next_updated_after) and the tasks' digest are kept
    state_file: Path | None = None
    state: dict[str, Any] = field(default_factory=dict)
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))

    def load_state(self) -> None:
        if self.state_file and self.state_file.exists():
            self.state = json.loads(self.state_file.read_text(encoding="utf-8"))

    def save_state(self) -> None:
        if self.state_file:
            self.state_file.write_text(json.dumps(self.state, ensure_ascii=False), encoding="utf-8")

    def token(self, audience: str) -> str:
        """A client-credentials access token for `audience`, kept until a minute before it expires."""
        held = self._tokens.get(audience)
        if held and held[1] > time.monotonic() + 60:
            return held[0]
        found = self._call("GET", f"{self.issuer.rstrip('/')}/.well-known/openid-configuration")
        answer = self._call(
            "POST",
            found["token_endpoint"],
            auth=(self.client_id, self.secret),
            data={"grant_type": "client_credentials", "scope": "exchange.read exchange.write", "resource": audience},
        )
        self._tokens[audience] = (answer["access_token"], time.monotonic() + float(answer.get("expires_in", 300)))
        return answer["access_token"]

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            resp = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise HierarchyError(f"{method} {url}: {exc}", f"{method} {url}: không kết nối được ({exc})") from exc
        if resp.status_code >= 400:
            raise HierarchyError(
                f"{method} {url}: {resp.status_code} {resp.text[:2000]}",
                f"{method} {url}: bị từ chối ({resp.status_code}) {resp.text[:2000]}",
                resp.status_code,
            )
        return resp.json()

    def api(self, method: str, base: str, audience: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token(audience)}", **kwargs.pop("headers", {})}
        return self._call(method, f"{base.rstrip('/')}{path}", headers=headers, **kwargs)


def push_up(link: Link, home: str) -> dict[str, Any]:
    """The province's figures loaded since the cursor, sent to the national API; the cursor moves on only when
    the national API took them (a refusal leaves it, so nothing is skipped)."""
    params = {"area": home, "format": "json", "updated_after": link.state.get("updated_after", "1970-01-01T00:00:00Z")}
    got = link.api("GET", link.own, link.own_audience, "/api/v1/data", params=params)
    national = {row["code"] for row in link.api("GET", link.national, link.national_audience, "/api/v1/catalog")}
    rows = [r for r in got["data"] if r["area_code"] == home and r["indicator_code"] in national]
    answer: dict[str, Any] = {"rows": len(rows)}
    if rows:
        body = _csv(rows)
        key = "up-" + hashlib.sha256(body).hexdigest()[:32]
        answer = link.api(
            "POST",
            link.national,
            link.national_audience,
            "/api/v1/data",
            content=body,
            headers={"Content-Type": "text/csv", "Idempotency-Key": key},
        )
    if got.get("next_updated_after"):
        link.state["updated_after"] = got["next_updated_after"]
    return answer


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=UP_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: "" if r.get(c) is None else r.get(c) for c in UP_COLUMNS})
    return out.getvalue().encode("utf-8")


def pull_down(link: Link, wh: Warehouse, home: str) -> dict[str, Any]:
    """The Government's tasks for the province, loaded into its warehouse when they changed since the last run."""
    tasks = link.api("GET", link.national, link.national_audience, "/api/v1/tasks")
    mine = [t for t in tasks if t.get("assignee_area") == home]
    body = _task_csv(mine)
    digest = hashlib.sha256(body).hexdigest()
    if not mine or digest == link.state.get("tasks_digest"):
        return {"tasks": len(mine), "written": 0}
    who = f"national ({link.client_id})"
    # written as the province's own system: the rules refuse any task outside the province
    scope = Scope(frozenset({"system"}), None, frozenset({home}), national=True, can_upload=True, who=who)
    result = load_tasks(wh, body, f"national:tasks:{digest[:12]}.csv", loaded_by=who, scope=scope)
    link.state["tasks_digest"] = digest
    return {"tasks": len(mine), "written": result.rows_written if result else 0}


def _task_csv(tasks: list[dict[str, Any]]) -> bytes:
    columns = ("task_code", "document_number", "document_date", "assignee_area", "content", "deadline", "completed_on")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for t in sorted(tasks, key=lambda t: t["task_id"]):
        writer.writerow(
            {
                "task_code": t["task_id"],
                "document_number": t["document_number"],
                "document_date": t["document_date"],
                "assignee_area": t["assignee_area"],
                "content": t["content"],
                "deadline": "thường xuyên" if t.get("recurring") else (t.get("deadline") or "thường xuyên"),
                "completed_on": t.get("completed_on") or "",
            }
        )
    return out.getvalue().encode("utf-8")


def run_once(link: Link, wh: Warehouse, home: str) -> dict[str, Any]:
    up = push_up(link, home)
    down = pull_down(link, wh, home)
    link.save_state()
    return {"up": up, "down": down}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m connectors.tasks.hierarchy", description=__doc__.split("\n\n")[0])
    p.add_argument("--issuer", required=True, help="the OIDC provider both APIs trust")
    p.add_argument("--client", required=True, help="this province's client id at the provider")
    p.add_argument("--secret-env", default=SECRET_ENV, help=f"environment variable holding its secret ({SECRET_ENV})")
    p.add_argument("--national", required=True, help="the national API's base URL")
    p.add_argument("--national-audience", required=True)
    p.add_argument("--own", required=True, help="this province's API base URL")
    p.add_argument("--own-audience", required=True)
    p.add_argument("--every", type=float, default=0.0, help="run again every this many seconds (0: once)")
    p.add_argument("--runs", type=int, default=0, help="with --every: stop after this many runs (0: never)")
    p.add_argument("--state", help="a JSON file keeping the cursor between runs")
    return p


def main(argv: list[str] | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    args = build_parser().parse_args(argv)
    profile = active_profile()
    if not profile.province:
        print("lỗi: cần DIEUHANH_PROFILE=province:NN\nerror: needs DIEUHANH_PROFILE=province:NN", file=sys.stderr)
        return EXIT_USAGE
    secret = os.environ.get(args.secret_env, "")
    if not secret:
        print(f"lỗi: biến môi trường {args.secret_env} trống\nerror: {args.secret_env} is empty", file=sys.stderr)
        return EXIT_USAGE
    link = Link(
        args.issuer,
        args.client,
        secret,
        args.national,
        args.national_audience,
        args.own,
        args.own_audience,
        Path(args.state) if args.state else None,
    )
    link.load_state()
    wh = Warehouse()  # DIEUHANH_DB: the province's warehouse
    runs = 0
    while True:
        try:
            outcome = run_once(link, wh, profile.home_area)
            print(json.dumps(outcome, ensure_ascii=False), flush=True)
        except HierarchyError as exc:
            print(f"lỗi: {exc.message_vi}\nerror: {exc.message_en}", file=sys.stderr, flush=True)
            if not args.every:
                return EXIT_NO_SCOPE if exc.status in (401, 403) else EXIT_REFUSED
        runs += 1
        if not args.every or (args.runs and runs >= args.runs):
            return EXIT_OK
        sleep(args.every)


if __name__ == "__main__":
    from semantic.cli_exit import run_cli

    sys.exit(run_cli(main))
