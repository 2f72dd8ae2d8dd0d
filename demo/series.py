"""Demo observations for every registry indicator flagged `demo: true`: deterministic, status 'demo', source 'demo'.

The same registry always gives the same rows (seeded numpy generators, no clock): vintages are the period's end
plus the indicator's release delay, so a second seed finds every row known and adds none. Indicators with a
hand-made generator (daily markets, budget, annual plan) get realistic shapes; any other demo indicator gets a
plain path inside its plausible range, so a new demo entry in the YAML never lacks data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from demo.budget import MONTHLY
from demo.calendar import END, START, all_days, months, rng
from demo.markets import DAILY
from semantic.registry import Indicator, Registry
from semantic.vocab import MONTHS as _STEP_MONTHS
from warehouse.lineage import period_end
from warehouse.load import BatchInfo

SOURCE = "demo"
FIRST_YEAR = 2021
#: Annual plan indicators: a plausible national value per year (near the published figures' order), 2021-2025.
ANNUAL: dict[str, tuple[float, ...]] = {
    "GDP_PER_CAPITA_USD": (3725, 4110, 4284, 4700, 5020),
    "MANUF_SHARE_GDP": (24.6, 24.8, 23.9, 24.1, 24.5),
    "LABOUR_PROD_GROWTH": (4.7, 4.8, 3.7, 5.9, 6.0),
    "AGRI_LABOUR_SHARE": (29.1, 27.5, 26.9, 26.5, 25.6),
    "TRAINED_LABOUR_SHARE": (66.0, 67.5, 68.0, 69.0, 70.0),
    "UNEMP_URBAN": (4.4, 2.8, 2.7, 2.5, 2.4),
    "POVERTY_MD_REDUCTION": (1.2, 1.1, 1.1, 1.0, 0.9),
    "DOCTORS_PER_10K": (11.0, 11.5, 12.5, 13.5, 14.6),
    "BEDS_PER_10K": (30.0, 31.0, 32.0, 32.5, 33.8),
    "HEALTH_INS_COVERAGE": (91.0, 92.0, 93.3, 94.2, 95.0),
    "NEW_RURAL_COMMUNE_SHARE": (70.0, 73.0, 78.0, 79.0, 80.5),
    "URBAN_WASTE_TREATED": (94.0, 95.0, 95.5, 96.0, 96.0),
    "IZ_WASTEWATER_SHARE": (90.0, 91.0, 92.0, 92.0, 92.5),
    "FOREST_COVER": (42.02, 42.02, 42.02, 42.03, 42.03),
}


def _vintage(start: date, ind: Indicator) -> datetime:
    """When a demo value 'became known': the period's end plus the release delay, at 08:00."""
    return datetime.combine(period_end(start, ind.frequency) + timedelta(days=ind.release_due_days), time(8))


def frame_of(ind: Indicator, rows: list[tuple[str, str | None, date, float]]) -> pd.DataFrame:
    """Demo rows (area, category, period start, value) of `ind` as a canonical observation frame."""
    frame = pd.DataFrame(rows, columns=["area_code", "category", "period_start", "value"])
    frame.insert(0, "indicator_code", ind.code)
    frame["agency_code"] = None
    frame["freq"] = ind.frequency
    frame["base"] = "level"
    frame["status"] = "demo"
    frame["source"] = SOURCE
    frame["vintage"] = pd.to_datetime([_vintage(d, ind) for d in frame["period_start"]])
    frame["value"] = frame["value"].astype("float64")
    return frame


def _annual(ind: Indicator) -> list[tuple[str, str | None, date, float]]:
    gen = rng(ind.code)
    values = np.array(ANNUAL[ind.code], dtype=float)
    noisy = values * (1 + gen.normal(0.0, 0.002, len(values)))
    return [("VN", None, date(FIRST_YEAR + i, 1, 1), round(float(v), ind.decimals)) for i, v in enumerate(noisy)]


def _periods(freq: str) -> list[date]:
    if freq == "D":
        return all_days()
    step = _STEP_MONTHS[freq]
    return [m for m in months() if (m.month - 1) % step == 0 and (m.year - START.year) * 12 % step == 0]


def _generic(ind: Indicator) -> list[tuple[str, str | None, date, float]]:
    """A bounded random walk inside the plausible range (or around 100), for demo entries without a generator."""
    gen = rng(ind.code)
    lo = ind.plausible.min if ind.plausible.min is not None else 0.0
    hi = ind.plausible.max if ind.plausible.max is not None else max(lo, 0.0) + 200.0
    periods = _periods(ind.frequency)
    mid, span = (lo + hi) / 2, (hi - lo)
    walk = np.cumsum(gen.normal(0.0, span * 0.02, len(periods)))
    values = np.clip(mid + walk - walk.mean(), lo + 0.1 * span, hi - 0.1 * span)
    return [("VN", None, d, round(float(v), ind.decimals)) for d, v in zip(periods, values, strict=True)]


def rows_for(ind: Indicator) -> list[tuple[str, str | None, date, float]]:
    if ind.code in DAILY:
        days, values = DAILY[ind.code]()
        return [("VN", None, d, float(v)) for d, v in zip(days, values, strict=True)]
    if ind.code in MONTHLY:
        return MONTHLY[ind.code]()
    if ind.code in ANNUAL:
        return _annual(ind)
    return _generic(ind)


def frames(registry: Registry) -> dict[str, pd.DataFrame]:
    """Demo observations per demo indicator, in registry code order; a province profile's own indicators are made
    at the province and its communes by demo/province.py, not here at the national level."""
    from demo.province import own_codes

    own = set(own_codes(registry))
    return {
        code: frame_of(registry[code], rows_for(registry[code]))
        for code in registry.codes()
        if registry[code].demo and code not in own
    }


def digest(frame: pd.DataFrame) -> str:
    """The batch hash of a demo frame: its content's, so an unchanged generator reloads nothing."""
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def batches(registry: Registry) -> Iterator[tuple[BatchInfo, pd.DataFrame]]:
    """One batch per demo indicator; the file hash is the content's, so an unchanged generator reloads nothing."""
    for code, frame in frames(registry).items():
        yield BatchInfo(source=SOURCE, file_name=f"demo:{code}:{START}..{END}", file_hash=digest(frame)), frame
