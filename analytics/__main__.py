"""`python -m analytics`: backtests, forecast vintages and warnings from the command line (system scope)."""

from __future__ import annotations

import os

# one BLAS thread per process, set before numpy loads: the two workers already use both cores
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
from datetime import date  # noqa: E402

import pandas as pd  # noqa: E402

from analytics import (  # noqa: E402
    load,
    vintage,
    watch,  # noqa: E402
)
from analytics import warnings as early  # noqa: E402
from analytics.backtest import summary  # noqa: E402
from analytics.jobs import WORKERS, Progress, run_all  # noqa: E402
from analytics.models import MODELS  # noqa: E402
from semantic.cli_exit import EXIT_OK, run_command  # noqa: E402
from semantic.errors import SemanticError  # noqa: E402
from semantic.model import default_model  # noqa: E402
from semantic.query import execute  # noqa: E402
from semantic.scope import Scope  # noqa: E402


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Điều hành số — dự báo và cảnh báo")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("backtest", "rolling-origin backtest per series: each model's MASE, the chosen model, interval coverage"),
        ("forecast", "backtest, then forecast with the chosen model and append the vintage to the warehouse"),
    ):
        p = sub.add_parser(name, help=text)
        what = p.add_mutually_exclusive_group(required=True)
        what.add_argument("--indicator", help="indicator code(s), comma-separated")
        what.add_argument("--group", help="an indicator group (monthly, annual-plan, statistics ...)")
        p.add_argument("--area", default="VN", help="area code(s), comma-separated (default VN)")
        p.add_argument("--horizon", type=int, help="steps ahead: at most 12 months, 4 quarters, 5 years")
        p.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: train on the data as known that day")
        p.add_argument("--include-demo", action="store_true", help="also demo indicators (generated data)")
        p.add_argument("--totals-only", action="store_true", help="skip the category breakdowns")
        p.add_argument("--workers", type=int, default=WORKERS, help=f"processes (default {WORKERS})")
        p.add_argument("--format", choices=("csv", "json"), default="csv")
        if name == "forecast":
            p.add_argument("--dry-run", action="store_true", help="print the forecasts, write nothing")
    w = sub.add_parser("warnings", help="evaluate the registry's warning rules now")
    w.add_argument("--area", default="VN")
    w.add_argument("--today", help="YYYY-MM-DD (default: today)")
    w.add_argument("--format", choices=("csv", "json"), default="csv")
    aa = sub.add_parser("after-action", help="a scenario run's after-action report: XLSX and printable HTML")
    aa.add_argument("run", help="the run id (storm_flood-202509200600)")
    aa.add_argument("--xlsx", help="write the workbook to this file")
    aa.add_argument("--html", help="write the printable page to this file")
    aa.add_argument("--lang", choices=("vi", "en"), default="vi")
    aa.add_argument("--at", help="stand at this time, Vietnam time 2025-09-21T18:00 (default: now, or the closing)")
    aa.add_argument("--scenarios", help="the folder of scenario playbooks (default semantic/scenarios)")
    return parser


def _warehouse():  # noqa: ANN202 - the entry point wires the warehouse in; analytics' modules never do
    from connectors.seed import ensure_seeded
    from warehouse.db import Warehouse

    wh = Warehouse()
    if ensure_seeded(wh, lambda f, m: print(f"seeding {m} {f:.0%}", file=sys.stderr)):
        print("warehouse built from data/", file=sys.stderr)
    return wh


def _runner(wh):  # noqa: ANN001, ANN202
    model = default_model()
    scope = Scope.system("analytics")
    return lambda spec: execute(spec, model, scope, wh, action="analytics", what="forecast")


def _row(out: vintage.Outcome) -> dict:
    r = out.result
    s = r.series
    row = {
        "indicator_code": s.indicator_code,
        "area_code": s.area_code,
        "category": s.category or "",
        "base": s.base,
        "freq": s.freq,
        "points": len(s),
        "first": pd.Timestamp(s.values.index[0]).strftime("%Y-%m") if len(s) else "",
        "last": pd.Timestamp(s.values.index[-1]).strftime("%Y-%m") if len(s) else "",
        "origins": r.n_origins,
        "horizon": r.horizon,
        "chosen": r.chosen or "",
        "forecast_model": r.forecast_model or "",
    }
    for name in MODELS:
        sc = r.scores.get(name)
        row[f"mase_{name}"] = round(sc.mase, 4) if sc and math.isfinite(sc.mase) else None
    best = r.chosen_score()
    row["ratio"] = round(r.ratio, 4) if math.isfinite(r.ratio) else None
    row["smape"] = round(best.smape, 2) if best else None
    row["cov80"] = round(best.cov80, 3) if best else None
    row["cov95"] = round(best.cov95, 3) if best else None
    row["note"] = r.reason
    return row


def _emit(rows: list[dict], summ: dict | None, fmt: str) -> None:
    frame = pd.DataFrame(rows)
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        payload: object = {"series": records, "summary": summ} if summ is not None else records
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        return
    frame.to_csv(sys.stdout, index=False)
    if summ is not None:
        # stdout stays one clean CSV table; the summary goes to stderr beside the progress bar
        print("summary: " + ", ".join(f"{k}={_fmt(v)}" for k, v in summ.items()), file=sys.stderr)


def _fmt(v: object) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def run_models(args: argparse.Namespace) -> int:
    wh = _warehouse()
    model = default_model()
    inds = load.select(model.registry, _split(args.indicator), args.group, args.include_demo)
    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    run = _runner(wh)
    series = load.load_series(run, inds, _split(args.area), as_of, categories=not args.totals_only)
    kind = "live"
    if as_of is not None:
        if not series:  # nothing that old is recorded: today's data cut at the date (revisions leak in: say so)
            series = load.load_series(run, inds, _split(args.area), None, categories=not args.totals_only)
            kind = "replay"
        else:
            kind = "as_of"
        series = [s.cut(pd.Timestamp(as_of)) for s in series]
        series = [s for s in series if len(s)]
    if not series:
        print("no series to backtest (no data for these indicators/areas)", file=sys.stderr)
        _emit([], None, args.format)
        return EXIT_OK
    bar = Progress(len(series))
    outcomes = run_all(series, args.horizon, args.command == "forecast", args.workers, bar.step)
    summ = summary([o.result for o in outcomes])
    rows = [_row(o) for o in outcomes]
    if args.command == "forecast":
        owners = {i.code: i.owner for i in model.registry}
        demo = {i.code for i in model.registry if i.demo}
        runs, points, scores = vintage.frames(outcomes, owners, demo, kind)
        if not args.dry_run:
            from warehouse.forecasts import write_forecasts

            written = write_forecasts(wh, runs, points, scores)
            print(f"wrote {written} forecast runs ({len(points)} points, kind={kind})", file=sys.stderr)
        summ = {**summ, "runs": len(runs)}
    _emit(rows, summ, args.format)
    return EXIT_OK


def run_warnings(args: argparse.Namespace) -> int:
    wh = _warehouse()
    model = default_model()
    today = date.fromisoformat(args.today) if args.today else date.today()
    have = {"forecast_run", "forecast_point"} <= wh.tables()
    alerts = watch.evaluate_with(_runner(wh), model, _split(args.area), today, forecasts=have)
    frame = early.frame(alerts)
    _emit(frame.to_dict("records"), None, args.format)
    return EXIT_OK


def run_after_action(args: argparse.Namespace) -> int:
    from datetime import datetime
    from pathlib import Path

    from analytics import after_action
    from analytics.situation import situation
    from semantic.playbook import SCENARIOS_DIR, load_playbooks, now_vn, playbook

    try:
        at = datetime.fromisoformat(args.at) if args.at else now_vn()
    except ValueError as exc:
        raise SemanticError(
            f"--at '{args.at}': use 2025-09-21T18:00", f"--at '{args.at}': dùng dạng 2025-09-21T18:00"
        ) from exc
    wh = _warehouse()
    run = _runner(wh)
    books = load_playbooks(Path(args.scenarios) if args.scenarios else SCENARIOS_DIR)
    head = run(_run_spec(args.run))
    book = playbook(str(head["scenario"].iloc[0]), books) if not head.empty else None
    sit = situation(run, book, args.run, Scope.system("analytics"), at) if book else None
    if book is None or sit is None:
        raise SemanticError(f"no scenario run '{args.run}'", f"không có lần kích hoạt kịch bản '{args.run}'")
    tables = after_action.sheets(sit, book, args.lang)
    if args.xlsx:
        Path(args.xlsx).write_bytes(after_action.to_xlsx(tables))
    if args.html:
        Path(args.html).write_text(after_action.to_html(sit, book, tables, args.lang), encoding="utf-8")
    for name, frame in tables.items():
        print(f"# {name}")
        frame.to_csv(sys.stdout, index=False)
    return EXIT_OK


def _run_spec(run_id: str):  # noqa: ANN202 - QuerySpec
    from semantic.spec import Filter, QuerySpec

    return QuerySpec(
        view="scenario_runs", measures=("runs",), dimensions=("scenario",), filters=(Filter("run_id", "in", (run_id,)),)
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: _command(args))


def _command(args: argparse.Namespace) -> int:
    if args.command == "warnings":
        return run_warnings(args)
    if args.command == "after-action":
        return run_after_action(args)
    if args.horizon is not None and args.horizon < 1:
        raise SemanticError(f"--horizon {args.horizon}: must be at least 1", "--horizon phải ≥ 1")
    return run_models(args)


if __name__ == "__main__":
    sys.exit(main())
