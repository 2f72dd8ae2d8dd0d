"""A canonical CSV checked at the engine's speed: staged once in a local DuckDB, screened by set-based checks, and
only the rows a check could object to handed to the named rules of connectors/checks/validate.py for their messages.

Every rule of `validate.DEFAULT_RULES` is mirrored here as a relational condition that holds for a row only when the
rule cannot flag it (per distinct value where a rule works on values: periods, units, statuses, vintages, areas and
agencies at a period's end, the sender's scope — evaluated by the rules' own helpers on those few distinct values;
per row in SQL for numbers, plausible ranges, the scale check and vintages; per group for duplicates, whose whole
group is kept together). A row failing any condition is *suspicious*: the suspicious rows, with their row numbers,
go through `validate` unchanged, so rule names, messages (Vietnamese and English), problem order and the problem
limit are those of the row-by-row check by construction (tests/test_staged.py compares both on the bad-file corpus).
A clean row is canonical straight from SQL; the valid rows never become a pandas frame, and the write
(`warehouse.load.write_staged`) reads them from the stage (DuckDB: an Arrow stream into the warehouse's
transaction; PostgreSQL: COPY).

What takes this path: a CSV file in the canonical columns, UTF-8, without a line break inside a quoted field (row
numbers are then line numbers: checked by counting both) and without blank lines, at least DIEUHANH_STAGED_BYTES
(default 1 MB) large; anything else is read by connectors/readers/files.py as before.
Memory: the stage is an in-memory DuckDB with `memory_limit` (DIEUHANH_LOAD_MEMORY, default 500MB) and
`temp_directory` in a temporary folder, so the engine spills rather than grows; the raw rows are dropped once checked,
before the write. The write (`warehouse.load.write_staged`) runs under the same memory limit on a DuckDB warehouse,
whose observation table keeps no index to maintain row by row (one value per key and vintage is checked set-based).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from connectors.base import CANONICAL, ROW, Batch, Problem
from connectors.checks.check import BASES, STATUSES, Check, parse_period
from connectors.checks.codes import KnownCodes
from connectors.checks.limits import backdate_days, check_rows
from connectors.checks.rules_codes import rule_scope
from connectors.checks.rules_scale import FACTOR
from connectors.checks.units import RATE_BASES, load_units, norm
from connectors.checks.validate import Checked, validate
from connectors.readers import decimals
from connectors.readers.files import CsvConnector, _header, header_problems, pad_area
from semantic.registry import Registry
from semantic.safetext import has_control
from semantic.scope import Scope
from warehouse.lazy import lazy
from warehouse.lineage import period_end
from warehouse.schema import OBSERVATION_KEY, columns

pd = lazy("pandas")

#: files at least this large take the staged path (smaller ones are checked row by row: a few ms either way)
STAGED_BYTES_DEFAULT = 1_000_000
#: control characters and every character Python's str.strip() removes besides the space: a row holding one is
#: left to the row-by-row rules (the control-character rule, and trimming exactly as Python trims)
_ODD = r"[\x00-\x1f\x7f-\x{a0}\x{1680}\x{2000}-\x{200b}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]"
#: semantic.safetext.CONTROL as RE2 writes it
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}]"
_NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
#: canonical valid rows as the stage holds them (the order the warehouse's observation table takes them in)
VALID_COLUMNS = tuple(c for c in columns("observation") if c != "batch_id")


@dataclass
class CsvFileConnector(CsvConnector):
    """A CSV file named by its path (the command line, the bench): staged straight from the file when it is large
    and canonical; otherwise read into memory, within the byte limit, by the CSV reader of
    connectors/readers/files.py."""

    path: Path | None = None

    def batches(self) -> Iterator[Batch]:
        from connectors.checks.limits import check_size

        check_size(self.path.stat().st_size, self.file_name)
        self.data = self.path.read_bytes()
        yield from super().batches()


class Ineligible(Exception):
    """The file is not one the staged path reads exactly as connectors/readers/files.py does: it is read that way."""


def staged_bytes() -> int:
    raw = os.environ.get("DIEUHANH_STAGED_BYTES", "").strip()
    return int(raw) if raw.isdigit() else STAGED_BYTES_DEFAULT


def load_memory() -> str:
    from warehouse.load import _load_memory

    return _load_memory()


class _FileHash:
    """The file's SHA-256, computed by a thread of its own while the check goes on (hashlib lets go of the
    interpreter lock over large buffers): it is first needed when the check ends. Read `hexdigest()`."""

    def __init__(self, path: Path) -> None:
        self._digest = hashlib.sha256()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), name="file-hash", daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(16 << 20):
                    self._digest.update(chunk)
        except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread by hexdigest()
            self._error = exc

    def hexdigest(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._digest.hexdigest()


@dataclass
class Prescan:
    hashing: _FileHash = field(repr=False)
    sep: str
    names: list[str]
    header_line: str
    lines: int  # lines in the file: one per record when no quoted field holds a line break

    @property
    def sha256(self) -> str:
        return self.hashing.hexdigest()


def prescan(path: Path, encoding: str | None, sep: str | None) -> Prescan:
    """One streamed pass: the file's lines, and whether the staged path reads it as the row reader would (UTF-8
    itself is checked by DuckDB's reader, which refuses anything else); the file's hash by a thread beside it.
    A blank line is found by the stage (`stage_raw`): DuckDB's reader skips it, so the records do not match the
    lines. Each pass over the bytes costs 0.25-0.5 s per 490 MB on this machine: the line count is the only one
    every file needs (a carriage return is looked for with memchr, and counted only when there is one)."""
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        raise Ineligible("a declared encoding other than UTF-8")
    hashing = _FileHash(path)
    head = b""
    lines, last, cr, crlf = 0, b"\n", 0, 0
    with path.open("rb") as fh:
        while chunk := fh.read(16 << 20):
            if len(head) < 65536:
                head += chunk[: 65536 - len(head)]
            lines += chunk.count(b"\n")
            if b"\r" in chunk or last == b"\r":
                cr += chunk.count(b"\r")
                crlf += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
            last = chunk[-1:]
    if cr != crlf:
        raise Ineligible("a carriage return that does not end a line")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Ineligible("UTF-16")
    try:
        text = head.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        if len(head) < 65536 or exc.start < len(head) - 4:
            raise Ineligible("not UTF-8") from exc
        text = head[: exc.start].decode("utf-8").lstrip("\ufeff")  # a character cut by the head's end
    if not text.strip():
        raise Ineligible("empty")
    from connectors.readers.textio import sniff_separator

    used = sniff_separator(text, sep)
    first = text.splitlines()[0]
    names = [_header(n) for n in next(csv.reader([first], delimiter=used))]
    return Prescan(hashing, used, names, first, lines + (last != b"\n"))


@contextlib.contextmanager
def stage_connection() -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A DuckDB file in a temporary folder, with a memory limit and a spill folder: removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="dieuhanh-stage-"))
    # in memory: the stage is thrown away, never written as a database file; past memory_limit the engine offloads
    # its blocks to the spill folder
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = '{load_memory()}'")
        con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        yield con, folder
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    """A text as an SQL literal. (Values go into the stage's SQL as literals, not as parameters: DuckDB imports
    pandas to convert any Python parameter, ~0.3 s of a large load that otherwise never needs it.)"""
    return "'" + text.replace("'", "''") + "'"


def stage_raw(con: duckdb.DuckDBPyConnection, path: Path, scan: Prescan) -> list[str]:
    """The file's data rows as text, as read, in view `raw` over table `raw_file` (line number: rowid + 2);
    canonical columns by name.
    An empty field is '' as the row reader reads it; NULL is a field the line does not have, or a column the file
    does not have."""
    cols = [n if n in CANONICAL else f"_x{i}" for i, n in enumerate(scan.names)]
    spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
    missing = ", ".join(f"NULL::VARCHAR AS {_q(c)}" for c in CANONICAL if c not in cols)
    try:
        con.execute(
            f"""CREATE TABLE raw_file AS SELECT * FROM read_csv({_lit(str(path))},
                delim = {_lit(scan.sep)}, header = false, skip = 1, auto_detect = false, columns = {spec},
                quote = '"', escape = '"', null_padding = true, nullstr = chr(0), strict_mode = true)"""
        )
        # the canonical columns the file lacks are NULL in a view, not stored: 16 bytes a cell in the stage's
        # uncompressed memory (the 351 540-row file lacks 7 of 11; at 10 M rows 4 such columns spilled ~0.6 GB)
        con.execute(f"CREATE VIEW raw AS SELECT rowid AS rowid, *{', ' + missing if missing else ''} FROM raw_file")
        records = con.execute("SELECT count(*) FROM raw_file").fetchone()[0]
    except duckdb.Error as exc:
        raise Ineligible(f"the engine's reader: {exc}") from exc
    if records + 1 != scan.lines:  # row numbers would not be line numbers
        raise Ineligible("a blank line (the engine's reader skips it) or a quoted field holding a line break")
    return cols


def infer_decimal(con: duckdb.DuckDBPyConnection, sep: str) -> str:
    """decimals.infer over the value column, as one aggregate."""
    if sep == ",":
        return "."
    sql = r"""
        WITH t AS (
          SELECT replace(replace(regexp_replace(value, '^\s+|\s+$', '', 'g'), chr(160), ''), ' ', '') AS t FROM raw
          WHERE value IS NOT NULL),
        u AS (SELECT t, strpos(reverse(t), ',') AS rc, strpos(reverse(t), '.') AS rp FROM t
              WHERE t <> '' AND lower(t) <> 'nan'),
        e AS (SELECT
          CASE WHEN rp > 0 AND rc > 0 AND regexp_full_match(t, '[-+]?[\d.,]*[.,]\d*') THEN rc < rp
               WHEN rc > 0 THEN NOT regexp_full_match(t, '[-+]?\d{1,3}(,\d{3})+')
               WHEN rp > 0 THEN regexp_full_match(t, '[-+]?\d{1,3}(\.\d{3})+')
                                AND (SEMICOLON OR length(t) - length(replace(t, '.', '')) > 1)
               ELSE false END AS comma,
          CASE WHEN rp > 0 AND rc > 0 AND regexp_full_match(t, '[-+]?[\d.,]*[.,]\d*') THEN rp < rc
               WHEN rc > 0 THEN false
               WHEN rp > 0 THEN NOT regexp_full_match(t, '[-+]?\d{1,3}(\.\d{3})+')
               ELSE false END AS point
          FROM u)
        SELECT coalesce(bool_or(comma), false), coalesce(bool_or(point), false) FROM e"""
    row = con.execute(sql.replace("SEMICOLON", "true" if sep == ";" else "false")).fetchone()
    comma, point = row
    return "," if comma and not point else "."


# -- distinct values, judged by the rules' own helpers ----------------------------------------------------------

_SQL = {"s": "VARCHAR", "d": "DATE", "f": "DOUBLE", "b": "BOOLEAN", "t": "TIMESTAMP"}
#: a text the small tables' CSV carries as is (quoted): none of these characters, which the row rules judge anyway
_PLAIN_TEXT = re.compile(r"[^\x00-\x1f\x7f]*")


def _table(con: duckdb.DuckDBPyConnection, name: str, columns: str, rows: list[tuple]) -> None:
    """A small table from Python rows; `columns` is "name:type ..." (s string, d date, f float, b bool, t time).
    Written as a CSV into the stage's folder and read by the engine with the columns' types: an Arrow table built
    from Python objects makes PyArrow import pandas (~0.3 s a large load otherwise never spends); a text with a
    control character (the rules refuse those cells, so they are seldom here) takes that Arrow path."""
    fields = [c.split(":") for c in columns.split()]
    lines = []
    for r in rows:
        cells = []
        for v, (_, t) in zip(r, fields, strict=True):
            if v is None:
                cells.append("")
            elif t == "s":
                if not _PLAIN_TEXT.fullmatch(v):
                    return _arrow_table(con, name, fields, rows)
                cells.append('"' + v.replace('"', '""') + '"')
            elif t == "f":
                cells.append(repr(float(v)))
            elif t == "b":
                cells.append("true" if v else "false")
            else:
                cells.append(v.isoformat())
        lines.append(",".join(cells) + "\n")
    folder = Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0]).parent
    path = folder / f"{name}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    spec = "{" + ", ".join(f"'{n}': '{_SQL[t]}'" for n, t in fields) + "}"
    con.execute(
        f"""CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv({_lit(str(path))}, header = false,
            auto_detect = false, columns = {spec}, delim = ',', quote = '"', escape = '"', nullstr = '',
            allow_quoted_nulls = false)"""
    )
    path.unlink()
    return None


def _arrow_table(con: duckdb.DuckDBPyConnection, name: str, fields: list[list[str]], rows: list[tuple]) -> None:
    import pyarrow as pa

    types = {"s": pa.string(), "d": pa.date32(), "f": pa.float64(), "b": pa.bool_(), "t": pa.timestamp("us")}
    data = {n: pa.array([r[i] for r in rows], types[t]) for i, (n, t) in enumerate(fields)}
    con.register(f"{name}_arrow", pa.table(data))
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _distinct(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _odd(v: Any) -> bool:
    return isinstance(v, str) and has_control(v) is not None


def _text(v: Any) -> str | None:
    """connectors.checks.check.text of one cell: stripped, None when blank."""
    return str(v).strip() or None if v is not None else None


def _maps(
    con: duckdb.DuckDBPyConnection,
    registry: Registry,
    codes: KnownCodes,
    scope: Scope | None,
    batch_name: str,
) -> None:
    """Small tables keyed by the cells as read: what the rules make of each distinct value (a cell with a control
    character is in none of them: its row is left to the rules)."""
    names = ("indicator_code", "area_code", "agency_code", "period", "status", "published_at")
    lists = con.execute(f"SELECT {', '.join(f'list(DISTINCT {_q(c)})' for c in names)} FROM raw").fetchone()
    one = {c: [v for v in (got or ()) if v is not None] for c, got in zip(names, lists, strict=True)}  # one pass
    rows = []
    for raw in one["indicator_code"]:
        i = registry.indicators.get(_text(raw)) if not _odd(raw) else None
        if i is not None:
            rows.append((raw, i.code, i.frequency, i.breakdown, i.kind, i.plausible.min, i.plausible.max))
    _table(con, "imap", "raw:s ind:s frequency:s breakdown:s kind:s pmin:f pmax:f", rows)
    area_spans, agency_spans = codes.spans("area"), codes.spans("agency")
    known_areas = set(area_spans)
    rows = []
    for raw in one["area_code"]:
        code = _text(pad_area(raw))
        if not _odd(raw) and code in known_areas:
            rows.append((raw, code))
    _table(con, "amap_code", "raw:s area:s", rows)
    known_agencies = set(agency_spans)
    rows = []
    for raw in one["agency_code"]:
        code = _text(raw)
        if not _odd(raw) and (code is None or code in known_agencies):
            rows.append((raw, code))
    _table(con, "gmap_code", "raw:s agency:s", rows)
    rows = []
    for raw in one["period"]:
        got = parse_period(_text(raw)) if not _odd(raw) and _text(raw) else None
        if got:
            rows.append((raw, got[0], got[1]))
    _table(con, "pmap", "raw:s start:d pfreq:s", rows)
    rows = []
    for raw in one["status"]:
        t = _text(raw)
        if not _odd(raw) and (t is None or norm(t) in STATUSES):
            rows.append((raw, STATUSES[norm(t)] if t else "official"))
    rows.append((None, "official"))
    _table(con, "smap", "raw:s status:s", rows)
    rows = []
    for raw in one["published_at"]:
        t = _text(raw)
        when = pd.to_datetime(t, errors="coerce") if t else None
        if not _odd(raw) and (t is None or (not pd.isna(when) and when.tzinfo is None)):
            rows.append((raw, when.to_pydatetime() if t else None))
    _table(con, "vmap", "raw:s vintage:t", rows)
    # per distinct (indicator, base, unit) as read: the indicator, the base it offers, the unit with its declared
    # conversion — one table the screen joins once (NULLs where the rules object: the row is then suspicious)
    units = load_units()
    rows = []
    for ind_raw, base_raw, unit_raw in _distinct(con, "SELECT DISTINCT indicator_code, base, unit FROM raw"):
        i = registry.indicators.get(_text(ind_raw)) if ind_raw is not None and not _odd(ind_raw) else None
        if i is None:
            rows.append((ind_raw, base_raw, unit_raw, *(None,) * 10))
            continue
        t = _text(base_raw)
        base = "level" if t is None else t.lower()
        if (
            _odd(base_raw)
            or base not in BASES
            or (base != "level" and base not in set(i.comparisons) | set(i.published))
        ):
            base = None
        conv, unit_ok = None, False
        if base is not None and not _odd(unit_raw):
            u = _text(unit_raw)
            conv = units.conversion(u, i.unit, i.unit_en, base) if u is not None else None
            unit_ok = u is None or conv is not None
        factor, offset = (conv.factor, conv.offset) if conv else (1.0, 0.0) if unit_ok else (None, None)
        row = (i.code, i.frequency, i.breakdown, i.kind, i.plausible.min, i.plausible.max, base, factor, offset)
        rows.append((ind_raw, base_raw, unit_raw, *row, unit_ok))
    _table(
        con,
        "ibu",
        "i_raw:s b_raw:s u_raw:s ind:s frequency:s breakdown:s kind:s pmin:f pmax:f base:s factor:f offset:f u_ok:b",
        rows,
    )
    # period ends, and areas and agencies valid at them (at the indicator's frequency, as the rules read them)
    freqs = {f for (f,) in _distinct(con, "SELECT DISTINCT frequency FROM imap")}
    starts = {s for (s,) in _distinct(con, "SELECT DISTINCT start FROM pmap")}
    ends = {(s, f): period_end(s, f) for s in starts for f in freqs}
    _table(con, "emap", "start:d frequency:s period_end:d", [(s, f, e) for (s, f), e in ends.items()])

    combos = _distinct(
        con,
        """SELECT DISTINCT a.area, p.start, i.frequency FROM raw r JOIN imap i ON r.indicator_code = i.raw
           JOIN amap_code a ON r.area_code = a.raw JOIN pmap p ON r.period = p.raw""",
    )
    rows = [(a, s, f) for a, s, f in combos if any(x <= ends[(s, f)] < y for x, y in area_spans.get(a, ()))]
    _table(con, "amap", "area:s start:d frequency:s", rows)
    combos = _distinct(
        con,
        """SELECT DISTINCT g.agency, p.start, i.frequency FROM raw r JOIN imap i ON r.indicator_code = i.raw
           JOIN gmap_code g ON r.agency_code = g.raw JOIN pmap p ON r.period = p.raw WHERE g.agency IS NOT NULL""",
    )
    rows = [(a, s, f) for a, s, f in combos if any(x <= ends[(s, f)] < y for x, y in agency_spans.get(a, ()))]
    _table(con, "gmap", "agency:s start:d frequency:s", rows)
    # the sender's scope: rule_scope itself over the distinct (indicator, area, agency, period) of the file
    bad: list[tuple] = []
    if scope is not None and not scope.unrestricted:
        combos = _distinct(
            con,
            """SELECT DISTINCT i.ind, a.area, g.agency, p.start, i.frequency FROM raw r
               JOIN imap i ON r.indicator_code = i.raw JOIN amap_code a ON r.area_code = a.raw
               JOIN pmap p ON r.period = p.raw LEFT JOIN gmap_code g ON r.agency_code = g.raw""",
        )
        frame = pd.DataFrame(
            {
                "indicator_code": pd.Series([c[0] for c in combos], dtype=object),
                "area_code": pd.Series([c[1] for c in combos], dtype=object),
                "agency_code": pd.Series([c[2] for c in combos], dtype=object),
                "_ind": pd.Series([registry.indicators.get(c[0]) for c in combos], dtype=object),
                "_start": pd.Series([c[3] for c in combos], dtype=object),
                "_freq": pd.Series([c[4] for c in combos], dtype=object),
                ROW: range(len(combos)),
            }
        )
        probe = Check(Batch("", batch_name, "", frame), registry, codes, date.today(), scope, f=frame)
        probe.max_problems = len(frame) * 3 + 1
        rule_scope(probe)
        bad = [combos[i] for i in sorted(probe.bad)]
    _table(con, "xmap", "ind:s area:s agency:s start:d frequency:s", bad)


def screen(
    con: duckdb.DuckDBPyConnection,
    codes: KnownCodes,
    wh: Any,
    today: date,
    scope: Scope | None,
    decimal: str,
    published_at: Any,
) -> int:
    """Table `cand`: every data row with its canonical values (but the sender's code: `stage_valid`) and `clean`
    (no rule can flag it), and `dup`, the keys more than one row gives. Returns the rows read (blank lines aside,
    as the row reader skips them)."""
    num = "replace(replace(r.value, chr(160), ''), ' ', '')"
    parsed = f"replace(replace({num}, '.', ''), ',', '.')" if decimal == "," else num
    default = "NULL::TIMESTAMP" if published_at is None else f"TIMESTAMP '{pd.Timestamp(published_at).isoformat()}'"
    now = datetime.combine(today, datetime.max.time())
    rate = ", ".join(f"'{b}'" for b in RATE_BASES if b != "base_year")
    floor = datetime.combine(today, datetime.min.time()) - timedelta(days=backdate_days())
    backdated = (
        f"AND NOT coalesce(vintage < TIMESTAMP '{floor.isoformat()}', false)"
        if scope is not None and not scope.may("backdate")
        else ""
    )
    # a blank line (every cell empty or spaces) is skipped, as the row reader skips it; a row whose first cell
    # starts with a character is not blank, decided before the eleven trims (5x faster over a large file)
    blank = " AND ".join(f"coalesce(trim(r.{_q(c)}), '') = ''" for c in [*CANONICAL, *_extra(con)])
    odd_free = "NOT coalesce(regexp_matches({c}, '{p}'), false)"
    rows_sql = f"""SELECT r.rowid + 2 AS {ROW},
          i.ind, a.area, g.agency, nfc_normalize(nullif(trim(r.category), '')) AS cat, p.start, i.frequency,
          i.base, e.period_end, st.status,
          coalesce(v.vintage, {default}) AS vintage,
          TRY_CAST({parsed} AS DOUBLE) * i.factor + i."offset" AS value,
          (i.ind IS NOT NULL AND a.raw IS NOT NULL AND p.raw IS NOT NULL AND i.base IS NOT NULL
           AND coalesce(i.u_ok, false) AND st.status IS NOT NULL
           AND (r.agency_code IS NULL OR g.raw IS NOT NULL) AND (r.published_at IS NULL OR v.raw IS NOT NULL)
           AND (g.agency IS NULL OR (gv.agency IS NOT NULL AND i.breakdown = 'agency'))
           AND (r.category IS NULL OR ({odd_free.format(c="r.category", p=_ODD)}
                AND (trim(r.category) = '' OR i.breakdown = 'category')))
           AND (r.note IS NULL OR {odd_free.format(c="r.note", p=_CONTROL)})
           AND av.area IS NOT NULL
           AND (p.pfreq = i.frequency OR (p.pfreq = 'Y' AND i.frequency IN ('2Y', '5Y', '10Y')))
           AND p.start <= DATE '{today.isoformat()}'
           AND coalesce(regexp_full_match({num}, '{_NUMBER}'), false)
           AND coalesce(isfinite(TRY_CAST({parsed} AS DOUBLE)), false)
           AND x.ind IS NULL) AS ok,
          i.pmin, i.pmax, i.kind
        FROM raw r
        LEFT JOIN ibu i ON r.indicator_code IS NOT DISTINCT FROM i.i_raw AND r.base IS NOT DISTINCT FROM i.b_raw
             AND r.unit IS NOT DISTINCT FROM i.u_raw
        LEFT JOIN amap_code a ON r.area_code = a.raw
        LEFT JOIN gmap_code g ON r.agency_code = g.raw
        LEFT JOIN pmap p ON r.period = p.raw
        LEFT JOIN smap st ON r.status IS NOT DISTINCT FROM st.raw
        LEFT JOIN vmap v ON r.published_at = v.raw
        LEFT JOIN emap e ON p.start = e.start AND i.frequency = e.frequency
        LEFT JOIN amap av ON a.area = av.area AND p.start = av.start AND i.frequency = av.frequency
        LEFT JOIN gmap gv ON g.agency = gv.agency AND p.start = gv.start AND i.frequency = gv.frequency
        LEFT JOIN xmap x ON i.ind = x.ind AND a.area = x.area AND g.agency IS NOT DISTINCT FROM x.agency
             AND p.start = x.start AND i.frequency = x.frequency
        WHERE (r.indicator_code <> '' AND NOT starts_with(r.indicator_code, ' ')) OR NOT ({blank})"""
    # the series' recent levels (the scale rule), and what is stored for keys the file dates itself
    extra_joins, extra_conditions = "", ""
    inds = [r[0] for r in _distinct(con, "SELECT DISTINCT ind FROM imap")]
    levels = codes.level_rows(tuple(sorted(inds))) if codes.levels is not None and inds else []
    if levels:
        _table(
            con,
            "lv",
            "ind:s area:s agency:s cat:s frequency:s level:f",
            [(r[0], r[1], _none(r[2]), _none(r[3]), r[4], float(r[5])) for r in levels if r[5] == r[5] and r[5] != 0],
        )
        extra_joins += """LEFT JOIN lv ON c.base = 'level' AND lv.ind = c.ind AND lv.area = c.area
            AND lv.agency IS NOT DISTINCT FROM c.agency AND lv.cat IS NOT DISTINCT FROM c.cat
            AND lv.frequency = c.frequency"""
        extra_conditions += f"""AND NOT coalesce(c.value <> 0 AND (abs(c.value / lv.level) >= {FACTOR}
            OR abs(c.value / lv.level) <= {1 / FACTOR}), false)"""
    if _stored_vintages(con, wh, published_at is not None):
        extra_joins += """ LEFT JOIN stored_keys k ON k.ind = c.ind AND k.area = c.area
            AND k.agency IS NOT DISTINCT FROM c.agency AND k.cat IS NOT DISTINCT FROM c.cat AND k.start = c.start
            AND k.frequency = c.frequency AND k.base = c.base"""
        extra_conditions += " AND NOT coalesce(c.vintage IS NOT NULL AND k.latest >= c.vintage, false)"
    con.execute(
        f"""CREATE TABLE cand AS WITH c AS ({rows_sql}) SELECT c.{ROW}, c.ind AS indicator_code, c.area AS area_code,
          c.agency AS agency_code, c.cat AS category, c.start AS period_start, c.period_end, c.frequency AS freq,
          c.base, c.value, c.status, c.vintage,
          hash(c.ind, c.area, c.agency, c.cat, c.start, c.frequency, c.base) AS k,
          coalesce(c.ok
            AND NOT coalesce(c.vintage > TIMESTAMP '{now.isoformat()}', false)
            AND NOT (c.base = 'level' AND (coalesce(c.value < c.pmin, false) OR coalesce(c.value > c.pmax, false)))
            AND NOT (c.base IN ({rate}) AND c.value < -100 AND (c.pmin IS NULL OR c.pmin >= 0))
            AND NOT (c.base IN ({rate}) AND c.kind = 'index' AND abs(c.value) > 100)
            AND NOT coalesce(c.vintage < c.start, false) {backdated.replace("vintage", "c.vintage")}
            {extra_conditions}, false) AS clean
        FROM c {extra_joins}"""
    )
    rows_in = con.execute("SELECT count(*) FROM cand").fetchone()[0]
    # a key given twice: the whole group goes to the duplicate rule (a hash collision only sends more rows there)
    con.execute("CREATE TABLE dup AS SELECT k FROM cand WHERE period_start IS NOT NULL GROUP BY k HAVING count(*) > 1")
    return rows_in


def _none(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and v != v) else v


def _extra(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        c
        for (c,) in _distinct(
            con,
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'raw' AND starts_with(column_name, '_x')",
        )
    ]


def _stored_vintages(con: duckdb.DuckDBPyConnection, wh: Any, dated: bool) -> bool:
    """`stored_keys`: the latest stored vintage per key, for the keys of rows that carry a vintage (the vintage
    rules compare those with what is stored); False when there are none."""
    if wh is None:
        return False
    probe = con.execute(
        f"""SELECT DISTINCT i.ind, p.start FROM raw r JOIN imap i ON r.indicator_code = i.raw
            JOIN pmap p ON r.period = p.raw {"" if dated else "WHERE r.published_at IS NOT NULL"}"""
    ).fetchall()
    if not probe:
        return False
    from warehouse.load import existing_rows

    stored = existing_rows(
        wh, pd.DataFrame({"indicator_code": [p[0] for p in probe], "period_start": [p[1] for p in probe]})
    )
    if stored.empty:
        return False
    rows = [
        (r[0], r[1], _none(r[2]), _none(r[3]), pd.Timestamp(r[4]).date(), r[5], r[6], pd.Timestamp(r[7]))
        for r in stored[[*OBSERVATION_KEY, "vintage"]].astype(object).itertuples(index=False, name=None)
    ]
    _table(con, "stored_all", "ind:s area:s agency:s cat:s start:d frequency:s base:s vintage:t", rows)
    con.execute(
        "CREATE TABLE stored_keys AS SELECT ind, area, agency, cat, start, frequency, base, max(vintage) AS latest "
        "FROM stored_all GROUP BY ALL"
    )
    return True


def suspicious_batch(
    con: duckdb.DuckDBPyConnection, cols: list[str], name: str, source: str, sha: str, decimal: str, published_at: Any
) -> Batch | None:
    """The suspicious rows as the row reader gives them (text as read, in NFC, area codes padded), for `validate`;
    None when there are none (a clean file never makes a pandas frame)."""
    present = [c for c in CANONICAL if c in cols]
    suspicious = f"SELECT {ROW} FROM cand WHERE NOT clean OR k IN (SELECT k FROM dup)"
    if not con.execute(f"SELECT EXISTS ({suspicious})").fetchone()[0]:
        return None
    picks = ", ".join(f"nfc_normalize(r.{_q(c)}) AS {_q(c)}" for c in present)
    records = con.execute(
        # the few suspicious row numbers first, then their raw cells (a join of the whole stage on the row number
        # took 37-93 s at 10 M rows when the filter was left after it)
        f"""WITH s AS MATERIALIZED ({suspicious})
            SELECT {picks}, s.{ROW} FROM s JOIN raw r ON r.rowid + 2 = s.{ROW} ORDER BY s.{ROW}"""
    ).df()
    for c in present:
        records[c] = records[c].astype(object).where(records[c].notna(), None)
    if "area_code" in records:
        records["area_code"] = records["area_code"].map(pad_area)
    records[ROW] = records[ROW].astype(int)
    return Batch(source, name, sha, records, decimal=decimal, published_at=published_at)


#: the stage's one-row table saying whether the screen proved the valid rows' keys unique
KEYS_UNIQUE = "keys_unique"


def stage_valid(con: duckdb.DuckDBPyConnection, checked: Checked | None, source: str) -> None:
    """View `valid` (VALID_COLUMNS): the clean rows, and the suspicious rows the rules let through. (`cand` does not
    store the sender's code on every row: the view adds it.)"""
    rest = []
    if checked is not None and not checked.valid.empty:
        v = checked.valid
        for r in v[[c for c in VALID_COLUMNS if c != "period_end"]].astype(object).itertuples(index=False, name=None):
            start = pd.Timestamp(r[4]).date()
            rest.append(
                (
                    r[0],
                    r[1],
                    _none(r[2]),
                    _none(r[3]),
                    start,
                    period_end(start, r[5]),
                    r[5],
                    r[6],
                    float(r[7]),
                    r[8],
                    r[9],
                    None if pd.isna(r[10]) else pd.Timestamp(r[10]).to_pydatetime(),
                )
            )
    _table(
        con,
        "valid_rest",
        "indicator_code:s area_code:s agency_code:s category:s period_start:d period_end:d freq:s base:s value:f "
        "status:s source:s vintage:t",
        rest,
    )
    cols = ", ".join(VALID_COLUMNS)
    clean = ", ".join(f"{_lit(source)}::VARCHAR AS source" if c == "source" else c for c in VALID_COLUMNS)
    con.execute(
        f"""CREATE VIEW valid AS SELECT {clean} FROM cand WHERE clean AND k NOT IN (SELECT k FROM dup)
            UNION ALL SELECT {cols} FROM valid_rest"""
    )


@dataclass
class Staged:
    """What the staged check found: counts, problems (as `validate` names them), and the stage with `valid`."""

    rows_in: int
    rows_valid: int
    problems: list[Problem]
    checked: Checked | None
    stopped: bool
    decimal: str
    sha256: str
    notes: list[str]
    batch: Batch | None  # the suspicious rows; None: none


def check_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    source: str,
    registry: Registry,
    codes: KnownCodes,
    wh: Any,
    *,
    today: date,
    scope: Scope | None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str = "auto",
    published_at: Any = None,
) -> Staged:
    """Stage and check `path` in `con` (raises Ineligible for a file the row reader must read)."""
    from warehouse.load import timed

    with timed("prescan"):
        scan = prescan(path, encoding, sep)
    problems = header_problems(name, scan.names, 1)
    if problems:
        raise Ineligible("the header has problems: the row reader names them")
    with timed("stage"):
        cols = stage_raw(con, path, scan)
    with timed("decimal"):
        if decimal == decimals.AUTO:
            decimal = infer_decimal(con, scan.sep)
    notes = [f"encoding utf-8, separator {scan.sep!r}, decimal {decimal!r}"]
    with timed("distinct_values"):
        _maps(con, registry, codes, scope, name)
    with timed("screen"):
        rows_in = screen(con, codes, wh, today, scope, decimal, published_at)
    if rows_in == 0:
        raise Ineligible("no data rows: the row reader names the problem")
    check_rows(rows_in, name, staged=True)
    with timed("suspicious_rows"):
        batch = suspicious_batch(con, cols, name, source, scan.sha256, decimal, published_at)
        checked = validate(batch, registry, codes, today, scope, wh=wh) if batch is not None else None
    with timed("valid"):
        stage_valid(con, checked if checked is not None and not checked.stopped else None, source)
        rows_valid = con.execute("SELECT count(*) FROM valid").fetchone()[0]
        # what the screen proved for the write (warehouse/load.py _refuse_twice): the clean rows' keys are unique
        # (`valid` takes the clean rows whose key hash is not in `dup`, and a key given twice sends its whole group
        # to `validate`); only rows `validate` let through (`valid_rest`) can repeat a key
        rest = con.execute("SELECT count(*) FROM valid_rest").fetchone()[0]
        con.execute(f"CREATE OR REPLACE TABLE {KEYS_UNIQUE} AS SELECT {'true' if rest == 0 else 'false'} AS proven")
        con.execute("DROP VIEW raw")  # checked: the write reads `valid` (over `cand`), and the memory goes back
        con.execute("DROP TABLE raw_file")
    problems = checked.problems if checked is not None else []
    stopped = bool(checked and checked.stopped)
    return Staged(rows_in, rows_valid, problems, checked, stopped, decimal, scan.sha256, notes, batch)
