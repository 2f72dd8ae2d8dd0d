"""Demo daily market series: gold, exchange rates, fuel prices, VN-Index, overnight interbank rate.

Anchor values follow the public record's rough shape for 2023-2025 (gold's 2024 and 2025 surges, the dong's
depreciation, the April 2025 tariff sell-off), so charts look like the real thing; every value is still invented
and stored with status 'demo'.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np

from demo.calendar import Anchors, all_days, anchored, ar1, rng, working_days

#: One series: (days, values).
Series = tuple[list[date], np.ndarray]

GOLD = [
    ("2023-01-01", 67.0), ("2023-04-01", 67.5), ("2023-07-01", 67.3), ("2023-10-01", 69.8), ("2023-11-15", 71.5),
    ("2023-12-26", 80.0), ("2024-01-10", 75.0), ("2024-03-01", 79.5), ("2024-05-10", 92.0), ("2024-06-05", 79.9),
    ("2024-09-01", 80.0), ("2024-11-01", 89.0), ("2024-12-31", 85.0), ("2025-02-20", 91.5), ("2025-04-22", 121.5),
    ("2025-06-01", 119.0), ("2025-08-15", 123.0), ("2025-10-15", 148.0), ("2025-11-01", 146.0), ("2025-12-31", 152.0),
]  # fmt: skip
CENTRAL = [
    ("2023-01-01", 23612), ("2023-06-01", 23700), ("2023-12-31", 23904), ("2024-06-01", 24250), ("2024-12-31", 24270),
    ("2025-03-01", 24725), ("2025-06-30", 25050), ("2025-09-30", 25190), ("2025-12-31", 25150),
]  # fmt: skip
BANK_SELL = [
    ("2023-01-01", 23630), ("2023-06-01", 23650), ("2023-10-25", 24720), ("2023-12-31", 24420), ("2024-04-19", 25480),
    ("2024-06-30", 25460), ("2024-09-30", 24830), ("2024-12-31", 25510), ("2025-03-31", 25800), ("2025-06-30", 26140),
    ("2025-08-31", 26350), ("2025-12-31", 26380),
]  # fmt: skip
RON95 = [
    ("2023-01-01", 22500), ("2023-03-01", 23800), ("2023-05-01", 22000), ("2023-07-01", 22600), ("2023-09-15", 25300),
    ("2023-11-01", 23500), ("2023-12-15", 22500), ("2024-02-01", 23300), ("2024-04-15", 25200), ("2024-06-15", 23000),
    ("2024-09-15", 20500), ("2024-12-15", 21000), ("2025-03-01", 20000), ("2025-05-15", 19400), ("2025-07-01", 20300),
    ("2025-09-15", 20000), ("2025-12-31", 19500),
]  # fmt: skip
DIESEL = [
    ("2023-01-01", 24500), ("2023-03-01", 21000), ("2023-06-01", 19500), ("2023-09-15", 23500), ("2023-12-15", 20500),
    ("2024-04-15", 21000), ("2024-06-15", 19800), ("2024-09-15", 18800), ("2024-12-15", 19000), ("2025-03-01", 18500),
    ("2025-05-15", 17700), ("2025-07-01", 19000), ("2025-09-15", 18700), ("2025-12-31", 18200),
]  # fmt: skip
VNINDEX = [
    ("2023-01-03", 1043), ("2023-03-01", 1030), ("2023-05-01", 1050), ("2023-09-08", 1245), ("2023-10-31", 1030),
    ("2023-12-29", 1130), ("2024-03-29", 1284), ("2024-06-28", 1245), ("2024-09-30", 1287), ("2024-12-31", 1267),
    ("2025-03-31", 1317), ("2025-04-09", 1095), ("2025-06-30", 1371), ("2025-08-29", 1682), ("2025-10-31", 1640),
    ("2025-12-31", 1750),
]  # fmt: skip
INTERBANK = [
    ("2023-01-15", 5.5), ("2023-02-15", 4.5), ("2023-03-15", 5.0), ("2023-04-15", 4.5), ("2023-05-15", 3.5),
    ("2023-06-15", 1.5), ("2023-07-15", 0.3), ("2023-08-15", 0.2), ("2023-09-15", 0.3), ("2023-10-15", 0.5),
    ("2023-11-15", 0.2), ("2023-12-15", 0.5), ("2024-01-15", 0.6), ("2024-02-15", 2.0), ("2024-03-15", 0.5),
    ("2024-04-15", 4.0), ("2024-05-15", 4.5), ("2024-06-15", 4.4), ("2024-07-15", 4.5), ("2024-08-15", 4.2),
    ("2024-09-15", 3.5), ("2024-10-15", 3.8), ("2024-11-15", 4.5), ("2024-12-15", 5.0), ("2025-01-15", 4.2),
    ("2025-02-15", 4.0), ("2025-03-15", 4.1), ("2025-04-15", 4.3), ("2025-05-15", 4.5), ("2025-06-15", 4.9),
    ("2025-07-15", 4.7), ("2025-08-15", 5.5), ("2025-09-15", 4.3), ("2025-10-15", 5.0), ("2025-11-15", 5.5),
    ("2025-12-15", 6.0),
]  # fmt: skip

#: Fuel prices change on adjustment days only: every 7 days from this Thursday, holding in between.
FUEL_FIRST_ADJUSTMENT = date(2023, 1, 5)
#: The commercial banks' selling rate may not exceed the central rate by more than this (SBV trading band).
BAND = 0.05


def gold() -> Series:
    days = all_days()
    path = anchored(days, GOLD) * np.exp(ar1(rng("GOLD_SJC"), len(days), 0.004, 0.9))
    return days, np.round(path, 1)


def usd_central() -> Series:
    days = working_days()
    path = anchored(days, CENTRAL) + ar1(rng("USD_CENTRAL"), len(days), 4.0, 0.8)
    return days, np.round(path)


def usd_bank() -> Series:
    days = working_days()
    central = dict(zip(*usd_central(), strict=True))
    path = anchored(days, BANK_SELL) + ar1(rng("USD_VND"), len(days), 25.0, 0.85)
    ceiling = np.floor([central[d] * (1 + BAND) for d in days])
    return days, np.round(np.minimum(path, ceiling))


def _fuel(code: str, anchors: Anchors) -> Series:
    days = all_days()
    gen = rng(code)
    target = anchored(days, anchors)
    values = np.empty(len(days))
    price = round(float(target[0]), -1)
    for i, d in enumerate(days):
        if d >= FUEL_FIRST_ADJUSTMENT and (d - FUEL_FIRST_ADJUSTMENT).days % 7 == 0:
            price = round(float(target[i]) * (1 + gen.normal(0.0, 0.015)), -1)
        values[i] = price
    return days, values


def ron95() -> Series:
    return _fuel("FUEL_RON95", RON95)


def diesel() -> Series:
    return _fuel("FUEL_DO", DIESEL)


def vnindex() -> Series:
    days = working_days()
    path = anchored(days, VNINDEX) * np.exp(ar1(rng("VNINDEX"), len(days), 0.009, 0.93))
    return days, np.round(path, 2)


def interbank() -> Series:
    days = working_days()
    gen = rng("INTERBANK_ON")
    path = anchored(days, INTERBANK) * np.exp(ar1(gen, len(days), 0.07, 0.85))
    # liquidity squeezes: a few days a year the overnight rate jumps before the State Bank injects money
    spikes = gen.random(len(days)) < 0.01
    path = np.where(spikes, path * gen.uniform(1.3, 1.7, len(days)), path)
    return days, np.round(np.clip(path, 0.05, 10.0), 2)


DAILY: dict[str, Callable[[], Series]] = {
    "GOLD_SJC": gold,
    "USD_CENTRAL": usd_central,
    "USD_VND": usd_bank,
    "FUEL_RON95": ron95,
    "FUEL_DO": diesel,
    "VNINDEX": vnindex,
    "INTERBANK_ON": interbank,
}
