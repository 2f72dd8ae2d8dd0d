"""`python -m connectors activate | level | close | reading | report`: running a scenario from a shell (its parsers
and runners; connectors/__main__ wires them in). Times are Vietnam's wall clock, written 2025-09-20T06:00."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from semantic.errors import LoadRejected, QueryError

#: connectors/__main__'s warehouse opener and claims-to-scope reader, wired in by `wire` (no import back into it)
_ENV: dict[str, Callable[..., Any]] = {}


def wire(warehouse: Callable[[], Any], scope: Callable[[argparse.Namespace, Any], Any]) -> None:
    _ENV.update(warehouse=warehouse, scope=scope)


def add_parsers(sub: Any, who_args: Callable[[argparse.ArgumentParser, bool], None]) -> None:
    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--at", help="when, Vietnam time: 2025-09-20T06:00 (default: now)")
        p.add_argument("--who", help="the name written to the log (default: the claims' name, else the OS user)")
        p.add_argument("--scenarios", help="the folder of scenario playbooks (default semantic/scenarios)")
        who_args(p, False)

    ac = sub.add_parser("activate", help="activate a scenario playbook for provinces: the event, its tasks, the board")
    ac.add_argument("scenario", help="a playbook's code (python -m semantic scenarios lists them)")
    ac.add_argument("--areas", required=True, help="2025 province codes, comma-separated (33,01)")
    ac.add_argument("--level", type=int, required=True, help="the level to start at (its tasks and those below)")
    ac.add_argument("--document", help="the dispatch's number (default: the next free, e.g. 151/CĐ-TTg)")
    ac.add_argument("--note", help="a note for the decision log")
    common(ac)

    lv = sub.add_parser("level", help="change a running scenario's level (going up dispatches that level's tasks)")
    lv.add_argument("run", help="the run id activate printed (storm_flood-202509200600)")
    lv.add_argument("--level", type=int, required=True)
    lv.add_argument("--document", help="the dispatch's number (default: the next free)")
    lv.add_argument("--note", help="a note for the decision log")
    common(lv)

    cl = sub.add_parser("close", help="close a running scenario (the board freezes; the after-action report follows)")
    cl.add_argument("run")
    cl.add_argument("--note", help="a note for the decision log")
    common(cl)

    rd = sub.add_parser("reading", help="a reading of a watched indicator: activates or raises a level at a trigger")
    rd.add_argument("scenario")
    rd.add_argument("--indicator", required=True, help="a watched indicator of the playbook (wind_beaufort …)")
    rd.add_argument("--value", type=float, required=True)
    rd.add_argument("--areas", required=True, help="2025 province codes, comma-separated")
    common(rd)

    rp = sub.add_parser("report", help="a situation report against a duty of a running scenario")
    rp.add_argument("run")
    rp.add_argument("--duty", required=True, help="the duty's code in the playbook (damage_6h …)")
    rp.add_argument("--reporter", required=True, help="the province code (provinces' duties) or the agency code")
    rp.add_argument("--figure", action="append", default=[], help="FIGURE=VALUE, one per figure the duty carries")
    common(rp)


def _at(text: str | None) -> datetime:
    from semantic.playbook import VN, now_vn  # here, not at the top: `python -m connectors load` never needs it

    if not text:
        return now_vn()
    try:
        at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise QueryError(f"--at '{text}': use 2025-09-20T06:00", f"--at '{text}': dùng dạng 2025-09-20T06:00") from exc
    return at.astimezone(VN).replace(tzinfo=None) if at.tzinfo else at


def _areas(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def _books(args: argparse.Namespace):  # noqa: ANN202 - dict[str, Playbook]
    from semantic.playbook import SCENARIOS_DIR, load_playbooks

    return load_playbooks(Path(args.scenarios) if args.scenarios else SCENARIOS_DIR)


def _context(args: argparse.Namespace):  # noqa: ANN202 - (Warehouse, Scope, who)
    wh = _ENV["warehouse"]()
    scope = _ENV["scope"](args, wh)
    return wh, scope, args.who or scope.who


def _said(done: Any) -> None:
    print(
        f"{done.run_id}: cấp độ {done.level}; {done.tasks} nhiệm vụ"
        + (f" ({done.document_number})" if done.tasks else "")
    )
    print(
        f"{done.run_id}: level {done.level}; {done.tasks} tasks" + (f" ({done.document_number})" if done.tasks else "")
    )


def _rejected(exc: LoadRejected) -> int:
    print(f"lỗi: {exc.message_vi}\nerror: {exc.message_en}", file=sys.stderr)
    for p in exc.problems:
        print(f"  {p}", file=sys.stderr)
    return 1


def run_activate(args: argparse.Namespace) -> int:
    from connectors.tasks.scenarios import activate
    from semantic.playbook import playbook

    book = playbook(args.scenario, _books(args))
    wh, scope, who = _context(args)
    try:
        done = activate(
            wh,
            book,
            _areas(args.areas),
            _at(args.at),
            args.level,
            who,
            scope=scope,
            document=args.document,
            note=args.note or "",
        )
    except LoadRejected as exc:
        return _rejected(exc)
    _said(done)
    return 0


def run_level(args: argparse.Namespace) -> int:
    from connectors.tasks.scenarios import change_level, load_run
    from semantic.playbook import playbook

    wh, scope, who = _context(args)
    try:
        book = playbook(load_run(wh, args.run).scenario, _books(args))
        done = change_level(
            wh, book, args.run, args.level, _at(args.at), who, scope=scope, document=args.document, note=args.note or ""
        )
    except LoadRejected as exc:
        return _rejected(exc)
    _said(done)
    return 0


def run_close(args: argparse.Namespace) -> int:
    from connectors.tasks.scenarios import close

    wh, scope, who = _context(args)
    try:
        run = close(wh, args.run, _at(args.at), who, scope=scope, note=args.note or "")
    except LoadRejected as exc:
        return _rejected(exc)
    print(f"{run.run_id}: đã kết thúc lúc {run.closed_at:%H:%M %d/%m/%Y}")
    print(f"{run.run_id}: closed at {run.closed_at:%Y-%m-%d %H:%M}")
    return 0


def run_reading(args: argparse.Namespace) -> int:
    from connectors.tasks.scenarios import on_reading
    from semantic.playbook import playbook

    book = playbook(args.scenario, _books(args))
    wh, scope, who = _context(args)
    scope.require("activate")
    try:
        done = on_reading(wh, book, args.indicator, args.value, _areas(args.areas), _at(args.at), who)
    except LoadRejected as exc:
        return _rejected(exc)
    if done is None:
        print(f"{args.indicator} = {args.value:g}: dưới ngưỡng kích hoạt, không thay đổi")
        print(f"{args.indicator} = {args.value:g}: below every trigger (or the level already reached); nothing done")
        return 0
    _said(done)
    return 0


def run_report(args: argparse.Namespace) -> int:
    from connectors.tasks.scenario_reports import receive

    figures: dict[str, float] = {}
    for item in args.figure:
        name, _, value = item.partition("=")
        try:
            figures[name.strip()] = float(value.replace(",", "."))
        except ValueError as exc:
            raise QueryError(
                f"--figure '{item}': use FIGURE=VALUE", f"--figure '{item}': dùng dạng CHỈ_TIÊU=GIÁ_TRỊ"
            ) from exc
    wh, scope, who = _context(args)
    try:
        got = receive(
            wh, args.run, args.duty, args.reporter, _at(args.at), figures, who, scope=scope, books=_books(args)
        )
    except LoadRejected as exc:
        return _rejected(exc)
    state = ("muộn", "late") if got.late else ("đúng hạn", "on time")
    print(f"{got.run_id} {got.duty} {got.reporter}: kỳ {got.slot}, hạn {got.due_at:%H:%M %d/%m/%Y}, {state[0]}")
    print(f"{got.run_id} {got.duty} {got.reporter}: slot {got.slot}, due {got.due_at:%Y-%m-%d %H:%M}, {state[1]}")
    return 0


COMMANDS = {
    "activate": run_activate,
    "level": run_level,
    "close": run_close,
    "reading": run_reading,
    "report": run_report,
}
