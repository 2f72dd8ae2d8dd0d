"""semantic/sqlopt.py on hand-written SQL over a tiny DuckDB table: a subquery repeated across the branches of a
union is hoisted once into a materialised CTE, one repeated inside it in a later round, nothing is hoisted twice, and
the answers equal the query's before the rewrite."""

from __future__ import annotations

import duckdb
import pytest

from semantic.sqlopt import optimise

SHARED = 'SELECT * FROM "facts" AS "f" WHERE "f"."area" IN (\'VN\')'
UNION = (
    f'SELECT "t0"."code", SUM("t0"."v") AS "v" FROM ({SHARED}) AS "t0" GROUP BY 1 '
    f'UNION ALL SELECT "t1"."code", MAX("t1"."v") AS "v" FROM ({SHARED}) AS "t1" GROUP BY 1'
)
NESTED = (
    f'SELECT "a"."code", "a"."v" FROM (SELECT "x"."code", "x"."v" FROM ({SHARED}) AS "x" JOIN ({SHARED}) AS "y" '
    f'ON "x"."code" = "y"."code") AS "a" '
    f'UNION ALL SELECT "b"."code", "b"."v" FROM (SELECT "x"."code", "x"."v" FROM ({SHARED}) AS "x" '
    f'JOIN ({SHARED}) AS "y" ON "x"."code" = "y"."code") AS "b"'
)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("CREATE TABLE facts (code VARCHAR, area VARCHAR, v DOUBLE)")
    c.execute("INSERT INTO facts VALUES ('CPI','VN',1),('CPI','VN',2),('CPI','01',40),('IIP','VN',5),('IIP','33',7)")
    return c


def _rows(con, sql: str) -> list[tuple]:  # noqa: ANN001
    return sorted(con.execute(sql).fetchall())


def test_a_subquery_repeated_across_a_union_becomes_one_materialised_cte(con):  # noqa: ANN001
    out = optimise(UNION, "duckdb")
    assert out.count("AS MATERIALIZED") == 1
    assert out.count('"facts"') == 1  # the table is read once
    assert _rows(con, out) == _rows(con, UNION) == [("CPI", 2.0), ("CPI", 3.0), ("IIP", 5.0), ("IIP", 5.0)]


def test_nested_repeats_are_hoisted_in_rounds_and_never_twice(con):  # noqa: ANN001
    out = optimise(NESTED, "duckdb")
    # round 0 hoists the join (repeated in both branches), round 1 the filtered facts inside it (twice in the join)
    assert out.count("AS MATERIALIZED") == 2, out
    assert out.count('"facts"') == 1, out
    assert _rows(con, out) == _rows(con, NESTED)
    # VN rows: CPI 1, CPI 2, IIP 5; joined on code: 2 x 2 CPI pairs + 1 IIP pair, in each of the 2 branches
    assert len(_rows(con, out)) == 2 * (2 * 2 + 1 * 1)


def test_nothing_repeated_leaves_the_query_as_it_was(con):  # noqa: ANN001
    single = f'SELECT "t0"."code" FROM ({SHARED}) AS "t0"'
    assert "MATERIALIZED" not in optimise(single, "duckdb")
    assert _rows(con, optimise(single, "duckdb")) == [("CPI",), ("CPI",), ("IIP",)]
