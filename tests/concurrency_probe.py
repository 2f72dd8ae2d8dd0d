"""A loader process and a reader loop on one DuckDB file: what readers see during a large load, and how long they
wait. Used by tests/test_concurrency.py (small) and, by hand, for the numbers in docs/concurrency.md:

    python -m tests.concurrency_probe --rows 1000000 --readers 2
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import time
from datetime import date

import numpy as np
import pandas as pd

from connectors.worker import _plain_main
from tests import intake_support as s
from warehouse.db import Warehouse
from warehouse.load import BatchInfo, write_observations
from warehouse.schema import table


def big_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    """`rows` monthly retail observations over many (area, category) series: one batch."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2000-01-01", "2024-12-01", freq="MS").date
    n_series = -(-rows // len(months))
    periods = np.tile(months, n_series)[:rows]
    series = np.repeat(np.arange(n_series), len(months))[:rows]
    return pd.DataFrame(
        {
            "indicator_code": "CPI_GROUP",
            "area_code": "VN",
            "agency_code": None,
            "category": [f"nhóm {i}" for i in series],
            "period_start": periods,
            "freq": "M",
            "base": "yoy",
            "value": rng.normal(3, 1, rows).round(4),
            "status": "official",
            "source": "probe",
            "vintage": pd.NaT,
        }
    )


def build(url: str) -> None:
    wh, _ = s.build(url)
    seed = pd.DataFrame(
        {
            "indicator_code": "RETAIL",
            "area_code": "VN",
            "agency_code": None,
            "category": None,
            "period_start": [date(2025, 1, 1)],
            "freq": "M",
            "base": "level",
            "value": [575830.29],
            "status": "official",
            "source": "probe",
            "vintage": pd.NaT,
        }
    )
    write_observations(wh, seed, BatchInfo(source="probe"))
    wh.close()


def writer(url: str, rows: int, out: mp.Queue) -> None:
    frame = big_frame(rows)
    wh = Warehouse(url)
    t0 = time.time()
    result = write_observations(wh, frame, BatchInfo(source="probe", file_name="big.csv", loaded_by="probe"))
    t1 = time.time()
    gate = wh._gate
    waits = [w for write, w in gate.waits if write] if gate else []
    out.put(
        {
            "start": t0,
            "end": t1,
            "write_s": t1 - t0,
            "rows_written": result.rows_written,
            "writer_wait_s": max(waits, default=0.0),
            "lock_held_s": max(gate.holds, default=0.0) if gate else 0.0,
            "snapshot_copy_s": max(gate.snapshots, default=None) if gate else None,
            "file_mb": round(wh.path.stat().st_size / 1e6, 1) if wh.path else None,
        }
    )


def reader(url: str, out: mp.Queue, ready: mp.Queue, stop: mp.Event) -> None:
    """Counts observations again and again until told to stop: (wall time, latency, count) of every read. Says it
    is ready after its first read (a spawned process takes seconds to import on a busy machine)."""
    wh = Warehouse(url)
    obs = table("observation")
    reads: list[tuple[float, float, int]] = []
    while not stop.is_set():
        t = time.time()
        n = int(wh.execute(obs.count()))
        reads.append((t, time.time() - t, n))
        if len(reads) == 1:
            ready.put(True)
    out.put(reads)


def summary(reads: list[tuple[float, float, int]], w: dict) -> dict:
    lat = [r[1] for r in reads]
    during = [r[1] for r in reads if w["start"] <= r[0] <= w["end"]]
    return {
        "seen": sorted({r[2] for r in reads}),
        "reads": len(reads),
        "reads_during_write": len(during),
        "max_s": max(lat),
        "p50_s": statistics.median(lat),
        "p99_s": float(np.percentile(lat, 99)),
        "max_during_write_s": max(during, default=0.0),
    }


def run(url: str, rows: int, readers: int = 1, lead: float = 0.5, tail: float = 1.0) -> dict:
    """Readers start, the writer starts `lead` s after each has read once; readers go on `tail` s after the writer
    is done."""
    ctx = mp.get_context("spawn")  # fresh processes: no DuckDB handle inherited
    q_w, q_r, q_ready = ctx.Queue(), ctx.Queue(), ctx.Queue()
    stop = ctx.Event()
    procs = [ctx.Process(target=reader, args=(url, q_r, q_ready, stop)) for _ in range(readers)]
    # spawn re-runs the parent's __main__ in the child: after an AppTest in the same pytest process that is app.py
    with _plain_main():
        for p in procs:
            p.start()
    for _ in procs:
        q_ready.get(timeout=600)  # every reader has read once before the writer starts
    time.sleep(lead)
    w = ctx.Process(target=writer, args=(url, rows, q_w))
    with _plain_main():
        w.start()
    wres = q_w.get(timeout=900)
    w.join()
    time.sleep(tail)
    stop.set()
    rres = [summary(q_r.get(timeout=600), wres) for _ in procs]
    for p in procs:
        p.join()
    return {"rows": rows, "writer": wres, "readers": rres}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--readers", type=int, default=2)
    ap.add_argument("--path", default="/tmp/dieuhanh-probe.duckdb")
    args = ap.parse_args(argv)
    for suffix in ("", ".wal"):
        try:
            import os

            os.remove(args.path + suffix)
        except FileNotFoundError:
            pass
    url = f"duckdb://{args.path}"
    build(url)
    print(json.dumps(run(url, args.rows, args.readers), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
