"""Loads are idempotent, revisions become vintages that --as-of sees past, and data goes out and back in:
CSV -> warehouse -> SDMX-CSV -> another warehouse with equal values; SDMX actions D and R withdraw, never delete."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from connectors.__main__ import main
from connectors.export import export, export_frame
from connectors.intake import connector_for, load
from semantic.model import load_model
from semantic.query import execute
from semantic.scope import Scope
from semantic.spec import QuerySpec
from tests import intake_support as s
from warehouse.schema import table

V1 = """indicator_code,area_code,period,value,agency_code,base,published_at
PUBINV_DISB,VN,2025-01,35247.927,,level,2025-02-06
PUBINV_DISB,VN,2025-02,37928.207,,level,2025-03-06
PUBINV_DISB,VN,2025-02,3167.11,MOT,level,2025-03-06
PUBINV_DISB,33,2025-02,1531.407,,level,2025-03-06
PUBINV_DISB,34,2025-02,667.62,,level,2025-03-06
CPI,VN,2025-02,2.91,,yoy,2025-03-06
RETAIL,VN,2025-02,561672.75,,level,2025-03-06
"""
# GSO's April release revises February's disbursement (the estimate becomes the figure)
V2 = V1.replace(
    "PUBINV_DISB,VN,2025-02,37928.207,,level,2025-03-06", "PUBINV_DISB,VN,2025-02,38012.5,,level,2025-04-06"
)


@pytest.fixture
def wh(intake_wh):
    return intake_wh


@pytest.fixture(scope="module")
def model():
    return load_model(s.DATA / "no-models", s.REGISTRY_DIR)


def cli_load(tmp_path, monkeypatch, capsys, wh, text: str, name: str = "f.csv", *extra: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DIEUHANH_DB", wh.url)
    rc = main(["load", str(path), "--source", "GSO", "--registry", str(s.REGISTRY_DIR), *extra])
    return rc, capsys.readouterr().out


def disb_feb(wh, model, as_of=None) -> float:
    spec = QuerySpec(indicators=("PUBINV_DISB",), areas=("VN",), time_from="2025-02", time_to="2025-02", as_of=as_of)
    frame = execute(spec, model, Scope.system(), wh)
    assert len(frame) == 1, frame
    return float(frame["value"].iloc[0])


def test_reload_is_unchanged_and_a_revision_is_a_vintage(tmp_path, monkeypatch, capsys, wh, model):
    rc, out = cli_load(tmp_path, monkeypatch, capsys, wh, V1)
    assert rc == 0 and "loaded; 7 rows read, 7 valid, 0 rejected; 7 new, 0 unchanged" in out
    rc, out = cli_load(tmp_path, monkeypatch, capsys, wh, V1)
    assert rc == 0 and "unchanged; 7 rows read, 7 valid, 0 rejected; 0 new, 7 unchanged" in out
    assert "không thay đổi" in out
    rc, out = cli_load(tmp_path, monkeypatch, capsys, wh, V2, "v2.csv")
    assert rc == 0 and "1 new, 6 unchanged" in out
    assert s.count(wh, "observation") == 8  # nothing overwritten: the first estimate is still there
    assert disb_feb(wh, model) == 38012.5
    assert disb_feb(wh, model, as_of=date(2025, 3, 20)) == 37928.207  # as known before the revision
    batches = wh.execute(table("load_batch").order_by("loaded_at"))
    assert list(batches["outcome"]) == ["loaded", "unchanged", "loaded"]
    assert len(set(batches["file_hash"])) == 2 and batches["file_hash"].iloc[0] == batches["file_hash"].iloc[1]


def test_load_time_vintages_dedupe_on_the_latest_value(tmp_path, monkeypatch, capsys, wh, model):
    text = "indicator_code,area_code,period,value\nRETAIL,VN,2025-01,575830.29\n"
    assert "1 new" in cli_load(tmp_path, monkeypatch, capsys, wh, text)[1]
    assert "0 new, 1 unchanged" in cli_load(tmp_path, monkeypatch, capsys, wh, text)[1]
    assert "1 new" in cli_load(tmp_path, monkeypatch, capsys, wh, text.replace("575830.29", "575900"))[1]
    # back to the first value: it is the latest that counts, so this is news again
    assert "1 new" in cli_load(tmp_path, monkeypatch, capsys, wh, text)[1]
    assert s.count(wh, "observation") == 3


def test_csv_to_sdmx_to_another_warehouse_keeps_every_value(tmp_path, wh, model):
    load(connector_for(V1.encode(), "v1.csv", "GSO"), wh, "a", registry=s.registry(), scope=Scope.system())
    levels = export(wh, Scope.system(), "sdmx-csv", indicators=("PUBINV_DISB", "RETAIL"), model=model)
    by_agency = export(wh, Scope.system(), "sdmx-csv", indicators=("PUBINV_DISB",), dimensions=("agency",), model=model)
    yoy = export(wh, Scope.system(), "sdmx-csv", indicators=("CPI",), compare="yoy", model=model)
    assert levels.splitlines()[0].startswith("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,INDICATOR,REF_AREA")
    assert "dataflow,DIEUHANH:DF_OBS(1.0),I,M,PUBINV_DISB,VN,,,level,2025-02,37928.207," in levels
    other, _ = s.build(f"duckdb://{tmp_path / 'other.duckdb'}")
    for name, text in (("levels", levels), ("agency", by_agency), ("yoy", yoy)):
        report = load(
            connector_for(text.encode(), f"{name}.csv", "GSO"), other, "b", registry=s.registry(), scope=Scope.system()
        )
        assert report.outcome == "loaded", [p.text() for p in report.problems]
    key = ["indicator_code", "area_code", "agency_code", "period_start", "base", "value", "vintage"]
    a = wh.execute(table("observation")).sort_values(key)[key].reset_index(drop=True)
    b = other.execute(table("observation")).sort_values(key)[key].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.astype(str), b.astype(str))  # values and vintages, bit for bit
    # and the canonical CSV export loads back unchanged
    csv = export(other, Scope.system(), "csv", indicators=("RETAIL",), model=model)
    assert csv.splitlines()[1] == "RETAIL,VN,2025-02,561672.75,,,level,tỷ đồng,official,2025-03-06T00:00:00"
    assert (
        load(
            connector_for(csv.encode(), "back.csv", "GSO"), other, "b", registry=s.registry(), scope=Scope.system()
        ).outcome
        == "unchanged"
    )


def test_sdmx_delete_and_replace_withdraw_as_new_vintages(wh, model):
    load(connector_for(V1.encode(), "v1.csv", "GSO"), wh, "a", registry=s.registry(), scope=Scope.system())
    head = "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,VINTAGE\n"
    delete = head + "dataflow,DIEUHANH:DF_OBS(1.0),D,RETAIL,VN,2025-02,,2025-04-01\n"
    report = load(connector_for(delete.encode(), "d.csv", "GSO"), wh, "a", registry=s.registry(), scope=Scope.system())
    assert report.result.rows_written == 1
    spec = QuerySpec(indicators=("RETAIL",), areas=("VN",))
    assert execute(spec, model, Scope.system(), wh).empty  # withdrawn now ...
    assert list(execute(spec.with_(as_of=date(2025, 3, 31)), model, Scope.system(), wh)["value"]) == [561672.75]
    # R: the message replaces the series over its span: January restated, February (absent) withdrawn
    replace = head + "dataflow,DIEUHANH:DF_OBS(1.0),R,PUBINV_DISB,33,2025-01,1389.658,2025-04-01\n"
    replace += "dataflow,DIEUHANH:DF_OBS(1.0),R,PUBINV_DISB,33,2025-02,,2025-04-01\n".replace(
        ",,2025", ",1531.407,2025"
    )
    replace = replace.replace("2025-02,1531.407", "2025-03,1600")
    report = load(connector_for(replace.encode(), "r.csv", "GSO"), wh, "a", registry=s.registry(), scope=Scope.system())
    assert report.outcome == "loaded"
    now = execute(QuerySpec(indicators=("PUBINV_DISB",), areas=("33",), boundaries="as-was"), model, Scope.system(), wh)
    assert [(str(p)[:7], v) for p, v in zip(now["period_start"], now["value"], strict=True)] == [
        ("2025-01", 1389.658),
        ("2025-03", 1600.0),
    ]
    assert s.count(wh, "observation") == 7 + 1 + 3  # nothing deleted: two new values, two withdrawals


def test_export_is_scoped(wh, model):
    load(connector_for(V1.encode(), "v1.csv", "GSO"), wh, "a", registry=s.registry(), scope=Scope.system())
    frame = export_frame(wh, s.province("33"), ("PUBINV_DISB",), boundaries="as-was", model=model)
    got = sorted((a, str(p)[:7]) for a, p in zip(frame["area_code"], frame["period_start"], strict=True))
    # Hưng Yên, old Thái Bình merged into it, and the national aggregates (a policy line allows them)
    assert got == [("33", "2025-02"), ("34", "2025-02"), ("VN", "2025-01"), ("VN", "2025-02")]
    frame = export_frame(wh, s.province("33"), ("PUBINV_DISB",), areas=("33",), boundaries="2025", model=model)
    assert list(frame["value"]) == [1531.407 + 667.62]  # on 2025 boundaries
    audit = wh.execute(table("audit"))
    assert set(audit["action"]) >= {"download", "load"}


def test_cli_export_with_a_persona(tmp_path, monkeypatch, capsys, wh):
    load(connector_for(V1.encode(), "v1.csv", "GSO"), wh, "a", registry=s.registry(), scope=Scope.system())
    monkeypatch.setenv("DIEUHANH_DB", wh.url)
    args = ["export", "--indicator", "PUBINV_DISB"]  # scoped: the installed model, never a caller's registry
    assert main([*args, "--persona", "hungyen", "--format", "csv", "--area", "33,34"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "indicator_code,area_code,period,value,agency_code,category,base,unit,status,published_at"
    assert lines[1:] == [
        "PUBINV_DISB,33,2025-02,1531.407,,,level,tỷ đồng,official,2025-03-06T00:00:00",
        "PUBINV_DISB,34,2025-02,667.62,,,level,tỷ đồng,official,2025-03-06T00:00:00",
    ]
    out = tmp_path / "vn.sdmx.csv"
    assert main([*args, "--persona", "leader", "--from", "2025-02", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("\n") == 1 + 3  # header, VN, 33, 34 for February
    capsys.readouterr()
    assert main([*args, "--persona", "none"]) == 3  # claims that give no scope at all
    err = capsys.readouterr().err
    assert err.startswith("lỗi: ") and "error: " in err
    with pytest.raises(SystemExit) as usage:
        main(["export", "--indicator", "PUBINV_DISB", "--format", "xml", "--persona", "leader"])
    assert usage.value.code == 2
