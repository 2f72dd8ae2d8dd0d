"""A canonical CSV checked at the engine's speed: staged once in a local DuckDB, screened by set-based checks, and
only the rows a check could object to handed to the named rules of connectors/validate.py for their messages.

Every rule of `validate.DEFAULT_RULES` is mirrored here as a relational condition that holds for a row only when the
rule cannot flag it (per distinct value where a rule works on values: periods, units, statuses, vintages, areas and
agencies at a period's end, the sender's scope — evaluated by the rules' own helpers on those few distinct values;
per row in SQL for numbers, plausible ranges, the scale check and vintages; per group for duplicates, whose whole
group is kept together). A row failing any condition is *suspicious*: the suspicious rows, with their row numbers,
go through `validate` unchanged, so rule names, messages (Vietnamese and English), problem order and the problem
limit are those of the row-by-row check by construction (tests/test_staged.py compares both on the bad-file corpus).
A clean row is canonical straight from SQL; the valid rows never become a pandas frame, and the write
(`warehouse.load.write_staged`) reads them from the stage (DuckDB: Parquet into the warehouse's transaction;
PostgreSQL: COPY).

What takes this path: a CSV file in the canonical columns, UTF-8, without a line break inside a quoted field (row
numbers are then line numbers: checked by counting both) and without blank lines, at least DIEUHANH_STAGED_BYTES
(default 1 MB) large; anything else is read by connectors/files.py as before.
Memory: the stage is a DuckDB file in a temporary folder with `memory_limit` (DIEUHANH_LOAD_MEMORY, default 1GB)
and `temp_directory` beside it, so the engine spills rather than grows.
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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from connectors import decimals
from connectors.base import CANONICAL, ROW, Batch, Connector, Problem
from connectors.check import BASES, STATUSES, Check, parse_period
from connectors.codes import KnownCodes
from connectors.files import _header, header_problems, pad_area
from connectors.limits import backdate_days, check_rows
from connectors.rules_codes import rule_scope
from connectors.rules_scale import FACTOR
from connectors.units import RATE_BASES, load_units, norm
from connectors.validate import Checked, validate
from semantic.registry import Registry
from semantic.scope import Scope
from warehouse.lineage import period_end

#: files at least this large take the staged path (smaller ones are checked row by row: a few ms either way)
STAGED_BYTES_DEFAULT = 1_000_000
#: control characters and every character Python's str.strip() removes besides the space: a row holding one is
#: left to the row-by-row rules (the control-character rule, and trimming exactly as Python trims)
_ODD = r"[\x00-\x1f\x7f-\x{a0}\x{1680}\x{2000}-\x{200b}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]"
_NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
#: canonical valid rows as the stage holds them (the order the warehouse's observation table takes them in)
VALID_COLUMNS = (
    "indicator_code",
    "area_code",
    "agency_code",
    "category",
    "period_start",
    "period_end",
    "freq",
    "base",
    "value",
    "status",
    "source",
    "vintage",
)


@dataclass
class CsvFileConnector(Connector):
    """A CSV file named by its path (the command line, the bench): staged straight from the file when it is large
    and canonical; otherwise read into memory, within the byte limit, by the CSV reader of connectors/files.py."""

    path: Path
    file_name: str
    source: str
    encoding: str | None = None
    sep: str | None = None
    decimal: str = "."
    format = "csv"

    def batches(self) -> Iterator[Batch]:
        from connectors.files import CsvConnector
        from connectors.limits import check_size

        check_size(self.path.stat().st_size, self.file_name)
        data = self.path.read_bytes()
        yield from CsvConnector(data, self.file_name, self.source, self.encoding, self.sep, self.decimal).batches()


class Ineligible(Exception):
    """The file is not one the staged path reads exactly as connectors/files.py does: it is read that way."""


def staged_bytes() -> int:
    raw = os.environ.get("DIEUHANH_STAGED_BYTES", "").strip()
    return int(raw) if raw.isdigit() else STAGED_BYTES_DEFAULT


def load_memory() -> str:
    return os.environ.get("DIEUHANH_LOAD_MEMORY", "").strip() or "1GB"


@dataclass
class Prescan:
    sha256: str
    sep: str
    names: list[str]
    header_line: str
    lines: int  # lines in the file: one per record when no quoted field holds a line break


def prescan(path: Path, encoding: str | None, sep: str | None) -> Prescan:
    """One streamed pass: the file's hash, and whether the staged path reads it as the row reader would."""
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        raise Ineligible("a declared encoding other than UTF-8")
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = b""
    tail = b""
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(16 << 20):
            digest.update(chunk)
            if len(head) < 65536:
                head += chunk[: 65536 - len(head)]
            lines += chunk.count(b"\n")
            last = chunk[-1:]
            joined = tail + chunk
            if b"\n\n" in joined or b"\n\r\n" in joined or re.search(rb"\r(?!\n)", joined[:-1]):
                raise Ineligible("blank lines or bare carriage returns")
            tail = joined[-2:]
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise Ineligible("not UTF-8") from exc
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise Ineligible("not UTF-8") from exc
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    if not text.strip():
        raise Ineligible("empty")
    from connectors.textio import sniff_separator

    used = sniff_separator(text, sep)
    first = text.splitlines()[0]
    names = [_header(n) for n in next(csv.reader([first], delimiter=used))]
    return Prescan(digest.hexdigest(), used, names, first, lines + (last != b"\n"))


@contextlib.contextmanager
def stage_connection() -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A DuckDB file in a temporary folder, with a memory limit and a spill folder: removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="dieuhanh-stage-"))
    con = duckdb.connect(str(folder / "stage.duckdb"))
    try:
        con.execute(f"SET memory_limit = '{load_memory()}'")
        con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        con.execute("SET preserve_insertion_order = true")
        yield con, folder
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def stage_raw(con: duckdb.DuckDBPyConnection, path: Path, scan: Prescan) -> list[str]:
    """The file's data rows as text in table `raw` (`_row`: the line number), canonical columns by name."""
    cols = [n if n in CANONICAL else f"_x{i}" for i, n in enumerate(scan.names)]
    spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
    text_cols = [c for c in cols if c in CANONICAL and c != "value"]
    picks = ", ".join(f"nfc_normalize({_q(c)}) AS {_q(c)}" if c in text_cols else _q(c) for c in cols)
    blank = " AND ".join(f"coalesce(trim({_q(c)}), '') = ''" for c in cols)
    try:
        con.execute(
            f"""CREATE TABLE raw0 AS SELECT {picks} FROM read_csv(?, delim = ?, header = false, skip = 1,
                auto_detect = false, columns = {spec}, quote = '"', escape = '"', null_padding = true,
                strict_mode = true)""",
            [str(path), scan.sep],
        )
        con.execute(f"CREATE TABLE raw AS SELECT rowid + 2 AS {ROW}, * FROM raw0 WHERE NOT ({blank}) ORDER BY rowid")
        records = con.execute("SELECT count(*) FROM raw0").fetchone()[0]
    except duckdb.Error as exc:
        raise Ineligible(f"the engine's reader: {exc}") from exc
    if records + 1 != scan.lines:  # a quoted line break: row numbers would not be line numbers
        raise Ineligible("a quoted field holds a line break")
    con.execute("DROP TABLE raw0")
    return [c for c in cols if c in CANONICAL]


def infer_decimal(con: duckdb.DuckDBPyConnection, sep: str) -> str:
    """decimals.infer over the value column, as one aggregate."""
    if sep == ",":
        return "."
    row = con.execute(
        r"""
        WITH t AS (
          SELECT replace(replace(regexp_replace(value, '^\s+|\s+$', '', 'g'), chr(160), ''), ' ', '') AS t FROM raw
          WHERE value IS NOT NULL),
        u AS (SELECT t, strpos(reverse(t), ',') AS rc, strpos(reverse(t), '.') AS rp FROM t
              WHERE t <> '' AND lower(t) <> 'nan'),
        e AS (SELECT
          CASE WHEN rp > 0 AND rc > 0 AND regexp_full_match(t, '[-+]?[\d.,]*[.,]\d*') THEN rc < rp
               WHEN rc > 0 THEN NOT regexp_full_match(t, '[-+]?\d{1,3}(,\d{3})+')
               WHEN rp > 0 THEN regexp_full_match(t, '[-+]?\d{1,3}(\.\d{3})+')
                                AND (? = ';' OR length(t) - length(replace(t, '.', '')) > 1)
               ELSE false END AS comma,
          CASE WHEN rp > 0 AND rc > 0 AND regexp_full_match(t, '[-+]?[\d.,]*[.,]\d*') THEN rp < rc
               WHEN rc > 0 THEN false
               WHEN rp > 0 THEN NOT regexp_full_match(t, '[-+]?\d{1,3}(\.\d{3})+')
               ELSE false END AS point
          FROM u)
        SELECT coalesce(bool_or(comma), false), coalesce(bool_or(point), false) FROM e""",
        [sep],
    ).fetchone()
    comma, point = row
    return "," if comma and not point else "."


# -- distinct values, judged by the rules' own helpers ----------------------------------------------------------


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, schema: pa.Schema) -> None:
    def values(field: pa.Field) -> list:
        col = frame[field.name] if field.name in frame else pd.Series([None] * len(frame), dtype=object)
        if pa.types.is_floating(field.type):
            return [None if v is None or pd.isna(v) else float(v) for v in col]
        return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in col.astype(object)]

    table = pa.table({f.name: pa.array(values(f), f.type) for f in schema}, schema=schema)
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _distinct(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _maps(
    con: duckdb.DuckDBPyConnection,
    cols: list[str],
    registry: Registry,
    codes: KnownCodes,
    scope: Scope | None,
    published_at: Any,
    batch_name: str,
) -> None:
    has = set(cols)

    def col(name: str) -> str:
        return f"nullif(trim({_q(name)}), '')" if name in has else "NULL::VARCHAR"

    area = (
        "CASE WHEN regexp_full_match(trim(area_code), '\\d') THEN '0' || trim(area_code) "
        "ELSE nullif(trim(area_code), '') END"
    )
    con.execute(
        f"""CREATE TABLE n AS SELECT {ROW}, {col("indicator_code")} AS ind, {area} AS area,
            {col("agency_code")} AS agency, {col("category")} AS cat, {col("period")} AS per,
            {col("value")} AS val, {col("base")} AS base_raw, {col("unit")} AS unit_raw,
            {col("status")} AS status_raw, {col("published_at")} AS pub_raw,
            ({" OR ".join(f"coalesce(regexp_matches({_q(c)}, '{_ODD}'), false)" for c in cols) or "false"}) AS odd
            FROM raw"""
    )
    # the registry
    inds = list(registry.indicators.values())
    _register(
        con,
        "reg",
        pd.DataFrame(
            {
                "code": [i.code for i in inds],
                "frequency": [i.frequency for i in inds],
                "breakdown": [i.breakdown for i in inds],
                "kind": [i.kind for i in inds],
                "pmin": [i.plausible.min for i in inds],
                "pmax": [i.plausible.max for i in inds],
            }
        ),
        pa.schema(
            [
                ("code", pa.string()),
                ("frequency", pa.string()),
                ("breakdown", pa.string()),
                ("kind", pa.string()),
                ("pmin", pa.float64()),
                ("pmax", pa.float64()),
            ]
        ),
    )
    # periods
    pers = [r[0] for r in _distinct(con, "SELECT DISTINCT per FROM n WHERE per IS NOT NULL")]
    parsed = {p: parse_period(p) for p in pers}
    good = [(p, g) for p, g in parsed.items() if g]
    _register(
        con,
        "pmap",
        pd.DataFrame({"per": [p for p, _ in good], "start": [g[0] for _, g in good], "pfreq": [g[1] for _, g in good]}),
        pa.schema([("per", pa.string()), ("start", pa.date32()), ("pfreq", pa.string())]),
    )
    # bases offered by each indicator
    pairs = _distinct(con, "SELECT DISTINCT ind, base_raw FROM n WHERE ind IS NOT NULL")
    rows = []
    for ind, raw in pairs:
        base = "level" if raw is None else raw.strip().lower()
        i = registry.indicators.get(ind)
        ok = base in BASES and (i is None or base == "level" or base in set(i.comparisons) | set(i.published))
        rows.append((ind, raw, base, ok))
    _register(
        con,
        "bmap",
        pd.DataFrame(rows, columns=["ind", "base_raw", "base", "ok"]),
        pa.schema([("ind", pa.string()), ("base_raw", pa.string()), ("base", pa.string()), ("ok", pa.bool_())]),
    )
    # units and their declared conversions
    units = load_units()
    rows = []
    for ind, base, unit in _distinct(
        con,
        "SELECT DISTINCT n.ind, b.base, n.unit_raw FROM n JOIN bmap b ON n.ind = b.ind "
        "AND n.base_raw IS NOT DISTINCT FROM b.base_raw WHERE n.unit_raw IS NOT NULL",
    ):
        i = registry.indicators.get(ind)
        conv = units.conversion(unit, i.unit, i.unit_en, base) if i is not None else None
        if conv is not None:
            rows.append((ind, base, unit, conv.factor, conv.offset))
    _register(
        con,
        "umap",
        pd.DataFrame(rows, columns=["ind", "base", "unit_raw", "factor", "offset"]),
        pa.schema(
            [
                ("ind", pa.string()),
                ("base", pa.string()),
                ("unit_raw", pa.string()),
                ("factor", pa.float64()),
                ("offset", pa.float64()),
            ]
        ),
    )
    # statuses
    rows = [
        (s, STATUSES[norm(s)])
        for (s,) in _distinct(con, "SELECT DISTINCT status_raw FROM n WHERE status_raw IS NOT NULL")
        if norm(s) in STATUSES
    ]
    _register(
        con,
        "smap",
        pd.DataFrame(rows, columns=["status_raw", "status"]),
        pa.schema([("status_raw", pa.string()), ("status", pa.string())]),
    )
    # vintages
    rows = []
    for (v,) in _distinct(con, "SELECT DISTINCT pub_raw FROM n WHERE pub_raw IS NOT NULL"):
        t = pd.to_datetime(v, errors="coerce")
        if not pd.isna(t) and t.tzinfo is None:
            rows.append((v, t.to_pydatetime()))
    _register(
        con,
        "vmap",
        pd.DataFrame(rows, columns=["pub_raw", "vintage"]),
        pa.schema([("pub_raw", pa.string()), ("vintage", pa.timestamp("us"))]),
    )
    # period ends, and areas and agencies valid at them
    con.execute(
        """CREATE TABLE rowsel AS SELECT n.*, r.frequency, p.start, p.pfreq FROM n
           LEFT JOIN reg r ON n.ind = r.code LEFT JOIN pmap p ON n.per = p.per"""
    )
    ends = _distinct(
        con, "SELECT DISTINCT start, frequency FROM rowsel WHERE start IS NOT NULL AND frequency IS NOT NULL"
    )
    emap = {(s, f): period_end(s, f) for s, f in ends}
    _register(
        con,
        "emap",
        pd.DataFrame([(s, f, e) for (s, f), e in emap.items()], columns=["start", "frequency", "period_end"]),
        pa.schema([("start", pa.date32()), ("frequency", pa.string()), ("period_end", pa.date32())]),
    )

    def spans(frame: pd.DataFrame) -> dict[str, list[tuple[Any, Any]]]:
        out: dict[str, list[tuple[Any, Any]]] = {}
        for code, a, b in zip(frame["code"], frame["valid_from"], frame["valid_to"], strict=True):
            out.setdefault(code, []).append((a, b))
        return out

    area_spans, agency_spans = spans(codes.areas), spans(codes.agencies)
    rows = [
        (a, s, f, any(x <= emap[(s, f)] < y for x, y in area_spans.get(a, ())))
        for a, s, f in _distinct(
            con,
            "SELECT DISTINCT area, start, frequency FROM rowsel WHERE area IS NOT NULL AND start IS NOT NULL "
            "AND frequency IS NOT NULL",
        )
    ]
    _register(
        con,
        "amap",
        pd.DataFrame(rows, columns=["area", "start", "frequency", "ok"]),
        pa.schema([("area", pa.string()), ("start", pa.date32()), ("frequency", pa.string()), ("ok", pa.bool_())]),
    )
    rows = [
        (a, s, f, any(x <= emap[(s, f)] < y for x, y in agency_spans.get(a, ())))
        for a, s, f in _distinct(
            con,
            "SELECT DISTINCT agency, start, frequency FROM rowsel WHERE agency IS NOT NULL AND start IS NOT NULL "
            "AND frequency IS NOT NULL",
        )
    ]
    _register(
        con,
        "gmap",
        pd.DataFrame(rows, columns=["agency", "start", "frequency", "ok"]),
        pa.schema([("agency", pa.string()), ("start", pa.date32()), ("frequency", pa.string()), ("ok", pa.bool_())]),
    )
    # the sender's scope: rule_scope itself over the distinct (indicator, area, agency, period) of the file
    bad: list[tuple] = []
    if scope is not None and not scope.unrestricted:
        combos = con.execute(
            "SELECT DISTINCT ind, area, agency, start, frequency FROM rowsel WHERE ind IS NOT NULL AND start IS NOT "
            "NULL AND frequency IS NOT NULL"
        ).df()
        frame = pd.DataFrame(
            {
                "indicator_code": combos["ind"].astype(object),
                "area_code": combos["area"].astype(object),
                "agency_code": combos["agency"].astype(object).where(combos["agency"].notna(), None),
                "_ind": [registry.indicators.get(i) for i in combos["ind"]],
                "_start": [pd.Timestamp(s).date() for s in combos["start"]],
                "_freq": combos["frequency"].astype(object),
                ROW: range(len(combos)),
            }
        )
        probe = Check(Batch("", batch_name, "", frame), registry, codes, date.today(), scope, f=frame)
        probe.max_problems = len(frame) * 3 + 1
        rule_scope(probe)
        bad = [tuple(combos.loc[i, ["ind", "area", "agency", "start", "frequency"]]) for i in sorted(probe.bad)]
    _register(
        con,
        "xmap",
        pd.DataFrame(bad, columns=["ind", "area", "agency", "start", "frequency"]),
        pa.schema(
            [
                ("ind", pa.string()),
                ("area", pa.string()),
                ("agency", pa.string()),
                ("start", pa.date32()),
                ("frequency", pa.string()),
            ]
        ),
    )


def screen(
    con: duckdb.DuckDBPyConnection,
    registry: Registry,
    codes: KnownCodes,
    wh: Any,
    today: date,
    scope: Scope | None,
    decimal: str,
    published_at: Any,
    source: str,
) -> None:
    """Table `cand`: every row with its canonical values and `clean` (no rule can flag it)."""
    num = "replace(replace(val, chr(160), ''), ' ', '')"
    parsed = f"replace(replace({num}, '.', ''), ',', '.')" if decimal == "," else num
    default = "NULL::TIMESTAMP" if published_at is None else f"TIMESTAMP '{pd.Timestamp(published_at).isoformat()}'"
    now = datetime.combine(today, datetime.max.time())
    rate = ", ".join(f"'{b}'" for b in RATE_BASES if b != "base_year")
    con.execute(
        f"""CREATE TABLE c1 AS SELECT s.{ROW}, s.ind, s.area, s.agency, s.cat, s.start, s.frequency, s.odd,
          s.per, s.val, s.unit_raw, s.status_raw, s.pub_raw, s.pfreq,
          b.base, b.ok AS base_ok, r.breakdown, r.kind, r.pmin, r.pmax,
          regexp_full_match({num}, '{_NUMBER}') AS num_ok,
          TRY_CAST({parsed} AS DOUBLE) AS num,
          coalesce(u.factor, CASE WHEN s.unit_raw IS NULL THEN 1.0 END) AS factor,
          coalesce(u.offset, CASE WHEN s.unit_raw IS NULL THEN 0.0 END) AS "offset",
          CASE WHEN s.status_raw IS NULL THEN 'official' ELSE st.status END AS status,
          CASE WHEN s.pub_raw IS NULL THEN {default} ELSE v.vintage END AS vintage,
          a.ok AS area_ok, g.ok AS agency_ok, x.ind IS NOT NULL AS out_of_scope, e.period_end
        FROM rowsel s
        LEFT JOIN reg r ON s.ind = r.code
        LEFT JOIN bmap b ON s.ind = b.ind AND s.base_raw IS NOT DISTINCT FROM b.base_raw
        LEFT JOIN umap u ON s.ind = u.ind AND b.base = u.base AND s.unit_raw = u.unit_raw
        LEFT JOIN smap st ON s.status_raw = st.status_raw
        LEFT JOIN vmap v ON s.pub_raw = v.pub_raw
        LEFT JOIN amap a ON s.area = a.area AND s.start = a.start AND s.frequency = a.frequency
        LEFT JOIN gmap g ON s.agency = g.agency AND s.start = g.start AND s.frequency = g.frequency
        LEFT JOIN emap e ON s.start = e.start AND s.frequency = e.frequency
        LEFT JOIN xmap x ON s.ind = x.ind AND s.area IS NOT DISTINCT FROM x.area
             AND s.agency IS NOT DISTINCT FROM x.agency AND s.start = x.start AND s.frequency = x.frequency"""
    )
    con.execute("DROP TABLE rowsel")
    con.execute("DROP TABLE n")
    # the series' recent levels (the scale rule), and what is stored for keys the file dates itself
    inds = [
        r[0] for r in con.execute("SELECT DISTINCT ind FROM c1 WHERE ind IS NOT NULL AND base = 'level'").fetchall()
    ]
    levels = codes.levels(tuple(sorted(inds))) if codes.levels is not None and inds else pd.DataFrame()
    lv = pd.DataFrame(
        {
            "ind": levels.get("indicator_code", pd.Series(dtype=object)),
            "area": levels.get("area_code", pd.Series(dtype=object)),
            "agency": levels.get("agency_code", pd.Series(dtype=object)),
            "cat": levels.get("category", pd.Series(dtype=object)),
            "frequency": levels.get("freq", pd.Series(dtype=object)),
            "level": levels.get("level", pd.Series(dtype=float)),
        }
    )
    for c in ("agency", "cat"):
        lv[c] = lv[c].where(lv[c].notna(), None)
    _register(
        con,
        "lv",
        lv,
        pa.schema(
            [
                ("ind", pa.string()),
                ("area", pa.string()),
                ("agency", pa.string()),
                ("cat", pa.string()),
                ("frequency", pa.string()),
                ("level", pa.float64()),
            ]
        ),
    )
    stored_max = _stored_vintages(con, wh)
    floor = pd.Timestamp(today) - pd.Timedelta(days=backdate_days())
    backdated = f"AND NOT coalesce(c.vintage < TIMESTAMP '{floor.isoformat()}', false)" if scope is not None else ""
    con.execute(
        f"""CREATE TABLE cand AS
        WITH v AS (SELECT c.*, c.num * c.factor + c."offset" AS value FROM c1 c),
        d AS (SELECT v.*, CASE WHEN start IS NULL THEN 1 ELSE count(*) OVER (PARTITION BY ind, area, agency, cat,
                start, frequency, base) END AS copies FROM v)
        SELECT c.*, coalesce((
          NOT c.odd AND c.ind IS NOT NULL AND c.area IS NOT NULL AND c.per IS NOT NULL AND c.val IS NOT NULL
          AND c.frequency IS NOT NULL AND c.start IS NOT NULL
          AND (c.pfreq = c.frequency OR (c.pfreq = 'Y' AND c.frequency IN ('2Y', '5Y', '10Y')))
          AND c.start <= DATE '{today.isoformat()}'
          AND coalesce(c.num_ok, false) AND c.num IS NOT NULL AND isfinite(c.num)
          AND coalesce(c.base_ok, false) AND c.factor IS NOT NULL
          AND coalesce(c.area_ok, false) AND (c.agency IS NULL OR coalesce(c.agency_ok, false))
          AND (c.agency IS NULL OR c.breakdown = 'agency') AND (c.cat IS NULL OR c.breakdown = 'category')
          AND c.status IS NOT NULL
          AND NOT (c.pub_raw IS NOT NULL AND c.vintage IS NULL)
          AND NOT coalesce(c.vintage > TIMESTAMP '{now.isoformat()}', false)
          AND NOT (c.base = 'level' AND (coalesce(c.value < c.pmin, false) OR coalesce(c.value > c.pmax, false)))
          AND NOT (c.base IN ({rate}) AND c.value < -100 AND (c.pmin IS NULL OR c.pmin >= 0))
          AND NOT (c.base IN ({rate}) AND c.kind = 'index' AND abs(c.value) > 100)
          AND NOT c.out_of_scope
          AND c.copies = 1
          AND NOT coalesce(c.vintage < c.start, false) {backdated}
          AND NOT EXISTS (SELECT 1 FROM lv WHERE lv.ind = c.ind AND lv.area = c.area
               AND lv.agency IS NOT DISTINCT FROM c.agency AND lv.cat IS NOT DISTINCT FROM c.cat
               AND lv.frequency = c.frequency AND c.base = 'level' AND lv.level IS NOT NULL AND lv.level <> 0
               AND c.value <> 0 AND (abs(c.value / lv.level) >= {FACTOR} OR abs(c.value / lv.level) <= {1 / FACTOR}))
          {
            ""
            if not stored_max
            else '''AND NOT EXISTS (SELECT 1 FROM stored_keys k WHERE c.vintage IS NOT NULL
               AND k.ind = c.ind AND k.area = c.area AND k.agency IS NOT DISTINCT FROM c.agency
               AND k.cat IS NOT DISTINCT FROM c.cat AND k.start = c.start AND k.frequency = c.frequency
               AND k.base = c.base AND k.latest >= c.vintage)'''
        }
        ), false) AS clean, ? AS source
        FROM d c""",
        [source],
    )
    con.execute("DROP TABLE c1")


def _stored_vintages(con: duckdb.DuckDBPyConnection, wh: Any) -> bool:
    """`stored_keys`: the latest stored vintage per key, for the keys of rows that carry a vintage (the vintage
    rules compare those with what is stored); False when there are none."""
    if wh is None:
        return False
    probe = con.execute(
        "SELECT DISTINCT ind, start FROM c1 WHERE vintage IS NOT NULL AND ind IS NOT NULL AND start IS NOT NULL"
    ).df()
    if probe.empty:
        return False
    from warehouse.load import existing_rows

    stored = existing_rows(
        wh, pd.DataFrame({"indicator_code": probe["ind"], "period_start": pd.to_datetime(probe["start"]).dt.date})
    )
    if stored.empty:
        return False
    frame = pd.DataFrame(
        {
            "ind": stored["indicator_code"].astype(object),
            "area": stored["area_code"].astype(object),
            "agency": stored["agency_code"].astype(object).where(stored["agency_code"].notna(), None),
            "cat": stored["category"].astype(object).where(stored["category"].notna(), None),
            "start": pd.to_datetime(stored["period_start"]).dt.date,
            "frequency": stored["freq"].astype(object),
            "base": stored["base"].astype(object),
            "vintage": pd.to_datetime(stored["vintage"]),
        }
    )
    _register(
        con,
        "stored_all",
        frame,
        pa.schema(
            [
                ("ind", pa.string()),
                ("area", pa.string()),
                ("agency", pa.string()),
                ("cat", pa.string()),
                ("start", pa.date32()),
                ("frequency", pa.string()),
                ("base", pa.string()),
                ("vintage", pa.timestamp("us")),
            ]
        ),
    )
    con.execute(
        "CREATE TABLE stored_keys AS SELECT ind, area, agency, cat, start, frequency, base, max(vintage) AS latest "
        "FROM stored_all GROUP BY ALL"
    )
    return True


def suspicious_batch(
    con: duckdb.DuckDBPyConnection, cols: list[str], name: str, source: str, sha: str, decimal: str, published_at: Any
) -> Batch:
    """The suspicious rows as the row reader gives them (text as read, area codes padded), for `validate`."""
    picks = ", ".join(f"r.{_q(c)}" for c in cols)
    records = con.execute(
        f"SELECT {picks}, r.{ROW} FROM raw r SEMI JOIN cand c ON r.{ROW} = c.{ROW} AND NOT c.clean ORDER BY r.{ROW}"
    ).df()
    for c in cols:
        records[c] = records[c].astype(object).where(records[c].notna(), None)
    if "area_code" in records:
        records["area_code"] = records["area_code"].map(pad_area)
    records[ROW] = records[ROW].astype(int)
    return Batch(source, name, sha, records, decimal=decimal, published_at=published_at)


def stage_valid(con: duckdb.DuckDBPyConnection, checked: Checked | None) -> None:
    """Table `valid` (VALID_COLUMNS): the clean rows, and the suspicious rows the rules let through."""
    con.execute(
        """CREATE TABLE valid AS SELECT ind AS indicator_code, area AS area_code, agency AS agency_code,
           cat AS category, start AS period_start, period_end, frequency AS freq, base, value, status, source,
           vintage FROM cand WHERE clean ORDER BY _row"""
    )
    if checked is None or checked.valid.empty:
        return
    v = checked.valid
    frame = pd.DataFrame(
        {
            "indicator_code": v["indicator_code"].astype(object),
            "area_code": v["area_code"].astype(object),
            "agency_code": v["agency_code"].astype(object),
            "category": v["category"].astype(object),
            "period_start": [pd.Timestamp(s).date() for s in v["period_start"]],
            "period_end": [
                period_end(pd.Timestamp(s).date(), f) for s, f in zip(v["period_start"], v["freq"], strict=True)
            ],
            "freq": v["freq"].astype(object),
            "base": v["base"].astype(object),
            "value": pd.to_numeric(v["value"]).astype(float),
            "status": v["status"].astype(object),
            "source": v["source"].astype(object),
            "vintage": pd.to_datetime(v["vintage"]),
        }
    )
    for c in ("agency_code", "category"):
        frame[c] = frame[c].where(frame[c].notna(), None)
    schema = pa.schema(
        [
            ("indicator_code", pa.string()),
            ("area_code", pa.string()),
            ("agency_code", pa.string()),
            ("category", pa.string()),
            ("period_start", pa.date32()),
            ("period_end", pa.date32()),
            ("freq", pa.string()),
            ("base", pa.string()),
            ("value", pa.float64()),
            ("status", pa.string()),
            ("source", pa.string()),
            ("vintage", pa.timestamp("us")),
        ]
    )
    _register(con, "valid_rest", frame, schema)
    con.execute("INSERT INTO valid SELECT * FROM valid_rest")


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
    batch: Batch


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
    scan = prescan(path, encoding, sep)
    problems = header_problems(name, scan.names, 1)
    if problems:
        raise Ineligible("the header has problems: the row reader names them")
    cols = stage_raw(con, path, scan)
    rows_in = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    if rows_in == 0:
        raise Ineligible("no data rows")
    check_rows(rows_in, name)
    if decimal == decimals.AUTO:
        decimal = infer_decimal(con, scan.sep)
    notes = [f"encoding utf-8, separator {scan.sep!r}, decimal {decimal!r}"]
    _maps(con, cols, registry, codes, scope, published_at, name)
    screen(con, registry, codes, wh, today, scope, decimal, published_at, source)
    batch = suspicious_batch(con, cols, name, source, scan.sha256, decimal, published_at)
    checked = validate(batch, registry, codes, today, scope, wh=wh) if len(batch.records) else None
    stage_valid(con, checked if checked is not None and not checked.stopped else None)
    rows_valid = con.execute("SELECT count(*) FROM valid").fetchone()[0]
    problems = checked.problems if checked is not None else []
    stopped = bool(checked and checked.stopped)
    return Staged(rows_in, rows_valid, problems, checked, stopped, decimal, scan.sha256, notes, batch)
