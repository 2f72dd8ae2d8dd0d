"""`python -m bench.app_render`: the overview page's server-side render (Streamlit AppTest, persona leader) on the
real warehouse (data/ through connectors.seed, kept in --dir), cold and warm, and how many queries each rerun ran.

cold: a fresh process' first render (model loaded, compile and result caches empty); warm: the next render (the
results come from st.cache_data); after a load: the results cache cleared (a new data version) with the compile
cache still warm."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.app_render", description=__doc__)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "dieuhanh-bench")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / "real.duckdb"
    done = args.dir / "real.done"
    url = f"duckdb://{db}"

    from semantic import preagg, query
    from warehouse.db import Warehouse, reset_shared

    if not done.exists():
        from connectors.seed import seed

        db.unlink(missing_ok=True)
        start = time.perf_counter()
        wh = Warehouse(url)
        seed(wh)
        print(f"seed: real warehouse built in {time.perf_counter() - start:.1f} s -> {db}", flush=True)
        wh.close()
        done.write_text("ok")
    wh = Warehouse(url)
    preagg.ensure(wh)
    wh.close()
    os.environ["DIEUHANH_DB"] = url
    reset_shared()

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    calls: Counter[str] = Counter()
    real_run = query.run

    def counting_run(spec, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls[spec.to_json()] += 1
        return real_run(spec, *a, **kw)

    query.run = counting_run  # execute() looks `run` up at call time: every query of the page passes here

    def render() -> tuple[float, int, int]:
        calls.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["persona"] = "leader"
        start = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - start
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
        return seconds, sum(calls.values()), max(calls.values(), default=0)

    cold, n_cold, dup_cold = render()
    warm = [render() for _ in range(args.reps)]
    after_load = []
    for _ in range(args.reps):
        st.cache_data.clear()
        after_load.append(render())
    w = statistics.median(r[0] for r in warm)
    a = statistics.median(r[0] for r in after_load)
    print(f"overview_render_cold_ms={cold * 1000:.0f} (queries run: {n_cold}, most runs of one spec: {dup_cold})")
    print(f"overview_render_warm_ms={w * 1000:.0f} (queries run: {warm[-1][1]})")
    print(f"overview_render_after_load_ms={a * 1000:.0f} (queries run: {after_load[-1][1]}, compile cache warm)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
