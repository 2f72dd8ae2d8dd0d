"""Forecasting on the shipped data: a backtest of the real GSO monthly series through the CLI, a stored forecast
vintage read back, the Dự báo page's bands and scorecard, and the overview's warning when a band crosses a target."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.__main__ import main as analytics_cli
from semantic.model import default_model
from semantic.query import execute
from semantic.scope import Scope
from semantic.spec import Filter, QuerySpec
from tests.monitoring_support import real_warehouse_url, using
from warehouse.db import Warehouse
from warehouse.forecasts import write_forecasts

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """A copy of the real warehouse: this module appends forecast vintages, the shared one stays as seeded."""
    source = Path(real_warehouse_url().split("://", 1)[1])
    target = tmp_path_factory.mktemp("forecast-real") / "warehouse.duckdb"
    shutil.copy(source, target)
    copy = f"duckdb://{target}"
    with using(copy):
        yield copy


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = analytics_cli(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.timeout(2400)  # ~3 min on two free cores; a machine shared with other jobs has taken 18
def test_backtest_of_the_real_gso_monthly_series_beats_seasonal_naive_with_calibrated_bands(url):
    code, out, err = cli("backtest", "--group", "monthly", "--horizon", "6", "--totals-only", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    rows = {r["indicator_code"]: r for r in report["series"]}
    registry = default_model().registry
    monthly = {i.code for i in registry if i.group == "monthly" and i.frequency == "M" and not i.demo}
    assert set(rows) <= monthly and len(rows) >= 40, sorted(monthly - set(rows))
    # honest about what is forecast: CPI is published only as rates, retail sales as levels, FDI as year to date
    assert rows["CPI"]["base"] == "yoy" and rows["RETAIL"]["base"] == "level" and rows["FDI_REG"]["base"] == "ytd"
    assert rows["CPI"]["origins"] == 24 and rows["CPI"]["horizon"] == 6
    summary = report["summary"]
    assert summary["backtested"] >= 40
    assert summary["median_ratio"] < 1  # the chosen model beats "same month last year" on the median series
    assert 0.70 <= summary["coverage80"] <= 0.90, summary
    assert summary["coverage95"] >= summary["coverage80"]
    n = len(report["series"])
    assert f"] {n}/{n} " in err  # the progress bar went to stderr; stdout is the report alone


def test_forecast_writes_a_vintage_read_back_through_the_cube(url):
    code, _, err = cli("forecast", "--indicator", "CPI,RETAIL", "--horizon", "12")
    assert code == 0, err
    assert "wrote 2 forecast runs (24 points, kind=live)" in err
    wh = Warehouse(url)
    model = default_model()
    runs = execute(
        QuerySpec(
            view="forecast_runs",
            dimensions=("run_id", "indicator", "base", "trained_to", "model"),
            measures=("ratio",),
            filters=(Filter("kind", "in", ("live",)),),  # not the vintages the seed ships (kind 'seed')
        ),
        model,
        Scope.system(),
        wh,
    )
    by = runs.set_index("indicator")
    assert by.loc["CPI", "base"] == "yoy" and by.loc["RETAIL", "base"] == "level"
    assert pd.Timestamp(by.loc["CPI", "trained_to"]).strftime("%Y-%m") == "2025-02"
    points = execute(
        QuerySpec(
            view="forecasts",
            dimensions=("period",),
            measures=("mean", "lo80", "hi80", "lo95", "hi95"),
            filters=(Filter("run_id", "in", (by.loc["CPI", "run_id"],)),),
        ),
        model,
        Scope.system(),
        wh,
    ).sort_values("period")
    periods = pd.to_datetime(points["period"]).dt.strftime("%Y-%m")
    assert list(periods) == [f"{d:%Y-%m}" for d in pd.date_range("2025-03-01", periods=12, freq="MS")]
    assert (points["lo95"] <= points["lo80"]).all() and (points["hi80"] <= points["hi95"]).all()
    assert ((points["lo80"] <= points["mean"]) & (points["mean"] <= points["hi80"])).all()
    wh.close()


def _open(page: str, persona: str = "leader") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["persona"] = persona
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_forecast_page_shows_bands_and_the_scorecard(url):
    at = _open("pages/forecast.py")
    assert at.title[0].value == "Dự báo và kiểm định"
    assert not at.error, [e.value for e in at.error]
    assert at.multiselect[0].value == [("CPI", None)]
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t.get("name") for t in chart["data"]]
    assert "Dải 80 %" in names and "Dải 95 %" in names and "Dự báo" in names and "Số liệu thực tế" in names
    card = at.dataframe[0].value
    assert "MASE" in card.columns and len(card) == 5
    assert card["Được chọn"].tolist().count("✓") == 1
    texts = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "cứ 10 tháng thì khoảng 8 tháng" in texts  # what the band means, in Vietnamese
    assert "dưới dạng tốc độ" in texts  # CPI: the published rate is forecast, and the page says so


def test_overview_warns_when_a_forecast_band_crosses_the_target(url):
    # a later CPI vintage whose 80 % band reaches 4.8 % in June 2025: above the 4.5 % ceiling in force
    now = datetime.now()
    run = {
        "run_id": "crossing",
        "indicator_code": "CPI",
        "area_code": "VN",
        "category": None,
        "base": "yoy",
        "freq": "M",
        "owner_agency": "GSO",
        "model": "ets",
        "params": "{}",
        "horizon": 2,
        "trained_to": datetime(2025, 4, 1).date(),
        "trained_on": now,
        "generated_at": now,
        "kind": "live",
        "mase": 0.5,
        "smape": 10.0,
        "cov80": 0.8,
        "cov95": 0.95,
        "mase_naive": 1.0,
        "ratio": 0.5,
        "origins": 24,
        "status": "official",
    }
    points = pd.DataFrame(
        {
            "run_id": "crossing",
            "indicator_code": "CPI",
            "area_code": "VN",
            "category": None,
            "base": "yoy",
            "owner_agency": "GSO",
            "period_start": [datetime(2025, 5, 1).date(), datetime(2025, 6, 1).date()],
            "h": [1, 2],
            "mean": [3.6, 4.0],
            "lo80": [3.1, 3.2],
            "hi80": [4.1, 4.8],
            "lo95": [2.8, 2.8],
            "hi95": [4.4, 5.2],
            "generated_at": now,
        }
    )
    scores = pd.DataFrame(
        [
            {
                **{
                    k: run[k]
                    for k in ("run_id", "indicator_code", "area_code", "category", "owner_agency", "generated_at")
                },
                "model": "ets",
                "mase": 0.5,
                "smape": 10.0,
                "cov80": 0.8,
                "cov95": 0.95,
                "points": 72,
                "chosen": True,
            }
        ]
    )
    wh = Warehouse(url)
    write_forecasts(wh, pd.DataFrame([run]), points, scores)
    wh.close()
    st.cache_data.clear()  # the app reads the data version through a 5-second cache: do not wait for it
    at = _open("pages/overview.py")
    shown = " ".join(m.value for m in at.markdown)
    assert "Dự báo Chỉ số giá tiêu dùng (CPI) tháng 6/2025: khoảng 80 % (3,20–4,80) vượt trần mục tiêu 4,50" in shown
    assert "Nghị quyết" in shown  # the target's document is named
    page = _open("pages/warnings.py")
    assert any("khoảng 80 %" in str(v) for df in page.dataframe for v in df.value.iloc[:, -1])


@pytest.mark.timeout(1200)
def test_forecast_now_runs_in_the_background_with_progress_then_shows_the_forecast(tmp_path):
    """No stored forecast: 'Dự báo ngay' returns at once with a progress bar (the page is not held for the minutes
    the backtest takes), and a later run of the page shows the forecast computed, and how long it took."""
    import time

    import duckdb

    source = Path(real_warehouse_url().split("://", 1)[1])
    target = tmp_path / "warehouse.duckdb"
    shutil.copy(source, target)
    con = duckdb.connect(str(target))
    for name in ("forecast_point", "forecast_score", "forecast_run"):  # a warehouse without forecasts yet
        con.execute(f"DELETE FROM {name}")
    con.execute("UPDATE meta SET value = value || '-no-forecasts' WHERE key = 'data_version'")  # as a load would
    con.close()
    with using(f"duckdb://{target}"):
        at = _open("pages/forecast.py")
        assert "Chưa có dự báo" in " ".join(i.value for i in at.info)  # the page says so, and offers to compute one
        at.multiselect[0].set_value([("CPI", None)]).run()
        button = [b for b in at.button if b.label == "Dự báo ngay (không lưu)"]
        assert len(button) == 1
        clicked = time.monotonic()
        button[0].click().run()
        assert time.monotonic() - clicked < 60  # the click's run ends long before the backtest (minutes here)
        assert not at.exception
        bars = [p.proto.text for p in at.get("progress")]
        assert len(bars) == 1 and (bars[0].startswith("Đã kiểm định") or bars[0].startswith("Đang chờ lượt")), bars
        deadline = time.monotonic() + 1100
        while time.monotonic() < deadline:
            time.sleep(5)
            at.run()
            if any("Dự báo vừa tính" in c.value for c in at.caption):
                break
        assert not at.exception and not at.error, [e.value for e in at.error]
        took = [c.value for c in at.caption if "Dự báo vừa tính" in c.value]
        assert len(took) == 1 and ("giây" in took[0] or "phút" in took[0]), took
        names = [t.get("name") for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
        assert "Dự báo" in names and "Dải 80 %" in names
