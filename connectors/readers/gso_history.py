"""The seed's GSO workbook history: every figure GSO's monthly workbooks of January 2010 to February 2025 printed,
at the vintage of the release that printed it (data/gso/gso_workbook_history.csv.gz, DERIVED, see
data/SOURCES.md; rebuilt by `python -m connectors.gso_backfill DIR`). A release's own month is its first estimate,
the month before its revision: `as_of` a day answers what the release out that day printed."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from connectors.gso_backfill import HISTORY
from semantic.registry import Registry
from warehouse.load import BatchInfo, file_sha256

SOURCE = "GSO (Tổng cục Thống kê), monthly workbook"


def read_history() -> pd.DataFrame:
    frame = pd.read_csv(HISTORY, dtype={"area_code": str, "agency_code": str, "category": str})
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    frame["vintage"] = pd.to_datetime(frame["vintage"])
    frame["source"] = SOURCE
    return frame.drop(columns=["cell"])


def batches(registry: Registry) -> Iterator[tuple[BatchInfo, pd.DataFrame]]:
    """One batch: the rows carry their own vintages. Indicators the registry does not know are left out."""
    if not HISTORY.exists():
        return
    frame = read_history()
    frame = frame[frame["indicator_code"].isin(set(registry.codes()))]
    info = BatchInfo(source="GSO", file_name=f"data/gso/{HISTORY.name}", file_hash=file_sha256(HISTORY.read_bytes()))
    yield info, frame.reset_index(drop=True)
