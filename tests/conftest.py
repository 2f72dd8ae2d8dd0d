"""Shared fixtures: warehouses on DuckDB files and on throwaway PostgreSQL databases (started by tests/run.sh)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping

import pandas as pd
import pytest
from hypothesis import settings

from tests.support import PG_MISSING, create_pg_database, drop_pg_database, pg_server_url
from tests.support import make_warehouse as _make_warehouse
from warehouse.db import Warehouse

# The machine is shared and small: a slow example is not a failure. CI replays the same examples on every run.
settings.register_profile("dieuhanh", deadline=None, print_blob=True)
settings.register_profile("ci", parent=settings.get_profile("dieuhanh"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "dieuhanh")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that asks for a PostgreSQL database is a postgres test, whether or not its author marked it.
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
    items[:] = _long_files_first(items)


def _long_files_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """Whole files in the order two workers should start them (tests/run.sh passes `--no-loadscope-reorder`, so
    pytest-xdist hands files out in this order): the browser and server files, then the other `slow` and `spark`
    ones, then by number of tests as xdist would. Started last, the browser walk alone kept one worker busy for the
    run's last 12 minutes (ci6's order)."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def rank(group: list[pytest.Item]) -> tuple[int, int]:
        marks = {m.name for item in group for m in item.iter_markers()}
        return (0 if "e2e" in marks else 1 if marks & {"slow", "spark"} else 2, -len(group))

    return [item for group in sorted(files.values(), key=rank) for item in group]


@pytest.fixture(autouse=True)
def _main_module_back() -> Iterator[None]:
    """`__main__` as it was before each test: an AppTest run sets it to the page script's module (app.py) and leaves
    it there, and a process spawned later in the session (the concurrency probe's readers, an upload worker) re-runs
    `__main__`'s file — the whole app — and dies before doing its work (the probe then waits out its timeouts)."""
    saved = sys.modules.get("__main__")
    yield
    if saved is not None:
        sys.modules["__main__"] = saved


def _label(request: pytest.FixtureRequest) -> str:
    return request.module.__name__.rsplit(".", 1)[-1] if request.module else request.node.name


def _fresh_pg_database(request: pytest.FixtureRequest) -> Iterator[str]:
    server = pg_server_url()
    if server is None:
        # Never skip: a postgres test that cannot run has failed (the project counts no skipped test as a pass).
        pytest.fail(PG_MISSING, pytrace=False)
    url = create_pg_database(server, _label(request))
    try:
        yield url
    finally:
        drop_pg_database(server, url)


@pytest.fixture
def intake_wh(tmp_path) -> Iterator[Warehouse]:
    """A fresh intake warehouse (tests/intake_support.py: reference data only) in a DuckDB file of the test's own."""
    from tests import intake_support

    warehouse, _ = intake_support.build(f"duckdb://{tmp_path / 'w.duckdb'}")
    yield warehouse
    warehouse.close()


@pytest.fixture
def tmp_duckdb_url(tmp_path) -> str:
    """A DuckDB file URL in the test's own temporary folder (the file is created on first connect)."""
    return f"duckdb://{tmp_path / 'w.duckdb'}"


@pytest.fixture(scope="module")
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for the test module, dropped after it. Fails if no server is configured."""
    yield from _fresh_pg_database(request)


@pytest.fixture(
    scope="module",
    params=[pytest.param("duckdb", id="duckdb"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)],
)
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty warehouse URL for the module, once per backend: the same tests run on DuckDB and on PostgreSQL."""
    if request.param == "duckdb":
        yield f"duckdb://{tmp_path_factory.mktemp('duckdb') / 'w.duckdb'}"
    else:
        yield from _fresh_pg_database(request)


@pytest.fixture
def make_warehouse() -> Iterator[Callable[[str, Mapping[str, pd.DataFrame]], Warehouse]]:
    """`make_warehouse(url, {table: frame})` -> Warehouse with the schema created and the frames inserted.

    Warehouses made through the fixture are closed after the test; module-scoped fixtures can call
    `tests.support.make_warehouse` directly and close the warehouse themselves.
    """
    made: list[Warehouse] = []

    def make(url: str, frames: Mapping[str, pd.DataFrame]) -> Warehouse:
        wh = _make_warehouse(url, frames)
        made.append(wh)
        return wh

    yield make
    for wh in made:
        wh.close()
