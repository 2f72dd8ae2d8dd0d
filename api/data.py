"""GET and POST /api/v1/data: reads through semantic.query.execute (the CLI's spec and columns), writes through
connectors.intake.load (the CLI's validation and all-or-nothing write), incremental pulls by load time."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd

from api.context import Context
from api.problems import Problem
from connectors.intake import connector_for, load
from connectors.readers.sdmx import HEADER as SDMX_HEADER
from connectors.readers.sdmx import to_sdmx_csv
from semantic.__main__ import _indicator_output as cli_columns
from semantic.errors import SemanticError
from semantic.query import execute, run
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse import audit, exchange

FORMATS = ("json", "csv", "sdmx-csv")
#: rows per chunk of a streamed answer
CHUNK = 5000
#: Content-Type of a POST body -> connectors.intake format ("auto" tells canonical CSV from SDMX-CSV by its header)
BODY_FORMATS = {
    "application/json": "json",
    "text/csv": "auto",
    "application/vnd.sdmx.data+csv": "sdmx-csv",
}


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def parse_instant(text: str, name: str) -> datetime:
    """An ISO-8601 instant as naive UTC (the warehouse's load times); without an offset it is read as UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Problem(
            400,
            f"{name} '{text[:40]}' is not an ISO-8601 date-time (e.g. 2026-12-07T08:00:00Z)",
            f"{name} '{text[:40]}' không phải thời điểm ISO-8601 (ví dụ 2026-12-07T08:00:00Z)",
        ) from exc
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def instant_text(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True)
class ReadParams:
    indicator: str | None = None
    area: str | None = None
    time_from: str | None = None
    time_to: str | None = None
    compare: str | None = None
    grain: str | None = None
    as_of: str | None = None
    boundaries: str = "2025"
    dimensions: str | None = None
    updated_after: str | None = None
    format: str = "json"


def _spec(p: ReadParams, indicators: tuple[str, ...]) -> QuerySpec:
    try:
        as_of = date.fromisoformat(p.as_of) if p.as_of else None
    except ValueError as exc:
        raise Problem(
            400, f"as_of '{p.as_of[:20]}' is not YYYY-MM-DD", f"as_of '{p.as_of[:20]}' không phải YYYY-MM-DD"
        ) from exc
    return QuerySpec(
        indicators=indicators,
        areas=_split(p.area),
        time_from=p.time_from,
        time_to=p.time_to,
        grain=p.grain,
        compare=p.compare,
        as_of=as_of,
        boundaries=p.boundaries,
        dimensions=_split(p.dimensions),
    )


def rows_for_keys(
    ctx: Context, scope: Scope, keys: pd.DataFrame, p: ReadParams, what: str, audited: bool = True
) -> pd.DataFrame:
    """The query's rows (as `scope` sees them, through the one query path) restricted to the observation keys in
    `keys`: what a batch, or the batches since an instant, changed. Not `audited`: what a change event tells an
    open stream or a subscription (the stream's opening and every delivery are recorded instead)."""
    wanted = _split(p.indicator)
    changed = tuple(sorted(set(keys["indicator_code"])))
    indicators = tuple(c for c in wanted if c in changed) if wanted else changed
    if not indicators:
        return pd.DataFrame()
    spec = _spec(p, indicators)
    frame = (
        execute(spec, ctx.model, scope, ctx.wh, action="api", what=what)
        if audited
        else run(spec, ctx.model, scope, ctx.wh)
    )
    if frame.empty:
        return frame
    key_set = set(
        zip(keys["indicator_code"], keys["area_code"], pd.to_datetime(keys["period_start"]).dt.date, strict=True)
    )
    starts = pd.to_datetime(frame["period_start"]).dt.date
    mask = [k in key_set for k in zip(frame["indicator_code"], frame["area_code"], starts, strict=True)]
    return frame[mask].reset_index(drop=True)


def read(ctx: Context, scope: Scope, p: ReadParams) -> tuple[pd.DataFrame, str | None]:
    """(rows in the CLI's columns, next_updated_after or None)."""
    if p.format not in FORMATS:
        raise Problem(
            400,
            f"format '{p.format[:20]}' is not one of {', '.join(FORMATS)}",
            f"định dạng '{p.format[:20]}' không thuộc {', '.join(FORMATS)}",
        )
    try:
        if p.updated_after is not None:
            after = parse_instant(p.updated_after, "updated_after")
            changes = exchange.changes_after(ctx.wh, after)
            frame = rows_for_keys(ctx, scope, changes.keys, p, "GET /api/v1/data?updated_after")
            nxt: str | None = instant_text(changes.next_after)
        else:
            if not _split(p.indicator):
                raise Problem(400, "indicator is required (e.g. indicator=CPI)", "cần tham số indicator (ví dụ CPI)")
            frame = execute(
                _spec(p, _split(p.indicator)), ctx.model, scope, ctx.wh, action="api", what="GET /api/v1/data"
            )
            nxt = None
    except SemanticError as exc:
        raise Problem(400, exc.message_en, exc.message_vi) from exc
    return frame, nxt


def stream(frame: pd.DataFrame, p: ReadParams, nxt: str | None) -> Iterator[bytes]:
    """The answer in chunks: JSON as {"next_updated_after", "rows", "data": [...]}, CSV with a header line."""
    dims = _split(p.dimensions)
    if p.format == "sdmx-csv":
        if frame.empty:
            yield (",".join(SDMX_HEADER) + "\n").encode()
            return
        for i in range(0, len(frame), CHUNK):
            text = to_sdmx_csv(frame.iloc[i : i + CHUNK])
            yield (text if i == 0 else text.split("\n", 1)[1]).encode()
        return
    out = cli_columns(frame, dims) if not frame.empty else pd.DataFrame(columns=_EMPTY_COLUMNS)
    if p.format == "csv":
        for i in range(0, max(len(out), 1), CHUNK):
            yield out.iloc[i : i + CHUNK].to_csv(index=False, header=i == 0).encode()
        return
    yield ('{"next_updated_after": ' + json.dumps(nxt) + ', "rows": ' + str(len(out)) + ', "data": [').encode()
    for i in range(0, len(out), CHUNK):
        part = out.iloc[i : i + CHUNK].to_json(orient="records", date_format="iso", force_ascii=False)
        yield ((", " if i else "") + part[1:-1]).encode()
    yield b"]}\n"


_EMPTY_COLUMNS = ["indicator_code", "area_code", "agency_code", "period", "value", "unit", "status", "vintage"]


# -- POST ------------------------------------------------------------------------------------------------------------

_key_locks: dict[tuple[str, str], threading.Lock] = {}
_key_guard = threading.Lock()


def _key_lock(who: str, key: str) -> threading.Lock:
    with _key_guard:
        return _key_locks.setdefault((who, key), threading.Lock())


def body_format(content_type: str | None) -> str:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind not in BODY_FORMATS:
        raise Problem(
            415,
            f"Content-Type '{kind[:60]}' is not one of {', '.join(BODY_FORMATS)}",
            f"Content-Type '{kind[:60]}' không thuộc {', '.join(BODY_FORMATS)}",
        )
    return BODY_FORMATS[kind]


@dataclass(frozen=True)
class WriteParams:
    dry_run: bool = False
    accept_valid: bool = False
    published_at: str | None = None
    source: str | None = None


def write(
    ctx: Context, scope: Scope, who: str, body: bytes, content_type: str | None, key: str | None, p: WriteParams
) -> tuple[int, dict, bool]:
    """(HTTP status, load report, replayed). The first answer for (caller, key) is kept and given again."""
    if not key or len(key) > 200:
        raise Problem(
            400,
            "an Idempotency-Key header (1-200 characters) is required",
            "cần tiêu đề Idempotency-Key (1-200 ký tự)",
        )
    fmt = body_format(content_type)
    with _key_lock(who, key):
        first = exchange.answered(ctx.wh, who, key)
        if first is not None:
            return first[0], first[1], True
        status, report = _load(ctx, scope, who, body, fmt, p)
        if not p.dry_run:
            exchange.remember(ctx.wh, who, key, status, report)
        return status, report, False


def _load(ctx: Context, scope: Scope, who: str, body: bytes, fmt: str, p: WriteParams) -> tuple[int, dict]:
    published = None
    if p.published_at:
        try:
            published = datetime.fromisoformat(p.published_at)
        except ValueError as exc:
            raise Problem(400, "published_at is not YYYY-MM-DD", "published_at không phải YYYY-MM-DD") from exc
    name = {"json": "request.json", "sdmx-csv": "request.sdmx.csv"}.get(fmt, "request.csv")
    source = p.source or f"api:{who}"

    def run(dry_run: bool, accept_valid: bool):  # noqa: ANN202 - LoadReport
        conn = connector_for(body, name, source, fmt)
        return load(
            conn,
            ctx.wh,
            who,
            accept_valid=accept_valid,
            dry_run=dry_run,
            scope=scope,
            registry=ctx.model.registry,
            published_at=published,
        )

    try:
        # accept_valid would write the in-scope rows of a request that also sends another unit's rows: a request
        # with any row outside the caller's scope is refused whole (403), so it is checked first
        report = run(True, False) if p.accept_valid and not p.dry_run else None
        if report is None or not _out_of_scope(report):
            report = run(p.dry_run, p.accept_valid)
    except SemanticError as exc:
        raise Problem(403 if exc.__class__.__name__ == "AccessDenied" else 422, exc.message_en, exc.message_vi) from exc
    body_out = _report(report)
    if _out_of_scope(report):
        return 403, body_out
    if report.outcome == "rejected" or (report.outcome == "checked" and report.problems):
        return 422, body_out
    return 200, body_out


def _out_of_scope(report) -> bool:  # noqa: ANN001 - LoadReport
    return any(pr.rule == "scope" for pr in report.problems)


def _report(report) -> dict:  # noqa: ANN001 - LoadReport
    r = report.result
    return {
        "outcome": report.outcome,
        "rows_read": report.rows_in,
        "rows_valid": report.rows_valid,
        "rows_rejected": report.rejected_rows,
        "rows_new": r.rows_written if r else 0,
        "rows_unchanged": r.rows_unchanged if r else 0,
        "batch_id": r.batch_id if r else None,
        "summary_vi": report.summary("vi"),
        "summary_en": report.summary("en"),
        "problems": [
            {k: v for k, v in pr.as_dict().items() if k != "file"} | {"row": pr.row} for pr in report.problems
        ],
        "notes": list(report.notes),
    }


def audit_call(ctx: Context, who: str, what: str, scope: Scope | None, rows: int, detail: str = "") -> None:
    audit.record(ctx.wh, who, "api", what, detail, scope.key() if scope else "", rows)
