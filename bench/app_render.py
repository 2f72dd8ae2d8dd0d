"""`python -m bench.app_render`: every page x persona rendered server-side (Streamlit AppTest) on the real warehouse
(data/ through connectors.seed, kept in --dir), cold and warm, against the page budgets of issue 18: cold <= 2 s,
warm <= 0.5 s from the run request to the script's end. Exits 1 when any render misses its budget.

cold: the page's run for that persona with every cache a restarted server process starts with empty (the results
cache `st.cache_data` and the in-memory compile cache cleared just before it; the model stays loaded, as a server
loads it once at start). The compiled SQL the app keeps in a file (semantic/compiled.py `persist`) stays, as it does
for a restarted server: a query compiled by an earlier run of the app is read, one never compiled is compiled.
`--first-start` removes that file too before each cold run: a server that has never compiled anything.
warm: a new session's run of the same page and persona right after (the median of --reps): what the next
user of that persona meets. Both are the run of the page that follows a session's first run of the app (its default
page, untimed), as a browser opens the app and then follows the menu. The first render of the whole run (a fresh
process: imports included) is printed apart as `first_render_ms`.

Prints `name=value` lines: `render_cold_ms_<page>_<persona>`, `render_warm_ms_<page>_<persona>`, the worst of each,
`render_budget_misses=` and a verdict line per miss."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: the pages of the app's menu (app.py's st.Page files); a province's deployment shows communes instead of provinces
PAGES = {
    "overview": "pages/overview.py",
    "daily": "pages/daily.py",
    "monthly": "pages/monthly.py",
    "plan": "pages/plan.py",
    "provinces": "pages/provinces.py",
    "forecast": "pages/forecast.py",
    "warnings": "pages/warnings.py",
    "tasks": "pages/tasks.py",
    "programs": "pages/programs.py",
    "emergency": "pages/emergency.py",
    "situation": "pages/situation.py",
    "explore": "pages/explore.py",
    "catalog": "pages/catalog.py",
    "quality": "pages/quality.py",
    "upload": "pages/upload.py",
    "exchange": "pages/exchange.py",
}
PERSONAS = ("leader", "analyst", "mof", "moc", "hungyen")
COLD_BUDGET_S = 2.0
WARM_BUDGET_S = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.app_render", description=__doc__)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "dieuhanh-bench")
    parser.add_argument("--reps", type=int, default=3, help="warm renders per page and persona (the median counts)")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names (default: all)")
    parser.add_argument("--personas", default=",".join(PERSONAS), help="comma-separated demo personas")
    parser.add_argument(
        "--first-start", action="store_true", help="cold runs without the persisted compiled SQL (a first start)"
    )
    args = parser.parse_args(argv)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    personas = [p.strip() for p in args.personas.split(",") if p.strip()]
    unknown = [p for p in pages if p not in PAGES]
    if unknown:
        parser.error(f"unknown page(s) {', '.join(unknown)}; known: {', '.join(PAGES)}")
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / "real.duckdb"
    done = args.dir / "real.done"
    url = f"duckdb://{db}"

    from semantic import compiled, preagg, query
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

    def render(page: str, persona: str, cold: bool) -> tuple[float, int]:
        """A new session's run of `page` as `persona`: the session opens the app (the default page, untimed, as a
        browser does) and then the page, as the menu's link asks; that run is timed. `cold`: every cache is emptied
        between the two, so the timed run meets them as a fresh server would."""
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["persona"] = persona
        if page != "overview" or not cold:
            at.run()
            at.switch_page(PAGES[page])
        if cold:
            st.cache_data.clear()
            compiled.clear(persisted=args.first_start)
        calls.clear()
        start = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"{page} as {persona}: {[e.value for e in at.exception]}")
        return seconds, sum(calls.values())

    misses: list[str] = []
    worst_cold = worst_warm = 0.0
    first = True
    for page in pages:
        for persona in personas:
            cold, n_cold = render(page, persona, cold=True)
            if first:
                print(f"first_render_ms={cold * 1000:.0f} ({page}, {persona}: a fresh process, imports included)")
                first = False
                cold, n_cold = render(page, persona, cold=True)
            warm_runs = [render(page, persona, cold=False) for _ in range(args.reps)]
            warm = statistics.median(r[0] for r in warm_runs)
            worst_cold, worst_warm = max(worst_cold, cold), max(worst_warm, warm)
            print(f"render_cold_ms_{page}_{persona}={cold * 1000:.0f} (queries run: {n_cold})", flush=True)
            print(f"render_warm_ms_{page}_{persona}={warm * 1000:.0f} (queries run: {warm_runs[-1][1]})", flush=True)
            if cold > COLD_BUDGET_S:
                misses.append(f"budget_miss: {page} as {persona} cold {cold:.2f} s > {COLD_BUDGET_S} s")
            if warm > WARM_BUDGET_S:
                misses.append(f"budget_miss: {page} as {persona} warm {warm:.2f} s > {WARM_BUDGET_S} s")
    print(f"render_cold_max_ms={worst_cold * 1000:.0f} (budget {COLD_BUDGET_S * 1000:.0f})")
    print(f"render_warm_max_ms={worst_warm * 1000:.0f} (budget {WARM_BUDGET_S * 1000:.0f})")
    for line in misses:
        print(line)
    print(f"render_budget_misses={len(misses)}")
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
