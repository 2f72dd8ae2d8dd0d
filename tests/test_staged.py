"""The staged check (connectors/staged.py) says exactly what the row-by-row check says: for every CSV of the bad-file
corpus and for a file mixing every shape and fault, the command line prints the same problems (rule, row, column,
value, Vietnamese and English) and the same summary, and writes the same rows, whichever path reads the file.
A million-row file with one bad row at its end is refused whole (nothing written), and with --accept-valid loads
every other row; on PostgreSQL the staged rows arrive by COPY, the same as on DuckDB."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest
import yaml

from connectors import staged
from connectors.__main__ import main
from tests import intake_support as s
from warehouse.db import Warehouse
from warehouse.schema import table

EXPECTED = yaml.safe_load((s.BAD / "expected.yml").read_text(encoding="utf-8"))
CSVS = sorted(n for n in EXPECTED if n.endswith(".csv"))
ROWWISE = str(10**15)

#: every shape the rules accept and a fault of each kind the rules name, with what the screen must not let pass:
#: cells with control characters or odd spaces, a quoted field, a one-digit area code, units with a conversion,
#: Vietnamese statuses, bases, agencies and categories, vintages, duplicates, a scale slip against stored values
MIXED = """indicator_code,area_code,period,value,unit,status,base,agency_code,category,published_at,note
RETAIL,VN,2025-01,575830.29,tỷ đồng,chính thức,,,,2025-02-06,
RETAIL,VN,2025-02,561672.75,,sơ bộ,level,,,,"a note, quoted"
RETAIL,1,2025-02,61672.75,nghìn tỷ đồng,,,,,,
RETAIL,01,2025-03,61672.75 ,,official,,,,,
RETAIL,VN,2025-03,8.5,%,,yoy,,,,
RETAIL,VN,2025-04,108.5,index,,yoy,,,,
PUBINV_DISB,VN,2025-02,1234.5,,,,MOF,,,
PUBINV_DISB,VN,2025-03,1234.5,,,,MOT,,,
PUBINV_DISB,VN,2025-04,1234.5,,,,XYZ,,,
CPI_GROUP,VN,2025-03,101.2,,,,,Lương thực,,
CPI_GROUP,VN,2025-03,101.2,,,,,Lương thực,,
CPI_GROUP,VN,2025-04,101.2,,,,,Ăn uống\u00a0,,
RETAIL,VN,2025-05,\u00a0575830,,,,,,,
RETAIL,VN,2025-06,575830,,,,,,,ok\x07
RETAIL,VN\x01,2025-07,575830,,,,,,,
RETAIL,VN,2025-08,575830,,final,,,,,
RETAIL,VN,2025-09,575830,,,,,,2026-13-01,
RETAIL,VN,2025-10,575830,,,,,,2025-09-01,
RETAIL,VN,2025-11,575830,,,ytd_yoy,,,,
RETAIL,VN,2025-12,3e999,,,,,,,
RETAIL,VN,2025-Q4,575830,,,,,,,
GRDP_GROWTH,VN,2025-Q1,7.5,,,,,,,
GRDP_GROWTH,VN,2025-Q2,75,,,,,,,
PLAN5,VN,2021,1000,,,,,,,
POP,34,2024,1900,,,,,,,
POP,34,2025,1900,,,,,,,
POP,12166,2024,100,,,,,,,
CPI,VN,2025-01,1.05,,,,,,,
CPI,VN,2025-01,1.05,,,,,,,
CPI,VN,2025-02,105.2,,,,,,,
,VN,2025-01,1,,,,,,,
RETAIL,,2025-01,1,,,,,,,
RETAIL,VN,,1,,,,,,,
RETAIL,VN,2030-01,1,,,,,,,
GOLD,VN,2025-03-14,120.5,,,,,,,
GOLD,VN,2025-02-30,120.5,,,,,,,
RETALE,VN,2025-01,1,,,,,,,
,,,,,,,,,,
RETAIL,79,2024-12,1200,,,,,,,
RETAIL,VN,2024-07,1,,,,MOF,,,
RETAIL,VN,2024-08,1,kg,,,,,,
"""


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    path = tmp_path_factory.mktemp("staged") / "pristine.duckdb"
    wh, _ = s.build(f"duckdb://{path}")
    wh.close()
    return path


def cli(path, url, monkeypatch, capsys, staged_path: bool, *extra: str) -> tuple[int, list[str], str]:
    monkeypatch.setenv("DIEUHANH_DB", url)
    monkeypatch.setenv("DIEUHANH_STAGED_BYTES", "0" if staged_path else ROWWISE)
    spec = EXPECTED.get(path.name, {})
    args = ["load", str(path), "--source", "GSO", *extra]
    args += ["--claims", str(s.BAD / spec["claims"])] if "claims" in spec else ["--registry", str(s.REGISTRY_DIR)]
    rc = main(args)
    out = capsys.readouterr()
    return rc, [line for line in out.err.splitlines() if not line.startswith("note:")], out.out


def stored(url: str) -> list[tuple]:
    wh = Warehouse(url)
    try:
        obs = wh.execute(table("observation").drop("batch_id", "vintage"))
        rej = wh.execute(table("rejected_row").drop("batch_id"))
    finally:
        wh.close()
    rows = sorted(obs.astype(object).where(obs.notna(), None).itertuples(index=False, name=None), key=repr)
    return rows + sorted(rej.astype(object).where(rej.notna(), None).itertuples(index=False, name=None), key=repr)


def both(path, pristine, tmp_path, monkeypatch, capsys, *extra: str):
    """(exit, problems, summary, rows stored) by the row-by-row check and by the staged check, from one warehouse."""
    out = []
    for staged_path in (False, True):
        target = tmp_path / f"w{int(staged_path)}.duckdb"
        shutil.copy(pristine, target)
        url = f"duckdb://{target}"
        out.append((*cli(path, url, monkeypatch, capsys, staged_path, *extra), stored(url)))
    return out


def taken(path) -> bool:
    """Whether the staged reader takes the file (else the row reader reads it, as before)."""
    try:
        staged.prescan(path, None, None)
    except staged.Ineligible:
        return False
    return not path.read_bytes().startswith(b"STRUCTURE")


def test_the_staged_path_reads_most_of_the_corpus():
    took = [n for n in CSVS if taken(s.BAD / n) and "column" not in n]
    assert len(took) >= 28, took


@pytest.mark.parametrize("extra", [(), ("--accept-valid",)], ids=["refuse", "accept-valid"])
@pytest.mark.parametrize("name", CSVS)
def test_corpus_file_gets_the_same_answer_from_both_paths(name, extra, pristine, tmp_path, monkeypatch, capsys):
    rowwise, staged_run = both(s.BAD / name, pristine, tmp_path, monkeypatch, capsys, *extra)
    assert staged_run == rowwise
    assert rowwise[1], "every corpus file has a problem"


@pytest.mark.parametrize("extra", [(), ("--accept-valid",), ("--dry-run",)], ids=["refuse", "accept", "dry-run"])
def test_a_file_mixing_every_shape_and_fault_gets_the_same_answer(extra, pristine, tmp_path, monkeypatch, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    assert taken(path)
    rowwise, staged_run = both(path, pristine, tmp_path, monkeypatch, capsys, *extra)
    assert staged_run[:3] == rowwise[:3], "\n".join(staged_run[1]) + "\n---\n" + "\n".join(rowwise[1])
    assert staged_run[3] == rowwise[3]
    rules = {re.search(r" \[(\w+)\]: ", line).group(1) for line in rowwise[1] if line.startswith("error:")}
    assert {"control_character", "status", "published_at", "vintage_before_period", "base", "numeric_value"} <= rules
    assert {"duplicate", "frequency", "known_agency", "agency_validity", "breakdown", "unit", "plausible"} <= rules
    assert {"required", "future_period", "period_form", "known_indicator", "area_validity"} <= rules
    if extra == ("--accept-valid",):
        assert len(staged_run[3]) > 10  # valid rows and rejected rows were written


def test_a_stored_value_is_compared_with_the_staged_rows(pristine, tmp_path, monkeypatch, capsys):
    """Vintages against what is stored, and the scale of a value against the series' recent level."""
    first = tmp_path / "first.csv"
    first.write_text(
        "indicator_code,area_code,period,value,published_at\n"
        + "".join(f"RETAIL,VN,2024-{m:02d},{500000 + m},2024-{m:02d}-28\n" for m in range(1, 13)),
        encoding="utf-8",
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "indicator_code,area_code,period,value,published_at\n"
        "RETAIL,VN,2024-03,500003,2024-03-28\n"  # the same value at the same vintage: unchanged
        "RETAIL,VN,2024-04,500999,2024-04-28\n"  # another value at a stored vintage
        "RETAIL,VN,2024-05,500009,2024-05-01\n"  # before the stored vintage
        "RETAIL,VN,2025-01,575.83,2025-02-06\n",  # a thousand times below the recent level
        encoding="utf-8",
    )
    out = []
    for staged_path in (False, True):
        target = tmp_path / f"v{int(staged_path)}.duckdb"
        shutil.copy(pristine, target)
        url = f"duckdb://{target}"
        assert cli(first, url, monkeypatch, capsys, staged_path)[0] == 0
        out.append((*cli(second, url, monkeypatch, capsys, staged_path, "--accept-valid"), stored(url)))
    assert out[1] == out[0]
    text = "\n".join(out[0][1])
    assert "[vintage_conflict]" in text and "[vintage_before_existing]" in text and "[scale]" in text


def test_a_load_committed_between_the_check_and_the_write_is_seen(pristine, tmp_path, monkeypatch, capsys):
    """The write redoes the unchanged detection inside its transaction when another load committed after it: here
    the first pass found a quarter of the file stored (its `new_rows` a table), another load then stored half of
    the file's rows, and the second pass replaces that table, counts the half as unchanged and writes the rest."""
    from warehouse import load as write_path

    target = tmp_path / "race.duckdb"
    shutil.copy(pristine, target)
    url = f"duckdb://{target}"
    rows = [f"RETAIL,VN,2024-{m:02d},{500000 + m},2024-{m:02d}-28\n" for m in range(1, 13)]
    whole, half = tmp_path / "whole.csv", tmp_path / "half.csv"
    whole.write_text("indicator_code,area_code,period,value,published_at\n" + "".join(rows), encoding="utf-8")
    half.write_text("indicator_code,area_code,period,value,published_at\n" + "".join(rows[:6]), encoding="utf-8")
    quarter = tmp_path / "quarter.csv"
    quarter.write_text("indicator_code,area_code,period,value,published_at\n" + "".join(rows[:3]), encoding="utf-8")
    assert cli(quarter, url, monkeypatch, capsys, True)[0] == 0
    real, passes = write_path._stage_new, []

    def racing(wh, stage, folder, span):  # noqa: ANN001, ANN202
        got = real(wh, stage, folder, span)
        passes.append(got[0])
        if len(passes) == 1:  # between the first pass and the write's transaction: another load commits
            assert cli(half, url, monkeypatch, capsys, True)[0] == 0
        return got

    monkeypatch.setattr(write_path, "_stage_new", racing)
    rc, problems, out = cli(whole, url, monkeypatch, capsys, True)
    assert (rc, problems) == (0, [])
    assert passes == [9, 3, 6]  # new rows: the whole file's first pass, the other load's, the redo
    assert out.strip().splitlines()[-1] == ("whole.csv: loaded; 12 rows read, 12 valid, 0 rejected; 6 new, 6 unchanged")
    assert len(stored(url)) == 12


def test_the_load_row_of_the_audit_trail_commits_or_rolls_back_with_the_batch(pristine, tmp_path, monkeypatch, capsys):
    """A staged load's "load" row is written in the write's own transaction, at its instant: a load that stores its
    rows has exactly one, with the rows written and the time of its batch; a load whose write is refused inside the
    transaction (another load stored other values for the same keys and vintages after the check) has none, only
    its refusal."""
    from warehouse import load as write_path

    target = tmp_path / "trail.duckdb"
    shutil.copy(pristine, target)
    url = f"duckdb://{target}"
    head = "indicator_code,area_code,period,value,published_at\n"
    mine, other, fine = tmp_path / "mine.csv", tmp_path / "other.csv", tmp_path / "fine.csv"
    mine.write_text(head + "".join(f"RETAIL,VN,2023-{m:02d},{700 + m},2023-{m:02d}-28\n" for m in range(1, 7)))
    other.write_text(head + "".join(f"RETAIL,VN,2023-{m:02d},{900 + m},2023-{m:02d}-28\n" for m in range(1, 4)))
    fine.write_text(head + "".join(f"RETAIL,VN,2022-{m:02d},{600 + m},2022-{m:02d}-28\n" for m in range(1, 5)))
    assert cli(fine, url, monkeypatch, capsys, True)[0] == 0
    real, passes = write_path._stage_new, []

    def racing(wh, stage, folder, span):  # noqa: ANN001, ANN202
        got = real(wh, stage, folder, span)
        passes.append(got[0])
        if len(passes) == 1:  # between the check and the write's transaction: other values for three keys
            assert cli(other, url, monkeypatch, capsys, True)[0] == 0
        return got

    monkeypatch.setattr(write_path, "_stage_new", racing)
    rc, problems, _ = cli(mine, url, monkeypatch, capsys, True)
    assert rc != 0 and "second value" in " ".join(problems), problems
    wh = Warehouse(url)
    try:
        trail = wh.execute(table("audit").select("action", "what", "rows", "at")).sort_values(["what", "action"])
        batches = wh.execute(table("load_batch").select("file_name", "loaded_at"))
    finally:
        wh.close()
    loads = trail[trail.action == "load"]
    assert dict(zip(loads.what, loads["at"], strict=True)) == dict(
        zip(batches.file_name, batches.loaded_at, strict=True)
    )
    trail = trail.drop(columns="at")
    assert list(trail.itertuples(index=False, name=None)) == [
        ("load", "fine.csv", 4),
        ("load_rejected", "mine.csv", 0),
        ("load", "other.csv", 3),
    ]


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
@pytest.mark.parametrize("held", [False, True], ids=["closed", "held"])
def test_a_staged_write_leaves_the_file_checkpointed(held, large, pristine, tmp_path, monkeypatch):
    """The staged write sets DuckDB's checkpoint for itself (warehouse/load.py _bounded: a small batch's COMMIT
    does not checkpoint, a large one's does, without the vacuum; no FSST either way); the file is checkpointed all
    the same when the write ends: by the COMMIT or the writing connection's close, or, when the warehouse is held
    open, by Warehouse.settle — no write-ahead log is left for readers to replay, and the defaults are back."""
    from connectors.intake import load
    from semantic.registry import load_registry
    from semantic.scope import Scope
    from warehouse import load as write_path

    if large:  # 36 rows stand for a row group: the large batch's settings
        monkeypatch.setattr(write_path, "ROW_GROUP", 30)

    target = tmp_path / "ckpt.duckdb"
    shutil.copy(pristine, target)
    monkeypatch.setenv("DIEUHANH_STAGED_BYTES", "0")
    path = tmp_path / "year.csv"
    path.write_text(
        "indicator_code,area_code,period,value\n"
        + "".join(f"RETAIL,{a},2024-{m:02d},{1000 + m}\n" for a in ("VN", "01", "79") for m in range(1, 13)),
        encoding="utf-8",
    )
    wh = Warehouse(f"duckdb://{target}")
    conn = staged.CsvFileConnector(b"", path.name, "GSO", None, None, "auto", path=path)
    args = {"scope": Scope.system("test"), "registry": load_registry(s.REGISTRY_DIR)}
    try:
        if held:
            with wh.holding(snapshot=False):
                report = load(conn, wh, "test", **args)
                settings = wh.con.con.execute(
                    "SELECT current_setting('checkpoint_threshold'), current_setting('max_vacuum_tasks'), "
                    "current_setting('disabled_compression_methods'), current_setting('memory_limit')"
                ).fetchone()
                assert settings[:3] == ("16.0 MiB", 100, "") and settings[3] != "476.8 MiB"  # not the loads' 500MB
        else:
            report = load(conn, wh, "test", **args)
    finally:
        wh.close()
    assert (report.outcome, report.result.rows_written) == ("loaded", 36)
    wal = target.with_name(target.name + ".wal")
    assert not wal.exists() or wal.stat().st_size == 0
    con = duckdb.connect(str(target), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM observation WHERE indicator_code = 'RETAIL'").fetchone()[0] >= 36
    finally:
        con.close()


def test_a_scoped_sender_is_held_to_its_scope_the_same_way(pristine, tmp_path, monkeypatch, capsys):
    path = tmp_path / "hy.csv"
    path.write_text(
        "indicator_code,area_code,period,value\nRETAIL,33,2025-01,10\nRETAIL,01,2025-01,10\nRETAIL,34,2025-01,1\n",
        encoding="utf-8",
    )
    out = []
    for staged_path in (False, True):
        target = tmp_path / f"s{int(staged_path)}.duckdb"
        shutil.copy(pristine, target)
        monkeypatch.setenv("DIEUHANH_DB", f"duckdb://{target}")
        monkeypatch.setenv("DIEUHANH_STAGED_BYTES", "0" if staged_path else ROWWISE)
        rc = main(["load", str(path), "--source", "GSO", "--claims", str(s.BAD / "claims_hungyen.json")])
        err = capsys.readouterr().err
        out.append((rc, [line for line in err.splitlines() if not line.startswith("note:")]))
    assert out[1] == out[0]
    assert out[0][0] == 1 and any("[scope]" in line and "row 3," in line for line in out[0][1])


def _groups_csv(path, rows: int) -> None:
    """`rows` valid rows of CPI_GROUP, broken down by category (300 months per category), as a canonical CSV."""
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'CPI_GROUP' AS indicator_code, 'VN' AS area_code,
                   strftime(DATE '2000-01-01' + INTERVAL (i % 300) MONTH, '%Y-%m') AS period,
                   round(100 + (i % 97) / 10.0, 1) AS value, 'nhóm ' || (i // 300) AS category
            FROM range({rows}) t(i)) TO '{path}' (FORMAT csv, HEADER true)"""
    )
    con.close()


def _million(path, bad: bool) -> int:
    """1,000,000 valid rows of CPI_GROUP (broken down by category: 3,334 categories x 300 months), then, when
    `bad`, a row whose period is no month."""
    _groups_csv(path, 1_000_000)
    if bad:
        with path.open("a", encoding="utf-8") as fh:
            fh.write("CPI_GROUP,VN,2025-13,101.5,nhóm cuối\n")
    return 1_000_000 + bad


def test_a_million_rows_with_one_bad_row_at_the_end(pristine, tmp_path, monkeypatch, capsys):
    path = tmp_path / "million.csv"
    rows = _million(path, bad=True)
    monkeypatch.setenv("DIEUHANH_MAX_ROWS", str(rows))
    target = tmp_path / "m.duckdb"
    shutil.copy(pristine, target)
    url = f"duckdb://{target}"
    before = stored(url), Warehouse(url).data_version()
    rc, problems, summary = cli(path, url, monkeypatch, capsys, True)
    assert rc == 1
    assert problems == [
        f"lỗi: million.csv: dòng {rows + 1}, cột period, giá trị '2025-13' [period_form]: kỳ phải viết dạng 2025, "
        "2025-Q1, 2025-03 hoặc 2025-03-14 (ngày có thật)",
        f"error: million.csv: row {rows + 1}, column period, value '2025-13' [period_form]: period must be written "
        "2025, 2025-Q1, 2025-03 or 2025-03-14 (a real date)",
    ]
    assert "1000001 rows read, 1000000 valid, 1 rejected" in summary
    assert (stored(url), Warehouse(url).data_version()) == before  # refused whole: not a row, not a version

    rc, problems, summary = cli(path, url, monkeypatch, capsys, True, "--accept-valid")
    assert rc == 0, problems
    assert "partial; 1000001 rows read, 1000000 valid, 1 rejected; 1000000 new, 0 unchanged" in summary
    wh = Warehouse(url)
    obs = table("observation")
    assert int(wh.execute(obs.count())) == 1_000_000
    assert float(wh.execute(obs.value.sum())) == pytest.approx(sum(100 + (i % 97) / 10 for i in range(1_000_000)))
    rej = wh.execute(table("rejected_row").select("row_number", "rule", "value"))
    assert rej.to_dict("records") == [{"row_number": rows + 1, "rule": "period_form", "value": "2025-13"}]
    wh.close()


@pytest.mark.postgres
def test_staged_rows_reach_postgresql_by_copy_as_on_duckdb(pg_url, pristine, tmp_path, monkeypatch, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    wh, _ = s.build(pg_url)
    wh.close()
    on_pg = cli(path, pg_url, monkeypatch, capsys, True, "--accept-valid")
    target = tmp_path / "d.duckdb"
    shutil.copy(pristine, target)
    on_duckdb = cli(path, f"duckdb://{target}", monkeypatch, capsys, True, "--accept-valid")
    assert on_pg == on_duckdb
    assert stored(pg_url) == stored(f"duckdb://{target}")
    again = cli(path, pg_url, monkeypatch, capsys, True, "--accept-valid")
    assert again[0] == 0 and "0 new," in again[2]  # the same file again: every row unchanged


def test_a_staged_file_is_bounded_by_its_own_row_limit(pristine, tmp_path, monkeypatch, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    target = tmp_path / "l.duckdb"
    shutil.copy(pristine, target)
    monkeypatch.setenv("DIEUHANH_MAX_ROWS", "5")  # the row-by-row check's limit does not bound a staged file
    monkeypatch.setenv("DIEUHANH_MAX_STAGED_ROWS", "40")
    rc, problems, _ = cli(path, f"duckdb://{target}", monkeypatch, capsys, True)
    assert rc == 1 and not any("DIEUHANH_MAX" in p for p in problems)
    monkeypatch.setenv("DIEUHANH_MAX_STAGED_ROWS", "39")
    rc, problems, _ = cli(path, f"duckdb://{target}", monkeypatch, capsys, True)
    assert rc == 1
    assert problems == [
        "lỗi: mixed.csv: 40 dòng, vượt giới hạn 39 dòng (DIEUHANH_MAX_STAGED_ROWS): hãy chia thành các tệp nhỏ hơn",
        "error: mixed.csv: 40 rows, over the limit 39 rows (DIEUHANH_MAX_STAGED_ROWS): split it into smaller files",
    ]


#: run `python -m connectors` in a fresh interpreter; at its exit, print which of these modules it had imported
_IMPORTED = """import atexit, runpy, sys
atexit.register(lambda: print("imported:", sorted(m for m in ("ibis", "pandas", "pyarrow") if m in sys.modules)))
sys.argv = ["connectors", *sys.argv[1:]]
runpy.run_module("connectors", run_name="__main__", alter_sys=True)
"""


def test_a_canonical_csv_loads_into_duckdb_without_ibis_pandas_or_pyarrow(pristine, tmp_path):
    """The load command's start-up and a large load's path import neither Ibis, pandas nor PyArrow
    (docs/performance.md, issue 13: ~0.9 s of its start-up): a new file, the same file again (its stored rows read
    into the stage), a changed value (a new vintage) and a dry run."""
    import os
    import subprocess
    import sys

    target = tmp_path / "w.duckdb"
    shutil.copy(pristine, target)
    path = tmp_path / "groups.csv"
    _groups_csv(path, 30_000)
    env = {**os.environ, "DIEUHANH_DB": f"duckdb://{target}", "DIEUHANH_STAGED_BYTES": "0"}
    args = ["load", str(path), "--source", "GSO", "--registry", str(s.REGISTRY_DIR)]

    def run(*extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", _IMPORTED, *args, *extra], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith("imported: []"), done.stdout
        return done.stdout

    assert "loaded; 30000 rows read, 30000 valid, 0 rejected; 30000 new, 0 unchanged" in run()
    assert "unchanged; 30000 rows read, 30000 valid, 0 rejected; 0 new, 30000 unchanged" in run()
    text = path.read_text(encoding="utf-8").replace(
        "\nCPI_GROUP,VN,2000-01,100.0,nhóm 0\n", "\nCPI_GROUP,VN,2000-01,99.5,nhóm 0\n"
    )
    path.write_text(text, encoding="utf-8")
    assert "loaded; 30000 rows read, 30000 valid, 0 rejected; 1 new, 29999 unchanged" in run()
    assert "checked; 30000 rows read, 30000 valid, 0 rejected" in run("--dry-run")
    wh = Warehouse(f"duckdb://{target}")
    assert wh.rows("SELECT count(*), count(DISTINCT vintage) FROM observation") == [(30001, 2)]
    wh.close()


def _screened(path, pristine) -> tuple[bool, int, int]:
    """(the stage's proof that the valid rows' keys are unique, rows coming back from the row rules, valid rows
    sharing a key and vintage with another) for `path` checked against a copy of the pristine warehouse."""
    from datetime import date

    from connectors.checks.codes import KnownCodes
    from semantic.registry import load_registry
    from semantic.scope import Scope
    from warehouse.schema import ONE_VALUE_KEY

    wh = Warehouse(f"duckdb://{pristine}")
    try:
        with staged.stage_connection() as (con, _folder):
            staged.check_file(
                con, path, path.name, "GSO", load_registry(s.REGISTRY_DIR), KnownCodes.load(wh), wh,
                today=date.today(), scope=Scope.system("test"),
            )  # fmt: skip
            proven = con.execute(f"SELECT proven FROM {staged.KEYS_UNIQUE}").fetchone()[0]
            rest = con.execute("SELECT count(*) FROM valid_rest").fetchone()[0]
            key = ONE_VALUE_KEY.format(t="v")
            shared = con.execute(
                f"SELECT count(*) FROM (SELECT {key} FROM valid v GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
    finally:
        wh.close()
    return proven, rest, shared


def test_the_screen_proves_the_valid_keys_unique_only_when_no_row_came_back(pristine, tmp_path):
    """The write skips its within-batch guard (warehouse/load.py _refuse_twice, a group-by over every row) only on
    the stage's proof: over the corpus, the mixed file and a clean file, the proof is given exactly when no row
    came back from the row-by-row rules, and where it is given no two valid rows share a key and vintage."""
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "indicator_code,area_code,period,value\n"
        + "".join(f"RETAIL,VN,2024-{m:02d},{1000 + m}\n" for m in range(1, 13))
    )
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(MIXED, encoding="utf-8")
    seen = {}
    for path in [clean, mixed, *(s.BAD / n for n in CSVS)]:
        if not taken(path):
            continue
        try:
            proven, rest, shared = _screened(path, pristine)
        except staged.Ineligible:
            continue
        assert proven == (rest == 0), path.name
        assert not (proven and shared), path.name
        seen[path.name] = proven
    assert seen["clean.csv"] is True and seen["mixed.csv"] is False
    assert len(seen) >= 20


@pytest.mark.parametrize("proof", [None, False, True])
def test_the_write_refuses_two_values_for_one_key_and_vintage_unless_the_screen_proved_none(proof):
    """The within-batch guard raises SecondValue on two new rows with one key and vintage, in a stage without the
    screen's proof or with it false; with the proof it does not look (the proof is tested above)."""
    from warehouse.load import SecondValue, _refuse_twice

    con = duckdb.connect()
    try:
        con.execute(
            """CREATE TABLE new_rows AS SELECT 'RETAIL' AS indicator_code, 'VN' AS area_code,
               NULL::VARCHAR AS agency_code, NULL::VARCHAR AS category, DATE '2024-01-01' AS period_start, 'M' AS freq,
               'level' AS base, NULL::TIMESTAMP AS vintage, v AS value FROM (VALUES (1.0), (2.0)) t(v)"""
        )
        if proof is not None:
            con.execute(f"CREATE TABLE {staged.KEYS_UNIQUE} AS SELECT {str(proof).lower()} AS proven")
        if proof:
            _refuse_twice(con)
        else:
            with pytest.raises(SecondValue, match="2 values for one key and vintage"):
                _refuse_twice(con)
    finally:
        con.close()
