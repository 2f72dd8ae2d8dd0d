"""`python -m semantic`: the catalog and queries from the command line, through the same scope and query path."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from semantic.access import load_policy, persona_claims, read_claims_file, scope_from_claims
from semantic.catalog import catalog_frame, reference_codes
from semantic.cli_exit import EXIT_OK, run_command
from semantic.errors import SemanticError
from semantic.model import default_model
from semantic.periods import period_key
from semantic.query import execute
from semantic.spec import Filter, QuerySpec
from semantic.vocab import BOUNDARIES, COMPARES, GRAINS


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m semantic", description="Điều hành số — semantic layer")
    sub = parser.add_subparsers(dest="command", required=True)
    cat = sub.add_parser("catalog", help="the indicator registry with metadata")
    cat.add_argument("--format", choices=("csv", "json"), default="csv")

    sc = sub.add_parser("scenarios", help="the scenario playbooks (semantic/scenarios/*.yml), each checked at load")
    sc.add_argument("--dir", help="a folder of scenario files (default semantic/scenarios)")
    sc.add_argument("--format", choices=("csv", "json"), default="csv")

    q = sub.add_parser("query", help="query indicators or a view, scoped by claims or a demo persona")
    what = q.add_mutually_exclusive_group(required=True)
    what.add_argument("--indicator", help="indicator code(s), comma-separated")
    what.add_argument("--view", help="a model view (e.g. tasks); needs --measures")
    q.add_argument("--measures", help="measures of the view, comma-separated")
    q.add_argument("--dimensions", help="dimensions, comma-separated")
    q.add_argument("--area", help="area code(s), comma-separated (VN, 01, 33 ...)")
    q.add_argument("--from", dest="time_from", help="first period: 2025, 2025-Q1, 2025-03, 2025-03-14")
    q.add_argument("--to", dest="time_to", help="last period, same forms")
    q.add_argument("--grain", choices=tuple(GRAINS))
    q.add_argument("--compare", choices=COMPARES)
    q.add_argument("--as-of", dest="as_of", help="vintage date YYYY-MM-DD: the data as known that day")
    q.add_argument("--boundaries", choices=BOUNDARIES, default="2025")
    q.add_argument("--filter", action="append", default=[], help="DIM=VALUE (repeatable; VALUE may be a,b,c)")
    who = q.add_mutually_exclusive_group(required=True)
    who.add_argument("--claims", help="a JSON file of OIDC claims, evaluated by semantic/access.yml")
    who.add_argument("--persona", help="a demo persona: " + ", ".join(load_policy().personas))
    q.add_argument("--format", choices=("csv", "json"), default="csv")
    q.add_argument("--limit", type=int)
    return parser


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    else:
        frame.to_csv(sys.stdout, index=False)


def _claims(args: argparse.Namespace) -> dict[str, Any]:
    return persona_claims(args.persona) if args.persona else read_claims_file(args.claims)


def _filters(items: list[str]) -> tuple[Filter, ...]:
    out = []
    for item in items:
        if "=" not in item:
            raise SemanticError(f"--filter '{item}': use DIM=VALUE", f"--filter '{item}': dùng dạng DIM=GIÁ_TRỊ")
        dim, value = item.split("=", 1)
        out.append(Filter(dim.strip(), "in", _split(value)))
    return tuple(out)


def _indicator_output(frame: pd.DataFrame, dims: tuple[str, ...]) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "indicator_code": frame["indicator_code"],
            "area_code": frame["area_code"],
            "agency_code": frame["agency_code"],
            "period": [
                period_key(pd.Timestamp(s).date(), f) for s, f in zip(frame["period_start"], frame["freq"], strict=True)
            ],
            "value": frame["value"],
            "unit": frame["unit"],
            "status": frame["status"],
            "vintage": pd.to_datetime(frame["vintage"]).dt.strftime("%Y-%m-%d"),
        }
    )
    for extra in ("category", "base"):
        if extra in dims:
            out[extra] = frame[extra]
    return out


def run_query(args: argparse.Namespace) -> int:
    from connectors.seed import ensure_seeded
    from warehouse.db import Warehouse

    model = default_model()
    wh = Warehouse()
    if ensure_seeded(wh, lambda f, m: print(f"seeding {m} {f:.0%}", file=sys.stderr)):
        print("warehouse built from data/", file=sys.stderr)
    agencies, areas = reference_codes(wh)
    scope = scope_from_claims(_claims(args), known_agencies=agencies, known_areas=areas)
    spec = QuerySpec(
        view=args.view or "observations",
        indicators=_split(args.indicator),
        measures=_split(args.measures),
        dimensions=_split(args.dimensions),
        filters=_filters(args.filter),
        areas=_split(args.area),
        time_from=args.time_from,
        time_to=args.time_to,
        grain=args.grain,
        compare=args.compare,
        as_of=date.fromisoformat(args.as_of) if args.as_of else None,
        boundaries=args.boundaries,
        limit=args.limit,
    )
    if spec.view != "observations" and not spec.measures:
        raise SemanticError("--view needs --measures", "--view cần --measures")
    frame = execute(spec, model, scope, wh, action="cli")
    if spec.view == "observations":
        frame = _indicator_output(frame, spec.dimensions)
    _emit(frame, args.format)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: _command(args))


def _command(args: argparse.Namespace) -> int:
    if args.command == "catalog":
        _emit(catalog_frame(default_model()), args.format)
        return EXIT_OK
    if args.command == "scenarios":
        from semantic.playbook import SCENARIOS_DIR, load_playbooks, playbooks_frame

        _emit(playbooks_frame(load_playbooks(Path(args.dir) if args.dir else SCENARIOS_DIR)), args.format)
        return EXIT_OK
    return run_query(args)


if __name__ == "__main__":
    from semantic.cli_exit import run_cli

    sys.exit(run_cli(main))
