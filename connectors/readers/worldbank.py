"""World Bank annual series for Vietnam (data/worldbank/) -> canonical observation batches, one per file, area VN,
frequency Y. The vintage is the date the file's data was current: the WDI files' own last-updated date, or, for the
datasets/* files that carry none, the WDI July update that first held their last year (an assumption, stated here)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from semantic.errors import ModelError
from semantic.registry import Registry
from warehouse.load import BatchInfo, file_sha256
from warehouse.schema import READER_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
WB_DIR = ROOT / "data" / "worldbank"
SOURCE = "World Bank, World Development Indicators"
FRAME_COLUMNS = READER_COLUMNS

#: WDI series code -> (indicator code, divisor from the WDI unit to the registry's unit)
SERIES = {
    "NY.GDP.MKTP.KD.ZG": ("WB_GDP_GROWTH", 1.0),
    "NY.GDP.MKTP.CD": ("WB_GDP_USD", 1e9),  # USD -> billion USD
    "NY.GDP.PCAP.CD": ("WB_GDP_PC", 1.0),
    "NY.GNP.PCAP.CD": ("WB_GNI_PC", 1.0),
    "FP.CPI.TOTL.ZG": ("WB_CPI_INFL", 1.0),
    "NY.GDP.DEFL.KD.ZG": ("WB_GDP_DEFL", 1.0),
    "SL.UEM.TOTL.ZS": ("WB_UNEMP", 1.0),
    "NE.EXP.GNFS.ZS": ("WB_EXPORTS_GDP", 1.0),
    "NE.IMP.GNFS.ZS": ("WB_IMPORTS_GDP", 1.0),
    "BX.KLT.DINV.CD.WD": ("WB_FDI_INFLOWS", 1e9),  # USD -> billion USD
    "SP.POP.TOTL": ("WB_POP", 1e3),  # people -> thousand people
    "SP.DYN.LE00.IN": ("WB_LIFE_EXP", 1.0),
    "SL.AGR.EMPL.ZS": ("WB_EMP_AGRI", 1.0),
    "SL.IND.EMPL.ZS": ("WB_EMP_IND", 1.0),
    "SL.SRV.EMPL.ZS": ("WB_EMP_SERV", 1.0),
    "SH.XPD.CHEX.GD.ZS": ("WB_HEALTH_EXP", 1.0),
}


@dataclass(frozen=True)
class DatasetFile:
    """A long-format file of the `datasets/*` repositories (Country, Country Code, Year, value), filtered to VNM.

    `series` is what the file really holds. datasets/inflation swapped its two names: inflation-consumer.csv holds
    the GDP deflator and inflation-gdp.csv the consumer-price series (checked: US 2022 is 8.0 % CPI and 7.1 %
    deflator, and that file pairing is reversed; Vietnam's rows in inflation-gdp.csv equal the WDI API's
    FP.CPI.TOTL.ZG to the last digit from 2003).
    """

    path: str
    series: str
    vintage: date
    why: str


DATASETS = (
    DatasetFile("datasets/gdp_VNM.csv", "NY.GDP.MKTP.CD", date(2024, 7, 1), "data to 2023: WDI July 2024 update"),
    DatasetFile("datasets/population_VNM.csv", "SP.POP.TOTL", date(2025, 7, 1), "data to 2024: WDI July 2025 update"),
    DatasetFile(
        "datasets/inflation-consumer_VNM.csv",
        "NY.GDP.DEFL.KD.ZG",
        date(2024, 7, 1),
        "data to 2023: WDI July 2024 update",
    ),
    DatasetFile(
        "datasets/inflation-gdp_VNM.csv", "FP.CPI.TOTL.ZG", date(2025, 7, 1), "data to 2024: WDI July 2025 update"
    ),
)
API_CSV = ("API_NY.GDP.MKTP.KD.ZG_DS2_en_csv_v2_216044_VNM.csv", "API_SL.UEM.TOTL.ZS_DS2_en_csv_v2_130165_VNM.csv")


def _frame(series: str, years: list[int], values: list[float], vintage: date) -> pd.DataFrame:
    code, divisor = SERIES[series]
    out = pd.DataFrame(
        {
            "indicator_code": code,
            "area_code": "VN",
            "agency_code": None,
            "category": None,
            "period_start": [date(y, 1, 1) for y in years],
            "freq": "Y",
            "base": "level",
            "value": [v / divisor for v in values],
            "status": "official",
            "source": f"{SOURCE} ({series})",
            "vintage": pd.Timestamp(vintage),
        }
    )
    return out[list(FRAME_COLUMNS)]


def read_api_json(path: Path) -> pd.DataFrame:
    """A raw WB API v2 response: [page meta with `lastupdated`, [observations]]; nulls are years without data."""
    meta, obs = json.loads(path.read_text(encoding="utf-8"))
    if not obs or {o["countryiso3code"] for o in obs} != {"VNM"}:
        raise ValueError(f"{path}: expected Viet Nam's observations only")
    series = {o["indicator"]["id"] for o in obs}
    if len(series) != 1:
        raise ValueError(f"{path}: more than one series: {sorted(series)}")
    kept = sorted((int(o["date"]), float(o["value"])) for o in obs if o["value"] is not None)
    return _frame(series.pop(), [y for y, _ in kept], [v for _, v in kept], date.fromisoformat(meta["lastupdated"]))


def read_api_csv(path: Path) -> pd.DataFrame:
    """A WB bulk-download CSV (wide: one column per year) after its preamble ('Last Updated Date', ...)."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    updated = next(r[1] for r in rows if r and r[0] == "Last Updated Date")
    header_at = next(i for i, r in enumerate(rows) if r[:2] == ["Country Name", "Country Code"])
    header, body = rows[header_at], [r for r in rows[header_at + 1 :] if len(r) > 1]
    vnm = [r for r in body if r[1] == "VNM"]
    if len(vnm) != 1:
        raise ValueError(f"{path}: expected exactly one VNM row, found {len(vnm)}")
    row = dict(zip(header, vnm[0], strict=False))
    years = [h for h in header if h.isdigit() and row.get(h, "") != ""]
    return _frame(
        row["Indicator Code"], [int(y) for y in years], [float(row[y]) for y in years], date.fromisoformat(updated)
    )


def read_dataset(folder: Path, spec: DatasetFile) -> pd.DataFrame:
    raw = pd.read_csv(folder / spec.path)
    raw = raw[raw["Country Code"] == "VNM"]
    value_col = raw.columns[-1]  # 'Value' or 'Inflation'
    return _frame(spec.series, raw["Year"].astype(int).tolist(), raw[value_col].astype(float).tolist(), spec.vintage)


def read_all(folder: Path = WB_DIR) -> dict[str, pd.DataFrame]:
    """Relative file name -> canonical frame, in a fixed order: older vintages first."""
    out = {spec.path: read_dataset(folder, spec) for spec in DATASETS}
    for path in sorted((folder / "api_json_vnm").glob("*.json")):
        out[f"api_json_vnm/{path.name}"] = read_api_json(path)
    for name in API_CSV:
        out[name] = read_api_csv(folder / name)
    return out


def batches(registry: Registry, folder: Path = WB_DIR) -> Iterator[tuple[BatchInfo, pd.DataFrame]]:
    for name, frame in read_all(folder).items():
        unknown = sorted(set(frame["indicator_code"]) - set(registry.indicators))
        if unknown:
            raise ModelError(
                f"data/worldbank/{name}: indicators {unknown} are not in the registry",
                f"data/worldbank/{name}: chỉ tiêu {unknown} chưa có trong danh mục",
            )
        info = BatchInfo(
            source="World Bank", file_name=f"data/worldbank/{name}", file_hash=file_sha256((folder / name).read_bytes())
        )
        yield info, frame
