"""The connector interface: every source becomes canonical `Batch`es of raw records, checked before anything is
written. A `Problem` says where (file, row, column), what (value), which rule, in Vietnamese and English."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from warehouse.lazy import lazy

pd = lazy("pandas")


#: The canonical load format (docs/architecture.md, The one write path): required first, then optional columns.
REQUIRED = ("indicator_code", "area_code", "period", "value")
OPTIONAL = ("agency_code", "category", "base", "unit", "status", "published_at", "note")
CANONICAL = REQUIRED + OPTIONAL
#: Bookkeeping columns a connector adds to each record: where it came from, and (SDMX) what to do with it.
ROW, CELL, ACTION = "_row", "_cell", "_action"


@dataclass(frozen=True)
class Problem:
    """One problem with one input row (row 0: the file as a whole)."""

    file: str
    row: int
    column: str
    value: str
    rule: str
    message_en: str
    message_vi: str
    record: dict[str, Any] = field(default_factory=dict, compare=False)

    def text(self, lang: str = "en") -> str:
        where = (
            f"{self.file}: row {self.row}, column {self.column}"
            if lang == "en"
            else (f"{self.file}: dòng {self.row}, cột {self.column}")
        )
        msg = self.message_en if lang == "en" else self.message_vi
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        label = "value" if lang == "en" else "giá trị"
        return f"{where}, {label} '{shown}' [{self.rule}]: {msg}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "message_en": self.message_en,
            "message_vi": self.message_vi,
        }


@dataclass
class Batch:
    """Raw canonical records from one source file/sheet/request, before validation.

    `records` has the canonical columns as text as read (value may already be a number when the source is typed),
    plus `_row` (the row number a person sees in the source) and optionally `_cell` (a spreadsheet cell) and
    `_action` (SDMX: I/M/R/D). `columns` maps a canonical column to its name in the source, for messages.
    `problems` are file-level problems found while reading (a missing column): the batch cannot load.
    `notes` are things worth saying that are not errors (unmapped sheets, skipped columns).
    """

    source: str
    file_name: str
    file_hash: str
    records: pd.DataFrame
    columns: dict[str, str] = field(default_factory=dict)
    decimal: str = "."
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: vintage for rows without `published_at` (None: the load time)
    published_at: Any = None

    def column_label(self, name: str) -> str:
        return self.columns.get(name, name)

    def raw(self, index: Any) -> str:
        rec = self.records.loc[index]
        data = {c: _plain(rec[c]) for c in CANONICAL if c in rec.index and _plain(rec[c]) is not None}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA or v is pd.NaT:
        return None
    return v if isinstance(v, int | float | str) else str(v)


def empty_records() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (*CANONICAL, ROW)})


class Connector(ABC):
    """A source of canonical batches. Subclasses are small: read, map to the canonical columns, say where."""

    #: the `--format` name
    format: ClassVar[str]

    @abstractmethod
    def batches(self) -> Iterator[Batch]:
        """Yield the source's batches (a workbook may yield one per mapped sheet)."""


def file_problem(file: str, rule: str, en: str, vi: str, column: str = "", value: str = "") -> Problem:
    return Problem(file=file, row=0, column=column, value=value, rule=rule, message_en=en, message_vi=vi)


def refused(source: str, file_name: str, digest: str, rule: str, en: str, vi: str) -> Batch:
    """The batch of a file (or sheet) that cannot load at all: no rows, one problem named for the file."""
    return Batch(source, file_name, digest, pd.DataFrame(), problems=[file_problem(file_name, rule, en, vi)])


def unreadable_text(source: str, file_name: str, digest: str, exc: Exception) -> Batch:
    """The batch of a text file whose encoding cannot be read: no rows, the problem named for the file."""
    return refused(source, file_name, digest, "encoding", str(exc), f"không đọc được bảng mã của tệp: {exc}")
