"""A load from end to end: connector -> batches -> validation -> (all or nothing, or --accept-valid) -> warehouse.

Used by `python -m connectors load`, the upload page and the REST/SQL pulls: one path, one report.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from connectors.base import ACTION, ROW, Batch, Connector, Problem
from connectors.checks.codes import KnownCodes
from connectors.checks.limits import check_file, check_rows
from connectors.checks.validate import rejected_rows, validate
from semantic.errors import LoadRejected
from semantic.registry import Registry, load_registry
from semantic.scope import Scope
from warehouse import audit
from warehouse.db import Warehouse
from warehouse.lazy import lazy
from warehouse.load import BatchInfo, LoadResult, SecondValue, timed, write_observations, write_staged
from warehouse.schema import OBSERVATION_KEY, table

np = lazy("numpy")
pd = lazy("pandas")

FORMATS = ("auto", "csv", "xlsx", "gso-xlsx", "sdmx-csv", "json")
OUTCOME_VI = {
    "loaded": "đã nạp",
    "unchanged": "không thay đổi",
    "partial": "đã nạp một phần",
    "rejected": "bị từ chối",
    "checked": "đã kiểm tra (chưa nạp)",
}


@dataclass
class LoadReport:
    file: str
    source: str
    who: str
    rows_in: int = 0
    rows_valid: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    result: LoadResult | None = None
    outcome: str = "rejected"  # loaded | unchanged | partial | rejected | checked
    #: the valid rows (a staged load's first PREVIEW_ROWS): a frame, or the stage's rows (`Preview`) made one when
    #: read — a load from the command line never needs it, nor pandas
    _valid: Any = field(default=None, repr=False)

    @property
    def valid(self) -> pd.DataFrame:
        v = self._valid
        if v is None:
            return pd.DataFrame()
        if isinstance(v, Preview):
            v = self._valid = v.frame()
        return v

    @valid.setter
    def valid(self, frame: Any) -> None:
        self._valid = frame

    @property
    def rejected_rows(self) -> int:
        return len({(p.file, p.row) for p in self.problems})

    def summary(self, lang: str = "en") -> str:
        """One line: the outcome, rows read, valid and rejected, then what was written (`written`)."""
        if lang == "vi":
            text = (
                f"{self.file}: {OUTCOME_VI[self.outcome]}; {self.rows_in} dòng đọc, {self.rows_valid} hợp lệ, "
                f"{self.rejected_rows} lỗi"
            )
        else:
            text = (
                f"{self.file}: {self.outcome}; {self.rows_in} rows read, {self.rows_valid} valid, "
                f"{self.rejected_rows} rejected"
            )
        return text + self.written(lang)

    def written(self, lang: str) -> str:
        r = self.result
        if not r:
            return ""
        if lang == "vi":
            return f"; {r.rows_written} dòng mới, {r.rows_unchanged} đã có"
        return f"; {r.rows_written} new, {r.rows_unchanged} unchanged"


def detect_format(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from connectors.readers.gso_xlsx import looks_like_gso

        try:  # looking opens the workbook: only within the limits, and a damaged one is the reader's to report
            check_file(data, name)
            return "gso-xlsx" if looks_like_gso(data) else "xlsx"
        except (LoadRejected, OSError, KeyError, ValueError, zipfile.BadZipFile):
            return "xlsx"
    if suffix == ".json":
        return "json"
    head = data[:400].decode("utf-8", errors="ignore").lstrip("\ufeff").lstrip().upper()
    if head.startswith("STRUCTURE") or head.startswith('"STRUCTURE'):
        return "sdmx-csv"
    return "csv"


def connector_for(
    data: bytes,
    name: str,
    source: str,
    fmt: str = "auto",
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str = "auto",
    mapping: Path | None = None,
) -> Connector:
    from connectors.readers.files import CsvConnector, JsonConnector, XlsxConnector
    from connectors.readers.gso_xlsx import GsoWorkbookConnector
    from connectors.readers.sdmx import SdmxCsvConnector

    fmt = detect_format(name, data) if fmt == "auto" else fmt
    if fmt == "csv":
        return CsvConnector(data, name, source, encoding, sep, decimal)
    if fmt == "xlsx":
        return XlsxConnector(data, name, source, decimal)
    if fmt == "gso-xlsx":
        return GsoWorkbookConnector(data, name, source, mapping)
    if fmt == "sdmx-csv":
        return SdmxCsvConnector(data, name, source, encoding)
    if fmt == "json":
        return JsonConnector(data, name, source)
    raise ValueError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")


def load(
    connector: Connector,
    wh: Warehouse,
    who: str,
    *,
    accept_valid: bool = False,
    dry_run: bool = False,
    scope: Scope,
    registry: Registry | None = None,
    today: date | None = None,
    published_at: object = None,
    history: bool = False,
) -> LoadReport:
    """Check every batch of `connector`; write the valid rows in one transaction unless anything is wrong (or
    `accept_valid`, which keeps the rejected rows with their reasons). Nothing is written on `dry_run`. Refusals
    (no upload rights, a limit) and rejected loads are written to the audit trail like loads."""
    name = getattr(connector, "file_name", "") or ""
    if not scope.may("upload"):
        audit.refused(wh, who, f"load {name}".strip(), "no upload rights", scope=scope.key())
        scope.require("upload")
    try:
        report = _load(connector, wh, who, accept_valid, dry_run, scope, registry, today, published_at, history)
    except LoadRejected as exc:
        if wh is not None:  # a dry run of the CLI may check a file without a warehouse: nothing to write to
            audit.record(wh, who, "load_rejected", name, exc.message_en, scope.key())
        raise
    if report.outcome == "rejected" and not dry_run:
        key = scope.key()
        audit.record(wh, who, "load_rejected", report.file, rejection(report.problems), key, report.rows_in)
    return report


def rejection(problems: list[Problem]) -> str:
    """What the trail keeps of a rejected load: how many problems and the first few, in English."""
    head = "; ".join(p.text("en") for p in problems[:3])
    return f"{len(problems)} problem(s): {head}"[:2000]


def _load(
    connector: Connector,
    wh: Warehouse,
    who: str,
    accept_valid: bool,
    dry_run: bool,
    scope: Scope | None,
    registry: Registry | None,
    today: date | None,
    published_at: object,
    history: bool = False,
) -> LoadReport:
    registry = registry or load_registry()
    staged = _load_staged(connector, wh, who, accept_valid, dry_run, scope, registry, today, published_at)
    if staged is not None:
        return staged
    data = getattr(connector, "data", None)
    if isinstance(data, bytes):  # files; a pull's rows are bounded below
        check_file(data, getattr(connector, "file_name", "") or "file")
    codes = KnownCodes.load(wh)
    bind = getattr(connector, "bind", None)
    if bind is not None:
        bind(codes)  # connectors that resolve names (a GSO workbook's provinces) read the known codes
    batches: list[Batch] = list(connector.batches())
    first = batches[0] if batches else None
    check_rows(sum(len(b.records) for b in batches), _file_of(first) or "file")
    report = LoadReport(file=_file_of(first), source=first.source if first else "", who=who)
    valid_parts, rejected_parts = [], []
    fatal = False
    for batch in batches:
        if published_at is not None and batch.published_at is None:
            batch.published_at = published_at
        checked = validate(batch, registry, codes, today, scope, wh=wh, history=history)
        report.rows_in += len(batch.records)
        report.problems += checked.problems
        report.notes += batch.notes
        fatal = fatal or bool(batch.problems) or checked.stopped
        valid_parts.append(checked.valid)
        if checked.problems and accept_valid and not dry_run:  # kept only when the valid rows are loaded
            rejected_parts.append(rejected_rows(batch, checked))
    report.problems.sort(key=lambda p: (p.file, p.row))
    valid = pd.concat(valid_parts, ignore_index=True) if valid_parts else pd.DataFrame()
    report.rows_valid = len(valid)
    report.valid = valid
    if dry_run:
        report.outcome = "checked"
        return report
    if fatal or (report.problems and not accept_valid):
        report.outcome = "rejected"
        return report
    frame = _with_replacements(wh, valid) if len(valid) and ACTION in valid else valid
    rejected = pd.concat(rejected_parts, ignore_index=True) if rejected_parts else None
    info = BatchInfo(
        source=report.source, file_name=report.file, file_hash=first.file_hash if first else "", loaded_by=who
    )
    try:
        result = write_observations(
            wh, frame.drop(columns=[ACTION, ROW], errors="ignore"), info, rejected, rows_in=report.rows_in
        )
    except SecondValue as exc:  # another load stored these keys and vintages since the check: nothing written
        raise LoadRejected(str(exc), exc.message_vi) from None
    audit.record(wh, who, "load", report.file, "", scope.key(), result.rows_written)
    report.result = result
    report.outcome = result.outcome
    return report


#: rows of a staged load's valid rows kept in the report (the page's preview); the rows themselves stay in the stage
PREVIEW_ROWS = 1_000


def _load_staged(
    connector: Connector,
    wh: Warehouse,
    who: str,
    accept_valid: bool,
    dry_run: bool,
    scope: Scope | None,
    registry: Registry,
    today: date | None,
    published_at: object,
) -> LoadReport | None:
    """A canonical CSV file large enough to be worth it, checked and written set-based (connectors/staged.py);
    None: the file is read row by row (a small file, another format, or one the staged reader does not take)."""
    from connectors import staged
    from connectors.readers.files import CsvConnector

    if isinstance(connector, staged.CsvFileConnector) and connector.path is not None:
        path, size = connector.path, connector.path.stat().st_size
    elif isinstance(connector, CsvConnector):
        path, size = None, len(connector.data)
        check_file(connector.data, connector.file_name or "file")
    else:
        return None
    if size < staged.staged_bytes():
        return None
    name = connector.file_name
    with timed("codes"):
        codes = KnownCodes.load(wh)
    with staged.stage_connection() as (con, folder):
        if path is None:
            path = folder / "upload.csv"
            path.write_bytes(connector.data)
        try:
            found = staged.check_file(
                con,
                path,
                name,
                connector.source,
                registry,
                codes,
                wh,
                today=today or date.today(),
                scope=scope,
                encoding=connector.encoding,
                sep=connector.sep,
                decimal=connector.decimal,
                published_at=published_at,
            )
        except staged.Ineligible:
            return None
        report = LoadReport(file=name, source=connector.source, who=who, rows_in=found.rows_in)
        report.rows_valid = found.rows_valid
        report.problems = sorted(found.problems, key=lambda p: (p.file, p.row))
        report.notes = found.notes
        report.valid = Preview.of(con, f"SELECT * EXCLUDE (period_end) FROM valid LIMIT {PREVIEW_ROWS}")
        if dry_run:
            report.outcome = "checked"
            return report
        if found.stopped or (report.problems and not accept_valid):
            report.outcome = "rejected"
            return report
        rejected = rejected_rows(found.batch, found.checked) if found.checked is not None and found.problems else None
        info = BatchInfo(source=connector.source, file_name=name, file_hash=found.sha256, loaded_by=who)
        trail = (who, report.file, scope.key() if scope else "")  # the audit row, in the write's transaction
        try:
            result = write_staged(wh, con, folder, info, rejected, found.rows_in, trail)
        except SecondValue as exc:
            raise LoadRejected(str(exc), exc.message_vi) from None
    report.result = result
    report.outcome = result.outcome
    return report


@dataclass(frozen=True)
class Preview:
    """A few rows of the stage as Python values with their DuckDB types, made the frame DuckDB's `.df()` gives of
    the same query only when read (the stage is gone by then: the rows go back through Arrow into DuckDB)."""

    columns: tuple[tuple[str, str], ...]
    rows: list[tuple]

    @classmethod
    def of(cls, con: Any, sql: str) -> Preview:
        cur = con.execute(sql)
        rows = cur.fetchall()
        return cls(tuple((d[0], str(d[1])) for d in cur.description), rows)

    def frame(self) -> pd.DataFrame:
        import duckdb
        import pyarrow as pa

        types = {"VARCHAR": pa.string(), "DATE": pa.date32(), "DOUBLE": pa.float64(), "TIMESTAMP": pa.timestamp("us")}
        table = pa.table(
            {n: pa.array([r[i] for r in self.rows], types.get(t)) for i, (n, t) in enumerate(self.columns)}
        )
        return duckdb.from_arrow(table).df()


def _file_of(batch: Batch | None) -> str:
    if batch is None:
        return ""
    return batch.file_name.split(" [", 1)[0]


def _with_replacements(wh: Warehouse, valid: pd.DataFrame) -> pd.DataFrame:
    """SDMX action R replaces a series over the periods the message covers: keys of that series and span that the
    message leaves out are withdrawn (a new vintage with no value), so `as_of` still sees them before."""
    replace = valid[valid[ACTION] == "R"]
    if replace.empty:
        return valid
    series = ["indicator_code", "area_code", "agency_code", "category", "freq", "base"]
    obs = table("observation")
    extra = []
    for key, part in replace.groupby(series, dropna=False):
        vals = dict(zip(series, key, strict=True))
        cond = [obs[c] == v if _present(v) else obs[c].isnull() for c, v in vals.items()]
        lo, hi = min(part["period_start"]), max(part["period_start"])
        cond += [obs.period_start >= lo, obs.period_start <= hi]
        current = wh.execute(obs.filter(cond).select(*OBSERVATION_KEY, "value", "vintage"))
        if current.empty:
            continue
        current = current.sort_values("vintage").groupby(list(OBSERVATION_KEY), dropna=False).tail(1)
        current = current[current["value"].notna()]
        have = {pd.Timestamp(d).date() for d in part["period_start"]}
        gone = current[~pd.to_datetime(current["period_start"]).dt.date.isin(have)]
        for rec in gone.itertuples(index=False):
            extra.append(
                {
                    **vals,
                    "period_start": pd.Timestamp(rec.period_start).date(),
                    "value": np.nan,
                    "status": "revised",
                    "source": part["source"].iloc[0],
                    "vintage": part["vintage"].iloc[0],
                    ACTION: "D",
                }
            )
    if not extra:
        return valid
    return pd.concat([valid, pd.DataFrame(extra)], ignore_index=True)


def _present(v: object) -> bool:
    return v is not None and not (isinstance(v, float) and np.isnan(v))
