"""The write path for direction tables (tasks, programs and projects, emergencies): keyed, append-only batches."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import pandas as pd
import pyarrow as pa

import warehouse.tables  # noqa: F401 - registers the direction tables in the schema
from warehouse import scenario_tables
from warehouse.db import Warehouse
from warehouse.load import BatchInfo, LoadResult, insert_rejected
from warehouse.schema import TABLES, table

#: What identifies a row of each table: a row whose key is already stored is not written again, so loading the same
#: file twice changes nothing and a history only grows.
KEYS: dict[str, tuple[str, ...]] = {
    "task": ("task_id",),
    "task_event": ("task_id", "event_date", "kind"),
    "program": ("program_id",),
    "project": ("project_id",),
    "project_progress": ("project_id", "month"),
    "project_milestone": ("project_id", "seq"),
    "event": ("event_id",),
    "event_party": ("event_id", "area_code", "agency_code", "role"),
    "event_figure": ("event_id", "area_code", "reported_on", "figure"),
    "dispatch": ("dispatch_id",),
    **scenario_tables.KEYS,
}
_NULL = "\x00"


def ensure_tables(wh: Warehouse) -> None:
    """Create any direction table a warehouse built before them lacks (creating is idempotent)."""
    missing = [name for name in KEYS if name not in wh.tables()]
    if missing:
        wh.ensure_schema()


def _keys(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.Series:
    parts = [frame[c].astype(object).where(frame[c].notna(), _NULL).astype(str) for c in cols]
    out = parts[0]
    for p in parts[1:]:
        out = out + "\x1f" + p
    return out


def _normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    schema = TABLES[name]
    frame = frame.copy()
    for col in schema.names:
        if col not in frame.columns:
            frame[col] = None
    for col, dtype in schema.items():
        if dtype.is_date():
            frame[col] = pd.to_datetime(frame[col]).dt.date
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame[list(schema.names)]


def existing_keys(wh: Warehouse, name: str) -> set[str]:
    cols = KEYS[name]
    if name not in wh.tables():
        return set()
    frame = wh.execute(table(name).select(*cols))
    for col in cols:
        if TABLES[name][col].is_date():
            frame[col] = pd.to_datetime(frame[col]).dt.date
    return set(_keys(frame, cols))


def new_rows(wh: Warehouse, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` (normalised to the table) whose key is neither stored nor repeated earlier in `frame`."""
    rows = _normalise(name, frame)
    if rows.empty:
        return rows
    keys = _keys(rows, KEYS[name])
    fresh = ~keys.isin(existing_keys(wh, name)) & ~keys.duplicated()
    return rows[fresh.to_numpy()]


def write_direction(
    wh: Warehouse,
    frames: Mapping[str, pd.DataFrame],
    info: BatchInfo,
    rejected: pd.DataFrame | None = None,
    rows_in: int | None = None,
) -> LoadResult:
    """Write one batch of direction rows ({table: rows}) in one transaction: all of it or none.

    Rows already known (same key) are skipped; `rejected` (rejected_row rows without batch_id) is kept with the batch.
    """
    unknown = sorted(set(frames) - set(KEYS))
    if unknown:
        raise ValueError(f"write_direction: unknown table(s) {unknown}; direction tables: {sorted(KEYS)}")
    ensure_tables(wh)
    batch_id = uuid.uuid4().hex
    rejected = rejected if rejected is not None else pd.DataFrame()
    fresh = {name: new_rows(wh, name, frame) for name, frame in frames.items()}
    n_valid = sum(len(f) for f in frames.values())
    n_new = sum(len(f) for f in fresh.values())
    n_rejected = int(rejected["row_number"].nunique()) if len(rejected) else 0
    outcome = "partial" if n_rejected else ("loaded" if n_new else "unchanged")
    result = LoadResult(
        batch_id, rows_in if rows_in is not None else n_valid + n_rejected, n_new, n_valid - n_new, n_rejected, outcome
    )
    batch = pa.table(
        {
            "batch_id": [batch_id],
            "source": [info.source],
            "file_name": [info.file_name],
            "file_hash": [info.file_hash],
            "loaded_by": [info.loaded_by],
            "loaded_at": pa.array([None], pa.timestamp("us")),  # taken once the write lock is held
            "rows_in": [result.rows_in],
            "rows_written": [n_new],
            "rows_unchanged": [result.rows_unchanged],
            "rows_rejected": [n_rejected],
            "outcome": [outcome],
        }
    )
    with wh.transaction() as con:
        at = pa.array([wh.batch_instant(con)], pa.timestamp("us"))
        wh.insert("load_batch", batch.set_column(batch.schema.get_field_index("loaded_at"), "loaded_at", at))
        for name, rows in fresh.items():
            if len(rows):
                if "batch_id" in rows.columns:
                    rows = rows.assign(batch_id=batch_id)
                wh.insert(name, pa.Table.from_pandas(rows, preserve_index=False))
        insert_rejected(wh, rejected, batch_id)
        if n_new:
            wh.bump_version()
    return result
