"""The write path for forecast vintages: runs, points and scores appended together in one transaction."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

import warehouse.tables  # noqa: F401 - registers forecast_run, forecast_point, forecast_score
from warehouse.db import Warehouse
from warehouse.schema import TABLES

FORECAST_TABLES = ("forecast_run", "forecast_point", "forecast_score")


def _arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    columns = TABLES[name].names
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}")
    frame = frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
    return pa.Table.from_pandas(frame, schema=TABLES[name].to_pyarrow(), preserve_index=False)


def write_forecasts(wh: Warehouse, runs: pd.DataFrame, points: pd.DataFrame, scores: pd.DataFrame) -> int:
    """Append forecast runs with their points and scores, all or nothing; nothing earlier is touched, so every
    past forecast stays readable. Bumps the data version (pages cache on it). Returns the number of runs."""
    if runs.empty:
        return 0
    unknown = set(points["run_id"]) - set(runs["run_id"]) | set(scores["run_id"]) - set(runs["run_id"])
    if unknown:
        raise ValueError(f"forecast points/scores name runs that are not written: {sorted(unknown)[:3]}")
    tables = {"forecast_run": runs, "forecast_point": points, "forecast_score": scores}
    arrow = {name: _arrow(name, frame) for name, frame in tables.items()}
    if not set(FORECAST_TABLES) <= wh.tables():
        wh.ensure_schema()
    with wh.transaction():
        for name in FORECAST_TABLES:
            wh.insert(name, arrow[name])
        wh.bump_version()
    return len(runs)
