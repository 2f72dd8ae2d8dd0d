"""GSO's quarterly tables: GDP by sector at constant 2010 prices (gso_gdp_ss.csv) and GRDP growth by province
(2023 Q1), as canonical rows.

gso_gdp_ss.csv is not one kind of number throughout. Releases up to 2018 Q2 print the year-to-date cumulative
(Q2 = first half, Q4 = whole year, growth of the cumulative); from 2018 Q3 on they print the quarter alone (and
the quarter's growth). A release's kind is read off its national total against the same year's Q1: a cumulative Q
n is about n times Q1, a quarter alone at most ~1.8 times (thresholds n − 0.5). Cumulative releases load as base
`ytd` / `ytd_yoy`, quarter releases as `level` / `yoy`; a Q1 is both. No quarter is derived by differencing: the
cumulative figures of two releases are different vintages (GSO revises earlier quarters), so a difference would
mix them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from connectors.readers.gso import QUARTERLY, Parsed, place_rows, read_raw, row_problem
from connectors.readers.gso_names import provinces_pre2025
from connectors.readers.gso_spec import Col, Spec, Target, names

GDP_SECTORS = {
    "TỔNG SỐ": "GDP",
    "Nông, lâm nghiệp và thủy sản": "GDP_AGRI",
    "Công nghiệp và xây dựng": "GDP_INDCON",
    "Công nghiệp chế biến, chế tạo": "GDP_MANUF",
    "Dịch vụ": "GDP_SERV",
    "Thuế sản phẩm trừ trợ cấp sản phẩm": "GDP_TAX",
}
GDP_SPEC = Spec("gso_gdp_ss.csv", "Ngành", (Col("Tổng số", "level"), Col("YOY", "yoy")), names(GDP_SECTORS), "GDP")
GRDP_FILE = "gso_grdp_growth_by_province_2023Q1.csv"
#: the workbook the GRDP table was taken from was released on this day (datas/2023-03-29-02-Bieu-T3.2023-3.xlsx)
GRDP_RELEASED = "2023-03-29"


def release_kinds(df: pd.DataFrame) -> dict[str, str]:
    """Release Date -> 'quarter' | 'cumulative', from the national total (see the module docstring)."""
    total = df[df["_ind"] == "GDP"].assign(
        _d=lambda t: pd.to_datetime(t["Date"]), _v=lambda t: pd.to_numeric(t["Tổng số"])
    )
    first = total[total["_d"].dt.month == 3]
    q1 = pd.Series(first["_v"].to_numpy(), index=first["_d"].dt.year.to_numpy())
    kinds: dict[str, str] = {}
    for _, r in total.iterrows():
        q = (r["_d"].month - 1) // 3 + 1
        if q == 1:
            kinds[r["Date"]] = "quarter"
            continue
        if r["_d"].year not in q1.index:
            raise ValueError(
                f"data/gso/gso_gdp_ss.csv: release {r['Date']} has no Q1 of its year to tell a "
                "cumulative figure from a quarter's"
            )
        ratio = r["_v"] / q1[r["_d"].year]
        kinds[r["Date"]] = "cumulative" if ratio > q - 0.5 else "quarter"
    return kinds


def read_gdp(folder: Path) -> Parsed:
    out = Parsed(pd.DataFrame())
    df = place_rows(GDP_SPEC, read_raw(folder / GDP_SPEC.file, GDP_SPEC.name_col), out)
    kinds = release_kinds(df)
    day = pd.to_datetime(df["Date"])
    quarter = day.dt.to_period("Q")
    first_q = quarter.dt.quarter == 1
    cumulative = df["Date"].map(kinds).eq("cumulative")
    parts = []
    for column, plain, ytd in (("Tổng số", "level", "ytd"), ("YOY", "yoy", "ytd_yoy")):
        value = pd.to_numeric(df[column], errors="coerce")
        for base, mask in ((plain, ~cumulative), (ytd, cumulative | first_q)):
            parts.append(
                pd.DataFrame(
                    {
                        "indicator_code": df["_ind"],
                        "area_code": "VN",
                        "agency_code": None,
                        "category": None,
                        "period_start": quarter.dt.start_time.dt.date,
                        "freq": "Q",
                        "base": base,
                        "value": value,
                        "status": "estimate",
                        "source": QUARTERLY,
                        "vintage": day,
                        "_line": df["_line"],
                        "_col": column,
                    }
                )[mask & value.notna()]
            )
    n_cum = sum(1 for k in kinds.values() if k == "cumulative")
    out.notes.append(
        f"gso_gdp_ss.csv: {n_cum} cumulative (year-to-date) release(s), {len(kinds) - n_cum} quarter release(s)"
    )
    out.frame = pd.concat(parts, ignore_index=True)
    return out


def read_grdp(folder: Path) -> Parsed:
    """GRDP growth by province, 2023 Q1 (index form: previous year's Q1 = 100). The national row is GDP's, which
    the GDP table already holds: not loaded twice under another code."""
    out = Parsed(pd.DataFrame())
    raw = pd.read_csv(folder / GRDP_FILE, dtype=str)
    raw["_line"] = raw.index + 2
    known = set(provinces_pre2025().values())
    spec = Spec(GRDP_FILE, "province_name", (), lambda n, r: Target("GRDP"), "GRDP")
    rows = raw[raw["province_code_pre2025"] != "00"]
    for _, r in rows[~rows["province_code_pre2025"].isin(known)].iterrows():
        out.problems.append(
            row_problem(
                spec,
                r["_line"],
                "province_code_pre2025",
                r["province_code_pre2025"],
                "unknown_area",
                "not a pre-2025 province code",
                "không phải mã tỉnh trước 2025",
            )
        )
    rows = rows[rows["province_code_pre2025"].isin(known)]
    period = pd.PeriodIndex(rows["period"].str.replace("-", ""), freq="Q")
    out.frame = pd.DataFrame(
        {
            "indicator_code": "GRDP",
            "area_code": rows["province_code_pre2025"].to_numpy(),
            "agency_code": None,
            "category": None,
            "period_start": period.start_time.date,
            "freq": "Q",
            "base": "yoy",
            "value": pd.to_numeric(rows["grdp_index_yoy_pct"]).to_numpy() - 100,
            "status": "estimate",
            "source": QUARTERLY,
            "vintage": pd.Timestamp(GRDP_RELEASED),
        }
    )
    return out
