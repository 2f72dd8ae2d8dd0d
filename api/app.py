"""The FastAPI application: routes, the problem+json error answers, and the audit of every authenticated call."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api import changes, data, scenarios, tasks
from api.auth import READ, WRITE
from api.context import Context, Settings
from api.problems import Problem
from semantic.areas import units_on, visible
from semantic.catalog import agencies_on, catalog_frame
from semantic.groups import load_groups
from warehouse.db import Warehouse

Auth = Annotated[str | None, Header(alias="Authorization")]


def create_app(settings: Settings, wh: Warehouse | None = None) -> FastAPI:
    settings.check()
    ctx = Context(settings, wh or Warehouse(settings.db_url))
    hub = changes.Hub(ctx)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(_prepare, ctx)
        hub.start()
        try:
            yield
        finally:
            hub.stop()

    app = FastAPI(
        title="Điều hành số — data exchange API",
        version="1",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx, app.state.hub = ctx, hub

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return exc.response(request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())[:500]
        return Problem(400, f"invalid request: {where}", f"yêu cầu không hợp lệ: {where}").response(request.url.path)

    @app.get("/api/v1/health")
    def health() -> dict:
        """Alive, and the warehouse answers (no token needed; nothing about the data)."""
        try:
            ok = ctx.wh.exists()
        except Exception as exc:  # noqa: BLE001 - any failure to reach the warehouse is "unavailable", said so
            raise Problem(
                503, f"the warehouse does not answer: {type(exc).__name__}", "kho dữ liệu không phản hồi"
            ) from exc
        if not ok:
            raise Problem(503, "the warehouse is not built", "kho dữ liệu chưa được xây dựng")
        return {"status": "ok"}

    @app.get("/api/v1/catalog")
    def catalog(authorization: Auth = None) -> list[dict]:
        """The indicators (unit, frequency, kind, comparisons, source…): the registry, public metadata."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, READ)
        frame = catalog_frame(ctx.model)
        data.audit_call(ctx, caller.who, "GET /api/v1/catalog", scope, len(frame))
        return frame.to_dict(orient="records")

    @app.get("/api/v1/areas")
    def areas(authorization: Auth = None, on: str | None = None) -> list[dict]:
        """The units valid on `on` (today) that the caller may ask for, scoped like the pages: the country and the
        provinces; in a province's deployment the country, the province and its communes (with `parent_code`)."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, READ)
        frame = visible(units_on(ctx.wh, _date(on)), scope)
        data.audit_call(ctx, caller.who, "GET /api/v1/areas", scope, len(frame))
        return frame.to_dict(orient="records")

    @app.get("/api/v1/agencies")
    def agencies(authorization: Auth = None, on: str | None = None) -> list[dict]:
        """The ministries and agencies that exist on `on` (today); a ministry's system sees its own."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, READ)
        frame = agencies_on(ctx.wh, _date(on))
        own = scope.agency_codes_now()
        if own is not None:
            frame = frame[frame["code"].isin(own)]
        data.audit_call(ctx, caller.who, "GET /api/v1/agencies", scope, len(frame))
        return frame.to_dict(orient="records")

    @app.get("/api/v1/groups")
    def groups(authorization: Auth = None) -> list[dict]:
        """The information groups exchanged (semantic/groups.yml)."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, READ)
        out = [g.model_dump() for g in load_groups().groups]
        data.audit_call(ctx, caller.who, "GET /api/v1/groups", scope, len(out))
        return out

    @app.get("/api/v1/data")
    def get_data(
        authorization: Auth = None,
        indicator: str | None = None,
        area: str | None = None,
        time_from: Annotated[str | None, Query(alias="from")] = None,
        time_to: Annotated[str | None, Query(alias="to")] = None,
        compare: str | None = None,
        grain: str | None = None,
        as_of: str | None = None,
        boundaries: str = "2025",
        dimensions: str | None = None,
        updated_after: str | None = None,
        format: str = "json",  # noqa: A002 - the query parameter's documented name
    ) -> StreamingResponse:
        """Observations as `python -m semantic query` gives them (same spec, same columns), in the caller's scope;
        `updated_after`: only rows that entered the warehouse after that instant, and `next_updated_after`."""
        caller = ctx.caller(authorization)
        scope = ctx.scope(caller, READ)
        p = data.ReadParams(
            indicator, area, time_from, time_to, compare, grain, as_of, boundaries, dimensions, updated_after, format
        )
        frame, nxt = data.read(ctx, scope, p)
        media = {"json": "application/json", "csv": "text/csv; charset=utf-8"}.get(
            format, "application/vnd.sdmx.data+csv"
        )
        headers = {"X-Rows": str(len(frame))}
        if nxt:
            headers["X-Next-Updated-After"] = nxt
        return StreamingResponse(data.stream(frame, p, nxt), media_type=media, headers=headers)

    @app.post("/api/v1/data")
    async def post_data(
        request: Request,
        authorization: Auth = None,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
        dry_run: bool = False,
        accept_valid: bool = False,
        published_at: str | None = None,
        source: str | None = None,
    ) -> JSONResponse:
        """Load rows (canonical JSON list, canonical CSV or SDMX-CSV by Content-Type): the CLI's validation and
        all-or-nothing write. 200 loaded, 422 refused, 403 outside the caller's scope; a repeated Idempotency-Key
        gets the first answer and writes nothing."""
        caller = ctx.caller(authorization)
        scope = await run_in_threadpool(ctx.scope, caller, WRITE)
        body = await _body(request)
        params = data.WriteParams(dry_run, accept_valid, published_at, source)
        status, report, replayed = await run_in_threadpool(
            data.write, ctx, scope, caller.who, body, request.headers.get("content-type"), idempotency_key, params
        )
        what = "POST /api/v1/data" + (" (replayed)" if replayed else "") + f" -> {status}"
        await run_in_threadpool(data.audit_call, ctx, caller.who, what, scope, report.get("rows_new", 0))
        if status == 200 and not replayed and report.get("batch_id"):
            hub.poke()
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        if status != 200:
            problem = Problem(
                status,
                report["summary_en"] if status == 422 else "rows outside your scope: nothing was written",
                report["summary_vi"] if status == 422 else "có dòng ngoài phạm vi của bạn: không ghi gì",
                report=report,
            )
            body_out = problem.body(request.url.path)
            return JSONResponse(body_out, status, headers=headers, media_type="application/problem+json")
        return JSONResponse(report, 200, headers=headers)

    changes.routes(app, ctx, hub)
    tasks.routes(app, ctx)
    scenarios.routes(app, ctx)
    return app


#: the largest request body POST /api/v1/data reads (bytes): a bigger load goes in several requests or by file
MAX_BODY = int(os.environ.get("DIEUHANH_API_MAX_BODY_MB", "200")) * 1024 * 1024


async def _body(request: Request) -> bytes:
    """The body, read up to MAX_BODY: a larger one is refused (413) before it fills the memory."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            mb = MAX_BODY // (1024 * 1024)
            en = f"the body exceeds {mb} MB; send it in parts"
            raise Problem(413, en, f"nội dung vượt quá {mb} MB; hãy gửi thành nhiều phần")
        chunks.append(chunk)
    return b"".join(chunks)


def _prepare(ctx: Context) -> None:
    from connectors.seed import ensure_seeded

    ensure_seeded(ctx.wh)
    ctx.wh.ensure_schema()  # the API's own tables (warehouse/exchange.py) on a warehouse built before them


def _date(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise Problem(400, f"'{text[:20]}' is not YYYY-MM-DD", f"'{text[:20]}' không phải YYYY-MM-DD") from exc
