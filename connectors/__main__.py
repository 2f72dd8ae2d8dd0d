"""`python -m connectors`: seed, load, tasks, pull, quality, export — operators' and cron's way in and out of the
warehouse.

Exit codes (docs/architecture.md, The one write path): 0 success (also for zero rows or an unchanged load); 1 data
rejected, every problem printed, warehouse unchanged; 2 usage error naming the bad field and the valid choices; 3 the
claims give no scope.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.checks.limits import SettingError
from semantic.cli_exit import EXIT_OK, EXIT_REJECTED, run_command
from semantic.errors import AccessDenied, SemanticError
from semantic.vocab import BOUNDARIES, COMPARES


class Usage(SemanticError):
    """A usage error of the command line (exit 2), named in English and Vietnamese."""

    def __init__(self, en: str, vi: str) -> None:
        super().__init__(en, vi)
        self.en, self.vi = en, vi


#: --registry/--models replace the access declarations a scope is judged by: only where no scope is
_UNSCOPED = "not with --claims/--persona"


def require_installed_policy(args: argparse.Namespace) -> None:
    """A command run with claims (or a demo persona) is judged by the installed model and policy, never by
    declarations the caller brings: a custom --registry/--models only where no scope decides anything (checking a
    draft model, an operator's load). One rule for every subcommand, checked before any of them runs."""
    custom = [flag for flag, name in (("--registry", "registry"), ("--models", "models")) if getattr(args, name, None)]
    scoped = [flag for flag, name in (("--claims", "claims"), ("--persona", "persona")) if getattr(args, name, None)]
    if custom and scoped:
        raise Usage(
            f"{' '.join(custom)} cannot be used with {' '.join(scoped)}: a scoped command uses the installed model "
            "and access policy (semantic/models, semantic/indicators, semantic/access.yml)",
            f"không dùng {' '.join(custom)} cùng {' '.join(scoped)}: lệnh có phạm vi truy cập dùng mô hình và chính "
            "sách truy cập đã cài đặt (semantic/models, semantic/indicators, semantic/access.yml)",
        )


def _who_args(p: argparse.ArgumentParser, required: bool) -> None:
    g = p.add_mutually_exclusive_group(required=required)
    g.add_argument("--claims", help="a JSON file of OIDC claims, evaluated by semantic/access.yml")
    from semantic.access import load_policy

    g.add_argument("--persona", help="a demo persona: " + ", ".join(load_policy().personas))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m connectors", description="Điều hành số — connectors")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("seed", help="build the warehouse from data/ (idempotent)")

    ld = sub.add_parser("load", help="check a file and load it (all or nothing)")
    ld.add_argument("path", help="CSV, XLSX (canonical or a GSO monthly workbook), SDMX-CSV or JSON file")
    ld.add_argument(
        "--source",
        help="code of the sending agency or province (MOF, GSO, 33 ...); a GSO workbook (--format gso-xlsx) is GSO's",
    )
    ld.add_argument("--format", choices=("auto", "csv", "xlsx", "gso-xlsx", "sdmx-csv", "json"), default="auto")
    ld.add_argument("--accept-valid", action="store_true", help="load the valid rows; keep the others in rejected_row")
    ld.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    ld.add_argument("--encoding", help="name the file's encoding (utf-8, utf-16, cp1258, cp1252); default: detect")
    ld.add_argument("--sep", help="CSV separator (, ; tab |); default: detect")
    ld.add_argument(
        "--decimal",
        choices=("auto", ".", ","),
        default="auto",
        help="decimal mark of the values (',' for 1.234,5); auto: from the file ('3.650' with ';' is 3650)",
    )
    ld.add_argument("--published-at", help="vintage of rows without published_at (YYYY-MM-DD); default: load time")
    ld.add_argument("--mapping", help="GSO workbook mapping (default connectors/readers/mappings/gso_monthly.yml)")
    ld.add_argument("--who", help="the loader's name for load_batch (default: the claims' name, else the OS user)")
    ld.add_argument("--registry", help=f"the indicator registry folder (default semantic/indicators); {_UNSCOPED}")
    ld.add_argument("--lang", choices=("vi", "en", "both"), default="both", help="language of the problem list")
    ld.add_argument(
        "--explain", action="store_true", help="GSO workbook: print how every sheet, column and row was read, then load"
    )
    _who_args(ld, required=False)

    bf = sub.add_parser("backfill", help="load a folder of GSO workbooks in release order, each as its own vintage")
    bf.add_argument("folder", help="a folder of GSO monthly workbooks (.xls, .xlsx), named …_YYYY-MM.ext")
    bf.add_argument("--source", default="GSO", help="code of the sending agency (default GSO)")
    bf.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    bf.add_argument("--mapping", help="GSO workbook mapping (default connectors/readers/mappings/gso_monthly.yml)")
    bf.add_argument("--lang", choices=("vi", "en", "both"), default="en", help="language of the problem list")

    tk = sub.add_parser("tasks", help="check a task file (tasks the Government/PM assigned) and load it")
    tk.add_argument("path", help="CSV or XLSX in the task layout (Vietnamese headers accepted)")
    tk.add_argument("--accept-valid", action="store_true", help="load the valid rows; keep the others in rejected_row")
    tk.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    tk.add_argument("--who", help="the loader's name for load_batch (default: the claims' name, else the OS user)")
    tk.add_argument("--lang", choices=("vi", "en", "both"), default="both", help="language of the problem list")
    _who_args(tk, required=False)

    pl = sub.add_parser("pull", help="pull from a declared REST endpoint or SQL source (YAML)")
    pl.add_argument("config", help="a YAML file declaring the endpoint (kind: rest) or the query (kind: sql)")
    pl.add_argument("--accept-valid", action="store_true")
    pl.add_argument("--dry-run", action="store_true")
    pl.add_argument("--who")

    q = sub.add_parser("quality", help="completeness, timeliness, failures, revisions, outliers; plan coverage")
    q.add_argument("--period", help="reporting month YYYY-MM (default: the last 12 months)")
    q.add_argument("--format", choices=("csv", "json"), default="csv")
    q.add_argument("--coverage", action="store_true", help="print only the plan's coverage figures")
    q.add_argument("--summary", action="store_true", help="one line per indicator x reporter, not per period")
    q.add_argument("--today", help="judge due dates on this day YYYY-MM-DD (default: today)")
    q.add_argument("--registry", help=f"the indicator registry folder (default semantic/indicators); {_UNSCOPED}")
    q.add_argument("--models", help=f"the model folder (default semantic/models); {_UNSCOPED}")
    _who_args(q, required=False)

    ex = sub.add_parser("export", help="SDMX-CSV or CSV for a spec and scope (two-way sharing)")
    ex.add_argument("--indicator", required=True, help="indicator code(s), comma-separated")
    ex.add_argument("--area", help="area code(s), comma-separated")
    ex.add_argument("--from", dest="time_from", help="first period: 2025, 2025-Q1, 2025-03")
    ex.add_argument("--to", dest="time_to", help="last period")
    ex.add_argument("--compare", choices=COMPARES, help="export this comparison, not levels")
    ex.add_argument("--dimensions", help="extra dimensions: agency, category")
    ex.add_argument("--as-of", dest="as_of", help="the data as known on YYYY-MM-DD")
    ex.add_argument("--boundaries", choices=BOUNDARIES, default="as-was")
    ex.add_argument("--format", choices=("sdmx-csv", "csv"), default="sdmx-csv")
    ex.add_argument("--output", help="write to this file (default: standard output)")
    _who_args(ex, required=True)  # always scoped: so always the installed model and policy (no --registry)

    from connectors.tasks import scenario_cli

    scenario_cli.add_parsers(sub, _who_args)
    return parser


def _claims(args: argparse.Namespace) -> dict[str, Any] | None:
    from semantic.access import persona_claims, read_claims_file

    if getattr(args, "persona", None):
        return persona_claims(args.persona)
    if getattr(args, "claims", None):
        return read_claims_file(args.claims)  # a SemanticError (exit 2) for anything but one small JSON object
    return None


def _scope(args: argparse.Namespace, wh: Any):  # noqa: ANN202 - Scope
    """The caller's scope from --persona/--claims; without either, the system's (the operator at the shell)."""
    from semantic.access import scope_from_claims
    from semantic.catalog import reference_codes
    from semantic.scope import Scope

    claims = _claims(args)
    if claims is None:
        return Scope.system(f"cli:{getpass.getuser()}")
    agencies, areas = reference_codes(wh)
    scope = scope_from_claims(claims, known_agencies=agencies, known_areas=areas)
    if scope.denied:  # exit 3, and in the trail
        from warehouse import audit

        audit.refused(wh, scope.who, f"cli {args.command}", scope.why[0] or "no access", scope=scope.key())
    scope.require()
    return scope


def _warehouse():  # noqa: ANN202
    from connectors.seed import ensure_seeded
    from warehouse.db import Warehouse

    wh = Warehouse()
    if ensure_seeded(wh, _bar()):
        print("\nwarehouse built from data/", file=sys.stderr)
    return wh


def _bar():  # noqa: ANN202 - Progress
    """A terminal progress bar on stderr (one line per step when not a terminal)."""
    tty = sys.stderr.isatty()
    last = [""]

    def show(fraction: float, what: str) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if tty:
            done = int(fraction * 30)
            sys.stderr.write(f"\r[{'#' * done}{'.' * (30 - done)}] {fraction:4.0%} {what[:40]:<40}")
            sys.stderr.flush()
        elif what != last[0]:
            print(f"{fraction:4.0%} {what}", file=sys.stderr)
        last[0] = what

    return show


def run_seed(args: argparse.Namespace) -> int:
    from connectors.seed import seed
    from warehouse.db import Warehouse

    wh = Warehouse()
    with wh.holding():
        results = seed(wh, _bar())
    written = sum(r.rows_written for r in results)
    print(
        f"\nseed: {len(results)} batches, {written} new rows, {sum(r.rows_unchanged for r in results)} unchanged",
        file=sys.stderr,
    )
    return EXIT_OK


def print_problems(problems: list, lang: str, stream: Any = None) -> None:
    stream = stream or sys.stderr
    for p in problems:
        if lang in ("vi", "both"):
            print(f"lỗi: {p.text('vi')}", file=stream)
        if lang in ("en", "both"):
            print(f"error: {p.text('en')}", file=stream)


def _read(path: Path) -> bytes:
    from connectors.checks.limits import check_size

    try:
        check_size(path.stat().st_size, path.name)  # before a byte is read
        return path.read_bytes()
    except OSError as exc:
        raise Usage(f"cannot read {path}: {exc.strerror}", f"không đọc được {path}: {exc.strerror}") from exc


def _plain_csv(path: Path, fmt: str) -> bool:
    """Whether `python -m connectors load` reads `path` as a canonical CSV (by --format, or as auto detects it)."""
    from connectors.intake import detect_format

    if fmt not in ("csv", "auto"):
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(400)
    except OSError as exc:
        raise Usage(f"cannot read {path}: {exc.strerror}", f"không đọc được {path}: {exc.strerror}") from exc
    return fmt == "csv" or (
        Path(path).suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods", ".json")
        and detect_format(path.name, head) == "csv"
    )


def _outcome(report: Any, lang: str) -> int:
    """Print a load report's problems and summary line in `lang`; exit 1 when something was refused."""
    print_problems(report.problems, lang)
    if lang in ("vi", "both"):
        print(report.summary("vi"))
    if lang in ("en", "both"):
        print(report.summary("en"))
    if report.outcome == "rejected" or (report.outcome == "checked" and report.problems):
        return EXIT_REJECTED
    return EXIT_OK


def run_load(args: argparse.Namespace) -> int:
    from connectors.intake import connector_for, load

    path = Path(args.path)
    # a CSV file is handed over by its path: a large canonical one is staged from the file by the engine, bounded by
    # DIEUHANH_MAX_ROWS and not by the upload byte limit (connectors/staged.py); others are read into memory
    data = None if _plain_csv(path, args.format) else _read(path)
    published = _date(args.published_at, "--published-at") if args.published_at else None
    wh = _warehouse()
    scope = _scope(args, wh)
    who = args.who or scope.who
    source = args.source
    if source is None:  # required but for GSO's own workbook, whose sender the format names
        from connectors.intake import detect_format

        if (args.format if args.format != "auto" or data is None else detect_format(path.name, data)) != "gso-xlsx":
            raise Usage(
                "--source is required: the code of the sending agency or province (MOF, GSO, 33 ...)",
                "thiếu --source: mã cơ quan hoặc tỉnh gửi số liệu (MOF, GSO, 33 ...)",
            )
        source = "GSO"
    if data is None:
        from connectors.staged import CsvFileConnector

        conn = CsvFileConnector(b"", path.name, source, args.encoding, args.sep, args.decimal, path=path)
    else:
        conn = connector_for(
            data,
            path.name,
            source,
            args.format,
            args.encoding,
            args.sep,
            args.decimal,
            Path(args.mapping) if args.mapping else None,
        )
    registry = _registry(args.registry)
    if data is not None:  # a workbook may be GSO's (openpyxl and its readers are imported only then)
        _gso_workbook(conn, published, args.explain)
    from warehouse.load import print_startup

    print_startup()  # DIEUHANH_TIMINGS: the process's seconds before the load (interpreter, imports, connection)
    report = load(
        conn,
        wh,
        who,
        accept_valid=args.accept_valid,
        dry_run=args.dry_run,
        scope=scope,
        registry=registry,
        published_at=published,
    )
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    return _outcome(report, args.lang)


def _gso_workbook(conn: Any, published: datetime | None, explain: bool) -> None:
    """A GSO monthly workbook is read before the load: its vintage, and --explain's account of the sheets."""
    from connectors.readers.gso_read import Unreadable
    from connectors.readers.gso_xlsx import GsoWorkbookConnector

    if isinstance(conn, GsoWorkbookConnector):
        conn.published_at = published
        try:
            conn.readings()
        except Unreadable as exc:
            raise Usage(exc.en, exc.vi) from exc
        if explain:
            print("\n".join(conn.explain()))


def run_backfill(args: argparse.Namespace) -> int:
    from connectors.gso_backfill import backfill

    folder = Path(args.folder)
    if not folder.is_dir():
        raise Usage(f"{folder}: not a folder", f"{folder}: không phải thư mục")
    wh = _warehouse()
    return backfill(
        wh,
        folder,
        args.source,
        f"cli:{getpass.getuser()}",
        dry_run=args.dry_run,
        mapping=Path(args.mapping) if args.mapping else None,
        lang=args.lang,
    )


def run_tasks(args: argparse.Namespace) -> int:
    from connectors.tasks.task_intake import load_task_file

    path = Path(args.path)
    data = _read(path)
    wh = _warehouse()
    scope = _scope(args, wh)
    who = args.who or scope.who
    report = load_task_file(wh, data, path.name, who, accept_valid=args.accept_valid, dry_run=args.dry_run, scope=scope)
    return _outcome(report, args.lang)


def _registry(folder: str | None):  # noqa: ANN202 - Registry
    from semantic.registry import load_registry

    return load_registry(Path(folder)) if folder else load_registry()


def _model(registry: str | None, models: str | None = None):  # noqa: ANN202 - SemanticModel
    from semantic.model import MODELS_DIR, default_model, load_model
    from semantic.registry import INDICATORS_DIR

    if not registry and not models:
        return default_model()
    return load_model(Path(models) if models else MODELS_DIR, Path(registry) if registry else INDICATORS_DIR)


def _date(text: str, flag: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise Usage(f"{flag} '{text}': use YYYY-MM-DD", f"{flag} '{text}': dùng dạng YYYY-MM-DD") from exc


def run_pull(args: argparse.Namespace) -> int:
    from connectors.intake import load
    from connectors.readers.pull import connector_from_config
    from connectors.readers.rest import PullError
    from semantic.scope import Scope

    wh = _warehouse()
    conn = connector_from_config(Path(args.config), wh)
    try:
        report = load(
            conn,
            wh,
            args.who or f"cli:{getpass.getuser()}",
            accept_valid=args.accept_valid,
            dry_run=args.dry_run,
            scope=Scope.system(f"cli:{getpass.getuser()}"),
        )
    except PullError as exc:  # the source did not answer: nothing was read, nothing written
        print(f"lỗi: {exc.message_vi}\nerror: {exc.message_en}", file=sys.stderr)
        return EXIT_REJECTED
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print_problems(report.problems, "both")
    print(report.summary("vi"))
    print(report.summary("en"))
    return EXIT_REJECTED if report.outcome == "rejected" else EXIT_OK


def run_quality(args: argparse.Namespace) -> int:
    from analytics.quality import coverage, quality_report, summary
    from semantic.query import execute

    if args.period:
        try:
            datetime.strptime(args.period, "%Y-%m")
        except ValueError as exc:
            raise Usage(
                f"--period '{args.period}': use YYYY-MM", f"--period '{args.period}': dùng dạng YYYY-MM"
            ) from exc
    today = _date(args.today, "--today").date() if args.today else None
    wh = _warehouse()
    scope = _scope(args, wh)
    model = _model(args.registry, args.models)

    def run(spec):  # noqa: ANN001, ANN202 - every read through the one query path, with this scope, audited
        return execute(spec, model, scope, wh, action="quality", what=spec.view)

    if args.coverage:
        frame = coverage(run, model.registry, today)
    else:
        frame = quality_report(run, model.registry, scope, period=args.period, today=today)
        frame = summary(frame) if args.summary else frame
    _emit(frame, args.format)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from connectors.export import export

    wh = _warehouse()
    if _claims(args) is None:
        raise AccessDenied("export needs --persona or --claims", "xuất dữ liệu cần --persona hoặc --claims")
    scope = _scope(args, wh)
    text = export(
        wh,
        scope,
        indicators=_split(args.indicator),
        areas=_split(args.area),
        time_from=args.time_from,
        time_to=args.time_to,
        compare=args.compare,
        dimensions=_split(args.dimensions),
        as_of=_date(args.as_of, "--as-of").date() if args.as_of else None,
        boundaries=args.boundaries,
        fmt=args.format,
        model=_model(None),
    )
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def _emit(frame: Any, fmt: str) -> None:
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    else:
        frame.to_csv(sys.stdout, index=False)


COMMANDS = {
    "seed": run_seed,
    "load": run_load,
    "backfill": run_backfill,
    "tasks": run_tasks,
    "pull": run_pull,
    "quality": run_quality,
    "export": run_export,
}


def _scenario_commands() -> None:
    from connectors.tasks import scenario_cli

    scenario_cli.wire(_warehouse, _scope)
    COMMANDS.update(scenario_cli.COMMANDS)


_scenario_commands()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: _command(args))


def _command(args: argparse.Namespace) -> int:
    """The command; a LoadRejected here is a file refused whole before any row was checked (a limit): exit 1."""
    try:
        require_installed_policy(args)
        return COMMANDS[args.command](args)
    except SettingError as exc:  # a setting in the environment is not a number
        raise Usage(f"bad setting: {exc}", f"thiết lập không hợp lệ: {exc}") from None


if __name__ == "__main__":
    from semantic.cli_exit import run_cli

    sys.exit(run_cli(main))
