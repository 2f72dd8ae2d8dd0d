"""Helpers for the monitoring-page tests: the real warehouse built once per test process (connectors.seed into a
temporary folder), and the CLI's answer for a query (`python -m semantic query`, run in-process)."""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pandas as pd

from connectors.seed import seed
from semantic.__main__ import main as cli_main
from warehouse.db import Warehouse, reset_shared

PERSONAS = ("leader", "analyst", "mof", "moc", "hungyen", "none")


#: a warehouse already built by `python -m connectors seed`, for quick local reruns (the test command never sets it)
PREBUILT_ENV = "DIEUHANH_TEST_REAL_DB"


@lru_cache(maxsize=1)
def real_warehouse_url() -> str:
    """The product's own warehouse (data/ through connectors.seed), built once per process in a temp folder."""
    if os.environ.get(PREBUILT_ENV):
        return os.environ[PREBUILT_ENV]
    folder = Path(tempfile.mkdtemp(prefix="dieuhanh-real-"))
    atexit.register(shutil.rmtree, folder, True)
    url = f"duckdb://{folder / 'warehouse.duckdb'}"
    wh = Warehouse(url)
    seed(wh)
    wh.close()
    return url


@contextlib.contextmanager
def using(url: str) -> Iterator[None]:
    """DIEUHANH_DB=url for the block: the app (AppTest) and the CLI read the warehouse from it."""
    before = os.environ.get("DIEUHANH_DB")
    os.environ["DIEUHANH_DB"] = url
    reset_shared()
    try:
        yield
    finally:
        reset_shared()
        if before is None:
            os.environ.pop("DIEUHANH_DB", None)
        else:
            os.environ["DIEUHANH_DB"] = before


def cli(*args: str, persona: str = "leader") -> pd.DataFrame:
    """`python -m semantic query ARGS --persona P --format json` as a frame (the CLI's own code path)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["query", *args, "--persona", persona, "--format", "json"])
    if code != 0:
        raise AssertionError(f"CLI exit {code}: {err.getvalue()}")
    return pd.DataFrame(json.loads(out.getvalue()))
