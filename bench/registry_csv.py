"""`python -m bench.registry_csv WAREHOUSE.duckdb OUT.csv`: the shape of issue 13's outside check, built from the
installed registry and a seeded warehouse — 31 monthly indicators (no breakdown) x the 63 provinces valid from 2010
to 2024 x every month of 2010-2024 = 351 540 rows, each value near the series' stored level (so the scale check
passes) and within the indicator's plausible range. Deterministic (seeded)."""

from __future__ import annotations

import random
import sys

import duckdb

from semantic.registry import load_registry

INDICATORS = 31


def main(argv: list[str] | None = None) -> int:
    warehouse, out = (argv if argv is not None else sys.argv[1:])[:2]
    reg = load_registry()
    con = duckdb.connect(warehouse, read_only=True)
    areas = [
        code
        for (code,) in con.execute(
            "SELECT DISTINCT code FROM area WHERE level = 'province' AND valid_from <= DATE '2010-01-01' "
            "AND valid_to > DATE '2024-12-31' ORDER BY code"
        ).fetchall()
    ]
    monthly = [i for i in reg.indicators.values() if i.frequency == "M" and i.breakdown in (None, "none")]
    levels = {
        (code, area): value
        for code, area, value in con.execute(
            "SELECT indicator_code, area_code, median(value) FROM observation WHERE base = 'level' AND freq = 'M' "
            "GROUP BY 1, 2"
        ).fetchall()
    }
    con.close()
    rnd = random.Random(13)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("indicator_code,area_code,period,value\n")
        for ind in monthly[:INDICATORS]:
            lo, hi = ind.plausible.min, ind.plausible.max
            for area in areas:
                base = levels.get((ind.code, area)) or levels.get((ind.code, "VN")) or ((lo or 0) + (hi or 200)) / 2
                for year in range(2010, 2025):
                    for month in range(1, 13):
                        v = (base or 100) * (0.9 + 0.2 * rnd.random())
                        v = min(max(v, lo if lo is not None else v), hi if hi is not None else v)
                        fh.write(f"{ind.code},{area},{year}-{month:02d},{v:.2f}\n")
    print(f"{out}: {min(INDICATORS, len(monthly))} indicators x {len(areas)} provinces x 180 months")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
