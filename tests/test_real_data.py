"""The real GSO and World Bank series as the connectors hand them to the write path: published figures, checked by
hand against the CSVs and GSO's own workbooks, with their vintages and statuses. No warehouse needed."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pytest

from connectors.readers import gso, worldbank
from connectors.readers.gso_names import fold, province_code, tidy
from semantic.registry import load_registry
from warehouse.schema import OBSERVATION_KEY

KEY = list(OBSERVATION_KEY)
FEB_RELEASE, JAN_RELEASE = pd.Timestamp("2025-02-28"), pd.Timestamp("2025-01-29")


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def gso_problems() -> list:
    return []


@pytest.fixture(scope="module")
def gso_batches(registry, gso_problems):
    return list(gso.batches(registry, problems=gso_problems))


@pytest.fixture(scope="module")
def wb_batches(registry):
    return list(worldbank.batches(registry))


@pytest.fixture(scope="module")
def workbook():
    """GSO's own February 2025 workbook, to check the compiled CSVs against."""
    path = gso.GSO_DIR / "raw_xlsx" / "gso_bieu_kt-xh_2025-02.xlsx"
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    yield wb
    wb.close()


@pytest.fixture(scope="module")
def obs(gso_batches, wb_batches) -> pd.DataFrame:
    return pd.concat([f for _, f in gso_batches + wb_batches], ignore_index=True)


def pick(obs, code, period, base="level", area="VN", agency=None, category=None, vintage=None) -> pd.DataFrame:
    sel = obs[
        (obs.indicator_code == code)
        & (obs.area_code == area)
        & (obs.base == base)
        & (obs.period_start == date.fromisoformat(period))
    ]
    sel = sel[sel.agency_code.isna()] if agency is None else sel[sel.agency_code == agency]
    sel = sel[sel.category.isna()] if category is None else sel[sel.category == category]
    if vintage is not None:
        sel = sel[sel.vintage == pd.Timestamp(vintage)]
    return sel


def latest(obs, code, period, **kw) -> float:
    sel = pick(obs, code, period, **kw).sort_values("vintage")
    assert len(sel), (code, period, kw)
    return float(sel["value"].iloc[-1])


def only(obs, code, period, **kw) -> pd.Series:
    sel = pick(obs, code, period, **kw)
    assert len(sel) == 1, (code, period, kw, sel)
    return sel.iloc[0]


# --- the batches as a whole -------------------------------------------------------------------------------------


def test_every_batch_is_canonical_and_known_to_the_registry(gso_batches, wb_batches, registry):
    assert [i.file_name for i, _ in gso_batches][:2] == ["data/gso/gso_cpi.csv", "data/gso/gso_iip.csv"]
    assert len(gso_batches) == 11 and len(wb_batches) == 20
    for info, frame in gso_batches + wb_batches:
        assert len(info.file_hash) == 64 and len(frame), info.file_name
        assert list(frame.columns) == list(gso.FRAME_COLUMNS)
        assert set(frame.indicator_code) <= set(registry.indicators), info.file_name
        assert frame.value.notna().all() and frame.vintage.notna().all()
        # one value per key and vintage: a revision is a later vintage, never a second row of the same one
        assert not frame.duplicated([*KEY, "vintage"]).any(), info.file_name
        # nothing is known before its period starts (a back-filled column would break this)
        assert (frame.vintage >= pd.to_datetime(frame.period_start)).all(), info.file_name
        freqs = {registry[c].frequency for c in frame.indicator_code.unique()}
        assert set(frame.freq) == freqs, info.file_name


def test_at_least_sixty_indicators_with_data(obs, registry):
    mine = {c for c in obs.indicator_code.unique()}
    assert len(mine) >= 78
    for code in mine:
        ind = registry[code]
        assert not ind.demo and ind.source and ind.unit
        assert set(obs.loc[obs.indicator_code == code, "base"]) <= set(ind.comparisons), code


# --- CPI ------------------------------------------------------------------------------------------------------


def test_cpi_february_2025_as_gso_published(obs):
    assert latest(obs, "CPI", "2025-02-01", base="yoy") == pytest.approx(2.913148229712206)
    assert latest(obs, "CPI", "2025-02-01", base="pop") == pytest.approx(0.3388)
    assert latest(obs, "CPI", "2025-02-01", base="ytd_yoy") == pytest.approx(3.2707375300200994)
    row = only(obs, "CPI", "2025-02-01", base="yoy")
    assert row.status == "official" and row.vintage == FEB_RELEASE
    assert row.source == "GSO (Tổng cục Thống kê), monthly release"
    assert pick(obs, "CPI", "2025-02-01").empty  # GSO's file has no index level


def test_cpi_groups_and_companion_indices(obs):
    assert latest(obs, "CPI_FOOD", "2025-02-01", base="yoy") == pytest.approx(3.0992025355512993)
    assert latest(obs, "CPI_FOODSTUFF", "2025-02-01", base="pop") == pytest.approx(0.4113)
    assert latest(obs, "CPI_HEALTHSVC", "2025-02-01", base="ytd_yoy") == pytest.approx(18.665829, abs=1e-6)
    assert latest(obs, "GOLD_IDX", "2025-02-01", base="yoy") == pytest.approx(32.568669, abs=1e-6)
    assert latest(obs, "USD_IDX", "2025-02-01", base="pop") == pytest.approx(-0.0552)
    assert latest(obs, "CORE_INFL", "2025-02-01", base="yoy") == pytest.approx(2.871892, abs=1e-6)
    # January: one month so far, so the year-to-date average equals the month
    assert latest(obs, "CPI", "2025-01-01", base="ytd_yoy") == latest(obs, "CPI", "2025-01-01", base="yoy")
    groups = {c for c in obs.indicator_code.unique() if c.startswith("CPI")}
    assert len(groups) == 17  # all items + 16 group rows of gso_cpi.csv
    assert obs[obs.indicator_code == "CPI"].period_start.nunique() == 134


def test_cpi_agrees_with_gsos_february_workbook(obs, workbook):
    rows = {(r[0] or r[1] or r[2]): r for r in workbook["16. CPI"].iter_rows(values_only=True) if any(r[:3])}
    cpi = rows["CHỈ SỐ GIÁ TIÊU DÙNG"]
    assert latest(obs, "CPI", "2025-02-01", base="yoy") == pytest.approx(cpi[4] - 100)
    assert latest(obs, "CPI", "2025-02-01", base="pop") == pytest.approx(cpi[6] - 100)
    assert latest(obs, "CPI", "2025-02-01", base="ytd_yoy") == pytest.approx(cpi[7] - 100)


# --- public investment disbursed --------------------------------------------------------------------------------


def test_pubinv_february_estimate_and_january_revision(obs):
    feb = only(obs, "PUBINV_DISB", "2025-02-01")
    assert (feb.value, feb.status, feb.vintage) == (pytest.approx(37928.207), "estimate", FEB_RELEASE)
    jan = pick(obs, "PUBINV_DISB", "2025-01-01").sort_values("vintage")
    assert list(jan.vintage) == [JAN_RELEASE, FEB_RELEASE]
    assert list(jan.value) == pytest.approx([35417.802, 35247.927])
    assert list(jan.status) == ["estimate", "revised"]
    assert latest(obs, "PUBINV_DISB", "2025-02-01", base="ytd") == pytest.approx(73176.134)
    assert latest(obs, "PUBINV_DISB", "2025-02-01", base="ytd_yoy") == pytest.approx(21.736297914570926)
    assert latest(obs, "PUBINV_DISB", "2025-02-01", base="yoy") == pytest.approx(35.0810435645449)
    assert latest(obs, "PUBINV_DISB", "2025-02-01", base="pop") == pytest.approx(7.6040783901986515)
    assert latest(obs, "PUBINV_DISB_PLAN_PCT", "2025-02-01") == pytest.approx(8.518000849250905)


def test_pubinv_backfilled_comparisons_carry_the_later_vintage(obs):
    # the file's January row says M-YOY 7.04: computed from the February release's revision of January, so it
    # became known on 2025-02-28; at the January release itself there is no published yoy for January
    jan_yoy = only(obs, "PUBINV_DISB", "2025-01-01", base="yoy")
    assert (jan_yoy.value, jan_yoy.vintage, jan_yoy.status) == (
        pytest.approx(7.037717, abs=1e-6),
        FEB_RELEASE,
        "revised",
    )
    nov_pop = pick(obs, "PUBINV_DISB", "2024-11-01", base="pop").sort_values("vintage")
    assert list(nov_pop.vintage) == [pd.Timestamp("2024-11-29"), pd.Timestamp("2024-12-29")]
    assert list(nov_pop.value) == pytest.approx([10.608049, 15.217327], abs=1e-6)


def test_pubinv_by_ministry_and_budget_level(obs):
    assert latest(obs, "PUBINV_DISB", "2025-02-01", agency="MOT") == pytest.approx(3167.11)
    assert latest(obs, "PUBINV_DISB", "2025-02-01", agency="MARD") == pytest.approx(852.43)
    assert latest(obs, "PUBINV_DISB", "2025-02-01", agency="MONRE") == pytest.approx(36.4)
    assert latest(obs, "PUBINV_DISB", "2025-02-01", agency="MIC") == pytest.approx(21.31)
    assert latest(obs, "PUBINV_DISB", "2025-02-01", agency="MOET") == pytest.approx(93.21)
    assert latest(obs, "PUBINV_DISB", "2025-01-01", agency="MOT") == pytest.approx(2709.23)  # revised in Feb
    agencies = set(obs.loc[obs.indicator_code == "PUBINV_DISB", "agency_code"].dropna())
    assert agencies == {"MOT", "MARD", "MOH", "MOET", "MOCST", "MONRE", "MIC", "MOIT", "MOC", "MOST"}
    assert latest(obs, "PUBINV_DISB_CENTRAL", "2025-02-01") == pytest.approx(5515.82)
    assert latest(obs, "PUBINV_DISB_LOCAL", "2025-02-01") == pytest.approx(32412.387)
    assert latest(obs, "PUBINV_DISB_PROVINCIAL", "2025-02-01") == pytest.approx(21274.674)
    assert latest(obs, "PUBINV_DISB_DISTRICT", "2025-02-01") == pytest.approx(9612.457)
    assert latest(obs, "PUBINV_DISB_COMMUNE", "2025-02-01") == pytest.approx(1525.256)
    # the parts are national rows of their own indicators, never agency rows of the total
    assert pick(obs, "PUBINV_DISB_CENTRAL", "2025-02-01").agency_code.isna().all()


def test_pubinv_by_province_on_pre2025_codes(obs):
    assert latest(obs, "PUBINV_DISB", "2024-12-01", area="33") == pytest.approx(2256.187)  # old Hưng Yên
    assert latest(obs, "PUBINV_DISB", "2024-12-01", area="34") == pytest.approx(1108.366)  # old Thái Bình
    assert latest(obs, "PUBINV_DISB", "2024-12-01", area="33") + latest(
        obs, "PUBINV_DISB", "2024-12-01", area="34"
    ) == pytest.approx(3364.553)
    assert latest(obs, "PUBINV_DISB", "2025-02-01", area="79") == pytest.approx(2269.025)  # 'TP. Hồ Chí Minh'
    assert latest(obs, "PUBINV_DISB", "2025-02-01", area="01") == pytest.approx(4601.002)
    hue = pick(obs, "PUBINV_DISB", "2012-01-01", area="46", vintage="2012-01-30")  # 'Thừa Thiên - Huế'
    raw = pd.read_csv(gso.GSO_DIR / "gso_vdt.csv")
    want = raw[(raw["Phân Loại"] == "Thừa Thiên - Huế") & (raw.Date == "2012-01-30")]["E-Total-M"]
    assert float(hue.value.iloc[0]) == pytest.approx(float(want.iloc[0]))
    areas = set(obs.loc[obs.indicator_code == "PUBINV_DISB", "area_code"])
    assert len(areas) == 1 + 55  # the nation and the 55 provinces GSO named at least once since 2012


def test_pubinv_agrees_with_gsos_february_workbook(obs, workbook):
    total = next(r for r in workbook["11.VDT"].iter_rows(values_only=True) if r[0] == "TỔNG SỐ")
    assert latest(obs, "PUBINV_DISB", "2025-01-01") == pytest.approx(total[2])
    assert latest(obs, "PUBINV_DISB", "2025-02-01") == pytest.approx(total[3])
    assert latest(obs, "PUBINV_DISB", "2025-02-01", base="ytd") == pytest.approx(total[4])
    assert latest(obs, "PUBINV_DISB", "2025-02-01", base="ytd_yoy") == pytest.approx(total[6] - 100)


# --- industry, retail, trade, FDI --------------------------------------------------------------------------------


def test_iip_estimate_then_revision(obs):
    assert latest(obs, "IIP", "2025-02-01", base="yoy") == pytest.approx(17.17)
    assert latest(obs, "IIP", "2025-02-01", base="pop") == pytest.approx(-2.23)
    assert latest(obs, "IIP", "2025-02-01", base="ytd_yoy") == pytest.approx(7.24)
    jan = pick(obs, "IIP", "2025-01-01", base="yoy").sort_values("vintage")
    assert list(jan.value) == pytest.approx([0.61, -0.96]) and list(jan.status) == ["estimate", "revised"]
    assert latest(obs, "IIP_MINING", "2025-02-01", base="yoy") == pytest.approx(0.43)
    assert latest(obs, "IIP_MANUF", "2025-02-01", base="yoy") == pytest.approx(19.97)
    assert {c for c in obs.indicator_code.unique() if c.startswith("IIP")} == {
        "IIP",
        "IIP_MINING",
        "IIP_MANUF",
        "IIP_ELEC",
        "IIP_WATER",
    }
    # iip 2015-07 prints MOM -100 for manufacturing (a blank): not loaded
    assert pick(obs, "IIP_MANUF", "2015-07-01", base="pop").empty
    assert only(obs, "IIP_MANUF", "2015-07-01", base="yoy", vintage="2015-07-29").value == pytest.approx(10.5)


def test_retail_levels_and_index_form_normalised(obs):
    assert latest(obs, "RETAIL", "2025-02-01") == pytest.approx(561672.746841149)
    assert latest(obs, "RETAIL", "2025-02-01", base="yoy") == pytest.approx(9.42577443382355)
    assert latest(obs, "RETAIL", "2025-02-01", base="ytd_yoy") == pytest.approx(9.38138354024056)
    assert latest(obs, "RETAIL", "2025-02-01", base="ytd") == pytest.approx(1137503.035933341)
    jan = pick(obs, "RETAIL", "2025-01-01").sort_values("vintage")
    assert list(jan.value) == pytest.approx([573316.391724, 575830.289092]) and list(jan.vintage) == [
        JAN_RELEASE,
        FEB_RELEASE,
    ]
    assert latest(obs, "RETAIL_TRAVEL", "2025-02-01", base="yoy") == pytest.approx(17.34105841128442)
    # COVID: travel agencies at 2.44 % of the year before (index 2.44 -> −97.56 %)
    assert latest(obs, "RETAIL_TRAVEL", "2021-08-01", base="yoy") == pytest.approx(2.441306 - 100, abs=1e-6)
    # release 2018-03 prints YTD-YOY already as % change: taken as is, not shifted by 100
    assert latest(obs, "RETAIL", "2018-03-01", base="ytd_yoy") == pytest.approx(9.855731, abs=1e-6)


def test_trade_totals_sectors_products_and_balance(obs):
    assert latest(obs, "EXPORTS", "2025-02-01") == pytest.approx(31109.320468)
    assert latest(obs, "EXPORTS", "2025-02-01", base="ytd") == pytest.approx(64268.238065)
    assert latest(obs, "EXPORTS", "2025-02-01", base="yoy") == pytest.approx(25.66732011081183)
    assert latest(obs, "EXPORTS_DOMESTIC", "2025-02-01") == pytest.approx(8388)
    assert latest(obs, "EXPORTS_FDI", "2025-02-01") == pytest.approx(22720.642807)
    assert latest(obs, "IMPORTS", "2025-02-01") == pytest.approx(32659.28498)
    assert latest(obs, "IMPORTS_FDI", "2025-02-01", base="ytd") == pytest.approx(40004.524548)
    assert latest(obs, "TRADE_BALANCE", "2025-02-01") == pytest.approx(31109.320468 - 32659.28498)
    assert latest(obs, "TRADE_BALANCE", "2025-02-01", base="ytd") == pytest.approx(64268.238065 - 62798.85633)
    assert latest(obs, "TRADE_TURNOVER", "2025-02-01") == pytest.approx(31109.320468 + 32659.28498)
    assert latest(obs, "EXPORTS", "2025-02-01", category="Cà phê") == pytest.approx(964.308331)
    assert latest(obs, "IMPORTS", "2025-02-01", category="Sản phẩm hóa chất") is not None  # 'hoá' tidied to 'hóa'
    cats = set(obs.loc[obs.indicator_code == "EXPORTS", "category"].dropna())
    assert "Hàng hóa khác" not in cats and not any(c.startswith("Trong đó") for c in cats)
    # 'Dầu thô' four times in the Feb 2025 release, all identical: one row
    assert len(pick(obs, "EXPORTS", "2025-02-01", category="Dầu thô")) == 1
    # the table's header prints 35 and -72.1, its product list 35.256 and -72.117: the same figure, precise kept
    assert latest(obs, "EXPORTS", "2024-06-01", category="Dầu thô") == pytest.approx(35.25641, abs=1e-5)
    # release 2014-04 gives 'Dầu thô' two different year-to-date changes: reported, none loaded
    assert pick(obs, "EXPORTS", "2014-04-01", base="ytd_yoy", category="Dầu thô").empty
    # release 2018-05 prints YTD-YOY −100 on every row (a blank): not loaded; the levels are
    assert pick(obs, "EXPORTS", "2018-05-01", base="ytd_yoy").empty
    assert latest(obs, "EXPORTS", "2018-05-01") == pytest.approx(19200)


def test_fdi_is_year_to_date_by_province_and_country(obs):
    assert latest(obs, "FDI_REG", "2025-02-01", base="ytd") == pytest.approx(6375.1447152642195)
    assert latest(obs, "FDI_NEW", "2025-02-01", base="ytd") == pytest.approx(2191.034814440001)
    assert latest(obs, "FDI_PROJECTS", "2025-02-01", base="ytd") == 516
    assert latest(obs, "FDI_REG", "2025-02-01", base="ytd", area="75") == pytest.approx(1079.094805875)  # Đồng Nai
    assert latest(obs, "FDI_REG", "2025-02-01", base="ytd", category="Xin-ga-po") == pytest.approx(
        450.712576 + 953.688005
    )
    assert set(obs.loc[obs.indicator_code.str.startswith("FDI"), "base"]) == {"ytd"}
    assert set(obs.loc[obs.indicator_code.str.startswith("FDI"), "status"]) == {"official"}


def test_industrial_products(obs):
    assert latest(obs, "PROD_ELECTRICITY", "2025-02-01") == pytest.approx(20.8982789838043)
    jan = pick(obs, "PROD_ELECTRICITY", "2025-01-01").sort_values("vintage")
    assert list(jan.value) == pytest.approx([22.850124, 21.703918], abs=1e-6)
    assert latest(obs, "PROD_CEMENT", "2025-02-01", base="ytd") == pytest.approx(22.739098211004595)
    assert latest(obs, "PROD_CARS", "2025-02-01", base="yoy") == pytest.approx(152.90192495901982)
    assert latest(obs, "PROD_COAL", "2025-02-01", base="ytd_yoy") == pytest.approx(2.0962255509305407)


# --- quarterly -------------------------------------------------------------------------------------------------


def test_gdp_cumulative_and_quarter_releases_are_told_apart(obs):
    # 2017 Q4 release: the whole year (cumulative); its growth is the year's, 6.81 %
    assert latest(obs, "GDP", "2017-10-01", base="ytd") == pytest.approx(3262548, rel=1e-6)
    assert latest(obs, "GDP", "2017-10-01", base="ytd_yoy") == pytest.approx(6.812246, abs=1e-6)
    assert pick(obs, "GDP", "2017-10-01").empty  # no quarter derived by differencing
    # 2018 Q2 is the last cumulative release; 2018 Q3 the first quarter-alone one
    assert latest(obs, "GDP", "2018-04-01", base="ytd") == pytest.approx(1466960, rel=1e-6)
    assert latest(obs, "GDP", "2018-07-01") == pytest.approx(892393, rel=1e-6)
    assert pick(obs, "GDP", "2018-07-01", base="ytd").empty
    # 2024 Q4: the quarter alone, +7.55 % on Q4 2023 (the year's 7.09 % is not in this file)
    q4 = only(obs, "GDP", "2024-10-01")
    assert (q4.value, q4.freq, q4.status) == (pytest.approx(1773651.8212343655), "Q", "estimate")
    assert latest(obs, "GDP", "2024-10-01", base="yoy") == pytest.approx(7.550166691687622)
    # a Q1 is both the quarter and the year to date
    assert latest(obs, "GDP", "2024-01-01") == latest(obs, "GDP", "2024-01-01", base="ytd")
    assert latest(obs, "GDP_AGRI", "2024-10-01") == pytest.approx(192991.13482516704)
    assert latest(obs, "GDP_SERV", "2024-10-01", base="yoy") == pytest.approx(8.210051, abs=1e-6)
    assert latest(obs, "GDP_TAX", "2024-10-01") == pytest.approx(146621.2, rel=1e-5)


def test_grdp_by_province(obs):
    rows = obs[obs.indicator_code == "GRDP"]
    assert len(rows) == 63 and set(rows.base) == {"yoy"} and "VN" not in set(rows.area_code)
    assert latest(obs, "GRDP", "2023-01-01", base="yoy", area="01") == pytest.approx(5.8)
    assert latest(obs, "GRDP", "2023-01-01", base="yoy", area="27") == pytest.approx(-11.85)


# --- World Bank ------------------------------------------------------------------------------------------------


def test_world_bank_vintages_show_the_revision(obs):
    gdp = pick(obs, "WB_GDP_USD", "2023-01-01").sort_values("vintage")
    assert list(gdp.vintage) == [pd.Timestamp("2024-07-01"), pd.Timestamp("2025-10-07")]
    assert list(gdp.value) == pytest.approx([429.7169690495928, 433.857681])  # billion USD, revised up
    cpi = pick(obs, "WB_CPI_INFL", "2023-01-01").sort_values("vintage")
    assert list(cpi.vintage) == [pd.Timestamp("2025-07-01"), pd.Timestamp("2025-10-07")]
    assert list(cpi.value) == pytest.approx([3.25289282667662, 3.25289282667661])  # GSO's average CPI 2023: 3.25 %
    # WDI no longer gives 1996-2002: only the earlier vintage has them
    assert list(pick(obs, "WB_CPI_INFL", "1996-01-01").vintage) == [pd.Timestamp("2025-07-01")]
    # the file named 'inflation-consumer' holds the GDP deflator (the series break of 2010)
    assert latest(obs, "WB_GDP_DEFL", "2010-01-01") == pytest.approx(42.3032672488557)
    assert latest(obs, "WB_CPI_INFL", "2010-01-01") == pytest.approx(9.20746648778413)


def test_world_bank_series(obs):
    assert latest(obs, "WB_GDP_GROWTH", "2024-01-01") == pytest.approx(7.091187, abs=1e-6)
    assert latest(obs, "WB_GDP_PC", "2024-01-01") == pytest.approx(4717.29028732449)
    assert latest(obs, "WB_POP", "2024-01-01") == pytest.approx(100987.686)  # thousand people
    assert latest(obs, "WB_UNEMP", "2024-01-01") == pytest.approx(1.431)
    assert latest(obs, "WB_LIFE_EXP", "2023-01-01") > 70
    rows = obs[obs.indicator_code.str.startswith("WB_")]
    assert set(rows.area_code) == {"VN"} and set(rows.freq) == {"Y"} and set(rows.status) == {"official"}
    # the bulk CSV and the JSON response are the same vintage with the same values
    growth = pick(obs, "WB_GDP_GROWTH", "2020-01-01")
    assert growth.vintage.nunique() == 1 and growth.value.nunique() == 1 and len(growth) == 2


# --- the dirt, reported ----------------------------------------------------------------------------------------


def test_problems_are_reported_with_file_row_and_rule(gso_batches, gso_problems):
    problems = {i.file_name: [p for p in gso_problems if p.file == i.file_name] for i, _ in gso_batches}
    xk = problems["data/gso/gso_xk.csv"]
    assert {p.rule for p in xk} == {"conflicting_duplicate", "blank_as_minus_100"}
    crude = next(p for p in xk if p.rule == "conflicting_duplicate" and p.row == 4927)
    assert crude.value == "Dầu thô" and "4927, 4928, 4938, 4939" in crude.message_en
    fdi = problems["data/gso/gso_fdi.csv"]
    assert fdi and {p.value for p in fdi} == {"Quần đảo Vigin thuộc Anh"}
    assert problems["data/gso/gso_cpi.csv"] == [] and problems["data/gso/gso_vdt.csv"] == []
    assert [p.rule for p in problems["data/gso/gso_iip.csv"]] == ["blank_as_minus_100"]
    assert len(gso_problems) == sum(len(v) for v in problems.values())
    text = xk[0].text("vi")
    assert "data/gso/gso_xk.csv: dòng" in text


def test_names_fold_and_tidy():
    assert province_code("TP. Hồ Chí Minh") == "79" and province_code("Thừa Thiên - Huế") == "46"
    assert province_code("Đăk Lăk") == "66" and province_code("Hòa Bình") == "17"
    assert fold("Thành phố Hà Nội") == fold("Hà Nội") == "ha noi"
    assert tidy("Sản phẩm hoá chất ") == "Sản phẩm hóa chất" and tidy("Thuỷ sản") == "Thủy sản"
    assert tidy("quý") == "quý" and tidy("hoàn thành") == "hoàn thành"
