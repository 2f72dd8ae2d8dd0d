"""SDMX-CSV 2.0 in both directions, on one dataflow `DIEUHANH:DF_OBS(1.0)`.

Dimensions FREQ, INDICATOR, REF_AREA, AGENCY, CATEGORY, BASE, TIME_PERIOD; measure OBS_VALUE; attributes
UNIT_MEASURE, OBS_STATUS, VINTAGE. ACTION per row: I (information) and A/M (append, merge) add what is new as a new
vintage; R (replace) also withdraws the series' other periods in the span the message covers; D (delete) withdraws
the observation. Nothing is overwritten: a withdrawal is a vintage without a value, `as_of` still sees the past.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from connectors.base import ACTION, ROW, Batch, Connector, Problem, unreadable_text
from connectors.readers.files import pad_area
from connectors.readers.textio import DecodeError, decode, read_rows
from semantic.safetext import cell
from warehouse.load import file_sha256

DATAFLOW = "DIEUHANH:DF_OBS(1.0)"
#: SDMX column -> canonical column
COLUMNS = {
    "INDICATOR": "indicator_code",
    "REF_AREA": "area_code",
    "AGENCY": "agency_code",
    "CATEGORY": "category",
    "BASE": "base",
    "TIME_PERIOD": "period",
    "OBS_VALUE": "value",
    "UNIT_MEASURE": "unit",
    "OBS_STATUS": "status",
    "VINTAGE": "published_at",
    "ACTION": ACTION,
}
REQUIRED = ("STRUCTURE", "STRUCTURE_ID", "INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE")
KNOWN = (*REQUIRED, "ACTION", "FREQ", "AGENCY", "CATEGORY", "BASE", "UNIT_MEASURE", "OBS_STATUS", "VINTAGE")
FREQ_OUT = {"D": "D", "M": "M", "Q": "Q", "Y": "A", "2Y": "A2", "5Y": "A5", "10Y": "A10"}
STATUS_OUT = {"official": "A", "preliminary": "P", "estimate": "E", "revised": "A", "demo": "E"}
HEADER = [
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    "FREQ",
    "INDICATOR",
    "REF_AREA",
    "AGENCY",
    "CATEGORY",
    "BASE",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "OBS_STATUS",
    "VINTAGE",
]


def _period(text: str) -> str:
    """SDMX reporting periods (2025-M03, 2025-A1 ...) in the canonical form."""
    s = str(text).strip()
    m = re.fullmatch(r"(\d{4})-M(\d{2})", s)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = re.fullmatch(r"(\d{4})-A1?", s)
    return m.group(1) if m else s


@dataclass
class SdmxCsvConnector(Connector):
    data: bytes
    file_name: str
    source: str
    encoding: str | None = None
    format = "sdmx-csv"

    def batches(self) -> Iterator[Batch]:
        digest = file_sha256(self.data)
        try:
            text, _ = decode(self.data, self.encoding)
        except DecodeError as exc:
            yield unreadable_text(self.source, self.file_name, digest, exc)
            return
        rows = read_rows(text, ",")
        names = [n.strip().upper() for n in rows[0][1]] if rows else []
        problems = [
            Problem(self.file_name, 1, n, "", "columns", f"SDMX-CSV column {n} is missing", f"thiếu cột SDMX-CSV {n}")
            for n in REQUIRED
            if n not in names
        ]
        notes = [f"SDMX-CSV columns ignored: {sorted(set(names) - set(KNOWN))}"] if set(names) - set(KNOWN) else []
        data: dict[str, list] = {c: [] for c in COLUMNS.values()}
        data[ROW] = []
        ids = set()
        for line, fields in rows[1:]:
            rec = dict(zip(names, fields, strict=False))
            ids.add(rec.get("STRUCTURE_ID", ""))
            for sd, canon in COLUMNS.items():
                v = rec.get(sd)
                v = None if v is None or v.strip() == "" else v.strip()
                if sd == "TIME_PERIOD" and v:
                    v = _period(v)
                if sd == "REF_AREA":
                    v = pad_area(v)
                data[canon].append(v if sd != "ACTION" else (v or "I"))
            data[ROW].append(line)
        if ids - {DATAFLOW}:
            notes.append(f"STRUCTURE_ID {sorted(ids - {DATAFLOW})} read as {DATAFLOW}")
        records = pd.DataFrame(data)
        yield Batch(
            self.source,
            self.file_name,
            digest,
            records,
            columns={v: k for k, v in COLUMNS.items()},
            problems=problems,
            notes=notes,
        )


def to_sdmx_csv(frame: pd.DataFrame, action: str = "I") -> str:
    """Semantic query output (indicator path) as SDMX-CSV 2.0 text."""
    from semantic.periods import period_key

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for r in frame.itertuples(index=False):
        start = pd.Timestamp(r.period_start).date()
        vintage = "" if pd.isna(r.vintage) else pd.Timestamp(r.vintage).isoformat()
        w.writerow(
            [
                "dataflow",
                DATAFLOW,
                action,
                FREQ_OUT.get(r.freq, r.freq),
                _cell(r.indicator_code),
                _cell(r.area_code),
                _cell(getattr(r, "agency_code", None)),
                _cell(getattr(r, "category", None)),
                getattr(r, "base", "level"),
                period_key(start, r.freq),
                "" if pd.isna(r.value) else repr(float(r.value)),
                _cell(r.unit),
                STATUS_OUT.get(r.status, r.status),
                vintage,
            ]
        )
    return out.getvalue()


def _cell(v: object) -> str:
    """A text cell by the one rule for spreadsheet-bound text (control characters out, formula leads neutralised)."""
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else cell(str(v))
