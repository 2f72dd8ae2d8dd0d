"""REST and SQL pulls against real servers: a small HTTP server on loopback (pagination, retries, timeouts,
incremental pulls) and the PostgreSQL server of the test run (a ministry's table mapped by a declared spec)."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from connectors.intake import load
from connectors.readers.pull import connector_from_config, last_vintage
from connectors.readers.rest import PullError, RestConnector, RestEndpoint
from connectors.readers.sql import _redact
from semantic.scope import Scope
from tests import intake_support as s
from warehouse.schema import table

RECORDS = [
    {"chi_tieu": "RETAIL", "dia_ban": "VN", "ky": "2025-01", "gia_tri": 575830.29, "cong_bo": "2025-02-06T09:00:00"},
    {"chi_tieu": "RETAIL", "dia_ban": "VN", "ky": "2025-02", "gia_tri": 561672.75, "cong_bo": "2025-03-06T09:00:00"},
    {
        "chi_tieu": "PUBINV_DISB",
        "dia_ban": "VN",
        "ky": "2025-02",
        "gia_tri": 37928.207,
        "cong_bo": "2025-03-06T09:00:00",
    },
]


class Api(BaseHTTPRequestHandler):
    """/obs: pages of `size` records published after `since`; /flaky: 503 twice, then /obs; /slow: too slow."""

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802 - the stdlib's name
        srv = self.server
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        srv.log.append((url.path, q))
        if url.path == "/slow":
            threading.Event().wait(1.0)
        if url.path == "/flaky" and srv.failures < 2:
            srv.failures += 1
            self.send_response(503)
            self.end_headers()
            return
        since = q.get("since")
        rows = [r for r in srv.records if since is None or r["cong_bo"] > since]
        size, page = int(q.get("size", 100)), int(q.get("page", 1))
        part = rows[(page - 1) * size : page * size]
        body = json.dumps({"meta": {"page": page}, "result": {"items": part}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def wh(intake_wh):
    return intake_wh


@pytest.fixture
def api():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    srv.records, srv.log, srv.failures = list(RECORDS), [], 0
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def endpoint(srv, path="/obs", **kw) -> RestEndpoint:
    data = {
        "url": f"http://127.0.0.1:{srv.server_address[1]}{path}",
        "source": "MOIT",
        "records": "result.items",
        "fields": {
            "indicator_code": "chi_tieu",
            "area_code": "dia_ban",
            "period": "ky",
            "value": "gia_tri",
            "published_at": "cong_bo",
        },
        "pagination": {"kind": "page", "param": "page", "size_param": "size", "size": 2},
        "since_param": "since",
        "retries": 2,
        "backoff": 0.01,
        **kw,
    }
    return RestEndpoint.model_validate(data)


def values(wh) -> list[tuple]:
    obs = wh.execute(table("observation").order_by(["indicator_code", "period_start"]))
    return [(r.indicator_code, str(r.period_start)[:7], r.value, str(r.vintage)[:10]) for r in obs.itertuples()]


def test_rest_pages_through_and_maps_fields(api, wh, tmp_path):
    cfg = tmp_path / "moit.yml"
    cfg.write_text(yaml.safe_dump({"kind": "rest", **endpoint(api).model_dump(exclude_defaults=True)}))
    report = load(connector_from_config(cfg, wh), wh, "cron", registry=s.registry(), scope=Scope.system())
    assert report.outcome == "loaded", [p.text() for p in report.problems]
    assert values(wh) == [
        ("PUBINV_DISB", "2025-02", 37928.207, "2025-03-06"),
        ("RETAIL", "2025-01", 575830.29, "2025-02-06"),
        ("RETAIL", "2025-02", 561672.75, "2025-03-06"),
    ]
    # three records at two a page: pages 1 and 2 (page 2 holds one record: the last page)
    assert [q["page"] for path, q in api.log] == ["1", "2"]
    assert "since" not in api.log[0][1]  # nothing loaded yet from MOIT: a full pull


def test_rest_incremental_asks_only_for_what_is_new(api, wh, tmp_path):
    cfg = tmp_path / "moit.yml"
    cfg.write_text(yaml.safe_dump({"kind": "rest", **endpoint(api).model_dump(exclude_defaults=True)}))
    load(connector_from_config(cfg, wh), wh, "cron", registry=s.registry(), scope=Scope.system())
    assert last_vintage(wh, "MOIT") == datetime(2025, 3, 6, 9, 0)
    api.records.append(
        {"chi_tieu": "RETAIL", "dia_ban": "VN", "ky": "2025-03", "gia_tri": 562000.0, "cong_bo": "2025-04-06T09:00:00"}
    )
    api.log.clear()
    report = load(connector_from_config(cfg, wh), wh, "cron", registry=s.registry(), scope=Scope.system())
    assert api.log[0][1]["since"] == "2025-03-06T09:00:00"
    assert report.rows_in == 1 and report.result.rows_written == 1
    assert values(wh)[-1] == ("RETAIL", "2025-03", 562000.0, "2025-04-06")


def test_rest_retries_with_backoff_then_succeeds(api, wh):
    report = load(RestConnector(endpoint(api, "/flaky")), wh, "cron", registry=s.registry(), scope=Scope.system())
    assert report.outcome == "loaded"
    assert [p for p, _ in api.log][:3] == ["/flaky", "/flaky", "/flaky"]  # 503, 503, then the page


def test_rest_timeout_gives_up_with_a_clear_error(api, wh):
    ep = endpoint(api, "/slow", timeout=0.2, retries=1)
    with pytest.raises(PullError) as err:
        list(RestConnector(ep).batches())
    assert "gave up after 2 attempts" in err.value.message_en and "ReadTimeout" in err.value.message_en
    assert "dừng sau 2 lần thử" in err.value.message_vi
    assert s.count(wh, "observation") == 0


def test_rest_records_are_validated_like_a_file(api, wh):
    api.records.append(
        {"chi_tieu": "RETAIL", "dia_ban": "VN", "ky": "2025-13", "gia_tri": 1.0, "cong_bo": "2025-04-06"}
    )
    report = load(RestConnector(endpoint(api)), wh, "cron", registry=s.registry(), scope=Scope.system())
    assert report.outcome == "rejected"
    [p] = report.problems
    assert (p.row, p.column, p.rule) == (4, "ky", "period_form")  # the record and the API's own field name
    assert s.count(wh, "observation") == 0


def test_sql_source_on_postgresql(pg_url, wh, tmp_path):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("CREATE TABLE thu_ngan_sach (ma_tinh text, thang text, so_tien numeric, cap_nhat timestamp)")
        con.execute(
            "INSERT INTO thu_ngan_sach VALUES ('01', '2025-01', 95000.5, '2025-02-10'), "
            "('34', '2025-01', 812.25, '2025-02-10'), ('01', '2025-02', 88000, '2025-03-10')"
        )
    cfg = tmp_path / "mof.yml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "kind": "sql",
                "url": pg_url,
                "source": "MOF",
                "table": "thu_ngan_sach",
                "columns": {"area_code": "ma_tinh", "period": "thang", "value": "so_tien", "published_at": "cap_nhat"},
                "defaults": {"indicator_code": "RETAIL"},
                "since_column": "cap_nhat",
                "order_by": ["thang", "ma_tinh"],
            }
        )
    )
    report = load(connector_from_config(cfg, wh), wh, "cron", registry=s.registry(), scope=Scope.system())
    assert report.outcome == "loaded", [p.text() for p in report.problems]
    obs = wh.execute(table("observation").order_by(["period_start", "area_code"]))
    assert [(r.area_code, str(r.period_start)[:7], r.value) for r in obs.itertuples()] == [
        ("01", "2025-01", 95000.5),
        ("34", "2025-01", 812.25),
        ("01", "2025-02", 88000.0),
    ]
    batch = wh.execute(table("load_batch"))
    assert batch["file_name"].iloc[0] == f"{pg_url} thu_ngan_sach"
    assert _redact("postgres://mof:s3cret@db.mof.gov.vn:5432/ns") == "postgres://mof@db.mof.gov.vn:5432/ns"
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("INSERT INTO thu_ngan_sach VALUES ('01', '2025-03', 91000, '2025-04-10')")
    report = load(connector_from_config(cfg, wh), wh, "cron", registry=s.registry(), scope=Scope.system())
    assert (report.rows_in, report.result.rows_written) == (1, 1)  # incremental: only the row after 2025-03-10
