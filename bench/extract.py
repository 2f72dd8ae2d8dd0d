"""One CSV extract in a fresh process, for `python -m bench`: by hand (DuckDB COPY of hand-written SQL) or through
the layer (the app's download path). Prints JSON: seconds, rows, lines beyond the header, peak RSS."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM (ru_maxrss would carry the parent's peak over the exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(db: str, regdir: str, monthly: int, daily: int, method: str, target: str) -> dict[str, float]:
    from bench import suite
    from bench.synth import Size

    size = Size(monthly, daily)
    spec, sql = suite.extract_case(size)
    start = time.perf_counter()
    if method == "hand":
        import duckdb

        con = duckdb.connect(db, read_only=True)
        rows = con.execute(f"COPY ({sql}) TO '{target}' (FORMAT csv, HEADER true)").fetchone()[0]
        con.close()
        expected, meta_lines = rows, 0
    else:
        from semantic import extract
        from semantic.access import persona_scope
        from semantic.model import MODELS_DIR, load_model
        from warehouse.db import Warehouse

        model = load_model(MODELS_DIR, Path(regdir))
        wh = Warehouse(f"duckdb://{db}")
        scope = persona_scope("analyst")
        info = extract.prepare(spec, model, scope, wh)
        with open(target, "wb") as fh:
            rows = extract.write_csv(spec, model, scope, wh, fh, info)
        expected, meta_lines = info.rows, len(info.lines)
        wh.close()
    seconds = time.perf_counter() - start
    with open(target, "rb") as fh:
        lines = sum(1 for _ in fh) - meta_lines - 1  # data lines: no row is cut or left out
    peak = _peak_rss_mb()
    return {
        "seconds": seconds,
        "rows": rows,
        "lines": lines,
        "complete": float(rows == expected == lines),
        "peak_rss_mb": peak,
    }


if __name__ == "__main__":
    db, regdir, monthly, daily, method, target = sys.argv[1:7]
    print(json.dumps(main(db, regdir, int(monthly), int(daily), method, target)))
