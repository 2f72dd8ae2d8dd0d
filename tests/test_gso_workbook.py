"""GSO's own monthly workbooks (merged headers, 'Trong đó' sub-rows, index x100 forms) load through the declarative
mapping and agree with the tidy GSO CSVs for the same month — February 2025, which the mapping was written from,
and March 2023, a month with a different sheet list (34 sheets, other names): its mapped tables load, the others
are listed as unmapped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.__main__ import main
from connectors.readers.gso_xlsx import GsoWorkbookConnector
from semantic.model import default_model
from semantic.query import execute
from semantic.registry import load_registry
from semantic.scope import Scope
from semantic.spec import QuerySpec
from tests.direction_support import gso_warehouse
from warehouse.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
RAW = next(
    p for p in (ROOT / "data" / "gso" / "raw_xlsx", ROOT.parent / "shared" / "data" / "gso" / "raw_xlsx") if p.exists()
)
FEB_2025 = RAW / "gso_bieu_kt-xh_2025-02.xlsx"
MAR_2023 = RAW / "gso_bieu_kt-xh_2023-03.xlsx"


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """The real registry and reference tables, and every tidy GSO CSV, loaded as the seed loads them."""
    url = f"duckdb://{tmp_path_factory.mktemp('gso') / 'w.duckdb'}"
    gso_warehouse(url, hold=True).close()
    return url


def value(
    url: str, code: str, period: str, base: str | None = None, as_of: date | None = None, area: str = "VN"
) -> float:
    spec = QuerySpec(
        indicators=(code,),
        areas=(area,),
        time_from=period,
        time_to=period,
        compare=base,
        as_of=as_of,
        boundaries="as-was",
    )
    frame = execute(spec, default_model(), Scope.system(), Warehouse(url))
    assert len(frame) == 1, frame
    return float(frame["value"].iloc[0])


def cli_load(url, monkeypatch, capsys, path: Path, published: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DIEUHANH_DB", url)
    rc = main(["load", str(path), "--source", "GSO", "--published-at", published, "--lang", "en"])
    out = capsys.readouterr()
    return rc, out.out, out.err


def unmapped(err: str) -> list[str]:
    line = next(x for x in err.splitlines() if "unmapped sheets" in x)
    return [part.split(" (", 1)[0] for part in line.split(": ", 2)[-1].split("; ")]


def test_february_2025_workbook_agrees_with_the_tidy_csvs(url, monkeypatch, capsys):
    rc, out, err = cli_load(url, monkeypatch, capsys, FEB_2025, "2025-02-28")
    assert rc == 0, err
    # every figure the CSVs also hold is the same (same key, vintage and value: unchanged), the FDI table's too; the
    # 54 new rows are traded products and FDI partners the CSVs dropped as conflicting duplicates or spell differently;
    # the tables mapped since add 91 rows: 45 industrial products (9 products x 5 columns, all equal to the tidy
    # gso_spcn.csv: unchanged), 41 adjusted FDI capital and 5 arrivals (in no CSV: new); and 62 of transport (4
    # totals x 5 columns) and enterprises (7 rows x 6 columns: January revised, February, 2 months, 3 comparisons)
    assert "loaded; 848 rows read, 848 valid, 0 rejected; 162 new, 686 unchanged" in out
    # 7 unmapped: the products and arrivals sheets are mapped now (12 before), then enterprises and transport (10)
    assert len(unmapped(err)) == 7 and "12. FDI" not in unmapped(err) and "16. CPI" not in unmapped(err)
    assert round(value(url, "CPI", "2025-02", "yoy"), 2) == 2.91  # GSO: CPI February 2025 +2.91 % y/y
    assert value(url, "PUBINV_DISB", "2025-02") == 37928.207  # disbursement, February 2025 estimate
    assert value(url, "PUBINV_DISB", "2025-01") == 35247.927  # January, as the February release revised it
    assert round(value(url, "RETAIL", "2025-02", "yoy"), 2) == 9.43  # printed 109.43 (index form)
    assert round(value(url, "CORE_INFL", "2025-02", "yoy"), 2) == 2.87  # printed 2.87 (already a %)


def test_march_2023_workbook_loads_its_mapped_tables_and_lists_the_rest(url, monkeypatch, capsys):
    rc, out, err = cli_load(url, monkeypatch, capsys, MAR_2023, "2023-03-29")
    assert rc == 0, err
    # 80 more rows than before the FDI table was mapped (by province and partner), and 80 more since the products
    # (45, equal to the tidy CSV: unchanged), the adjusted FDI capital (30) and the arrivals (5) are mapped, and 62
    # since transport (20) and enterprises (42) are
    assert "loaded; 783 rows read, 783 valid, 0 rejected; 139 new, 644 unchanged" in out
    listed = unmapped(err)
    # 27 before products and arrivals, 25 before enterprises and transport
    assert len(listed) == 22 and {"1.GDP", "2.GRDP", "36.XHMT"} <= set(listed)
    assert not {"24.CPI", "18.VonDT", "7.IIP", "20. Tongmuc", "21.XK", "22. NK", "19.FDI"} & set(listed)
    # what the March release said (the workbook), and what the April release revised it to (the CSVs): both kept
    assert value(url, "PUBINV_DISB", "2023-03", as_of=date(2023, 3, 31)) == 34559.329
    assert round(value(url, "PUBINV_DISB", "2023-03"), 5) == 34874.81635
    assert round(value(url, "CPI", "2023-03", "yoy"), 2) == 3.35


def test_the_mapping_reads_cells_not_sheet_names():
    registry = load_registry()
    found = {}
    for path in (FEB_2025, MAR_2023):
        for batch in GsoWorkbookConnector(path.read_bytes(), path.name, "GSO").batches():
            r = batch.records
            cpi = r[(r["indicator_code"] == "CPI") & (r["base"] == "yoy")]
            if len(cpi):
                found[batch.file_name] = (cpi["value"].iloc[-1], cpi["unit"].iloc[-1], cpi["note"].iloc[-1])
    assert found == {
        "gso_bieu_kt-xh_2025-02.xlsx [16. CPI]": (102.9131482297122, "index", "16. CPI!E9"),
        "gso_bieu_kt-xh_2023-03.xlsx [24.CPI]": (103.35099530335003, "index", "24.CPI!E9"),
    }
    assert set(registry.codes()) >= {"CPI", "PUBINV_DISB", "EXPORTS"}


@pytest.mark.parametrize(
    ("period", "flagged"),
    [("2020-04", {"RETAIL", "IIP"}), ("2023-01", set()), ("2024-02", set()), ("2025-01", set())],
)
def test_quality_outliers_on_real_gso_series(url, period, flagged):
    """April 2020 (the COVID-19 lockdown) stands out; the Tết months (22/01/2023, 10/02/2024, 29/01/2025) do not."""
    from analytics.quality import quality_report

    model, wh = default_model(), Warehouse(url)
    detail = quality_report(
        lambda spec: execute(spec, model, Scope.system(), wh), model.registry, Scope.system(), period=period
    )
    national = detail[detail["indicator_code"].isin(["RETAIL", "IIP", "EXPORTS"]) & (detail["area_code"] == "VN")]
    assert national["outlier_score"].notna().all()
    assert set(national.loc[national["outlier"], "indicator_code"]) == flagged
