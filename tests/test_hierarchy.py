"""Up and down the hierarchy with two instances on loopback: a national warehouse and Hưng Yên's
(DIEUHANH_PROFILE=province:33), each served by its own `python -m api` under uvicorn, one npm `oidc-provider` both
trust (each API under its own audience), and the province's `python -m connectors.tasks.hierarchy` job running every
half second. A figure loaded in the province reaches the national API, and a task the Government assigns to
province 33 reaches the province's API, each within seconds."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api_support import (
    AUDIENCE,
    OTHER_AUDIENCE,
    ROOT,
    api_server,
    build_reference_warehouse,
    free_port,
    provider,
    secret_of,
    signing_key,
    stop,
    token,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PROVINCE = {"DIEUHANH_PROFILE": "province:33"}
#: within seconds, on a 2-core machine shared with other test runs
WITHIN = 30.0


def _cli(args: list[str], db_url: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DIEUHANH_PROFILE"} | {"DIEUHANH_DB": db_url} | (extra or {})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def hierarchy_job(folder: Path, province_db: str, issuer: str, national: str, own: str) -> Iterator[Path]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIEUHANH_")} | PROVINCE
    env |= {"DIEUHANH_DB": province_db, "DIEUHANH_HIERARCHY_SECRET": secret_of("hungyen-system")}
    log = folder / "hierarchy.log"
    args = ["--issuer", issuer, "--client", "hungyen-system", "--national", national, "--national-audience"]
    args += [AUDIENCE, "--own", own, "--own-audience", OTHER_AUDIENCE, "--every", "0.5"]
    args += ["--state", str(folder / "hierarchy-state.json")]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "connectors.tasks.hierarchy", *args], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        yield log
    finally:
        stop(proc)


def _until(check, seconds: float, log: Path):  # noqa: ANN001, ANN202
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        got = check()
        if got:
            return got, time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s; hierarchy job said:\n{log.read_text(errors='replace')[-3000:]}")


def test_a_figure_goes_up_and_a_task_comes_down_within_seconds(tmp_path):
    national_db = f"duckdb://{tmp_path / 'national.duckdb'}"
    province_db = f"duckdb://{tmp_path / 'hungyen.duckdb'}"
    build_reference_warehouse(national_db)
    built = _cli(
        ["-c", f"from tests.api_support import build_reference_warehouse as b; b({province_db!r})"],
        province_db,
        PROVINCE,
    )
    assert built.returncode == 0, built.stderr
    port = free_port()
    with (
        provider(tmp_path, port, signing_key("key-h")) as issuer,
        api_server(tmp_path, national_db, issuer) as national,
        api_server(tmp_path, province_db, issuer, PROVINCE | {"DIEUHANH_API_AUDIENCE": OTHER_AUDIENCE}) as own,
        hierarchy_job(tmp_path, province_db, issuer, national, own) as log,
    ):
        national_reader = {"Authorization": f"Bearer {token(issuer, 'leader-dashboard', 'exchange.read')}"}
        province_reader = {"Authorization": f"Bearer {token(issuer, 'hungyen-system', resource=OTHER_AUDIENCE)}"}
        # the province's catalog holds its own indicators, the national one does not
        codes = {r["code"] for r in httpx.get(f"{own}/api/v1/catalog", headers=province_reader).json()}
        assert {"HY_BUDGET_REV", "PUBINV_DISB"} <= codes

        # -- up: a figure loaded in the province (its statistics office's file, the CLI's path) ----------------------
        figures = tmp_path / "hungyen-2025-11.csv"
        figures.write_text(
            "indicator_code,area_code,period,value\nPUBINV_DISB,33,2025-11,1234.5\nHY_BUDGET_REV,33,2025-11,4321\n",
            encoding="utf-8",
        )
        loaded = _cli(["-m", "connectors", "load", str(figures), "--source", "HY-TK"], province_db, PROVINCE)
        assert loaded.returncode == 0, loaded.stderr

        def arrived() -> list[dict]:
            resp = httpx.get(
                f"{national}/api/v1/data",
                params={"indicator": "PUBINV_DISB", "area": "33", "from": "2025-11", "to": "2025-11"},
                headers=national_reader,
            )
            assert resp.status_code == 200, resp.text
            return resp.json()["data"]

        rows, took = _until(arrived, WITHIN, log)
        assert [(r["area_code"], r["period"], r["value"]) for r in rows] == [("33", "2025-11", 1234.5)]
        print(f"up: {took:.1f} s")
        # the province's own indicator stays in the province: the national registry has no such indicator
        unknown = httpx.get(f"{national}/api/v1/data", params={"indicator": "HY_BUDGET_REV"}, headers=national_reader)
        assert unknown.status_code == 400

        # -- down: a task the Government assigns to province 33 (the Government Office's task file) ------------------
        tasks = tmp_path / "nhiem_vu.csv"
        content = "Khẩn trương khắc phục hậu quả mưa lũ, báo cáo Thủ tướng"
        tasks.write_text(
            "document_number,document_date,assignee_area,content,deadline\n"
            f'95/CĐ-TTg,2025-07-20,33,"{content}",2025-08-30\n'
            f"96/CĐ-TTg,2025-07-21,01,Việc của Hà Nội,2025-08-30\n",
            encoding="utf-8",
        )
        sent = _cli(["-m", "connectors", "tasks", str(tasks)], national_db)
        assert sent.returncode == 0, sent.stderr

        def received() -> list[dict]:
            resp = httpx.get(f"{own}/api/v1/tasks", headers=province_reader)
            assert resp.status_code == 200, resp.text
            return [t for t in resp.json() if t["document_number"] == "95/CĐ-TTg"]

        got, took = _until(received, WITHIN, log)
        print(f"down: {took:.1f} s")
        assert [(t["assignee_area"], t["content"], t["deadline"]) for t in got] == [("33", content, "2025-08-30")]
        # Hà Nội's task stayed national: the province's client is scoped to province 33 there
        everything = httpx.get(f"{own}/api/v1/tasks", headers=province_reader).json()
        assert not [t for t in everything if t["document_number"] == "96/CĐ-TTg"]
