"""An incremental pull (`GET /api/v1/data?updated_after=…`) misses no batch when two writers load at once: a batch's
time (`load_batch.loaded_at`, which `updated_after` reads, and the vintage of its rows that bring none) is taken
inside its write transaction once the write lock is held, so batches' times follow the order they commit in.

Before, the time was taken before the writer waited for the lock: the batch stamped first could commit second, and
a pull made between the two commits was told to ask next from a time later than that batch's. DuckDB and PostgreSQL.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from tests import intake_support as s
from tests.concurrency_probe import big_frame
from warehouse.db import Warehouse
from warehouse.exchange import changes_after, latest_load
from warehouse.load import BatchInfo, LoadResult, write_observations
from warehouse.schema import table

ROOT = Path(__file__).resolve().parent.parent
#: seconds the first writer is left waiting for the lock: long enough for it to have taken its time if it does so
#: before waiting (it has nothing else to do first), short for the suite
WAIT = 0.6


@pytest.fixture(scope="module")
def wh(backend_url: str) -> Iterator[Warehouse]:
    warehouse, _ = s.build(backend_url)
    yield warehouse
    warehouse.close()


def _batch(wh: Warehouse, batch_id: str) -> pd.Series:
    b = table("load_batch")
    return wh.execute(b.filter(b.batch_id == batch_id)).iloc[0]


def _vintages(wh: Warehouse, batch_id: str) -> set[pd.Timestamp]:
    obs = table("observation")
    return set(pd.to_datetime(wh.execute(obs.filter(obs.batch_id == batch_id).vintage.name("v"))))


@contextmanager
def _write_lock(wh: Warehouse) -> Iterator[None]:
    """This thread holds the warehouse's write lock (the file's read-write connection on DuckDB, the connection's
    lock on PostgreSQL): every other thread's write, and its reads on DuckDB, wait; this thread may still write."""
    with wh.holding(snapshot=False), wh.lock:
        yield


def test_a_pull_between_two_commits_then_one_after_misses_no_batch(wh):
    start = latest_load(wh) or datetime(2000, 1, 1)
    got: dict[str, LoadResult | BaseException] = {}

    def first_writer() -> None:
        try:
            got["a"] = write_observations(wh, big_frame(300, seed=11), BatchInfo(source="writer-a"))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            got["a"] = exc

    with _write_lock(wh):
        thread = threading.Thread(target=first_writer)
        thread.start()
        time.sleep(WAIT)  # writer A has started its batch and waits for the lock held here
        assert "a" not in got
        b = write_observations(wh, big_frame(200, seed=12), BatchInfo(source="writer-b"))
        assert b.rows_written == 200
        between = changes_after(wh, start)  # a pull after B's commit, before A's
        assert set(between.keys["batch_id"]) == {b.batch_id}
    thread.join(60)
    a = got["a"]
    assert isinstance(a, LoadResult), a
    assert a.rows_written == 300

    after = changes_after(wh, between.next_after)  # the next pull, from the time the first one handed out
    assert set(after.keys["batch_id"]) == {a.batch_id}, "a batch that committed after the first pull was missed"
    assert len(after.keys) == 300
    # A committed second, so its time is later; its rows' vintage (none given) is that time
    loaded_a, loaded_b = _batch(wh, a.batch_id)["loaded_at"], _batch(wh, b.batch_id)["loaded_at"]
    assert loaded_a > loaded_b
    assert _vintages(wh, a.batch_id) == {pd.Timestamp(loaded_a)}
    assert _vintages(wh, b.batch_id) == {pd.Timestamp(loaded_b)}
    assert changes_after(wh, after.next_after).keys.empty


HOLDER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from warehouse.db import Warehouse

    wh = Warehouse(sys.argv[1])
    with wh.transaction() as con:
        wh.batch_instant(con)  # another batch writer, in its transaction with the write lock
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
        print(datetime.now(UTC).replace(tzinfo=None).isoformat(), flush=True)
    print("released", flush=True)
    """
)


def test_a_batch_started_while_another_process_writes_is_timed_after_that_write(wh):
    """The lock is held by another process (another connection): the batch's time is taken after it is released."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, wh.url, str(WAIT * 2)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held", holder.stderr.read()
        result = write_observations(wh, big_frame(100, seed=21), BatchInfo(source="writer-c"))
        released = datetime.fromisoformat(holder.stdout.readline().strip())
        assert holder.wait(60) == 0, holder.stderr.read()
    finally:
        if holder.poll() is None:
            holder.kill()
    loaded = _batch(wh, result.batch_id)["loaded_at"]
    assert pd.Timestamp(loaded) > pd.Timestamp(released), (loaded, released)
    assert _vintages(wh, result.batch_id) == {pd.Timestamp(loaded)}


@pytest.mark.parametrize("given", [["2024-01-31 23:59:59"] * 4, ["2024-03-31 23:59:59", None] * 2])
def test_whole_second_vintages_read_from_a_file_are_written(wh, given):
    """Vintages held as datetime64[s] (the World Bank reader's, in the seed), all given or beside rows that bring
    none (those get the batch's time, microseconds and all): the seed failed here with a TypeError once the batch's
    time was taken inside the transaction."""
    frame = big_frame(4, seed=31 + len(set(given))).reset_index(drop=True)
    frame["vintage"] = pd.Series(pd.to_datetime(given)).astype("datetime64[s]")  # as the World Bank reader gives them
    result = write_observations(wh, frame, BatchInfo(source="whole-seconds"))
    loaded = pd.Timestamp(_batch(wh, result.batch_id)["loaded_at"])
    expected = {pd.Timestamp(v) if v else loaded for v in given}
    assert _vintages(wh, result.batch_id) == expected
