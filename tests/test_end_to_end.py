"""Real published figures end to end: data/ -> seed -> warehouse -> `python -m semantic query` in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.seed import seed
from tests.monitoring_support import real_warehouse_url
from warehouse.db import Warehouse
from warehouse.schema import table

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DIEUHANH_DB": real_warehouse_url()}
    return subprocess.run(
        [sys.executable, "-m", "semantic", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def rows(*args: str) -> list[dict[str, str]]:
    done = run_cli("query", *args, "--format", "csv")
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_cpi_february_2025_vs_last_year_is_gsos_2_91():
    out = rows(*"--indicator CPI --area VN --from 2025-02 --to 2025-02 --compare yoy --persona leader".split())
    assert len(out) == 1
    assert round(float(out[0]["value"]), 2) == 2.91
    assert out[0]["period"] == "2025-02" and out[0]["unit"] == "%"


def test_disbursement_revision_and_first_estimate():
    latest = rows(
        "--indicator", "PUBINV_DISB", "--area", "VN", "--from", "2025-01", "--to", "2025-02", "--persona", "leader"
    )
    assert [(r["period"], round(float(r["value"]), 1)) for r in latest] == [("2025-01", 35247.9), ("2025-02", 37928.2)]
    first = rows(
        *"--indicator PUBINV_DISB --area VN --from 2025-01 --to 2025-01 --as-of 2025-02-15 --persona leader".split()
    )
    assert [(r["period"], round(float(r["value"]), 1)) for r in first] == [("2025-01", 35417.8)]


def test_new_hung_yen_on_2025_boundaries_sums_its_predecessors():
    out = rows(
        *"--indicator PUBINV_DISB --area 33 --from 2024-12 --to 2024-12 --boundaries 2025 --persona leader".split()
    )
    assert [round(float(r["value"]), 3) for r in out] == [3364.553]  # 2,256.187 (Hưng Yên) + 1,108.366 (Thái Bình)
    as_was = rows(
        *"--indicator PUBINV_DISB --area 33 --from 2024-12 --to 2024-12 --boundaries as-was --persona leader".split()
    )
    assert [round(float(r["value"]), 3) for r in as_was] == [2256.187]


def test_unknown_names_exit_2_with_the_valid_choices():
    done = run_cli("query", "--indicator", "NOPE", "--persona", "leader")
    assert done.returncode == 2 and "CPI" in done.stderr and "PUBINV_DISB" in done.stderr
    done = run_cli("query", "--indicator", "CPI", "--dimensions", "colour", "--persona", "leader")
    assert done.returncode == 2 and "agency" in done.stderr
    done = run_cli("query", "--indicator", "CPI", "--persona", "nobody")
    assert done.returncode == 2 and "hungyen" in done.stderr


def _claims(tmp_path: Path, claims: dict) -> str:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(claims), encoding="utf-8")
    return str(path)


def test_claims_decide_what_the_cli_returns(tmp_path):
    def by_agency(claims: dict) -> list[dict]:
        """2024's public investment disbursement by agency, as `claims` see it."""
        return rows(
            *"--indicator PUBINV_DISB --dimensions agency --from 2024-01 --to 2024-12".split(),
            "--claims",
            _claims(tmp_path, claims),
        )

    province = rows(
        "--indicator",
        "PUBINV_DISB",
        "--area",
        "01,33",
        "--from",
        "2024-01",
        "--to",
        "2024-12",
        "--claims",
        _claims(tmp_path, {"roles": ["province_staff"], "province": "33"}),
    )
    assert province and {r["area_code"] for r in province} == {"33"}
    moc = by_agency({"roles": ["ministry_staff"], "agency": "MOC"})
    assert {r["agency_code"] for r in moc} == {"MOC", "MOT"}
    leader = by_agency({"roles": ["leader"]})
    assert {"MOC", "MOT", "MOH", "MOET"} <= {r["agency_code"] for r in leader}
    for claims in ({}, {"roles": ["nobody"]}, {"roles": ["province_staff"], "province": "99"}):
        done = run_cli("query", "--indicator", "PUBINV_DISB", "--claims", _claims(tmp_path, claims))
        assert done.returncode == 3, (claims, done.stderr)
        assert "no access" in done.stderr


@pytest.mark.slow
def test_a_second_seed_adds_no_row():
    wh = Warehouse(real_warehouse_url())
    before = int(wh.execute(table("observation").count()))
    results = seed(wh)
    after = int(wh.execute(table("observation").count()))
    wh.close()
    assert before > 100_000
    assert after == before and sum(r.rows_written for r in results) == 0
