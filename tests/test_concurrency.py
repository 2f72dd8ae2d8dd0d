"""A large load while the app reads: readers in another process (and in the loader's own process, as the upload
page is) never see half a batch and are not held for the load's duration — they read the snapshot meanwhile."""

from __future__ import annotations

import threading
import time

import pytest

from tests import concurrency_probe as probe
from warehouse.db import Warehouse
from warehouse.load import SNAPSHOT_ROWS, BatchInfo, write_observations
from warehouse.schema import table

ROWS = 150_000


@pytest.fixture
def url(tmp_path):
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    probe.build(url)
    return url


@pytest.mark.slow
def test_readers_in_another_process_never_see_half_a_batch_nor_wait_for_it(url):
    assert ROWS >= SNAPSHOT_ROWS  # a large batch: written with a snapshot for readers
    got = probe.run(url, ROWS, readers=1, lead=0.3, tail=0.5)
    w, [r] = got["writer"], got["readers"]
    assert w["rows_written"] == ROWS
    assert r["seen"] == [1, 1 + ROWS]  # before, then all of it: never a part
    assert r["reads_during_write"] >= 10  # the reader kept reading while the batch was written
    # it was not held for the write's duration: the file was locked for lock_held_s, readers read the snapshot
    assert r["max_during_write_s"] < max(w["lock_held_s"] * 0.8, 0.3), (r, w)
    assert w["snapshot_copy_s"] is not None
    assert not Warehouse(url)._gate.snapshot_path.exists()  # the snapshot is gone once the batch is in


def test_readers_in_the_loaders_own_process_read_the_snapshot(url):
    wh = Warehouse(url)
    obs = table("observation")
    seen: list[tuple[float, int]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            t = time.monotonic()
            n = int(wh.execute(obs.count()))
            seen.append((time.monotonic() - t, n))

    frame = probe.big_frame(SNAPSHOT_ROWS)
    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    write_observations(wh, frame, BatchInfo(source="probe"))
    write_s = time.monotonic() - t0
    time.sleep(0.2)
    done.set()
    thread.join()
    assert {n for _, n in seen} == {1, 1 + SNAPSHOT_ROWS}
    held = wh._gate.holds[-1]
    assert max(lat for lat, _ in seen) < max(held * 0.8, 0.3), (held, write_s)


def test_a_small_write_makes_readers_wait_only_a_moment(url):
    wh = Warehouse(url)
    write_observations(wh, probe.big_frame(500, seed=1), BatchInfo(source="probe"))
    assert int(wh.execute(table("observation").count())) == 501
    assert wh._gate.holds[-1] < 2.0  # a few hundred rows hold the file for tens of milliseconds (2 s: a busy CI)
    assert not wh._gate.snapshots  # no snapshot for a small batch: copying would cost more than waiting
