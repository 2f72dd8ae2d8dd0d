"""`python -m semantic query --claims FILE.json` on the real warehouse: the same policy as the app decides the rows;
claims that give no scope exit 3 and say which claim failed; every CLI query is in the audit trail."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from semantic.access import persona_scope
from semantic.model import default_model
from semantic.query import run
from semantic.spec import Filter, QuerySpec
from tests.monitoring_support import real_warehouse_url
from warehouse.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
DISB = ("--indicator", "PUBINV_DISB", "--from", "2024-12", "--to", "2024-12")


def cli(tmp_path: Path, claims: object, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "claims.json"
    path.write_text(claims if isinstance(claims, str) else json.dumps(claims), encoding="utf-8")
    env = {**os.environ, "DIEUHANH_DB": real_warehouse_url()}
    return subprocess.run(
        [sys.executable, "-m", "semantic", "query", *args, "--claims", str(path), "--format", "csv"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def rows(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, float]]:
    assert done.returncode == 0, done.stderr
    return [
        (r["area_code"], r["agency_code"], round(float(r["value"]), 3))
        for r in csv.DictReader(io.StringIO(done.stdout))
    ]


def test_province_staff_get_only_their_province_with_thai_binhs_history(tmp_path):
    done = cli(tmp_path, {"roles": ["province_staff"], "province": "33"}, *DISB, "--area", "01,33")
    # new Hưng Yên on 2025 boundaries: 2,256.187 (old Hưng Yên) + 1,108.366 (old Thái Bình); Hà Nội withheld
    assert rows(done) == [("33", "", 3364.553)]


def test_leaders_get_every_area(tmp_path):
    done = cli(tmp_path, {"roles": ["leader"]}, *DISB, "--area", "01,33")
    assert rows(done) == [("01", "", 9822.916), ("33", "", 3364.553)]


def test_ministry_staff_get_their_ministry_and_its_predecessor(tmp_path):
    mine = rows(cli(tmp_path, {"roles": ["ministry_staff"], "agency": "MOC"}, *DISB, "--dimensions", "agency"))
    assert {agency for _, agency, _ in mine} == {"MOC", "MOT"}
    everyone = rows(cli(tmp_path, {"roles": ["leader"]}, *DISB, "--dimensions", "agency"))
    assert {"MOC", "MOT", "MOH", "MOET"} <= {agency for _, agency, _ in everyone}
    assert set(mine) <= set(everyone)  # the same figures a leader sees for those two


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({}, "claim 'roles' names none of the roles"),
        ({"roles": ["nobody"]}, "claim 'roles' names none of the roles"),
        ({"roles": ["province_staff"]}, "need the claim"),
        ({"roles": ["province_staff"], "province": "99"}, "claim 'province' = '99' is not a province"),
        ({"roles": ["province_staff"], "province": "34"}, "claim 'province' = '34' is not a province"),
        ({"roles": ["ministry_staff"], "agency": "XX"}, "claim 'agency' = 'XX' is not an agency"),
        ({"roles": ["leader"], "province": "99"}, "is not a province that exists today"),
    ],
)
def test_claims_without_scope_exit_3_naming_the_claim(tmp_path, claims, reason):
    done = cli(tmp_path, claims, *DISB)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert "no access to any data" in done.stderr and reason in done.stderr
    assert "chưa được cấp quyền" in done.stderr


@pytest.mark.parametrize("text", ["not json", '["leader"]'])
def test_unreadable_claims_are_a_usage_error(tmp_path, text):
    done = cli(tmp_path, text, *DISB)
    assert done.returncode == 2 and "--claims" in done.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (json.dumps({"roles": ["leader"]}).encode("utf-16"), "UTF-8"),
        (b"\xff\xfe\x00[", "UTF-8"),
        (b'{"roles": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", "nested"),
        (b'{"a": ' + b"[" * 50 + b"]" * 50 + b', "roles": ["leader"]}', "nested"),
    ],
    ids=["utf16", "utf16_broken", "nested_20000", "nested_50"],
)
def test_hostile_claims_files_are_a_usage_error_not_a_traceback(tmp_path, content, reason):
    for module, command in (("semantic", ("query", *DISB)), ("connectors", ("quality", "--coverage"))):
        path = tmp_path / "claims.json"
        path.write_bytes(content)
        done = subprocess.run(
            [sys.executable, "-m", module, *command, "--claims", str(path)],
            cwd=ROOT,
            env={**os.environ, "DIEUHANH_DB": real_warehouse_url()},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2, (module, done.stderr)
        assert "Traceback" not in done.stderr and "--claims" in done.stderr and reason in done.stderr
        assert done.stdout == ""


@pytest.mark.parametrize(
    "command",
    [
        ("semantic", "catalog"),
        ("semantic", "catalog", "--format", "json"),
        ("connectors", "quality", "--persona", "leader"),
    ],
)
def test_a_reader_that_stops_early_ends_no_command_in_a_traceback(command):
    """`python -m semantic catalog | head -1`: the pipe closes; the command stops quietly."""
    done = subprocess.run(
        f"{sys.executable} -m {' '.join(command)} | head -c 1",
        shell=True,
        cwd=ROOT,
        env={**os.environ, "DIEUHANH_DB": real_warehouse_url()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert len(done.stdout) == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_cli_queries_are_in_the_audit_trail(tmp_path):
    name = f"cli-audit-{uuid.uuid4().hex}"
    shown = rows(cli(tmp_path, {"roles": ["province_staff"], "province": "33", "name": name}, *DISB))
    assert {area for area, _, _ in shown} == {"VN", "33"}  # national aggregates are visible to province staff
    wh = Warehouse(real_warehouse_url())
    try:
        spec = QuerySpec(
            view="audit",
            dimensions=("who", "action", "scope", "rows"),
            measures=("entries",),
            filters=(Filter("who", "eq", (name,)),),
        )
        trail = run(spec, default_model(), persona_scope("admin"), wh)
    finally:
        wh.close()
    assert list(zip(trail["who"], trail["action"], trail["rows"], strict=False)) == [(name, "cli", len(shown))]
    assert json.loads(trail["scope"][0])["areas"] == ["33"]
