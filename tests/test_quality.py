"""Quality on hand-computable data: completeness from the release calendar, timeliness from the first vintage,
revisions, failures kept by --accept-valid, seasonal outliers, the plan's coverage figure — and scopes."""

from __future__ import annotations

import json
import shutil
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.quality import coverage, expected_periods, quality_report, summary
from connectors.__main__ import main
from connectors.intake import connector_for, load
from semantic.model import MODELS_DIR, load_model
from semantic.query import execute
from semantic.scope import Scope
from tests import intake_support as s
from tests.test_outliers import TET

TODAY = date(2025, 4, 30)


def retail_csv() -> str:
    """RETAIL for VN, 2019-01 .. 2025-03: published on the 6th of the next month (due: 6 days after month end),
    except January 2025 (on 20 February: late); November 2024 never arrives; +15 % in July 2024."""
    rows = ["indicator_code,area_code,period,value,published_at"]
    rng = np.random.default_rng(3)
    for i, d in enumerate(pd.date_range("2019-01-01", "2025-03-01", freq="MS")):
        if (d.year, d.month) == (2024, 11):
            continue
        v = 400000 * 1.006**i * (1 + 0.02 * np.sin(d.month)) * (1 + rng.normal(0, 0.003))
        v *= 0.8 if TET.get(d.year) == d.month else 1.0
        v *= 1.15 if (d.year, d.month) == (2024, 7) else 1.0
        pub = (d + pd.offsets.MonthBegin(1) + pd.Timedelta(days=5)).date()
        if (d.year, d.month) == (2025, 1):
            pub = date(2025, 2, 20)
        rows.append(f"RETAIL,VN,{d:%Y-%m},{v:.2f},{pub}")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    shutil.copy(MODELS_DIR / "quality.yml", folder / "quality.yml")
    return folder


@pytest.fixture(scope="module")
def model(models):
    return load_model(models, s.REGISTRY_DIR)


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    warehouse, reg = s.build(f"duckdb://{tmp_path_factory.mktemp('q') / 'w.duckdb'}")
    assert (
        load(
            connector_for(retail_csv().encode(), "retail.csv", "GSO"),
            warehouse,
            "gso",
            registry=reg,
            today=TODAY,
            scope=Scope.system(),
        ).outcome
        == "loaded"
    )
    feb = float(retail_csv().splitlines()[-2].split(",")[3])
    revised = f"indicator_code,area_code,period,value,published_at\nRETAIL,VN,2025-02,{feb * 1.002:.2f},2025-04-06\n"
    load(
        connector_for(revised.encode(), "rev.csv", "GSO"),
        warehouse,
        "gso",
        registry=reg,
        today=TODAY,
        scope=Scope.system(),
    )
    bad = (
        "indicator_code,area_code,period,value,published_at\nPUBINV_DISB,33,2025-01,1389.658,2025-02-06\n"
        "PUBINV_DISB,33,2025-02,1531.407,2025-03-06\nPUBINV_DISB,33,2025-03,-5,2025-04-06\n"
        "PUBINV_DISB,34,2025-01,672.031,2025-02-06\n"
    )
    report = load(
        connector_for(bad.encode(), "hy.csv", "33"),
        warehouse,
        "hy",
        registry=reg,
        today=TODAY,
        accept_valid=True,
        scope=Scope.system(),
    )
    assert report.outcome == "partial"
    yield warehouse
    warehouse.close()


def report(wh, model, scope):
    return quality_report(lambda spec: execute(spec, model, scope, wh), model.registry, scope, today=TODAY)


def test_expected_periods_follow_frequency_and_release_calendar(model):
    reg = model.registry
    assert expected_periods(reg["RETAIL"], date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 6)) == [
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]  # March is due on 6 April
    assert expected_periods(reg["RETAIL"], date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 5))[-1] == date(
        2025, 2, 1
    )
    assert expected_periods(reg["GRDP_GROWTH"], date(2024, 4, 1), date(2025, 3, 31), TODAY) == [
        date(2024, 4, 1),
        date(2024, 7, 1),
        date(2024, 10, 1),
        date(2025, 1, 1),
    ]


def test_retail_completeness_timeliness_revisions_outliers(wh, model):
    detail = report(wh, model, Scope.system())
    retail = detail[(detail.indicator_code == "RETAIL") & (detail.area_code == "VN")]
    assert list(retail["period"]) == [f"{d:%Y-%m}" for d in pd.date_range("2024-04-01", "2025-03-01", freq="MS")]
    assert list(retail.loc[~retail.received, "period"]) == ["2024-11"]
    assert list(retail.loc[retail.on_time == False, "period"]) == ["2025-01"]  # noqa: E712 - None is not late
    assert list(retail.loc[retail.revisions > 0, "period"]) == ["2025-02"]
    assert list(retail.loc[retail.outlier, "period"]) == ["2024-07"]
    row = summary(detail).set_index(["indicator_code", "area_code"]).loc[("RETAIL", "VN")]
    assert (row.expected, row.received, row.completeness_pct, row.on_time_pct) == (12, 11, 91.7, 90.9)
    assert (row.revisions, row.outliers, row.reporter) == (1, 1, "MOIT")


def test_rejected_rows_count_against_their_period(wh, model):
    detail = report(wh, model, Scope.system())
    hy = detail[(detail.indicator_code == "PUBINV_DISB") & (detail.area_code == "33")]
    assert list(zip(hy.period, hy.received, hy.rejected, strict=True)) == [
        ("2025-01", True, 0),
        ("2025-02", True, 0),
        ("2025-03", False, 1),
    ]
    assert set(hy.reporter) == {"33"}


def test_a_province_sees_the_quality_of_its_own_areas_only(wh, model):
    detail = report(wh, model, s.province("33"))
    assert set(detail["area_code"]) == {"33", "34"}  # old Thái Bình counts in new Hưng Yên
    assert report(wh, model, s.province("01")).empty


def test_coverage_of_national_statistical_indicators(wh, model):
    cov = coverage(lambda spec: execute(spec, model, Scope.system(), wh), model.registry, TODAY)
    # statistical: CPI, GRDP_GROWTH, POP, PUBINV_DISB, RETAIL, ROADS_KM; real data for PUBINV_DISB and RETAIL
    assert list(cov["coverage_pct"]) == [33.3, 33.3]
    assert list(zip(cov.goal_year, cov.goal_pct, cov.met, cov.due, strict=True)) == [
        (2025, 80.0, False, True),
        (2030, 100.0, False, False),
    ]
    assert cov["missing"].iloc[0] == "CPI, GRDP_GROWTH, POP, ROADS_KM"


def test_cli_quality(wh, models, monkeypatch, capsys):
    monkeypatch.setenv("DIEUHANH_DB", wh.url)
    assert (
        main(
            [
                "quality",
                "--period",
                "2025-01",
                "--format",
                "json",
                "--registry",
                str(s.REGISTRY_DIR),
                "--models",
                str(models),
                "--today",
                "2025-04-30",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    retail = [r for r in rows if r["indicator_code"] == "RETAIL"]
    assert [(r["period"], r["received"], r["on_time"]) for r in retail] == [("2025-01", True, False)]
    assert main(["quality", "--period", "January", "--registry", str(s.REGISTRY_DIR)]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["quality", "--coverage", "--registry", str(s.REGISTRY_DIR), "--models", str(models)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("goal_year,goal_pct,coverage_pct") and out[1].startswith("2025,80.0,33.3,2,6,False")
    assert main(["quality", "--persona", "none"]) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["quality", "--models", "{models}", "--persona", "leader"],
        ["quality", "--registry", "{registry}", "--persona", "hungyen"],
        ["quality", "--registry", "{registry}", "--models", "{models}", "--claims", "{claims}"],
        ["load", "{csv}", "--source", "33", "--registry", "{registry}", "--persona", "hungyen", "--dry-run"],
        ["load", "{csv}", "--source", "33", "--registry", "{registry}", "--claims", "{claims}", "--dry-run"],
    ],
)
def test_cli_custom_model_or_registry_never_with_a_scope(wh, models, monkeypatch, capsys, tmp_path, args):
    """A caller-supplied model or registry would replace the access declarations the scope is judged by."""
    monkeypatch.setenv("DIEUHANH_DB", wh.url)
    claims = tmp_path / "claims.json"
    claims.write_text('{"roles": ["province_staff"], "province": "33"}', encoding="utf-8")
    csv = tmp_path / "f.csv"
    csv.write_text(retail_csv(), encoding="utf-8")
    where = {"models": str(models), "registry": str(s.REGISTRY_DIR), "claims": str(claims), "csv": str(csv)}
    assert main([a.format(**where) for a in args]) == 2
    captured = capsys.readouterr()
    assert "installed model" in captured.err and captured.out == ""


def test_cli_export_has_no_registry_of_its_own(capsys):
    with pytest.raises(SystemExit) as usage:
        main(["export", "--indicator", "CPI", "--registry", "x", "--persona", "leader"])
    assert usage.value.code == 2 and "--registry" in capsys.readouterr().err
