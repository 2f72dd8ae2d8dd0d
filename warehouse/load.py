"""The one write path for facts: a batch of observations is written whole or not at all, never overwriting."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from warehouse import rollups
from warehouse.db import Warehouse
from warehouse.lazy import lazy
from warehouse.lineage import period_end
from warehouse.schema import DUCKDB_DROPPED, OBSERVATION_KEY, ONE_VALUE_KEY, columns, table

pd = lazy("pandas")
pa = lazy("pyarrow")

_KEY = list(OBSERVATION_KEY)
#: a batch with at least this many new rows is written with a snapshot for readers (its insert holds the file for
#: about a second per 200 000 rows on 2 cores; copying the file costs the writer, not the readers)
SNAPSHOT_ROWS = int(os.environ.get("DIEUHANH_SNAPSHOT_ROWS", "50000"))


@contextlib.contextmanager
def timed(phase: str) -> Iterator[None]:
    """With DIEUHANH_TIMINGS set, a phase of a load prints `timing <phase>=<seconds>` to stderr when it ends (the
    bench's `--timings`, docs/performance.md): where a large load's time goes."""
    if not os.environ.get("DIEUHANH_TIMINGS"):
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        print(f"timing {phase}={time.perf_counter() - start:.2f}", file=sys.stderr, flush=True)


def print_startup() -> None:
    """With DIEUHANH_TIMINGS set, `timing startup=<seconds>`: the process's age now (Linux: from /proc), i.e. the
    interpreter's start, the imports, the command line and the warehouse's connection before a load's first phase."""
    if not os.environ.get("DIEUHANH_TIMINGS"):
        return
    try:
        with open("/proc/self/stat") as fh:  # field 22, the start in clock ticks after boot (after the ")" of comm)
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return
    print(f"timing startup={uptime - ticks / os.sysconf('SC_CLK_TCK'):.2f}", file=sys.stderr, flush=True)


class SecondValue(ValueError):
    """A batch gives a second value for a key and vintage already stored. `message_vi` beside the English text."""

    def __init__(self, message_en: str, message_vi: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi


@dataclass(frozen=True)
class BatchInfo:
    source: str
    file_name: str = ""
    file_hash: str = ""
    loaded_by: str = "system"


@dataclass
class LoadResult:
    batch_id: str
    rows_in: int
    rows_written: int
    rows_unchanged: int
    rows_rejected: int = 0
    outcome: str = "loaded"
    messages: list[str] = field(default_factory=list)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _normalise(frame: pd.DataFrame, batch_id: str, loaded_at: datetime) -> pd.DataFrame:
    frame = frame.copy()
    for col in columns("observation"):
        if col not in frame.columns:
            frame[col] = None
    frame["batch_id"] = batch_id
    frame["vintage"] = pd.to_datetime(frame["vintage"]).fillna(pd.Timestamp(loaded_at))
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    frame["period_end"] = _period_ends(frame["period_start"], frame["freq"])
    frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype("float64")
    for col in ("agency_code", "category"):
        frame[col] = frame[col].where(frame[col].notna() & (frame[col].astype(str) != ""), None)
    frame["base"] = frame["base"].fillna("level")
    return frame[list(columns("observation"))]


def _period_ends(starts: pd.Series, freqs: pd.Series) -> list:
    """period_end for every row, once per distinct (start, freq): a million-row batch has a few hundred."""
    pairs = pd.DataFrame({"s": starts, "f": freqs})
    ends = {(s, f): period_end(s, f) for s, f in pairs.drop_duplicates().itertuples(index=False)}
    return [ends[(s, f)] for s, f in zip(starts, freqs, strict=True)]


def existing_rows(wh: Warehouse, frame: pd.DataFrame) -> pd.DataFrame:
    """Existing rows for the batch's indicators and periods: the only rows a new row can equal."""
    obs = table("observation")
    codes = sorted(set(frame["indicator_code"]))
    lo, hi = min(frame["period_start"]), max(frame["period_start"])
    expr = obs.filter(obs.indicator_code.isin(codes), obs.period_start >= lo, obs.period_start <= hi)
    return wh.execute(expr.select(*_KEY, "value", "status", "vintage"))


def _key_frame(frame: pd.DataFrame) -> pd.DataFrame:
    keyed = frame[_KEY].astype(object).where(frame[_KEY].notna(), "\x00")
    keyed["period_start"] = pd.to_datetime(frame["period_start"]).dt.strftime("%Y-%m-%d")
    return keyed


def split_unchanged(existing: pd.DataFrame, incoming: pd.DataFrame, stamped: pd.Series) -> pd.Series:
    """A boolean mask over `incoming`: True where the row is already known.

    A row is known when a row with the same key and vintage holds the same value, or — for rows whose vintage is
    just the load time (`stamped`) — when the latest known value for the key is the same. So loading a file again
    changes nothing, and a changed value becomes a new vintage.
    """
    if existing.empty or incoming.empty:
        return pd.Series(False, index=incoming.index)
    ex = _key_frame(existing)
    ex["value"] = existing["value"].round(9).values
    ex["vintage"] = pd.to_datetime(existing["vintage"]).values
    inc = _key_frame(incoming)
    inc["value"] = incoming["value"].round(9).values
    inc["vintage"] = pd.to_datetime(incoming["vintage"]).values
    inc["_i"] = incoming.index

    same_vintage = inc.merge(ex, on=[*_KEY, "vintage", "value"], how="inner")["_i"]
    latest = ex.sort_values("vintage").groupby(_KEY, dropna=False).tail(1)
    same_latest = inc.merge(latest.drop(columns="vintage"), on=[*_KEY, "value"], how="inner")["_i"]
    known = set(same_vintage) | (set(same_latest) & set(incoming.index[stamped.to_numpy()]))
    return incoming.index.isin(list(known))


def _diff(wh: Warehouse, rows: pd.DataFrame, stamped: pd.Series) -> pd.DataFrame:
    """The rows of `rows` that are not already known (see split_unchanged)."""
    if not len(rows):
        return rows
    existing = existing_rows(wh, rows)
    known = split_unchanged(existing, rows, stamped)
    new = rows[~pd.Series(known, index=rows.index)]
    _refuse_second_values(existing, new)
    return new


def _refuse_second_values(existing: pd.DataFrame, new: pd.DataFrame) -> None:
    """A new row whose key and vintage are stored already carries a second value for them: refused (the check
    refuses it earlier with the row named; this is the guard for a load that raced it, and the table's unique
    index is the last one)."""
    if existing.empty or new.empty:
        return
    ex = _key_frame(existing)
    ex["vintage"] = pd.to_datetime(existing["vintage"]).values
    inc = _key_frame(new)
    inc["vintage"] = pd.to_datetime(new["vintage"]).values
    clash = inc.merge(ex, on=[*_KEY, "vintage"], how="inner")
    if len(clash):
        first = clash.iloc[0]
        raise SecondValue(
            f"{len(clash)} row(s) give a second value for a key and vintage already stored (first: "
            f"{first['indicator_code']} {first['area_code']} {first['period_start']} at {first['vintage']}); "
            "a different value needs a later published_at",
            f"{len(clash)} dòng ghi giá trị thứ hai cho cùng chỉ tiêu, địa bàn, kỳ và thời điểm công bố đã lưu "
            f"(đầu tiên: {first['indicator_code']} {first['area_code']} {first['period_start']} lúc "
            f"{first['vintage']}); giá trị khác cần published_at muộn hơn",
        )


def write_observations(
    wh: Warehouse,
    frame: pd.DataFrame,
    info: BatchInfo,
    rejected: pd.DataFrame | None = None,
    rows_in: int | None = None,
) -> LoadResult:
    """Write one batch in one transaction. `frame` holds valid canonical rows; `vintage` may be null (load time).

    A value of NaN is a withdrawal (SDMX action D): a new vintage that hides the key from "current" while `as_of`
    still sees what was known before. `rejected` (rows of rejected_row without batch_id) is kept with the batch.

    What is new is worked out before the write lock is taken (readers of a DuckDB file wait while a writer holds
    it); inside the transaction the data version is checked again and the difference redone only if another load
    committed in between. The batch's time (`loaded_at`, and the vintage of rows that bring none) is taken inside
    the transaction once the lock is held (`Warehouse.batch_instant`), so batches' times follow their commit order.
    """
    batch_id = uuid.uuid4().hex
    stamped = frame["vintage"].isna() if "vintage" in frame.columns else pd.Series(True, index=frame.index)
    stamped = stamped.reset_index(drop=True)
    # a provisional time for the rows without a vintage: whether they are new does not depend on it (see
    # split_unchanged); the batch's time is taken inside the transaction, once the write lock is held
    rows = _normalise(frame.reset_index(drop=True), batch_id, now_utc())
    rejected = rejected if rejected is not None else pd.DataFrame()
    version = wh.data_version() if len(rows) else ""
    new_rows = _diff(wh, rows, stamped)
    n_in = rows_in if rows_in is not None else len(rows) + len(rejected)
    with wh.transaction(snapshot=len(new_rows) >= SNAPSHOT_ROWS) as con:
        loaded_at = wh.batch_instant(con)
        if len(rows) and wh.data_version() != version:
            new_rows = _diff(wh, rows, stamped)
        if len(new_rows):
            # rows without a vintage are known from the batch's time: the time it committed in order with others
            new_rows = new_rows.copy()
            # microseconds, as the table stores them: a frame whose vintages were all whole seconds holds them as
            # datetime64[s], which pandas refuses to give a time with microseconds (the seed failed on it)
            new_rows["vintage"] = new_rows["vintage"].astype("datetime64[us]")
            new_rows.loc[stamped.loc[new_rows.index].to_numpy(), "vintage"] = pd.Timestamp(loaded_at)
        result = _result(batch_id, n_in, len(rows), len(new_rows), rejected)
        wh.insert_rows("load_batch", _batch_row(batch_id, info, loaded_at, result))
        if len(new_rows):
            wh.insert("observation", pa.Table.from_pandas(new_rows, preserve_index=False))
        insert_rejected(wh, rejected, batch_id)
        if len(new_rows):
            wh.bump_version()
            # in the same transaction: no reader sees facts and rollups disagree; only the indicators loaded
            rollups.rebuild(wh, con, set(new_rows["indicator_code"]))
    return result


def insert_rejected(wh: Warehouse, rejected: pd.DataFrame | None, batch_id: str) -> None:
    """The rejected rows of a batch (rejected_row without batch_id), inside its transaction."""
    if rejected is None or not len(rejected):
        return
    rej = rejected.copy()
    rej["batch_id"] = batch_id
    for col in columns("rejected_row"):
        if col not in rej.columns:
            rej[col] = None
    wh.insert("rejected_row", pa.Table.from_pandas(rej[list(columns("rejected_row"))], preserve_index=False))


def _result(batch_id: str, n_in: int, n_valid: int, n_new: int, rejected: pd.DataFrame | None) -> LoadResult:
    n_rejected = 0 if rejected is None else len(rejected)
    n_rejected_rows = int(rejected["row_number"].nunique()) if n_rejected and "row_number" in rejected else 0
    if n_new == 0 and n_rejected == 0:
        outcome = "unchanged"
    elif n_rejected:
        outcome = "partial"
    else:
        outcome = "loaded"
    return LoadResult(batch_id, n_in, n_new, n_valid - n_new, n_rejected_rows, outcome)


def _batch_row(batch_id: str, info: BatchInfo, loaded_at: datetime, result: LoadResult) -> dict[str, list[Any]]:
    return {
        "batch_id": [batch_id],
        "source": [info.source],
        "file_name": [info.file_name],
        "file_hash": [info.file_hash],
        "loaded_by": [info.loaded_by],
        "loaded_at": [loaded_at],
        "rows_in": [result.rows_in],
        "rows_written": [result.rows_written],
        "rows_unchanged": [result.rows_unchanged],
        "rows_rejected": [result.rows_rejected],
        "outcome": [result.outcome],
    }


def write_reference(wh: Warehouse, tables: dict[str, pd.DataFrame]) -> None:
    """Replace reference tables (areas, agencies, indicator registry, targets) together in one transaction."""
    with wh.transaction() as con:
        for name, frame in tables.items():
            wh.replace(name, pa.Table.from_pandas(frame, preserve_index=False))
        wh.bump_version()
        rollups.rebuild(wh, con)


def new_batch_id() -> str:
    return uuid.uuid4().hex


def stable_id(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


# -- a staged batch: valid rows in a local DuckDB (connectors/staged.py), written without a pandas frame ----------

_STAGED = (
    "indicator_code, area_code, agency_code, category, period_start, period_end, freq, base, value, status, source"
)
_SAME_KEY = (
    "{a}.indicator_code = {b}.indicator_code AND {a}.area_code = {b}.area_code "
    "AND coalesce({a}.agency_code, chr(0)) = coalesce({b}.agency_code, chr(0)) "
    "AND coalesce({a}.category, chr(0)) = coalesce({b}.category, chr(0)) "
    "AND {a}.period_start = {b}.period_start AND {a}.freq = {b}.freq AND {a}.base = {b}.base"
)


#: one hash of a row's key (NULL agency and category hash as themselves): the joins below are equi-joins on it, the
#: exact key compared after it (so a collision costs a comparison, never a wrong answer)
_KEY_HASH = (
    "hash({t}.indicator_code, {t}.area_code, {t}.agency_code, {t}.category, {t}.period_start, {t}.freq, {t}.base)"
)


def _stored_arrow(wh: Warehouse, inds: list[str], lo: Any, hi: Any) -> pa.Table:
    """The stored rows of `inds` with a period between `lo` and `hi` (the only rows a new row can equal), as Arrow
    straight from the warehouse (no pandas frame)."""
    obs = table("observation")
    expr = obs.filter(obs.indicator_code.isin(sorted(inds)), obs.period_start >= lo, obs.period_start <= hi)
    return wh.to_pyarrow(expr.select(*_KEY, "value", "vintage"))


def _drop_new_rows(stage: Any) -> None:
    """`new_rows` from an earlier pass (redone inside the transaction when another load committed in between), a
    view or a table: DuckDB's DROP VIEW IF EXISTS refuses a table of that name, and DROP TABLE a view."""
    for (kind,) in stage.execute(
        "SELECT 'VIEW' FROM duckdb_views() WHERE view_name = 'new_rows' AND NOT internal "
        "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = 'new_rows'"
    ).fetchall():
        stage.execute(f"DROP {kind} new_rows")


def _valid_span(stage: Any) -> tuple[int, list[str], Any, Any]:
    """The stage's valid rows: how many, their indicators, their first and last period — one aggregate, once per
    write (a window over every row, then DISTINCT, took 80 s at 10 M rows)."""
    n, inds, lo, hi = stage.execute(
        "SELECT count(*), list(DISTINCT indicator_code), min(period_start), max(period_start) FROM valid"
    ).fetchone()
    return n, list(inds or ()), lo, hi


def _stored_into_stage(wh: Warehouse, stage: Any, folder: Any, inds: list[str], lo: Any, hi: Any) -> bool:
    """Table `ex` in the stage: the stored rows of `inds` with a period between `lo` and `hi` (the only rows a new
    row can equal), keyed by hash; False when there are none. From a DuckDB file they pass as a Parquet file in the
    stage's folder (engine to engine: no Arrow object in Python, which makes DuckDB import pandas); from another
    backend as Arrow."""
    select = f"""SELECT indicator_code, area_code, agency_code, category, CAST(period_start AS DATE) AS period_start,
        freq, base, CAST(vintage AS TIMESTAMP) AS vintage, round(value, 9) AS value_r, {_KEY_HASH.format(t="s")} AS h"""
    if wh.raw_duckdb:
        inlist = ", ".join("'" + c.replace("'", "''") + "'" for c in sorted(inds))
        path = f"{folder}/stored.parquet"
        n = wh.rows(
            f"""COPY (SELECT {", ".join(_KEY)}, value, vintage FROM observation WHERE indicator_code IN ({inlist})
                AND period_start >= DATE '{lo.isoformat()}' AND period_start <= DATE '{hi.isoformat()}')
                TO '{path}' (FORMAT parquet)"""
        )[0][0]
        if not n:
            return False
        stage.execute(f"CREATE OR REPLACE TABLE ex AS {select} FROM read_parquet('{path}') s")
        return True
    existing = _stored_arrow(wh, inds, lo, hi)
    if existing.num_rows == 0:
        return False
    stage.register("ex_arrow", existing)
    stage.execute(f"CREATE OR REPLACE TABLE ex AS {select} FROM ex_arrow s")
    stage.unregister("ex_arrow")
    return True


def _stage_new(wh: Warehouse, stage: Any, folder: Any, span: tuple[int, list[str], Any, Any]) -> tuple[int, set[str]]:
    """`new_rows` in the stage: the rows of `valid` that are not already known (the rules of split_unchanged, in
    SQL); refuses a second value for a stored key and vintage (SecondValue) and two values for one key and vintage
    within the batch (_refuse_twice). One pass of hash joins finds the known rows and the clashes; when there are
    no known rows (a new file: the usual case) `new_rows` is `valid` itself, not a copy. Returns the new rows'
    count and their indicators (without another pass over `valid` when `new_rows` is `valid`)."""
    n_valid, inds, lo, hi = span
    _drop_new_rows(stage)
    if not inds or not _stored_into_stage(wh, stage, folder, inds, lo, hi):
        stage.execute("CREATE VIEW new_rows AS SELECT * FROM valid")
        _refuse_twice(stage)
        return n_valid, set(inds)
    stage.execute(
        """CREATE OR REPLACE TABLE latest AS SELECT h, indicator_code, area_code, agency_code, category,
            period_start, freq, base, arg_max(value_r, vintage) AS value_r FROM ex GROUP BY ALL"""
    )
    stage.execute(
        f"""CREATE OR REPLACE TEMP VIEW valid_h AS SELECT *, {_KEY_HASH.format(t="valid")} AS h,
            round(value, 9) AS value_r FROM valid"""
    )
    same = _SAME_KEY.format(a="ex", b="v")
    # a row with a vintage is known when that key and vintage are stored with its value, a clash when stored with
    # another; a row without one (it takes the load's time) is known when the key's latest value is its value
    known, clash = stage.execute(
        f"""SELECT count(*) FILTER (WHERE ex.value_r IS NOT DISTINCT FROM v.value_r),
                   count(*) FILTER (WHERE ex.value_r IS DISTINCT FROM v.value_r)
            FROM valid_h v JOIN ex ON ex.h = v.h AND ex.vintage = v.vintage AND {same}"""
    ).fetchone()
    # (the IN on the hash first: the engine builds that hash table from the few stored keys, where the join alone
    # built it from the file's rows, 4x slower at 351 540 rows)
    known += stage.execute(
        f"""SELECT count(*) FROM valid_h v WHERE v.vintage IS NULL AND v.h IN (SELECT h FROM latest)
            AND EXISTS (SELECT 1 FROM latest l WHERE l.h = v.h AND {_SAME_KEY.format(a="l", b="v")}
                        AND l.value_r IS NOT DISTINCT FROM v.value_r)"""
    ).fetchone()[0]
    if clash:
        code, area, start, when = stage.execute(
            f"""SELECT v.indicator_code, v.area_code, v.period_start, v.vintage FROM valid_h v
                JOIN ex ON ex.h = v.h AND ex.vintage = v.vintage AND {same}
                WHERE ex.value_r IS DISTINCT FROM v.value_r LIMIT 1"""
        ).fetchone()
        raise SecondValue(
            f"{clash} row(s) give a second value for a key and vintage already stored (first: {code} {area} {start} "
            f"at {when}); a different value needs a later published_at",
            f"{clash} dòng ghi giá trị thứ hai cho cùng chỉ tiêu, địa bàn, kỳ và thời điểm công bố đã lưu (đầu tiên: "
            f"{code} {area} {start} lúc {when}); giá trị khác cần published_at muộn hơn",
        )
    if not known:
        stage.execute("CREATE VIEW new_rows AS SELECT * FROM valid")
        _refuse_twice(stage)
        return n_valid, set(inds)
    stage.execute(
        f"""CREATE TABLE new_rows AS SELECT v.* EXCLUDE (h, value_r) FROM valid_h v
        WHERE NOT EXISTS (SELECT 1 FROM ex WHERE ex.h = v.h AND {same} AND ex.vintage = v.vintage
                          AND ex.value_r IS NOT DISTINCT FROM v.value_r)
          AND NOT (v.vintage IS NULL AND EXISTS (SELECT 1 FROM latest l WHERE l.h = v.h
                   AND {_SAME_KEY.format(a="l", b="v")} AND l.value_r IS NOT DISTINCT FROM v.value_r))"""
    )
    _refuse_twice(stage)
    n_new = stage.execute("SELECT count(*) FROM new_rows").fetchone()[0]
    return n_new, {r[0] for r in stage.execute("SELECT DISTINCT indicator_code FROM new_rows").fetchall()}


def _screened_unique(stage: Any) -> bool:
    """The staged check proved every valid row's key unique in the file (connectors/staged.py KEYS_UNIQUE: no row
    came back from the row-by-row rules), so no two new rows share a key and vintage: the group-by below would
    find nothing (2.5 s of a 10 M-row load). False for a stage without that proof."""
    found = stage.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'keys_unique' AND schema_name = 'main'"
    ).fetchone()[0]
    return bool(found) and bool(stage.execute("SELECT proven FROM keys_unique").fetchone()[0])


def _refuse_twice(stage: Any) -> None:
    """The unique index's rule within the batch (warehouse/schema.py INDEXES; DuckDB keeps no index and checks it
    set-based): no two new rows with one key and vintage (rows without a vintage all take the batch's time). A
    group-by on one hash per row, then the exact key for the few hashes given twice. The check refuses such rows
    earlier, as duplicates with their row numbers: this is the write's own guard."""
    if _screened_unique(stage):
        return
    key = ONE_VALUE_KEY.format(t="n")
    twice = stage.execute(
        f"""WITH h AS (SELECT hash({key}) AS h FROM new_rows n),
                 d AS (SELECT h FROM h GROUP BY h HAVING count(*) > 1)
            SELECT {key}, count(*) FROM new_rows n WHERE hash({key}) IN (SELECT h FROM d)
            GROUP BY ALL HAVING count(*) > 1 LIMIT 1"""
    ).fetchone()
    if twice:
        code, area, _, _, start, _, _, when, n = twice
        raise SecondValue(
            f"the batch gives {n} values for one key and vintage ({code} {area} {start} at {when or 'load time'})",
            f"lô dữ liệu ghi {n} giá trị cho cùng chỉ tiêu, địa bàn, kỳ và thời điểm công bố ({code} {area} {start} "
            f"lúc {when or 'thời điểm tải'})",
        )


#: from this many new rows on, a staged batch goes from the stage to a DuckDB warehouse as an Arrow stream; below,
#: as a Parquet file in the stage's folder. Handing DuckDB an Arrow object makes it import pandas (~0.3 s, which a
#: load of a canonical CSV otherwise never spends), the stream is faster per row: 351 540 rows 0.88 s by Parquet,
#: 1.10-1.20 s by Arrow; 3 M rows 5.6-6.5 s by Parquet, 5.0-5.3 s by Arrow (stage to a fresh file, insert, commit
#: and close; 2026-12-07 22:40 UTC, load average 2.3-3.2)
ARROW_ROWS = int(os.environ.get("DIEUHANH_ARROW_ROWS", "1000000"))


def _copy_new(wh: Warehouse, con: Any, stage: Any, folder: Any, batch_id: str, loaded_at: datetime, n_new: int) -> None:
    """The stage's new rows into the warehouse, inside its transaction: DuckDB reads them as Parquet or as an Arrow
    stream (ARROW_ROWS), PostgreSQL takes them by COPY."""
    when = loaded_at.isoformat()
    select = (
        f"SELECT {_STAGED}, coalesce(vintage, TIMESTAMP '{when}') AS vintage, '{batch_id}' AS batch_id FROM new_rows"
    )
    if wh.backend == "duckdb":
        raw = con.con
        for sql in DUCKDB_DROPPED:  # a warehouse made before the set-based check: its index goes with this batch
            raw.execute(sql)
        if n_new < ARROW_ROWS:  # engine to engine through a file: no Python object between them
            path = f"{folder}/new_rows.parquet"
            stage.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet, COMPRESSION uncompressed)")
            raw.execute(f"INSERT INTO observation SELECT {_STAGED}, vintage, batch_id FROM read_parquet('{path}')")
            return
        reader = stage.execute(select).to_arrow_reader(122_880)  # streamed as Arrow record batches
        view = f"_staged_{batch_id}"
        raw.register(view, reader)
        try:
            raw.execute(f"INSERT INTO observation SELECT {_STAGED}, vintage, batch_id FROM {view}")
        finally:
            raw.unregister(view)
        # the unique index's rule is checked set-based in the stage (_stage_new: against the stored rows of the
        # batch's indicators and periods, redone inside this transaction if another load committed; _refuse_twice)
        return
    path = f"{folder}/new_rows.csv"
    stage.execute(f"COPY ({select}) TO '{path}' (FORMAT csv, HEADER false)")
    with (
        con.con.cursor() as cur,
        cur.copy(f"COPY observation ({_STAGED}, vintage, batch_id) FROM STDIN (FORMAT csv)") as cp,
    ):
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 22):
                cp.write(chunk)


#: compression methods a staged write does not try (see _bounded)
NO_FSST = "fsst,dict_fsst"


def _load_memory() -> str:
    """DIEUHANH_LOAD_MEMORY (default 500MB): what a staged load's stage may hold in memory before it spills."""
    return os.environ.get("DIEUHANH_LOAD_MEMORY", "").strip() or "500MB"


@contextlib.contextmanager
def _bounded(wh: Warehouse, con: Any, large: bool = False) -> Iterator[None]:
    """A DuckDB warehouse's writing connection set for a staged write: under the loads' memory limit (the insert,
    the unique check and the rollups spill to `<file>.tmp` rather than grow), without FSST, and for a `large` batch
    (a row group or more of new rows) checkpointed at its COMMIT without the checkpoint's vacuum. The connection is
    closed after the write (`Warehouse.settle` resets what it set when it is held open)."""
    if wh.backend != "duckdb":
        yield
        return
    con.con.execute(f"SET memory_limit = '{_load_memory()}'")
    # the observation table's text columns are codes of a few hundred values, which dictionary compression stores
    # as small as it can; DuckDB also tries FSST on each of them at every row group: 10-15 % of the insert and of
    # the checkpoint for the same file size (docs/performance.md, issue 13)
    con.con.execute(f"SET disabled_compression_methods = '{NO_FSST}'")
    if large:
        # the checkpoint's vacuum merges the table's last, partly filled row group with the batch's first and
        # writes them again: 0.23 s of the 351 540-row file's 0.25 s checkpoint. Without it the table keeps one
        # partly filled row group per large load (a small load's rows fill the last group as before, and any write
        # without this setting vacuums again). The checkpoint then runs at the COMMIT (the WAL is past DuckDB's
        # 16 MB threshold), which skips writing the WAL: 0.19 s against 0.27 s for the COMMIT and the close
        if wh.path is not None:
            con.con.execute("SET max_vacuum_tasks = 0")
    elif wh.path is not None:
        # a smaller batch's COMMIT does not checkpoint either: the writing connection's close does (warehouse/gate.py;
        # Warehouse.settle when it is held open)
        con.con.execute("SET checkpoint_threshold = '1TB'")
    # nothing is reset here: a large batch's COMMIT checkpoints under these settings (with the default memory
    # limit the 10 M-row load's checkpoint took its peak past 1.5 GB), and the connection is closed after the
    # write (Warehouse.settle resets them when it is held open)
    yield


#: a DuckDB row group: a batch of at least this many new rows is written as whole row groups (see _bounded)
ROW_GROUP = 122_880


def write_staged(
    wh: Warehouse,
    stage: Any,
    folder: Any,
    info: BatchInfo,
    rejected: pd.DataFrame | None,
    rows_in: int,
    trail: tuple[str, str, str] | None = None,
) -> LoadResult:
    """`write_observations` for the rows of the stage's table `valid` (connectors/staged.py): one transaction with
    the batch row, the new rows, the rejected rows, the data version, the rollups of the indicators written and,
    given `trail` (who, what, scope), the audit trail's "load" row."""
    from warehouse import audit

    if trail is not None:
        audit.flush(wh)  # what was recorded before this load goes before its row
    batch_id = uuid.uuid4().hex
    span = _valid_span(stage)
    n_valid = span[0]
    version = wh.data_version() if n_valid else ""
    n_new, codes = 0, set()
    with timed("unchanged"):
        if n_valid:
            n_new, codes = _stage_new(wh, stage, folder, span)
    # `write`: the transaction's body; the transaction's seconds less these are taking the file and the COMMIT
    with (
        timed("transaction"),
        wh.transaction(snapshot=n_new >= SNAPSHOT_ROWS) as con,
        _bounded(wh, con, large=n_new >= ROW_GROUP),
        timed("write"),
    ):
        loaded_at = wh.batch_instant(con)
        if n_valid and wh.data_version() != version:
            n_new, codes = _stage_new(wh, stage, folder, span)
        result = _result(batch_id, rows_in, n_valid, n_new, rejected)
        wh.insert_rows("load_batch", _batch_row(batch_id, info, loaded_at, result))
        if n_new:
            with timed("insert"):
                _copy_new(wh, con, stage, folder, batch_id, loaded_at, n_new)
        insert_rejected(wh, rejected, batch_id)
        if n_new:
            wh.bump_version()
            with timed("rollups"):
                rollups.rebuild(wh, con, codes)
        if trail is not None:
            who, what, scope = trail
            audit.within(wh, loaded_at, who, "load", what, "", scope, result.rows_written)
    wh.settle()
    return result
