"""The performance suite's answers, on a small synthetic warehouse: rollups answer exactly as the raw facts do for
every suite query and persona (DuckDB and PostgreSQL), hand-written SQL agrees with the layer, and the same model
and queries give the same answers on DuckDB, PostgreSQL and Spark (local mode, through Ibis' PySpark backend)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import engines, suite
from bench.synth import Size, build
from semantic import compiled, preagg
from semantic.access import persona_scope
from semantic.model import MODELS_DIR, load_model
from semantic.query import compile, run, to_sql
from warehouse import rollups

ROOT = Path(__file__).resolve().parents[1]

#: 32 monthly indicators, 1 daily, VN + 14 provinces (Hưng Yên's 33 among them), 2021-2025: ~100 k rows
SIZE = Size(monthly=32, daily=1, provinces=14, first_year=2021)
PERSONAS = ("leader", "analyst", "mof", "moc", "hungyen")
CASES = suite.cases(SIZE)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    wh, _, n = build(f"duckdb://{folder / 'bench.duckdb'}", SIZE, folder / "registry")
    model = load_model(MODELS_DIR, folder / "registry")
    preagg.refresh(wh, model)
    yield wh, model, n
    wh.close()


#: the rollups the model declares for the synthetic registry (no quarterly indicator): levels and the comparisons
ROLLUPS = {"monthly_current", "monthly_current__yoy", "monthly_current__ytd", "yearly_current"}


def answers(wh, model, persona: str, use_rollups: bool) -> dict[tuple[str, int], list[tuple]]:
    """Every spec of every suite case, as `persona` sees it."""
    scope = persona_scope(persona)
    return {
        (case.name, i): suite.rows(run(spec, model, scope, wh, use_rollups=use_rollups))
        for case in CASES
        for i, spec in enumerate(case.specs)
    }


def test_the_synthetic_warehouse_has_what_the_suite_needs(synthetic):
    wh, model, n = synthetic
    assert n == 104_193  # deterministic: the same size always gives the same rows
    assert set(rollups.fresh(wh).codes) == ROLLUPS
    overview = run(CASES[0].specs[0], model, persona_scope("leader"), wh)
    assert sorted(set(overview["indicator_code"])) == sorted(suite.kpis(SIZE))
    assert len(overview) == 30 * 36  # 30 KPIs x 36 months (2023-2025) at VN


def test_rollups_answer_every_suite_query_exactly_as_the_raw_facts_do(synthetic):
    wh, model, _ = synthetic
    for persona in PERSONAS:
        raw, rolled = answers(wh, model, persona, False), answers(wh, model, persona, True)
        assert rolled == raw, persona
        assert any(raw.values()), persona


def test_the_compiler_reads_a_rollup_only_where_it_answers_exactly(synthetic):
    wh, model, _ = synthetic
    fresh = rollups.fresh(wh)

    def uses_rollup(case: suite.Case, persona: str) -> bool:
        return "rollup_monthly_current" in to_sql(compile(case.specs[0], model, persona_scope(persona), fresh))

    by_name = {c.name: c for c in CASES}
    assert uses_rollup(by_name["overview"], "leader")
    assert uses_rollup(by_name["persona_overview"], "hungyen")  # an area scope only picks output units
    assert not uses_rollup(by_name["overview"], "mof")  # a ministry sums its own breakdown rows: raw facts
    assert not uses_rollup(by_name["explore_3d_2f"], "analyst")  # filters on raw rows and an agency breakdown
    # the overview's comparisons are read ready-made from their own rollups (preaggregations.yml: comparisons)
    level, yoy, ytd = (to_sql(compile(s, model, persona_scope("leader"), fresh)) for s in by_name["overview"].specs)
    assert "rollup_monthly_current__" not in level
    assert "rollup_monthly_current__yoy" in yoy and "ROW_NUMBER" not in yoy.upper()
    assert "rollup_monthly_current__ytd" in ytd
    mof_yoy = to_sql(compile(by_name["overview"].specs[1], model, persona_scope("mof"), fresh))
    assert "rollup_" not in mof_yoy


def test_a_load_rebuilds_the_rollups_in_its_own_transaction(synthetic, tmp_path):
    from datetime import datetime

    import pandas as pd

    from warehouse.load import BatchInfo, write_observations

    wh, model, _ = synthetic
    spec = CASES[0].specs[0].with_(time_from="2025-12", time_to="2025-12")
    before = run(spec, model, persona_scope("leader"), wh)
    row = before[before["indicator_code"] == "M0000"].iloc[0]
    frame = pd.DataFrame(
        [
            {
                "indicator_code": "M0000",
                "area_code": "VN",
                "agency_code": None,
                "category": None,
                "period_start": row["period_start"].date(),
                "freq": "M",
                "base": "level",
                "value": 12345.0,
                "status": "revised",
                "source": "test",
                "vintage": datetime(2026, 6, 1),
            }
        ]
    )
    write_observations(wh, frame, BatchInfo(source="test"))
    assert rollups.fresh(wh).codes  # rebuilt for the new data version, not dropped
    after = run(spec, model, persona_scope("leader"), wh)
    assert after[after["indicator_code"] == "M0000"]["value"].tolist() == [12345.0]
    assert suite.rows(after) == suite.rows(run(spec, model, persona_scope("leader"), wh, use_rollups=False))
    # the comparison rollups are rebuilt after the rollup they read: the new value is in this year's change too
    for compare in ("yoy", "ytd"):
        changed = spec.with_(compare=compare)
        rolled = run(changed, model, persona_scope("leader"), wh)
        assert suite.rows(rolled) == suite.rows(run(changed, model, persona_scope("leader"), wh, use_rollups=False))
        assert not rolled[rolled["indicator_code"] == "M0000"].empty


def test_hand_written_sql_agrees_with_the_semantic_layer(synthetic):
    wh, model, _ = synthetic
    for case in CASES:
        scope = persona_scope(case.persona)
        for spec, sql in zip(case.specs, case.hand, strict=True):
            with wh.lock:
                hand = wh.con.con.execute(sql).df()
            assert suite.same(hand, run(spec, model, scope, wh, use_rollups=False)), case.name


def test_the_compile_cache_serves_a_repeated_query_without_compiling(synthetic):
    wh, model, _ = synthetic
    spec, scope = CASES[1].specs[0], persona_scope("analyst")
    compiled.clear()
    first = run(spec, model, scope, wh)
    assert (compiled.stats.hits, compiled.stats.misses) == (0, 1)
    again = run(spec, model, scope, wh)
    assert (compiled.stats.hits, compiled.stats.misses) == (1, 1)
    assert suite.rows(first) == suite.rows(again)
    run(spec, model, persona_scope("hungyen"), wh)  # another scope is another entry
    assert compiled.stats.misses == 2


def test_a_restarted_server_reads_the_persisted_sql_for_its_own_grant_only(synthetic, tmp_path, monkeypatch):
    """The app's compiled queries kept in a file (semantic/compiled.py `persist`): a restarted process reads a
    query's SQL instead of compiling it, gets the same rows, and another grant is compiled for itself; a change to
    the code or model (the fingerprint) compiles anew and the next start drops the older entries."""
    wh, model, _ = synthetic
    spec = CASES[1].specs[0]
    analyst, hungyen = persona_scope("analyst"), persona_scope("hungyen")
    compiled.clear()
    truth = {p: suite.rows(run(spec, model, s, wh)) for p, s in (("analyst", analyst), ("hungyen", hungyen))}
    assert truth["analyst"] != truth["hungyen"]  # the grants see different rows
    store = tmp_path / "sql.jsonl"
    compiled.clear()
    compiled.persist(store, model)
    try:
        assert suite.rows(run(spec, model, analyst, wh)) == truth["analyst"]
        assert (compiled.stats.misses, compiled.stats.loaded) == (1, 0)  # compiled, and kept
        assert store.stat().st_mode & 0o777 == 0o600
        kept = [json.loads(line) for line in store.read_text(encoding="utf-8").splitlines() if line]
        assert len(kept) == 1 and set(kept[0]) == {"digest", "fingerprint", "sql", "schema"}  # SQL and types only
        compiled.clear()  # a restarted server
        assert suite.rows(run(spec, model, analyst, wh)) == truth["analyst"]
        assert (compiled.stats.misses, compiled.stats.loaded) == (0, 1)  # read, not compiled
        assert suite.rows(run(spec, model, hungyen, wh)) == truth["hungyen"]
        assert (compiled.stats.misses, compiled.stats.loaded) == (1, 1)  # another grant: compiled for itself
        with store.open("a", encoding="utf-8") as fh:
            fh.write('{"digest": "cut sh')  # a line cut by a kill: skipped
        monkeypatch.setattr(compiled, "_fingerprint", "another build of the code")
        compiled.clear()
        assert suite.rows(run(spec, model, analyst, wh)) == truth["analyst"]
        assert (compiled.stats.misses, compiled.stats.loaded) == (1, 0)  # other code: compiled anew
        compiled.persist(store, model)  # the next start keeps only what this code compiled
        kept = [json.loads(line) for line in store.read_text(encoding="utf-8").splitlines() if line]
        assert [k["fingerprint"] for k in kept] == ["another build of the code"]
    finally:
        compiled.persist(None)
        compiled.clear()


OTHER_PROCESS = """
import sys
from pathlib import Path
from bench import suite
from bench.synth import Size
from semantic import compiled
from semantic.access import persona_scope
from semantic.model import MODELS_DIR, load_model
from semantic.query import run
from warehouse.db import Warehouse
url, registry, store = sys.argv[1:4]
model = load_model(MODELS_DIR, Path(registry))
compiled.persist(Path(store), model)
spec = suite.cases(Size(monthly=32, daily=1, provinces=14, first_year=2021))[1].specs[0]
print(len(run(spec, model, persona_scope("analyst"), Warehouse(url))), compiled.stats.misses)
"""


def test_another_process_reads_the_sql_this_one_kept(synthetic, tmp_path):
    """A deployment's second process (or the server after a restart) finds the entry the first one wrote: the
    digest is the same in every process — no per-process salt in it (a string's hash() is salted)."""
    wh, model, _ = synthetic
    spec = CASES[1].specs[0]
    store = tmp_path / "sql.jsonl"
    res = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, wh.url, str(wh.path.parent / "registry"), str(store)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    rows, misses = map(int, res.stdout.split())
    assert misses == 1 and store.exists()  # compiled there, and kept
    compiled.clear()
    compiled.persist(store, model)
    try:
        assert len(run(spec, model, persona_scope("analyst"), wh)) == rows
        assert (compiled.stats.misses, compiled.stats.loaded) == (0, 1)  # read here, not compiled again
    finally:
        compiled.persist(None)
        compiled.clear()


def test_postgres_gives_the_same_answers_with_and_without_rollups(synthetic, pg_url):
    wh, model, _ = synthetic
    pg = engines.to_postgres(pg_url, engines.arrow_tables(wh))
    try:
        preagg.refresh(pg, model)
        assert set(rollups.fresh(pg).codes) == ROLLUPS
        for persona in PERSONAS:
            on_duckdb = answers(wh, model, persona, False)
            assert answers(pg, model, persona, False) == on_duckdb, persona
            assert answers(pg, model, persona, True) == on_duckdb, persona
    finally:
        pg.close()


@pytest.mark.spark
def test_spark_gives_the_same_answers(synthetic, tmp_path):
    wh, model, _ = synthetic
    session = engines.spark_session(tmp_path)
    try:
        con = engines.to_spark(session, engines.arrow_tables(wh), tmp_path / "tables")
        for persona in ("leader", "mof", "hungyen"):
            scope = persona_scope(persona)
            for case in CASES:
                for spec in case.specs:
                    on_spark = con.execute(compile(spec, model, scope))
                    on_duckdb = run(spec, model, scope, wh, use_rollups=False)
                    assert suite.rows(on_spark) == suite.rows(on_duckdb), (persona, case.name, spec)
    finally:
        session.stop()


def test_a_large_extract_written_in_parts_is_the_same_file(synthetic, monkeypatch):
    import io

    from semantic import extract
    from semantic.spec import QuerySpec

    wh, model, _ = synthetic
    spec = QuerySpec(indicators=suite.extract_codes(SIZE), time_from="2021-01")
    scope = persona_scope("analyst")
    info = extract.prepare(spec, model, scope, wh)

    def write(part_size: int) -> tuple[int, bytes]:
        monkeypatch.setattr(extract, "PART_INDICATORS", part_size)
        buf = io.BytesIO()
        return extract.write_csv(spec, model, scope, wh, buf, info), buf.getvalue()

    whole, parts = write(1000), write(5)  # one COPY; seven COPYs of <= 5 indicators
    assert parts == whole
    assert whole[0] == info.rows == 32 * 15 * 60
    assert whole[1].count(b"\n") == len(info.lines) + 1 + info.rows  # metadata, one header, every row


def test_a_spec_answered_from_one_rollup_reads_it_once(synthetic):
    """The overview's indicators fall in several groups (flows, stocks, indices aggregate differently); read as they
    stand from one rollup table they are one read, not one per group, with the same rows."""
    wh, model, _ = synthetic
    fresh = rollups.fresh(wh)
    overview = next(c for c in CASES if c.name == "overview")
    for spec in overview.specs:
        sql = to_sql(compile(spec, model, persona_scope("leader"), fresh))
        assert sql.count('"rollup_monthly_current') == 1, sql
        assert "UNION" not in sql.upper()
    # a ministry's overview reads the raw facts: its groups stay apart
    assert "UNION" in to_sql(compile(overview.specs[0], model, persona_scope("mof"), fresh)).upper()


def test_results_are_converted_as_ibis_converts_them(synthetic):
    """warehouse/fastsql builds the result frame column by column; it is the frame Ibis' own conversion gives,
    values and dtypes, for every suite query, with and without rollups (null-bearing text, dates, timestamps)."""
    import pandas as pd

    from semantic.query import _compiled
    from warehouse import fastsql

    wh, model, _ = synthetic
    for case in CASES:
        for use_rollups in (False, True):
            for spec in case.specs:
                c = _compiled(spec, model, persona_scope(case.persona), wh, use_rollups)
                with wh.lock:
                    table = wh.con.con.execute(c.sql).to_arrow_table()
                ours, theirs = fastsql._convert(table, c.schema), fastsql._convert_as_ibis(table, c.schema)
                assert list(ours.dtypes) == list(theirs.dtypes)
                pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
                assert len(ours) > 0, case.name


def test_the_rollup_definitions_do_not_depend_on_string_hashing(synthetic):
    """`preagg.ensure` compares the stored definitions with the model's: SQL whose text changed with a process's
    hash seed (Ibis keeps a drop's column names as a set: `EXCLUDE ("_rn", "_prio")` in either order) rebuilt
    every rollup in about every other process (54 s at 50 M rows). Each drop names one column now."""
    import re

    _, model, _ = synthetic
    defs = preagg.definitions(model, "duckdb")
    assert {"monthly_current__yoy", "monthly_current__ytd"} <= set(defs)
    for name, d in defs.items():
        assert not re.search(r"EXCLUDE\s*\([^)]*,", d.sql), name
    assert preagg.definitions(model, "duckdb") == defs
