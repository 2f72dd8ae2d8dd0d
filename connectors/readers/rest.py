"""JSON/REST pull from a declared endpoint: pagination, retries with backoff, timeouts, and incremental pulls
(only what was published after the last vintage loaded from the same source)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import httpx
import pandas as pd

from connectors.base import CANONICAL, ROW, Batch, Connector, Problem
from semantic.strict import Strict


class Pagination(Strict):
    """none; page (?page=1,2,… until an empty page); next (the body names the next URL); offset (?offset=0,N,…)."""

    kind: Literal["none", "page", "next", "offset"] = "none"
    param: str = "page"  # page or offset parameter
    size_param: str | None = None
    size: int = 100
    next: str = "next"  # dotted path of the next page's URL in the body (kind: next)
    max_pages: int = 10_000


class RestEndpoint(Strict):
    kind: Literal["rest"] = "rest"
    url: str
    source: str  # the agency or province that publishes it
    params: dict[str, str] = {}
    headers: dict[str, str] = {}  # values may name environment variables: "Bearer ${MOF_API_TOKEN}"
    records: str = "data"  # dotted path of the record list in the body ("" when the body is the list)
    fields: dict[str, str] = {}  # canonical column -> field of a record (dotted path); unnamed: same name
    defaults: dict[str, str] = {}  # canonical column -> value for every record
    pagination: Pagination = Pagination()
    since_param: str | None = None  # incremental: the parameter that asks for records published after a time
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubled each time


class PullError(RuntimeError):
    def __init__(self, en: str, vi: str) -> None:
        super().__init__(en)
        self.message_en, self.message_vi = en, vi


def _env(text: str) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: os.environ.get(m.group(1), ""), text)


def dig(doc: Any, path: str) -> Any:
    for part in [p for p in path.split(".") if p]:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc


@dataclass
class RestConnector(Connector):
    endpoint: RestEndpoint
    since: datetime | None = None
    client: httpx.Client | None = None
    format = "rest"

    def batches(self) -> Iterator[Batch]:
        ep = self.endpoint
        digest = hashlib.sha256()
        records: list[dict[str, Any]] = []
        client = self.client or httpx.Client(timeout=ep.timeout, follow_redirects=True)
        try:
            for body in self._pages(client):
                digest.update(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())
                items = dig(body, ep.records) if ep.records else body
                if not isinstance(items, list):
                    raise PullError(
                        f"{ep.url}: '{ep.records}' is not a list of records",
                        f"{ep.url}: '{ep.records}' không phải danh sách bản ghi",
                    )
                records.extend(i for i in items if isinstance(i, dict))
        finally:
            if self.client is None:
                client.close()
        rows = []
        for n, item in enumerate(records, start=1):
            row: dict[str, Any] = {c: ep.defaults.get(c) for c in CANONICAL}
            for c in CANONICAL:
                v = dig(item, ep.fields.get(c, c))
                if v is not None:
                    row[c] = v
            row[ROW] = n
            rows.append(row)
        frame = pd.DataFrame(rows, columns=[*CANONICAL, ROW])
        since = f", since {self.since.isoformat()}" if self.since else ""
        yield Batch(
            ep.source,
            ep.url,
            digest.hexdigest(),
            frame,
            columns={c: ep.fields.get(c, c) for c in CANONICAL},
            notes=[f"{ep.url}: {len(records)} records{since}"],
        )

    def _pages(self, client: httpx.Client) -> Iterator[Any]:
        ep, pg = self.endpoint, self.endpoint.pagination
        params = {k: _env(v) for k, v in ep.params.items()}
        if ep.since_param and self.since is not None:
            params[ep.since_param] = self.since.isoformat()
        if pg.size_param:
            params[pg.size_param] = str(pg.size)
        url: str | None = ep.url
        for page in range(pg.max_pages):
            if pg.kind == "page":
                params[pg.param] = str(page + 1)
            elif pg.kind == "offset":
                params[pg.param] = str(page * pg.size)
            body = self._get(client, url or ep.url, params if pg.kind != "next" or page == 0 else {})
            yield body
            if pg.kind == "none":
                return
            if pg.kind == "next":
                url = dig(body, pg.next) if isinstance(body, dict) else None
                if not url:
                    return
            else:
                items = dig(body, ep.records) if ep.records else body
                if not items or (pg.size_param and len(items) < pg.size):
                    return
        raise PullError(f"{ep.url}: more than {pg.max_pages} pages", f"{ep.url}: quá {pg.max_pages} trang")

    def _get(self, client: httpx.Client, url: str, params: dict[str, str]) -> Any:
        """GET with retries: network errors, timeouts, 429 and 5xx are retried with exponential backoff."""
        ep = self.endpoint
        headers = {k: _env(v) for k, v in ep.headers.items()}
        delay = ep.backoff
        last = ""
        for attempt in range(ep.retries + 1):
            try:
                resp = client.get(url, params=params, headers=headers, timeout=ep.timeout)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if resp.status_code == 429 or resp.status_code >= 500:
                    last = f"HTTP {resp.status_code}"
                    wait = resp.headers.get("Retry-After")
                    if wait and wait.isdigit():
                        delay = max(delay, float(wait))
                elif resp.status_code >= 400:
                    raise PullError(
                        f"{url}: HTTP {resp.status_code}: {resp.text[:200]}",
                        f"{url}: lỗi HTTP {resp.status_code}: {resp.text[:200]}",
                    )
                else:
                    try:
                        return resp.json()
                    except json.JSONDecodeError as exc:
                        raise PullError(
                            f"{url}: the answer is not JSON ({exc})", f"{url}: kết quả không phải JSON ({exc})"
                        ) from exc
            if attempt < ep.retries:
                time.sleep(delay)
                delay *= 2
        raise PullError(
            f"{url}: gave up after {ep.retries + 1} attempts ({last})",
            f"{url}: dừng sau {ep.retries + 1} lần thử ({last})",
        )


def problem(url: str, exc: PullError) -> Problem:
    return Problem(url, 0, "", "", "pull", exc.message_en, exc.message_vi)
