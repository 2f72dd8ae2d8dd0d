"""A warehouse for the direction pages and CLI tests, built once per test process: the real reference tables, GSO's
real state-budget investment series (gso_vdt.csv) and the direction demo exactly as the seed writes it."""

from __future__ import annotations

import atexit
import contextlib
import io
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from connectors.readers import gso
from connectors.seed import reference
from demo.direction import DirectionDemo
from semantic.__main__ import main as cli_main
from semantic.registry import load_registry
from tests.monitoring_support import using  # noqa: F401 - the pages' tests import it from here too
from warehouse.db import Warehouse
from warehouse.load import write_observations, write_reference

PERSONAS = ("leader", "analyst", "mof", "moc", "hungyen", "none")
DATA = Path(__file__).resolve().parent / "data"


def gso_warehouse(url: str, indicators: tuple[str, ...] | None = None, hold: bool = False) -> Warehouse:
    """A warehouse at `url` with the real registry and reference tables and the tidy GSO series (the batches
    holding any of `indicators`, or all), loaded as the seed loads them (under the load lock with `hold`); open."""
    registry = load_registry()
    wh = Warehouse(url)
    wh.ensure_schema()
    write_reference(wh, reference.tables(registry))
    with wh.holding(snapshot=False) if hold else contextlib.nullcontext():
        for info, frame in gso.batches(registry):
            if indicators is None or frame["indicator_code"].isin(indicators).any():
                write_observations(wh, frame, info)
    return wh


@lru_cache(maxsize=1)
def direction_url() -> str:
    folder = Path(tempfile.mkdtemp(prefix="dieuhanh-direction-"))
    atexit.register(shutil.rmtree, folder, True)
    url = f"duckdb://{folder / 'warehouse.duckdb'}"
    wh = gso_warehouse(url, ("PUBINV_DISB",))
    DirectionDemo().write(wh)
    wh.close()
    return url


def direction_copy(folder: Path, name: str = "warehouse.duckdb") -> str:
    """A copy of the direction pages' warehouse in `folder` (the shared one stays as other tests count it), with
    what another module wrote and no one checkpointed yet; its URL."""
    source = Path(direction_url().removeprefix("duckdb://"))
    shutil.copy(source, folder / name)
    if source.with_name(source.name + ".wal").exists():
        shutil.copy(source.with_name(source.name + ".wal"), folder / (name + ".wal"))
    return f"duckdb://{folder / name}"


def cli(*args: str) -> pd.DataFrame:
    """`python -m semantic query ARGS --format csv`, in-process (the CLI's own code path), as a frame."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["query", *args, "--format", "csv"])
    if code != 0:
        raise AssertionError(f"CLI exit {code}: {err.getvalue()}")
    return pd.read_csv(io.StringIO(out.getvalue()), dtype={"assignee_area": str, "area_code": str})
