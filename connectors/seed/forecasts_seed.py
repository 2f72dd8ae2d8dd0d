"""Forecast vintages shipped with the data, so Dự báo shows forecasts right after `streamlit run app.py` on a fresh
clone: the headline series' runs, points and scores as `python -m analytics forecast` wrote them (same models, same
backtest, their own generated_at and trained_to), stored as CSV under data/forecasts/ and appended by the seed.
A backtest of one series takes minutes on a shared 2-core machine, too long for a first start; a later
`python -m analytics forecast` appends newer vintages beside these, and the page shows the latest.

    python -m connectors.seed.forecasts_seed --from-warehouse   # refresh the files from the warehouse's latest runs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

import warehouse.tables  # noqa: F401 - registers forecast_run, forecast_point, forecast_score
from warehouse.db import Warehouse, shared
from warehouse.forecasts import FORECAST_TABLES, write_forecasts
from warehouse.schema import TABLES, table

DIR = Path(__file__).resolve().parents[2] / "data" / "forecasts"


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """CSV text back to the table's types (dates, timestamps, numbers); empty cells are missing."""
    schema = TABLES[name]
    out = frame.copy()
    for col, dtype in zip(schema.names, schema.types, strict=True):
        if col not in out.columns:
            continue
        if dtype.is_date():
            out[col] = pd.to_datetime(out[col]).dt.date
        elif dtype.is_timestamp():
            out[col] = pd.to_datetime(out[col])
        elif dtype.is_string():
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def shipped(folder: Path = DIR) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(runs, points, scores) from the shipped files; None when there are none."""
    files = [folder / f"{name}.csv" for name in FORECAST_TABLES]
    if not all(f.exists() for f in files):
        return None
    runs, points, scores = (_typed(n, pd.read_csv(f)) for n, f in zip(FORECAST_TABLES, files, strict=True))
    return runs, points, scores


def write(wh: Warehouse, folder: Path = DIR) -> int:
    """Append the shipped vintages (the seed calls this); the number of runs written."""
    got = shipped(folder)
    return 0 if got is None else write_forecasts(wh, *got)


def export(wh: Warehouse, folder: Path = DIR) -> int:
    """The warehouse's latest run per series (indicator, area, category, base) with its points and scores, as the
    files `write` reads."""
    runs = wh.execute(table("forecast_run"))
    if runs.empty:
        return 0
    key = ["indicator_code", "area_code", "category", "base"]
    runs = runs.sort_values("generated_at").groupby(key, dropna=False).tail(1).sort_values(key)
    runs = runs.assign(kind="seed")  # said as such: shipped with the data, not computed on this server
    ids = set(runs["run_id"])
    folder.mkdir(parents=True, exist_ok=True)
    runs.to_csv(folder / "forecast_run.csv", index=False)
    for name in FORECAST_TABLES[1:]:
        rows = wh.execute(table(name))
        rows[rows["run_id"].isin(ids)].to_csv(folder / f"{name}.csv", index=False)
    return len(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m connectors.seed.forecasts_seed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--from-warehouse", action="store_true", help="write data/forecasts/ from DIEUHANH_DB")
    args = parser.parse_args(argv)
    if not args.from_warehouse:
        parser.print_help()
        return 2
    n = export(shared())
    print(f"wrote {n} forecast runs to {DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
