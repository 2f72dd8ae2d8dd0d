"""`python -m tests.api_latency [--pushes 50] [--rows 1000]`: how long from a `POST /api/v1/data` of ROWS rows until
the rows come back from `GET /api/v1/data?updated_after=…` and until the Kết nối, chia sẻ page shows them.

Real parts, as in tests/test_api.py: the npm oidc-provider issuing a client-credentials JWT to a ministry's system,
`python -m api` under uvicorn on loopback, a DuckDB warehouse with the product's reference data, httpx, and the app's
page run by Streamlit's AppTest in this process (its cached, scoped queries, as a reader's session runs them).
Prints one line per push and the p50/p95 of each interval (docs/performance.md)."""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import httpx

from tests.api_support import api_server, build_reference_warehouse, free_port, provider, signing_key, token
from tests.monitoring_support import using

ROOT = Path(__file__).resolve().parent.parent
PAGE_TIMEOUT = 60.0


def body(areas: list[str], rows: int, push: int) -> str:
    """ROWS canonical rows of PUBINV_DISB (MOF's indicator): provinces x months, values that differ at each push."""
    lines = ["indicator_code,area_code,period,value"]
    months = [f"{2019 + m // 12}-{m % 12 + 1:02d}" for m in range(rows // len(areas) + 1)]
    for i in range(rows):
        area, month = areas[i % len(areas)], months[i // len(areas)]
        lines.append(f"PUBINV_DISB,{area},{month},{1000 + push * 0.5 + i % 97}")
    return "\n".join(lines) + "\n"


def page_rows(at) -> int:  # noqa: ANN001 - AppTest
    """The page's "rows received this month" figure (a Vietnamese number: 12.000)."""
    for metric in at.metric:
        if metric.label in ("Dòng nhận trong tháng", "Rows received this month"):
            return int(metric.value.replace(".", "").replace(",", ""))
    raise AssertionError("the page shows no rows-this-month figure")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.api_latency")
    parser.add_argument("--pushes", type=int, default=50)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args(argv)
    from streamlit.testing.v1 import AppTest

    from semantic.areas import provinces_on
    from warehouse.db import Warehouse

    folder = Path(tempfile.mkdtemp(prefix="dieuhanh-api-latency-"))
    db_url = f"duckdb://{folder / 'w.duckdb'}"
    build_reference_warehouse(db_url)
    wh = Warehouse(db_url)
    areas = [a for a in provinces_on(wh, date.today())["code"] if a != "VN"]
    wh.close()
    port = free_port()
    post_s, get_s, page_s = [], [], []
    with provider(folder, port, signing_key("latency")) as issuer, api_server(folder, db_url, issuer) as base:
        client = httpx.Client(timeout=120)
        tok, tok_at = token(issuer, "mof-system"), time.monotonic()
        auth = {"Authorization": f"Bearer {tok}"}
        after = client.get(f"{base}/api/v1/data", headers=auth, params={"updated_after": "2000-01-01T00:00:00Z"})
        cursor = after.json()["next_updated_after"]
        with using(db_url), contextlib.redirect_stderr(io.StringIO()):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
            at.query_params["persona"] = "leader"
            at.run()
            at.switch_page("pages/exchange.py")
            at.run()
            shown = page_rows(at)
            for push in range(args.pushes):
                if time.monotonic() - tok_at > 400:  # the provider's tokens live 600 s
                    tok, tok_at = token(issuer, "mof-system"), time.monotonic()
                    auth = {"Authorization": f"Bearer {tok}"}
                headers = auth | {"Content-Type": "text/csv", "Idempotency-Key": uuid.uuid4().hex}
                t0 = time.monotonic()
                resp = client.post(f"{base}/api/v1/data", headers=headers, content=body(areas, args.rows, push))
                t1 = time.monotonic()
                assert resp.status_code == 200 and resp.json()["rows_new"] == args.rows, resp.text[:500]
                deadline = t0 + PAGE_TIMEOUT
                while True:
                    got = client.get(f"{base}/api/v1/data", headers=auth, params={"updated_after": cursor})
                    if got.json()["rows"] == args.rows or time.monotonic() > deadline:
                        break
                t2 = time.monotonic()
                assert got.json()["rows"] == args.rows, f"push {push}: {got.json()['rows']} rows back"
                cursor = got.json()["next_updated_after"]
                while True:
                    at.run()
                    if page_rows(at) >= shown + args.rows or time.monotonic() > deadline:
                        break
                    time.sleep(0.1)
                t3 = time.monotonic()
                assert page_rows(at) >= shown + args.rows, f"push {push}: the page did not show the rows"
                shown = page_rows(at)
                post_s.append(t1 - t0)
                get_s.append(t2 - t0)
                page_s.append(t3 - t0)
                line = f"push {push + 1:3d}: POST {t1 - t0:6.2f} s  GET updated_after {t2 - t0:6.2f} s"
                print(f"{line}  page {t3 - t0:6.2f} s", flush=True)
    print(f"\n{args.pushes} pushes of {args.rows} rows (seconds from sending the POST):")
    for name, values in (
        ("POST answered", post_s),
        ("rows back from GET updated_after", get_s),
        ("page shows them", page_s),
    ):
        print(
            f"  {name:34s} p50 {statistics.median(values):6.2f}  p95 {pct(values, 0.95):6.2f}  max {max(values):6.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
