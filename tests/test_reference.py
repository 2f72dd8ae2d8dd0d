"""Reference tables (areas, lineage, agencies, targets) and demo batches, against the real shipped files."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from connectors.seed import population, reference, targets
from connectors.seed.names import english_name
from demo import series as demo
from semantic.model import load_model
from semantic.query import compile
from semantic.registry import INDICATORS_DIR, Indicator, Registry, load_registry
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse.db import Warehouse
from warehouse.lineage import MERGER_2025, OPEN_END
from warehouse.load import BatchInfo, write_observations, write_reference

MY_FILES = ("daily.yml", "budget.yml", "annual-plan.yml")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def tables(registry) -> dict[str, pd.DataFrame]:
    return reference.tables(registry)


def _on(frame: pd.DataFrame, day: date) -> pd.DataFrame:
    return frame[(frame.valid_from <= day) & (frame.valid_to > day)]


def test_provinces_before_and_after_the_merger(tables):
    area = tables["area"]
    provinces = area[area.level == "province"]
    assert len(_on(provinces, date(2025, 6, 30))) == 63
    assert len(_on(provinces, MERGER_2025)) == 34
    national = area[area.code == "VN"].iloc[0]
    assert (national.name_vi, national.name_en, national.level, national.valid_to) == (
        "Việt Nam", "Viet Nam", "national", OPEN_END
    )  # fmt: skip
    assert all(isinstance(c, str) for c in area.code) and "01" in set(provinces.code)


def test_new_province_names_from_the_gso_letter(tables):
    new = _on(tables["area"][tables["area"].level == "province"], MERGER_2025).set_index("code")
    assert new.loc["01", ["name_vi", "name_en"]].tolist() == ["Thành phố Hà Nội", "Ha Noi City"]
    assert new.loc["33", ["name_vi", "name_en"]].tolist() == ["Tỉnh Hưng Yên", "Hung Yen Province"]
    assert new.loc["66", "name_en"] == "Dak Lak Province"
    assert new.loc["79", "name_en"] == "Ho Chi Minh City"


def test_english_names_match_the_published_ones_for_all_63_old_provinces():
    rows = reference.read_csv(reference.OLD_PROVINCES)
    assert [english_name(r["full_name"]) for r in rows] == [r["full_name_en"] for r in rows]


def test_communes_of_2025(tables):
    communes = tables["area"][tables["area"].level == "commune"]
    assert len(communes) == 3321
    assert set(communes.valid_from) == {MERGER_2025}
    assert (communes.parent_code == "01").sum() == 126  # Hà Nội: 51 wards and 75 communes
    ba_dinh = communes[communes.code == "00004"].iloc[0]
    assert (ba_dinh.name_vi, ba_dinh.name_en, ba_dinh.parent_code) == ("Phường Ba Đình", "Ba Dinh Ward", "01")


def test_lineage_new_hung_yen_is_old_hung_yen_and_thai_binh(tables):
    lineage = tables["area_lineage"]
    assert sorted(lineage[lineage.new_code == "33"].old_code) == ["33", "34"]
    assert lineage.old_code.is_unique and len(lineage) == 63
    assert set(lineage.weight) == {1.0} and set(lineage.effective) == {MERGER_2025}
    new_codes = set(_on(tables["area"][tables["area"].level == "province"], MERGER_2025).code)
    assert set(lineage.new_code) == new_codes


def test_area_map_identity_and_sole(tables):
    amap = tables["area_map"]
    current = tables["area"][tables["area"].valid_to == OPEN_END]
    identity = amap[(amap.src_code == amap.dst_code) & (amap.valid_to == OPEN_END)]
    assert set(identity.src_code) == set(current.code) and len(identity) == len(current)
    old = amap[amap.valid_to == MERGER_2025].set_index("src_code")
    assert not old.loc["33", "sole"] and not old.loc["34", "sole"]
    assert old.loc["34", "dst_code"] == "33"
    assert old.loc["01", "sole"]  # Hà Nội had one predecessor: itself
    assert amap[amap.src_code == "00004"].province_2025.tolist() == ["01"]


def test_government_of_march_2025(tables):
    agency = _on(tables["agency"], date(2025, 3, 1))
    ministries = set(agency[agency.kind == "ministry"].code)
    assert ministries == {
        "MOD", "MPS", "MOFA", "MOHA", "MOJ", "MOF", "MOIT", "MAE", "MOC", "MOCST", "MOST", "MOET", "MOH", "MEMR"
    }  # fmt: skip
    assert set(agency[agency.kind == "ministerial_agency"].code) == {"SBV", "GI", "OOG"}
    before = set(_on(tables["agency"], date(2025, 2, 28)).code)
    assert {"MPI", "MOT", "MIC", "MARD", "MONRE", "MOLISA", "CEMA"} <= before
    assert not {"MAE", "MEMR"} & before
    assert len(agency[agency.kind == "province_committee"]) == 63  # committees merge with provinces in July


def test_agency_lineage(tables):
    pairs = set(zip(tables["agency_lineage"].old_code, tables["agency_lineage"].new_code, strict=True))
    assert {("MOT", "MOC"), ("MARD", "MAE"), ("MONRE", "MAE"), ("MPI", "MOF"), ("CEMA", "MEMR")} <= pairs
    assert ("MOLISA", "MOHA") in pairs and ("MOLISA", "MOH") not in pairs  # the primary successor only
    assert ("UBND-34", "UBND-33") in pairs and ("MOF", "MOF") in pairs
    committees = _on(tables["agency"], MERGER_2025)
    assert set(committees[committees.kind == "province_committee"].code) == {
        f"UBND-{c}" for c in set(tables["area_lineage"].new_code)
    }


def _with(registry: Registry, *codes: str) -> Registry:
    """The registry plus placeholder indicators for codes another file defines (GDP, CPI)."""
    extra = {
        c: Indicator(code=c, name_vi=c, name_en=c, group="statistics", unit="%", unit_en="%", frequency="Q",
                     kind="index", time_agg="mean", space_agg="none", owner="GSO", source="test")
        for c in codes if c not in registry
    }  # fmt: skip
    return Registry({**registry.indicators, **extra}, {**registry.files, **dict.fromkeys(extra, "test")})


def test_targets_versions_of_2025_gdp(registry):
    frame = targets.targets(_with(registry, "GDP", "CPI"))
    assert {2023, 2024, 2025} <= set(frame.year) and frame.document.notna().all()
    gdp = frame[(frame.indicator_code == "GDP") & (frame.year == 2025)].sort_values("document_date")
    assert gdp[["document", "comparator"]].values.tolist() == [
        ["Nghị quyết 158/2024/QH15", "range"], ["Nghị quyết 01/NQ-CP", "at_least"], ["Nghị quyết 226/NQ-CP", "range"]
    ]  # fmt: skip
    assert gdp[["low", "high"]].fillna(-1).values.tolist() == [[6.5, 7.0], [8.0, -1], [8.3, 8.5]]
    assert gdp.document_date.tolist() == [date(2024, 11, 12), date(2025, 1, 8), date(2025, 8, 5)]
    assert "phấn đấu 7.0-7.5" in gdp.iloc[0].target_vi
    cpi_2024 = frame[(frame.indicator_code == "CPI") & (frame.year == 2024)].iloc[0]
    assert (cpi_2024.low, cpi_2024.high, cpi_2024.document) == (4.0, 4.5, "Nghị quyết 103/2023/QH15")
    assert set(frame.area_code) == {"VN"} and set(frame.status) == {"official", "demo"}


def test_demo_targets_say_so(registry):
    frame = targets.targets(registry)
    rev = frame[(frame.indicator_code == "BUDGET_REV") & (frame.year == 2025)].iloc[0]
    assert rev.status == "demo" and rev.document == "Nghị quyết 01/NQ-CP" and "minh họa" in rev.target_vi
    assert (frame[frame.status == "official"].year == 2024).sum() == 15


def test_demo_batches_are_deterministic_and_demo(registry):
    first, second = list(demo.batches(registry)), list(demo.batches(registry))
    assert [info for info, _ in first] == [info for info, _ in second]
    for (_, a), (_, b) in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(a, b)
    rows = pd.concat([f for _, f in first])
    assert set(rows.status) == {"demo"} and set(rows.source) == {"demo"}
    assert set(rows.indicator_code) == {i.code for i in registry if i.demo}
    assert len(rows) < 100_000 and rows.vintage.notna().all()


def test_demo_budget_revenue_is_calibrated_and_adds_up(registry):
    rev = demo.frames(registry)["BUDGET_REV"]
    rev = rev.assign(year=pd.to_datetime(rev.period_start).dt.year)
    national = rev[(rev.area_code == "VN") & rev.category.isna()]
    assert national.groupby("year").value.sum()[2024] == round(1_700_988 * 1.198)  # +19.8 % over the estimate
    parts = rev[(rev.area_code == "VN") & rev.category.notna()].groupby("period_start").value.sum()
    assert (parts.values == national.set_index("period_start").value.loc[parts.index].values).all()
    provinces = rev[rev.area_code != "VN"]
    sums = provinces.groupby("period_start").value.sum()
    assert (sums - national.set_index("period_start").value).abs().max() < 2.0
    counts = provinces.groupby("period_start").area_code.nunique()
    assert counts[date(2025, 6, 1)] == 63 and counts[date(2025, 7, 1)] == 34


def test_demo_daily_shapes(registry):
    frames = demo.frames(registry)
    ron = frames["FUEL_RON95"].set_index("period_start").value
    changes = [d for d, prev, cur in zip(ron.index[1:], ron.values[:-1], ron.values[1:], strict=True) if prev != cur]
    assert changes and all((d - date(2023, 1, 5)).days % 7 == 0 for d in changes)
    central = frames["USD_CENTRAL"].set_index("period_start").value
    bank = frames["USD_VND"].set_index("period_start").value
    assert (bank <= central.loc[bank.index] * 1.05).all()
    assert date(2024, 2, 12) not in set(frames["VNINDEX"].period_start)  # Tết: the exchange is closed
    assert 60 < frames["GOLD_SJC"].value.iloc[0] < 75 and 130 < frames["GOLD_SJC"].value.iloc[-1] < 170


def test_population_urban_share_is_real(registry):
    rows = population.frame(registry).set_index("period_start")
    assert rows.loc[date(2023, 1, 1), ["value", "status"]].tolist() == [38.1308, "official"]
    assert rows.loc[date(2024, 1, 1), ["value", "status"]].tolist() == [38.4603, "estimate"]


@pytest.mark.slow
def test_demo_revenue_on_2025_boundaries(tmp_path):
    """Seeded into a real DuckDB file, new Hưng Yên's December 2024 = old Hưng Yên + old Thái Bình."""
    folder = tmp_path / "indicators"
    folder.mkdir()
    for name in MY_FILES:
        shutil.copy(INDICATORS_DIR / name, folder / name)
    reg = load_registry(folder)
    wh = Warehouse(f"duckdb://{tmp_path / 'w.duckdb'}")
    wh.ensure_schema()
    write_reference(wh, reference.tables(reg))
    frame = demo.frames(reg)["BUDGET_REV"]
    write_observations(wh, frame, BatchInfo(source="demo"))
    model = load_model(tmp_path / "no-models", folder)
    spec = {"indicators": ("BUDGET_REV",), "time_from": "2024-12", "time_to": "2024-12"}
    merged = wh.execute(compile(QuerySpec(areas=("33",), **spec), model, Scope.system())).value.iloc[0]
    as_was = wh.execute(compile(QuerySpec(areas=("33", "34"), boundaries="as-was", **spec), model, Scope.system()))
    assert merged == pytest.approx(as_was.value.sum()) and len(as_was) == 2
    wh.close()
