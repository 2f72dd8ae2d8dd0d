"""GSO's monthly workbooks 2010-2025 (../shared/data/gso/workbooks/, 173 releases, .xls until 2015, .xlsx after):
every one is read whole or refused for a documented reason (docs/gso-workbooks.md); no release writes a figure into
a month other than its own or the month before (which it revises); figures read from fixed cells — looked up by
hand in the workbooks, written here — equal what the loader reads; the header grammar reads GSO's period words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from connectors.__main__ import main
from connectors.readers.gso_headers import classify, title_period
from connectors.readers.gso_read import untcvn3
from connectors.readers.gso_xlsx import GsoWorkbookConnector, previous, release_month

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "gso" / "workbooks"
#: refusals docs/gso-workbooks.md documents, by workbook: (rule, why)
REFUSED: dict[str, str] = {}  # none: the English edition of September 2020 is read too
#: releases read whole but refused by validation for a GSO erratum (docs/gso-workbooks.md lists the cells)
ERRATA = {"gso_bieu_kt-xh_2014-12.xls": "Du lich!C7"}  # 657,304 under 'Đơn vị tính: Nghìn lượt người'


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[list, pd.DataFrame]]:
    """Every workbook of the corpus through the connector (no warehouse): its problems and its records."""
    assert CORPUS.is_dir(), f"{CORPUS}: the GSO workbook corpus is missing"
    out = {}
    for path in sorted(CORPUS.iterdir()):
        conn = GsoWorkbookConnector(path.read_bytes(), path.name, "GSO", published_at=date(2000, 1, 1))
        problems, frames = [], []
        for batch in conn.batches():
            problems += batch.problems
            if len(batch.records):
                frames.append(batch.records)
        out[path.name] = (problems, pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())
    return out


def test_the_corpus_is_the_documented_one(corpus):
    assert len(corpus) == 173
    assert sum(n.endswith(".xls") for n in corpus) > 60 and sum(n.endswith(".xlsx") for n in corpus) > 100


def test_every_workbook_is_read_whole_or_refused_for_a_documented_reason(corpus):
    refused = {name: {p.rule for p in problems} for name, (problems, _) in corpus.items() if problems}
    assert refused == {name: {rule} for name, rule in REFUSED.items()}
    docs = (ROOT / "docs" / "gso-workbooks.md").read_text(encoding="utf-8")
    for name, rule in REFUSED.items():
        assert name in docs and rule in docs


def test_no_release_writes_into_a_month_other_than_its_own_or_the_one_before(corpus):
    for name, (_, records) in corpus.items():
        if name in REFUSED:
            continue
        ym = release_month(name, [])
        allowed = {f"{y}-{m:02d}" for y, m in (ym, previous(ym))}
        assert set(records["period"]) <= allowed, name


def test_a_december_release_revises_november_only_and_never_as_year_to_date(corpus):
    """December workbooks print the year, the quarter and the month: the quarter goes nowhere, the year is the
    December year to date, November is a revision of November's own figures (level and comparisons)."""
    decembers = [n for n in corpus if n[15:22].endswith("-12") and n not in REFUSED]
    assert len(decembers) == 11  # 2010-2018 and 2021-2023 (December 2019, 2020 and 2024 are not in the corpus)
    for name in decembers:
        _, r = corpus[name]
        year = int(name[15:19])
        november = r[r["period"] == f"{year}-11"]
        # November's own figures only: its month ('tháng 11') or its 11 months to date ('11 tháng'), never a quarter
        heads = november["_head"].str.lower()
        assert heads.str.contains(r"tháng 11|11 tháng").all() and not heads.str.contains("quý").any(), name
        assert (r["period"] == f"{year}-12").sum() > len(november), name


def _record(corpus, name: str, cell: str) -> pd.Series:
    _, r = corpus[name]
    hit = r[r["note"] == cell]
    assert len(hit) == 1, (name, cell, len(hit))
    return hit.iloc[0]


def _cell(name: str, sheet: str, row: int, col: int) -> float:
    """A cell read straight from the file (0-based row and column), independent of the loader."""
    wb = CalamineWorkbook.from_path(str(CORPUS / name))
    return float(wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[row][col])


# (workbook, sheet, 0-based row, 0-based column, printed value, indicator, period, base, area) — looked up by hand
FIXED_CELLS = [
    # 2010: TCVN3-encoded .xls
    ("gso_bieu_kt-xh_2010-01.xls", "CPI (2)", 8, 4, 107.62216284086432, "CPI", "2010-01", "yoy", "VN"),
    ("gso_bieu_kt-xh_2010-03.xls", "3DTNN (2)", 7, 2, 139.0, "FDI_PROJECTS", "2010-03", "ytd", "VN"),
    ("gso_bieu_kt-xh_2010-03.xls", "3DTNN (2)", 7, 3, 1924.3364609999999, "FDI_NEW", "2010-03", "ytd", "VN"),
    # 2013: 'tháng Sáu' in words
    ("gso_bieu_kt-xh_2013-06.xls", "CPI", 9, 4, 106.68612995964398, "CPI", "2013-06", "yoy", "VN"),
    ("gso_bieu_kt-xh_2013-06.xls", "CPI", 9, 6, 100.05, "CPI", "2013-06", "pop", "VN"),
    ("gso_bieu_kt-xh_2013-06.xls", "CPI", 9, 7, 106.73009459370121, "CPI", "2013-06", "ytd_yoy", "VN"),
    # December 2023: year-end columns, a merged title over the IIP table, quarter columns beside the year's
    ("gso_bieu_kt-xh_2023-12.xlsx", "33.CPI", 9, 3, 103.581010773179, "CPI", "2023-12", "yoy", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "33.CPI", 9, 4, 100.1158, "CPI", "2023-12", "pop", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "33.CPI", 9, 6, 103.253861092277, "CPI", "2023-12", "ytd_yoy", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "10.IIPthang", 8, 1, 104.97, "IIP", "2023-11", "yoy", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "10.IIPthang", 8, 2, 100.12, "IIP", "2023-12", "pop", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "10.IIPthang", 8, 3, 105.76, "IIP", "2023-12", "yoy", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "10.IIPthang", 8, 4, 101.46, "IIP", "2023-12", "ytd_yoy", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "26.Tongmuc", 9, 2, 551714.380208089, "RETAIL", "2023-11", "level", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "26.Tongmuc", 9, 3, 565786.311855363, "RETAIL", "2023-12", "level", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "26.Tongmuc", 9, 4, 6231828.06625934, "RETAIL", "2023-12", "ytd", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "26.Tongmuc", 9, 7, 109.596577306342, "RETAIL", "2023-12", "ytd_yoy", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "28.XK tháng", 7, 3, 32910.0, "EXPORTS", "2023-12", "level", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "28.XK tháng", 7, 6, 355500.0, "EXPORTS", "2023-12", "ytd", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "28.XK tháng", 7, 12, 95.6376911138629, "EXPORTS", "2023-12", "ytd_yoy", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "30.NK tháng", 8, 3, 30630.0, "IMPORTS", "2023-12", "level", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "30.NK tháng", 8, 6, 327500.0, "IMPORTS", "2023-12", "ytd", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "23.VDT thực hiện", 8, 2, 69142.10825, "PUBINV_DISB", "2023-11", "level", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "23.VDT thực hiện", 8, 3, 77347.515, "PUBINV_DISB", "2023-12", "level", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "23.VDT thực hiện", 8, 4, 625318.90484, "PUBINV_DISB", "2023-12", "ytd", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "25.FDI", 6, 2, 3188.0, "FDI_PROJECTS", "2023-12", "ytd", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "25.FDI", 6, 3, 20185.62268022, "FDI_NEW", "2023-12", "ytd", "VN"),
    ("gso_bieu_kt-xh_2023-12.xlsx", "25.FDI", 7 + 1, 3, 3103.92572, "FDI_NEW", "2023-12", "ytd", "22"),
    # industrial products (each row's unit in the 'Đơn vị tính' column), tourist arrivals (the unit printed above
    # the table or in the column's header: thousands in 2010 and 2012, persons in March 2011 and in 2024) and the
    # adjusted FDI capital (printed from March 2019), .xls and .xlsx
    ("gso_bieu_kt-xh_2010-12.xls", "03SPCN", 40, 3, 8.1, "PROD_ELECTRICITY", "2010-12", "level", "VN"),
    ("gso_bieu_kt-xh_2010-12.xls", "Du lich", 6, 2, 449.57, "INTL_ARRIVALS", "2010-12", "level", "VN"),
    ("gso_bieu_kt-xh_2011-03.xls", "03SPCN", 8, 3, 4096.6, "PROD_COAL", "2011-03", "level", "VN"),
    ("gso_bieu_kt-xh_2011-03.xls", "KQT", 6, 2, 475733.0, "INTL_ARRIVALS", "2011-03", "level", "VN"),
    ("gso_bieu_kt-xh_2011-03.xls", "KQT", 6, 3, 1511472.0, "INTL_ARRIVALS", "2011-03", "ytd", "VN"),
    ("gso_bieu_kt-xh_2012-06.xls", "Dulich", 6, 3, 3363.427, "INTL_ARRIVALS", "2012-06", "ytd", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "3.SPCNthang", 8, 3, 3451.8807450351196, "PROD_COAL", "2024-10", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "3.SPCNthang", 8, 4, 36537.09529750004, "PROD_COAL", "2024-10", "ytd", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "3.SPCNthang", 37, 3, 38.22296008392716, "PROD_CARS", "2024-10", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "19. KQT", 7, 2, 1274804.0, "INTL_ARRIVALS", "2024-09", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "19. KQT", 7, 3, 1419833.0, "INTL_ARRIVALS", "2024-10", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "19. KQT", 7, 4, 14125149.0, "INTL_ARRIVALS", "2024-10", "ytd", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "12. FDI", 6, 4, 8348.623736794638, "FDI_ADJ", "2024-10", "ytd", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "12. FDI", 9, 4, -9.557457, "FDI_ADJ", "2024-10", "ytd", "77"),
    # transport: passengers and freight carried and rotated, what each figure measures said around it. Until 2018
    # one table, 'Vận chuyển' / 'Luân chuyển' over the columns, 'A. HÀNH KHÁCH' / 'B. HÀNG HÓA' section rows and
    # the year to date only (.xls 2012, .xlsx 2017); from September 2018 'I. Vận chuyển (Nghìn HK)' headings over
    # 'Tổng số' (.xls December 2018: the year as the 12-month year to date); from 2019 a table each, the total
    # row labelled by its measure (.xlsx 2024)
    ("gso_bieu_kt-xh_2012-05.xls", "VT(HH-HK)T4", 7, 2, 1375377.5, "TRANSPORT_PASSENGERS", "2012-05", "ytd", "VN"),
    ("gso_bieu_kt-xh_2012-05.xls", "VT(HH-HK)T4", 7, 3, 56892.6, "TRANSPORT_PASSENGER_KM", "2012-05", "ytd", "VN"),
    ("gso_bieu_kt-xh_2012-05.xls", "VT(HH-HK)T4", 23, 2, 361160.1, "TRANSPORT_FREIGHT", "2012-05", "ytd", "VN"),
    (
        "gso_bieu_kt-xh_2012-05.xls",
        "VT(HH-HK)T4",
        23,
        6,
        93.3636221374389,
        "TRANSPORT_FREIGHT_TKM",
        "2012-05",
        "ytd_yoy",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2017-10.xlsx",
        "Van Tai",
        7,
        2,
        3363134.6018870207,
        "TRANSPORT_PASSENGERS",
        "2017-10",
        "ytd",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2017-10.xlsx",
        "Van Tai",
        19,
        3,
        221308.49157941475,
        "TRANSPORT_FREIGHT_TKM",
        "2017-10",
        "ytd",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2018-12.xls",
        "40.Vantaithang",
        9,
        1,
        402893.4796322606,
        "TRANSPORT_PASSENGERS",
        "2018-12",
        "level",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2018-12.xls",
        "40.Vantaithang",
        20,
        2,
        207117.60115972202,
        "TRANSPORT_PASSENGER_KM",
        "2018-12",
        "ytd",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2024-10.xlsx",
        "17. VT HK",
        8,
        1,
        457932.18035679945,
        "TRANSPORT_PASSENGERS",
        "2024-10",
        "level",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2024-10.xlsx",
        "17. VT HK",
        8,
        2,
        4136635.762748836,
        "TRANSPORT_PASSENGERS",
        "2024-10",
        "ytd",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2024-10.xlsx",
        "17. VT HK",
        8,
        4,
        108.839440611193,
        "TRANSPORT_PASSENGERS",
        "2024-10",
        "yoy",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2024-10.xlsx",
        "18. VT HH",
        19,
        1,
        47748.24495539858,
        "TRANSPORT_FREIGHT_TKM",
        "2024-10",
        "level",
        "VN",
    ),
    (
        "gso_bieu_kt-xh_2024-10.xlsx",
        "18. VT HH",
        19,
        5,
        111.04620034787116,
        "TRANSPORT_FREIGHT_TKM",
        "2024-10",
        "ytd_yoy",
        "VN",
    ),
    # enterprises entering and leaving the market: one table from November 2019 (.xlsx only), each row its measure
    # and unit ('Vốn đăng ký (Tỷ đồng)'); the previous month's column is its revision
    ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN", 9, 1, 11216.0, "ENT_NEW", "2024-09", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN", 9, 2, 14187.0, "ENT_NEW", "2024-10", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN", 9, 3, 136085.0, "ENT_NEW", "2024-10", "ytd", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN", 10, 2, 153537.0, "ENT_NEW_CAPITAL", "2024-10", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN", 11, 3, 815574.0, "ENT_NEW_LABOUR", "2024-10", "ytd", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN", 13, 2, 8651.0, "ENT_RETURNED", "2024-10", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN", 14, 2, 5454.0, "ENT_SUSPENDED", "2024-10", "level", "VN"),
    ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN", 16, 2, 1987.0, "ENT_DISSOLVED", "2024-10", "level", "VN"),
    ("gso_bieu_kt-xh_2020-01.xlsx", "6", 14, 3, 5555.0, "ENT_AWAITING_DISSOLUTION", "2020-01", "level", "VN"),
    # September 2020 exists only as GSO's English edition ('Estimate September 2020', '9 months of 2020 versus same
    # period last year', 'from January 01 to September 20, 2020')
    ("gso_bieu_kt-xh_2020-09.xlsx", "30", 10, 4, 102.980911119801, "CPI", "2020-09", "yoy", "VN"),
    ("gso_bieu_kt-xh_2020-09.xlsx", "30", 10, 8, 103.852150334018, "CPI", "2020-09", "ytd_yoy", "VN"),
    ("gso_bieu_kt-xh_2020-09.xlsx", "7", 8, 3, 103.8, "IIP", "2020-09", "yoy", "VN"),
    ("gso_bieu_kt-xh_2020-09.xlsx", "23-24", 9, 3, 441449.860638266, "RETAIL", "2020-09", "level", "VN"),
    ("gso_bieu_kt-xh_2020-09.xlsx", "25", 8, 6, 202858.155253, "EXPORTS", "2020-09", "ytd", "VN"),
    ("gso_bieu_kt-xh_2020-09.xlsx", "27", 8, 3, 24000.0, "IMPORTS", "2020-09", "level", "VN"),
    ("gso_bieu_kt-xh_2020-09.xlsx", "20", 8, 4, 302975.5439, "PUBINV_DISB", "2020-09", "ytd", "VN"),
    ("gso_bieu_kt-xh_2020-09.xlsx", "22", 6, 3, 10360.37, "FDI_NEW", "2020-09", "ytd", "VN"),
]


@pytest.mark.parametrize(
    ("name", "cell", "unit"),
    [
        ("gso_bieu_kt-xh_2010-12.xls", "Du lich!C7", "nghìn lượt người"),  # '(Nghìn lượt người)' in the header
        ("gso_bieu_kt-xh_2011-03.xls", "KQT!C7", "lượt người"),  # 'Lượt người' above the table
        ("gso_bieu_kt-xh_2012-06.xls", "Dulich!D7", "nghìn lượt người"),  # 'Đơn vị tính: Nghìn lượt người'
        ("gso_bieu_kt-xh_2024-10.xlsx", "19. KQT!D8", "lượt người"),
        ("gso_bieu_kt-xh_2024-10.xlsx", "3.SPCNthang!D10", "Nghìn tấn"),  # crude oil: '"' under coal's unit
        ("gso_bieu_kt-xh_2012-06.xls", "03SPCN!D9", "Nghìn tấn"),
        ("gso_bieu_kt-xh_2024-10.xlsx", "3.SPCNthang!D11", "Triệu m3"),
        ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN!C11", "tỷ đồng"),  # 'Vốn đăng ký (Tỷ đồng)' among DN rows
        ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN!C12", "người"),
        ("gso_bieu_kt-xh_2024-10.xlsx", "6. Chi tieu DN!C10", "doanh nghiệp"),
        ("gso_bieu_kt-xh_2012-05.xls", "VT(HH-HK)T4!D8", "triệu lượt khách.km"),
        ("gso_bieu_kt-xh_2024-10.xlsx", "18. VT HH!B9", "nghìn tấn"),
        # May 2010: in one column passengers' total printed as an index (113.4), freight's as a % change (11.8)
        ("gso_bieu_kt-xh_2010-05.xls", "VT!F9", "index"),
        ("gso_bieu_kt-xh_2010-05.xls", "VT!F24", "%"),
    ],
)
def test_a_level_carries_the_unit_its_table_prints(corpus, name, cell, unit):
    """Tourist arrivals are printed in thousands some years and in persons others (475,733 in March 2011, 449.57
    in December 2010): each figure carries the unit printed with it, which validation converts (units.yml) or
    refuses by name; a product's unit is its row's ('"' repeats the unit above)."""
    assert _record(corpus, name, cell)["unit"] == unit


@pytest.mark.parametrize(
    ("name", "sheet", "row", "col", "printed", "indicator", "period", "base", "area"),
    FIXED_CELLS,
    ids=[f"{c[0][15:22]}-{c[1]}-{c[5]}-{c[7]}-{c[6]}" for c in FIXED_CELLS],
)
def test_fixed_cells_read_independently_equal_the_loaded_figures(
    corpus, name, sheet, row, col, printed, indicator, period, base, area
):
    from openpyxl.utils import get_column_letter

    assert _cell(name, sheet, row, col) == pytest.approx(printed, rel=1e-12)
    rec = _record(corpus, name, f"{sheet}!{get_column_letter(col + 1)}{row + 1}")
    assert (rec["indicator_code"], rec["period"], rec["base"], rec["area_code"]) == (indicator, period, base, area)
    assert rec["value"] == pytest.approx(printed, rel=1e-12)


def test_a_quarter_is_never_read_as_the_year_to_date(corpus):
    """2023-12 CPI prints 'Bình quân quý IV năm 2023 so với cùng kỳ' (103.54) beside the year's average (103.25):
    only the year's is December's year to date; the quarterly tables load nothing."""
    _, r = corpus["gso_bieu_kt-xh_2023-12.xlsx"]
    assert not r["value"].round(6).eq(round(103.540205474667, 6)).any()
    assert not r["note"].str.startswith(("29.XK quý", "27.TM_Quy", "11.IIPquy", "24.VDT thực hiện quý")).any()


#: workbooks that print no licensed-FDI table (looked up: no sheet titled "… nước ngoài … được cấp phép")
NO_FDI_TABLE = {
    "2010-01",
    "2010-02",
    "2011-01",
    "2011-12",
    "2012-01",
    "2013-01",
    "2014-01",
    "2014-02",
    "2015-01",
    "2015-07",
}


def test_headline_tables_are_read_in_every_era(corpus):
    """CPI and exports in every release; IIP from June 2011 (before, GSO printed the gross output value instead);
    FDI wherever the workbook prints it; retail and public investment from 2010."""
    for name, (_, r) in corpus.items():
        if name in REFUSED:
            continue
        codes, month = set(r["indicator_code"]), name[15:22]
        assert {"CPI", "EXPORTS", "IMPORTS", "RETAIL", "PUBINV_DISB"} <= codes, name
        assert ("IIP" in codes) == (month >= "2011-06"), name
        assert ({"FDI_NEW", "FDI_PROJECTS"} <= codes) == (month not in NO_FDI_TABLE), name


@pytest.mark.parametrize(
    ("header", "kind", "year", "month"),
    [
        ("Quý IV năm 2023 so với cùng kỳ năm trước (%)", "quarter_yoy", 2023, 12),  # not 'quý I'
        ("Năm 2013 so năm 2012 (%)", "ytd_yoy", 2013, 12),  # 'so' alone (products, December 2013), not a level
        ("So cùng kỳ năm trước (%) Tháng 7 năm 2020", "month_yoy", 2020, 7),  # tourism, July 2020
        ("So cùng kỳ năm trước (%) 7 tháng năm 2020", "ytd_yoy", 2020, 7),
        ("Bình quân quý IV năm 2023 so với cùng kỳ năm trước", "quarter_yoy", 2023, 12),
        ("Quý I năm 2023 so với cùng kỳ", "ytd_yoy", 2023, 3),
        ("Năm 2024 so với năm 2023", "ytd_yoy", 2024, 12),
        ("Ước tính năm 2024", "ytd_level", 2024, 12),
        ("Sơ bộ năm 2024", "ytd_level", 2024, 12),
        ("Cả năm", "ytd_level", 2024, 12),
        ("Sơ bộ tháng 11 năm 2024", "month_level", 2024, 11),
        ("Tháng 6 năm 2013 so với: Tháng 12 năm 2012", "vs_december", 2013, 6),
        ("Chỉ số giá 6 tháng năm 2013 so với cùng kỳ năm 2012", "ytd_yoy", 2013, 6),
        ("So với cùng kỳ năm trước Tháng 9 năm 2018", "month_yoy", 2018, 9),
        ("Tháng 12 năm 2023 so với Kỳ gốc (2019)", "month_base_year", 2023, 12),
    ],
)
def test_the_header_grammar_reads_gso_period_words(header, kind, year, month):
    col = classify(header, 2024, (2024, 12))
    assert (col.kind, col.year, col.month) == (kind, year, month)


def test_titles_and_legacy_text():
    assert title_period("Chỉ số sản xuất công nghiệp tháng 12 và cả năm 2024") == (2024, 12)
    assert title_period("và đô la Mỹ tháng Sáu năm 2013") == (2013, 6)
    assert title_period("Chỉ số giá xuất khẩu quý IV năm 2023") == (2023, 12)
    assert classify("Tháng 12", None, (2024, 1)).year == 2023  # last December, in January's release
    assert untcvn3("ChØ sè gi¸ tiªu dïng") == "Chỉ số giá tiêu dùng"
    assert untcvn3("Chỉ số giá") == "Chỉ số giá" and untcvn3("THÉP") == "THÉP"


@pytest.mark.parametrize(("suffix", "fmt"), [(".xlsx", "gso-xlsx"), (".xlsx", "auto"), (".xls", "auto")])
def test_an_unreadable_workbook_is_a_usage_error_not_a_traceback(tmp_path, monkeypatch, capsys, suffix, fmt):
    bad = tmp_path / f"gso_bieu_kt-xh_2024-12{suffix}"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setenv("DIEUHANH_DB", f"duckdb://{tmp_path / 'w.duckdb'}")
    monkeypatch.setattr("connectors.__main__._warehouse", lambda: None)
    monkeypatch.setattr("connectors.__main__._registry", lambda _r: None)
    rc = main(["load", str(bad), "--source", "GSO", "--format", fmt, "--dry-run"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if fmt == "gso-xlsx":  # the workbook reader was asked for: the file cannot be what was asked, a usage error
        assert rc == 2
        assert f"gso_bieu_kt-xh_2024-12{suffix}: not a readable .xls/.xlsx/.ods workbook" in err
    else:  # auto: the check's limits read the container before any reader, and refuse the file as data
        assert rc == 1
        assert f"gso_bieu_kt-xh_2024-12{suffix}: not a readable workbook" in err


@pytest.mark.slow
def test_backfill_loads_releases_in_order_each_as_its_vintage(tmp_path, monkeypatch, capsys):
    """November 2023, December 2023 and January 2024 backfilled: the current figure is the latest release's, and
    as of each release's day the figure is what that release printed (retail, billion VND, cells looked up)."""
    from connectors.seed import reference
    from semantic.model import default_model
    from semantic.query import execute
    from semantic.registry import load_registry
    from semantic.scope import Scope
    from semantic.spec import QuerySpec
    from warehouse.db import Warehouse
    from warehouse.load import write_reference

    folder = tmp_path / "workbooks"
    folder.mkdir()
    for month in ("2024-01", "2023-12", "2023-11"):  # any order on disk: loaded in release order
        (folder / f"gso_bieu_kt-xh_{month}.xlsx").symlink_to(CORPUS / f"gso_bieu_kt-xh_{month}.xlsx")
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    wh = Warehouse(url)
    wh.ensure_schema()
    write_reference(wh, reference.tables(load_registry()))
    wh.close()
    monkeypatch.setenv("DIEUHANH_DB", url)
    assert main(["backfill", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [tuple(line.split()[:2]) for line in out if "loaded;" in line] == [  # GSO's release days
        ("2023-11-29", "gso_bieu_kt-xh_2023-11.xlsx:"),
        ("2023-12-29", "gso_bieu_kt-xh_2023-12.xlsx:"),
        ("2024-01-29", "gso_bieu_kt-xh_2024-01.xlsx:"),
    ]

    def value(code: str, period: str, as_of: date | None = None, compare: str | None = None) -> float:
        spec = QuerySpec(
            indicators=(code,), areas=("VN",), time_from=period, time_to=period, compare=compare, as_of=as_of
        )
        frame = execute(spec, default_model(), Scope.system(), Warehouse(url))
        assert len(frame) == 1, frame
        return float(frame["value"].iloc[0])

    assert value("RETAIL", "2023-11", date(2023, 11, 30)) == pytest.approx(552702.578496076)  # November's estimate
    assert value("RETAIL", "2023-11", date(2023, 12, 31)) == pytest.approx(551714.380208089)  # December's revision
    assert value("RETAIL", "2023-12", date(2023, 12, 31)) == pytest.approx(565786.311855363)  # December's estimate
    assert value("RETAIL", "2023-12") == pytest.approx(515951.9892456698)  # January 2024's 'Sơ bộ tháng 12'
    assert value("CPI", "2023-12", compare="yoy") == pytest.approx(3.581010773179, abs=1e-9)
    assert value("IIP", "2023-11", date(2023, 11, 30), "yoy") == pytest.approx(5.78591536663707, abs=1e-9)
    assert value("IIP", "2023-11", compare="yoy") == pytest.approx(4.97, abs=1e-9)  # December's revision


@pytest.mark.slow
def test_backfill_inserts_a_release_behind_a_later_vintage_stored_by_another_source(tmp_path, monkeypatch, capsys):
    """A warehouse seeded from the tidy GSO tables already holds later vintages of a month (their next release's
    revision): the backfill inserts each workbook at its own day behind them (exit 0, nothing refused) and each
    day's answer is what was published by then. A plain load of the same file is still refused (history is not
    inserted behind what was known, except by a backfill)."""
    from connectors.intake import load
    from connectors.readers.gso_xlsx import GsoWorkbookConnector
    from connectors.seed import reference
    from semantic.model import default_model
    from semantic.query import execute
    from semantic.registry import load_registry
    from semantic.scope import Scope
    from semantic.spec import QuerySpec
    from warehouse.db import Warehouse
    from warehouse.load import BatchInfo, write_observations, write_reference

    folder = tmp_path / "workbooks"
    folder.mkdir()
    (folder / "gso_bieu_kt-xh_2023-11.xlsx").symlink_to(CORPUS / "gso_bieu_kt-xh_2023-11.xlsx")
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    wh = Warehouse(url)
    wh.ensure_schema()
    write_reference(wh, reference.tables(load_registry()))
    later = pd.DataFrame(  # another source's figure for November 2023, stored at 15 December
        [
            {
                "indicator_code": "RETAIL",
                "area_code": "VN",
                "period_start": date(2023, 11, 1),
                "freq": "M",
                "base": "level",
                "value": 550000.0,
                "status": "revised",
                "vintage": pd.Timestamp("2023-12-15"),
                "source": "tidy",
            }
        ]
    )
    write_observations(wh, later, BatchInfo(source="tidy", file_name="tidy.csv", file_hash="x" * 64))
    path = folder / "gso_bieu_kt-xh_2023-11.xlsx"
    plain = load(
        GsoWorkbookConnector(path.read_bytes(), path.name, "GSO"),
        wh,
        "t",
        published_at=date(2023, 11, 29),
        scope=Scope.system(),
    )
    assert plain.outcome == "rejected" and {p.rule for p in plain.problems} == {"vintage_before_existing"}
    wh.close()
    monkeypatch.setenv("DIEUHANH_DB", url)
    assert main(["backfill", str(folder)]) == 0
    assert "2023-11-29 gso_bieu_kt-xh_2023-11.xlsx: loaded;" in capsys.readouterr().out

    def retail(as_of: date | None) -> float:
        spec = QuerySpec(indicators=("RETAIL",), areas=("VN",), time_from="2023-11", time_to="2023-11", as_of=as_of)
        return float(execute(spec, default_model(), Scope.system(), Warehouse(url))["value"].iloc[0])

    assert retail(date(2023, 11, 30)) == pytest.approx(552702.578496076)  # November's release, inserted behind
    assert retail(date(2023, 12, 20)) == pytest.approx(550000.0)  # the later vintage stored before
    assert retail(None) == pytest.approx(550000.0)


def test_the_printed_form_of_a_comparison_is_read_from_its_total(corpus):
    """GSO printed retail's comparisons as % changes in March 2018 (ytd: 9.86) and October 2024 (7.12, 8.53), as
    indexes elsewhere (109.6); a ratio (exports, September 2010, 1.232 for +23.2 %) and a 0 typed in an index column
    (IIP manufacturing, July 2015) are not loaded."""
    mar18 = _record(corpus, "gso_bieu_kt-xh_2018-03.xlsx", "Tongmuc!F7")
    assert (mar18["indicator_code"], mar18["base"], mar18["unit"]) == ("RETAIL", "ytd_yoy", "%")
    assert mar18["value"] == pytest.approx(9.855731, abs=1e-6)
    oct24 = _record(corpus, "gso_bieu_kt-xh_2024-10.xlsx", "13. Tongmuc!F12")
    assert (oct24["base"], oct24["unit"], round(oct24["value"], 3)) == ("yoy", "%", 7.118)
    dec23 = _record(corpus, "gso_bieu_kt-xh_2023-12.xlsx", "26.Tongmuc!H10")
    assert dec23["unit"] == "index"
    for name, cell in (("gso_bieu_kt-xh_2010-09.xls", "XK!M8"), ("gso_bieu_kt-xh_2015-07.xlsx", "IIP!C14")):
        assert not corpus[name][1]["note"].eq(cell).any(), (name, cell)
    assert _cell("gso_bieu_kt-xh_2010-09.xls", "XK", 7, 12) == pytest.approx(1.232)


def test_the_shipped_history_is_every_release_at_its_vintage():
    """data/gso/gso_workbook_history.csv.gz: the 173 releases but the erratum of December 2014, each figure with the
    cell it was read from; a revision is a later vintage of the same key, a repeat is left out. Units as printed are
    converted (tourist arrivals printed in persons are stored in thousands); the English edition of September 2020
    is in."""
    from connectors.gso_backfill import HISTORY

    h = pd.read_csv(HISTORY, dtype={"area_code": str, "agency_code": str, "category": str})
    assert h["vintage"].str[11:].eq("23:59:59").all()  # the release day's end
    h["vintage"] = h["vintage"].str[:10]
    assert h["vintage"].nunique() == 172 and h["vintage"].min() == "2010-01-31" and h["vintage"].max() == "2025-02-28"
    assert (
        (h["vintage"] >= "2014-01-01").sum() and "2013-12-31" in set(h["vintage"]) and "2014-01-29" in set(h["vintage"])
    )
    files = set(h["cell"].str.split(":").str[0])
    assert len(files) == 172 and not files & set(ERRATA)
    docs = (ROOT / "docs" / "gso-workbooks.md").read_text(encoding="utf-8")
    assert all(name in docs and cell in docs for name, cell in ERRATA.items())

    def stored(cell: str) -> float:
        hit = h[h["cell"] == cell]
        assert len(hit) == 1, cell
        return float(hit["value"].iloc[0])

    assert stored("gso_bieu_kt-xh_2011-03.xls:KQT!C7") == pytest.approx(475.733)  # 475,733 persons, in thousands
    assert stored("gso_bieu_kt-xh_2010-12.xls:Du lich!C7") == pytest.approx(449.57)  # printed in thousands
    assert stored("gso_bieu_kt-xh_2024-10.xlsx:19. KQT!D8") == pytest.approx(1419.833)
    assert stored("gso_bieu_kt-xh_2024-10.xlsx:3.SPCNthang!D9") == pytest.approx(3451.8807450351196)
    assert stored("gso_bieu_kt-xh_2024-10.xlsx:12. FDI!E7") == pytest.approx(8348.623736794638)
    assert stored("gso_bieu_kt-xh_2020-09.xlsx:30!E11") == pytest.approx(2.980911119801, abs=1e-9)  # % change
    assert stored("gso_bieu_kt-xh_2022-02.xlsx:nhập khẩu tháng!D21") == pytest.approx(0.666137, abs=1e-6)
    retail = h[(h["indicator_code"] == "RETAIL") & (h["area_code"] == "VN") & (h["base"] == "level")]
    nov = retail[retail["period_start"] == "2023-11-01"].set_index("vintage")
    # vintages: GSO's release days (29 November and 29 December 2023)
    assert nov["value"].to_dict() == pytest.approx({"2023-11-29": 552702.578496076, "2023-12-29": 551714.380208089})
    assert nov.loc["2023-12-29", "cell"] == "gso_bieu_kt-xh_2023-12.xlsx:26.Tongmuc!C10"
    key = ["indicator_code", "area_code", "agency_code", "category", "period_start", "base", "vintage"]
    assert not h.duplicated(key).any()
    # a release writes only its own month and the month before
    vintage_month = pd.PeriodIndex(pd.to_datetime(h["vintage"]), freq="M")
    period_month = pd.PeriodIndex(pd.to_datetime(h["period_start"]), freq="M")
    assert ((vintage_month - period_month).map(lambda d: d.n) <= 1).all()


@pytest.mark.slow
def test_the_digitisation_figure_counts_the_indicators_the_workbooks_made_real(tmp_path):
    """The quality page's figure (analytics.quality.coverage: national statistical indicators with real values) on
    a warehouse holding the shipped workbook history alone: the indicators GSO's workbooks carry count, the new
    ones (industrial products, arrivals, adjusted FDI) among them; the budget series the workbooks do not print
    stay missing."""
    from analytics.quality import coverage
    from connectors.readers import gso_history
    from connectors.seed import reference
    from semantic.model import default_model
    from semantic.query import execute
    from semantic.registry import load_registry
    from semantic.scope import Scope
    from warehouse.db import Warehouse
    from warehouse.load import write_observations, write_reference

    registry = load_registry()
    wh = Warehouse(f"duckdb://{tmp_path / 'w.duckdb'}")
    wh.ensure_schema()
    write_reference(wh, reference.tables(registry))
    for info, frame in gso_history.batches(registry):
        write_observations(wh, frame, info)
    cov = coverage(lambda spec: execute(spec, default_model(), Scope.system(), wh), registry, date(2025, 4, 30))
    statistical = sum(1 for i in registry if i.statistical)
    assert list(cov["statistical"]) == [statistical, statistical]
    # CPI, its 16 groups, core inflation, gold, USD (20); IIP and 4 sectors (5); retail and 4 parts (5); exports and
    # imports with their two sectors (6); state-budget investment and 5 levels (6); FDI projects, new, adjusted (3);
    # 9 industrial products; international arrivals; 4 transport totals and 7 enterprise measures: 66 of 94
    assert (statistical, list(cov["delivered"])) == (94, [66, 66])
    assert list(cov["coverage_pct"]) == [70.2, 70.2]
    missing = set(cov["missing"].iloc[0].split(", "))
    made_real = {"CPI", "IIP", "RETAIL", "EXPORTS", "IMPORTS", "PUBINV_DISB", "FDI_NEW", "FDI_ADJ", "INTL_ARRIVALS"}
    made_real |= {"PROD_COAL", "PROD_CARS", "PROD_MOBILE_PHONES", "TRANSPORT_FREIGHT", "ENT_NEW", "ENT_DISSOLVED"}
    assert not made_real & missing
    assert {"BUDGET_REV", "BUDGET_EXP"} <= missing


@pytest.mark.slow
def test_backfill_on_the_installed_warehouse_finds_the_shipped_history_unchanged(tmp_path, monkeypatch, capsys):
    """The app's first start loads the shipped history (and the tidy GSO tables); a backfill of the same workbooks
    afterwards reads every figure exactly as the history stored it, so nothing is a conflicting second value of a
    vintage (the history once kept 10 significant digits: 64.61538462 stored, 64.615384615… read, and every release
    of the folder was refused). A .xls release of 2010 and a .xlsx release of 2024."""
    from connectors.readers import gso, gso_history
    from connectors.seed import reference
    from semantic.registry import load_registry
    from warehouse.db import Warehouse
    from warehouse.load import write_observations, write_reference

    folder = tmp_path / "workbooks"
    folder.mkdir()
    for name in ("gso_bieu_kt-xh_2010-01.xls", "gso_bieu_kt-xh_2024-10.xlsx"):
        (folder / name).symlink_to(CORPUS / name)
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    wh = Warehouse(url)
    wh.ensure_schema()
    registry = load_registry()
    write_reference(wh, reference.tables(registry))
    for source in (gso.batches, gso_history.batches):  # as the seed writes them
        for info, frame in source(registry):
            write_observations(wh, frame, info)
    wh.close()
    monkeypatch.setenv("DIEUHANH_DB", url)
    assert main(["backfill", str(folder)]) == 0
    out = capsys.readouterr().out
    assert ": rejected;" not in out and "vintage_conflict" not in out
    lines = {line.split()[1]: line for line in out.splitlines() if line[:2] == "20" and "rows read" in line}
    first = lines["gso_bieu_kt-xh_2010-01.xls:"]
    assert first.startswith("2010-01-31 ") and ": unchanged;" in first and "; 0 new," in first  # all in the history
    assert lines["gso_bieu_kt-xh_2024-10.xlsx:"].split()[2] in ("loaded;", "unchanged;")


def test_explain_as_the_issue_writes_it_needs_no_source_for_a_gso_workbook(tmp_path, monkeypatch, capsys):
    """`python -m connectors load FILE --format gso-xlsx --explain`: a GSO workbook is GSO's, so --source may be left
    out (a dry run here: nothing is written); any other file still names its sender or is a usage error (exit 2)."""
    from warehouse.db import Warehouse

    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    Warehouse(url).ensure_schema()
    monkeypatch.setenv("DIEUHANH_DB", url)
    path = CORPUS / "gso_bieu_kt-xh_2024-10.xlsx"
    assert main(["load", str(path), "--format", "gso-xlsx", "--explain", "--dry-run"]) in (0, 1)
    out = capsys.readouterr().out
    assert "sheet '" in out and "LOADED: table 'cpi'" in out
    csv = tmp_path / "x.csv"
    csv.write_text("indicator_code,area_code,period,value\nCPI,VN,2025-01,1\n", encoding="utf-8")
    assert main(["load", str(csv), "--dry-run"]) == 2
    assert "--source" in capsys.readouterr().err
