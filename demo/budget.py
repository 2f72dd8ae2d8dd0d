"""Demo monthly state budget: revenue by source and by province, expenditure by kind (billion VND).

Calibration: 2024 revenue totals the National Assembly's estimate (1,700,988) x 1.198, the 19.8 % overshoot
Resolution 01/NQ-CP reported (data/targets/vn_2024_reported_results.csv); other years are of the published order
of magnitude. Seasonality: January high (year-end tax settlement), the Tết month low, April high (annual tax
finalisation), December high; spending is back-loaded as public investment disbursement speeds up at year end.
Province rows: the 63 provinces until June 2025, the 34 from July 2025 (each new one the sum of the old ones it
absorbed), always summing to the national total.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from connectors.seed.reference import PROVINCE_MAPPING, read_csv
from demo.calendar import TET_MONTH, months, rng
from warehouse.lineage import MERGER_2025

#: (area_code, category or None, period_start, value)
Row = tuple[str, str | None, date, float]

ESTIMATE_2024 = 1_700_988
REVENUE_YEAR = {2023: 1_752_000, 2024: round(ESTIMATE_2024 * 1.198), 2025: 2_450_000}
REVENUE_SEASON = (1.25, 0.75, 0.85, 1.20, 0.95, 0.90, 1.05, 0.85, 0.85, 1.05, 0.95, 1.35)
TET_DIP = 0.92
#: revenue by source: (category, share of the total)
REVENUE_SOURCES = (("Thu nội địa", 0.83), ("Thu từ dầu thô", 0.03))
REVENUE_REST = "Thu cân đối từ hoạt động xuất nhập khẩu"

SPENDING_YEAR = {2023: 1_730_000, 2024: 1_880_000, 2025: 2_200_000}
#: expenditure by kind: (category, share of the year, monthly pattern)
SPENDING_KINDS = (
    ("Chi đầu tư phát triển", 0.27, (0.4, 0.4, 0.6, 0.7, 0.8, 1.0, 0.9, 1.0, 1.1, 1.2, 1.4, 2.5)),
    ("Chi thường xuyên", 0.67, (1.3, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 0.95, 1.2)),
    ("Chi trả nợ lãi", 0.06, (1.0,) * 12),
)

#: Rough shares (%) of revenue collected in the largest provinces (old codes); the rest share the remainder.
PROVINCE_SHARE = {
    "79": 24.0, "01": 21.0, "31": 5.0, "77": 4.0, "74": 3.2, "75": 2.7, "22": 2.5, "38": 2.5, "27": 2.0,
    "26": 1.3, "48": 1.3, "51": 1.3, "30": 1.2, "80": 1.2, "40": 1.0, "33": 0.9, "19": 0.9, "42": 0.9,
    "56": 0.8, "24": 0.8, "49": 0.8, "92": 0.7, "37": 0.6, "35": 0.6, "34": 0.5, "36": 0.4,
}  # fmt: skip


def _season(year: int, pattern: tuple[float, ...], tet: bool) -> np.ndarray:
    s = np.array(pattern, dtype=float)
    if tet:
        s[TET_MONTH[year] - 1] *= TET_DIP
    return s / s.sum()


def revenue_totals() -> dict[date, int]:
    """National revenue per month: integers whose yearly sum is exactly the calibrated annual total."""
    gen = rng("BUDGET_REV")
    out: dict[date, int] = {}
    for year, total in REVENUE_YEAR.items():
        share = _season(year, REVENUE_SEASON, tet=True) * gen.normal(1.0, 0.03, 12)
        values = np.round(total * share / share.sum()).astype(int)
        values[-1] += total - int(values.sum())
        out.update({date(year, m + 1, 1): int(v) for m, v in enumerate(values)})
    return out


def revenue() -> list[Row]:
    gen = rng("BUDGET_REV/source")
    rows: list[Row] = []
    totals = revenue_totals()
    for month, total in totals.items():
        rows.append(("VN", None, month, float(total)))
        rest = total
        for category, share in REVENUE_SOURCES:
            part = int(round(total * share * gen.normal(1.0, 0.05)))
            rows.append(("VN", category, month, float(part)))
            rest -= part
        rows.append(("VN", REVENUE_REST, month, float(rest)))
    return rows + _by_province(totals)


def _by_province(totals: dict[date, int]) -> list[Row]:
    gen = rng("BUDGET_REV/province")
    mapping = {r["old_code"]: r["new_code"] for r in read_csv(PROVINCE_MAPPING)}
    old = sorted(mapping)
    rest = [c for c in old if c not in PROVINCE_SHARE]
    remainder = 100.0 - sum(PROVINCE_SHARE.values())
    weights = gen.lognormal(0.0, 0.4, len(rest))
    base = {**PROVINCE_SHARE, **dict(zip(rest, remainder * weights / weights.sum(), strict=True))}
    share0 = np.array([base[c] for c in old]) / 100.0
    rows: list[Row] = []
    for month, total in totals.items():
        share = share0 * gen.normal(1.0, 0.04, len(old))
        values = total * share / share.sum()
        if month < MERGER_2025:
            rows += [(c, None, month, round(float(v), 1)) for c, v in zip(old, values, strict=True)]
            continue
        merged: dict[str, float] = {}
        for c, v in zip(old, values, strict=True):
            merged[mapping[c]] = merged.get(mapping[c], 0.0) + float(v)
        rows += [(c, None, month, round(v, 1)) for c, v in sorted(merged.items())]
    return rows


def expenditure() -> list[Row]:
    gen = rng("BUDGET_EXP")
    rows: list[Row] = []
    for month in months():
        year, m = month.year, month.month - 1
        total = 0
        for category, share, pattern in SPENDING_KINDS:
            season = _season(year, pattern, tet=False)
            part = int(round(SPENDING_YEAR[year] * share * season[m] * gen.normal(1.0, 0.04)))
            rows.append(("VN", category, month, float(part)))
            total += part
        rows.append(("VN", None, month, float(total)))
    return rows


MONTHLY = {"BUDGET_REV": revenue, "BUDGET_EXP": expenditure}
