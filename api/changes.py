"""New load batches, pushed: GET /api/v1/changes (Server-Sent Events) and POST /api/v1/subscriptions (webhooks signed
with HMAC-SHA256, retried with backoff, every attempt logged). Whatever the source of a batch (API, CLI, upload page,
pull), a watcher sees it in load_batch; what each caller is told is what the one query path lets its scope see."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Annotated, Any

import httpx
import pandas as pd
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api import data
from api.auth import READ, Caller
from api.context import Context
from api.problems import Problem
from semantic.groups import load_groups
from semantic.periods import period_key
from semantic.scope import Scope
from warehouse import exchange
from warehouse.load import now_utc

#: how often the watcher looks for new batches when nobody pokes it (a POST through this API pokes at once)
POLL_SECONDS = 0.25
#: how far back the watcher looks again: a load's time is taken under the write lock, so batches' times follow their
#: commit order (warehouse/db.py, batch_instant); the look-back only guards against a wall clock stepped back
LATE_WINDOW = timedelta(seconds=180)
#: a quiet stream sends a comment this often, so proxies and clients know it is alive
HEARTBEAT_SECONDS = 15.0
#: webhook attempts and the wait before each retry (seconds)
RETRY_DELAYS = (0.5, 2.0, 8.0, 30.0)
DELIVERY_TIMEOUT = 5.0
SIGNATURE_HEADER = "X-Dieuhanh-Signature"

Auth = Annotated[str | None, Header(alias="Authorization")]


class Hub:
    """Watches load_batch and fans each new batch out to open SSE streams and to the subscriptions."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._listeners: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: datetime | None = None
        self._seen: dict[str, pd.Timestamp] = {}  # batches announced within LATE_WINDOW of the latest

    def start(self) -> None:
        self.prime()
        self._thread = threading.Thread(target=self._run, name="api-changes", daemon=True)
        self._thread.start()

    def prime(self) -> None:
        """Start from now: what was loaded before is not news."""
        self._last = exchange.latest_load(self.ctx.wh) or datetime(1970, 1, 1)
        before = exchange.batches_after(self.ctx.wh, self._last - LATE_WINDOW)
        self._seen = dict(zip(before["batch_id"], pd.to_datetime(before["loaded_at"]), strict=True))

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def poke(self) -> None:
        self._wake.set()

    def listen(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
        with self._lock:
            self._listeners.add((asyncio.get_running_loop(), queue))
        return queue

    def unlisten(self, queue: asyncio.Queue) -> None:
        with self._lock:
            self._listeners = {(lp, q) for lp, q in self._listeners if q is not queue}

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
            try:
                self._tick()
            except Exception as exc:  # noqa: BLE001 - a watcher thread has no caller; say it and go on
                print(f"api changes: {type(exc).__name__}: {exc}", flush=True)

    def _tick(self) -> None:
        assert self._last is not None
        # look back LATE_WINDOW (a clock stepped back) and skip the batches already announced
        batches = exchange.batches_after(self.ctx.wh, self._last - LATE_WINDOW)
        batches = batches[~batches["batch_id"].isin(self._seen)]
        if batches.empty:
            return
        self._last = max(self._last, pd.Timestamp(batches["loaded_at"].max()).to_pydatetime())
        self._seen.update(zip(batches["batch_id"], pd.to_datetime(batches["loaded_at"]), strict=True))
        horizon = pd.Timestamp(self._last - LATE_WINDOW)
        self._seen = {b: at for b, at in self._seen.items() if at >= horizon}
        keys = exchange.batch_keys(self.ctx.wh, list(batches["batch_id"]))
        for batch in batches.to_dict(orient="records"):
            item = (batch, keys[keys["batch_id"] == batch["batch_id"]])
            with self._lock:
                listeners = list(self._listeners)
            for loop, queue in listeners:
                with contextlib.suppress(RuntimeError, asyncio.QueueFull):
                    loop.call_soon_threadsafe(queue.put_nowait, item)
            self._deliver(*item)

    def _deliver(self, batch: dict, keys: pd.DataFrame) -> None:
        subs = exchange.subscriptions(self.ctx.wh)
        for sub in subs.to_dict(orient="records"):
            try:  # the claims frozen at creation, judged by today's policy and codes: a grant withdrawn since stops
                scope = self.ctx.scope(Caller(json.loads(sub["claims"]), frozenset({READ})), READ)
            except Problem:
                continue
            event = visible_event(self.ctx, scope, batch, keys, sub["who"])
            groups = [g for g in (sub["groups"] or "").split(";") if g]
            if event is None or (groups and not set(groups) & set(event["groups"])):
                continue
            threading.Thread(target=deliver, args=(self.ctx, sub, event), daemon=True).start()


def visible_event(ctx: Context, scope: Scope, batch: dict, keys: pd.DataFrame, who: str) -> dict | None:
    """What `scope` may see of a batch (through the one query path), as an event; None when nothing."""
    rows = data.rows_for_keys(ctx, scope, keys, data.ReadParams(), f"changes for {who}", audited=False)
    if rows.empty:
        return None
    groups = load_groups()
    indicators = sorted(set(rows["indicator_code"]))
    periods = sorted(
        {period_key(pd.Timestamp(s).date(), f) for s, f in zip(rows["period_start"], rows["freq"], strict=True)}
    )
    return {
        "batch_id": batch["batch_id"],
        "loaded_at": data.instant_text(pd.Timestamp(batch["loaded_at"]).to_pydatetime()),
        "source": batch["source"],
        "indicators": indicators,
        "areas": sorted(set(rows["area_code"])),
        "periods": periods,
        "groups": sorted({g for c in indicators for g in groups.of_indicator(c)}),
        "rows": len(rows),
    }


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(ctx: Context, sub: dict, event: dict) -> None:
    """POST the event to the subscription's URL until it answers 2xx, waiting RETRY_DELAYS between attempts."""
    body = json.dumps(
        {"type": "batch", "subscription_id": sub["subscription_id"], **event}, ensure_ascii=False
    ).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(sub["secret"], body)}
    for attempt, wait in enumerate((0.0, *RETRY_DELAYS), start=1):
        if wait:
            threading.Event().wait(wait)
        status, error = 0, ""
        try:
            resp = httpx.post(sub["url"], content=body, headers=headers, timeout=DELIVERY_TIMEOUT)
            status = resp.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        exchange.log_delivery(ctx.wh, sub["subscription_id"], event["batch_id"], attempt, status, error)
        if 200 <= status < 300:
            return


class SubscriptionIn(BaseModel):
    url: str
    groups: list[str] = []


def routes(app: FastAPI, ctx: Context, hub: Hub) -> None:
    @app.get("/api/v1/changes")
    async def changes(request: Request, authorization: Auth = None) -> StreamingResponse:
        """Server-Sent Events: one `batch` event per new load batch in the caller's scope (batch id, indicators,
        areas, periods, rows, time), from the moment the stream opens."""
        caller = ctx.caller(authorization)
        scope = await run_in_threadpool(ctx.scope, caller, READ)
        await run_in_threadpool(data.audit_call, ctx, caller.who, "GET /api/v1/changes (opened)", scope, 0)
        queue = hub.listen()

        async def events() -> AsyncIterator[bytes]:
            try:
                yield b": connected\n\n"
                while not await request.is_disconnected():
                    try:
                        batch, keys = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        yield b": keep-alive\n\n"
                        continue
                    event = await run_in_threadpool(visible_event, ctx, scope, batch, keys, caller.who)
                    if event is not None:
                        text = json.dumps(event, ensure_ascii=False)
                        yield f"id: {event['batch_id']}\nevent: batch\ndata: {text}\n\n".encode()
            finally:
                hub.unlisten(queue)

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    @app.post("/api/v1/subscriptions", status_code=201)
    def subscribe(body: SubscriptionIn, authorization: Auth = None) -> JSONResponse:
        """Each new batch in the caller's scope (and in `groups`, if named) is POSTed to `url`, signed
        `X-Dieuhanh-Signature: sha256=<HMAC-SHA256 of the body with the secret>`. The secret is shown only here."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, READ)
        if not body.url.startswith(("http://", "https://")) or len(body.url) > 2000:
            raise Problem(400, "url must be an http(s) URL", "url phải là địa chỉ http(s)")
        known = load_groups().codes()
        unknown = [g for g in body.groups if g not in known]
        if unknown:
            raise Problem(
                400,
                f"unknown group(s) {', '.join(unknown)}; valid: {', '.join(known)}",
                f"nhóm thông tin không tồn tại: {', '.join(unknown)}; hợp lệ: {', '.join(known)}",
            )
        sub: dict[str, Any] = {
            "subscription_id": uuid.uuid4().hex,
            "who": caller.who,
            "claims": json.dumps(dict(caller.claims), ensure_ascii=False, default=str),
            "url": body.url,
            "groups": ";".join(body.groups),
            "secret": secrets.token_urlsafe(32),
        }
        exchange.add_subscription(ctx.wh, sub)
        data.audit_call(ctx, caller.who, f"POST /api/v1/subscriptions {body.url[:200]}", scope, 0)
        out = {k: sub[k] for k in ("subscription_id", "url", "secret")} | {
            "groups": body.groups,
            "created_at": now_utc().isoformat(),
        }
        return JSONResponse(out, 201)
