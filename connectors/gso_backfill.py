"""`python -m connectors backfill DIR`: a folder of GSO monthly workbooks loaded in release order, each as its own
vintage. A workbook's figures for its own month are that release's first estimate; its figures for the month
before are that month's revision (a later vintage of it). Loading in release order makes each release's figures
newer than the one before, so the current answer is the latest release's, and `--as-of` a day returns what the
release out on that day printed.

A workbook does not print its publication day. GSO publishes its monthly figures at the end of the month they
report (the press release of 29 March 2023 for March 2023): the vintage of a workbook is that release day where the
tidy GSO tables record it (2014 on), else the last day of the month it reports (`release_day`); either orders the
releases as GSO published them.
"""

from __future__ import annotations

import calendar
import sys
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from connectors.readers.gso_xlsx import GsoWorkbookConnector, release_month
from semantic.scope import Scope
from warehouse.db import Warehouse
from warehouse.schema import READER_COLUMNS

SUFFIXES = (".xls", ".xlsx", ".xlsm", ".ods")
#: refusals that say "this file is not for us", not "this data is wrong": a backfill passes over them
PASSED_OVER = ("english_edition",)


def release_day(year: int, month: int) -> datetime:
    """The vintage of the workbook reporting (year, month): GSO's release day when the tidy GSO tables of data/gso/
    record it (2014 on: their `Date`, e.g. 29 December 2023), else the last day of that month — at the day's end
    (23:59:59), so that where the tidy tables (stamped at midnight) read a figure of the same release differently
    the workbook's own cell is the current answer (IIP in the January releases of 2015-2017: the tidy table has the
    previous month's change where the workbook prints the change on January of last year)."""
    day = _known_days().get((year, month)) or datetime(year, month, calendar.monthrange(year, month)[1])
    return day.replace(hour=23, minute=59, second=59)


@lru_cache(maxsize=1)
def _known_days() -> dict[tuple[int, int], datetime]:
    path = Path(__file__).resolve().parent.parent / "data" / "gso" / "gso_cpi.csv"
    if not path.exists():
        return {}
    days = pd.to_datetime(pd.read_csv(path, usecols=["Date"])["Date"].drop_duplicates())
    return {(d.year, d.month): d.to_pydatetime() for d in days}


def releases(folder: Path) -> list[tuple[tuple[int, int], Path]]:
    """The workbooks of `folder` by the month each reports (file name), oldest first; unnamed ones are left out."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SUFFIXES or path.name.startswith("~$"):
            continue
        ym = release_month(path.name, [])
        if ym is not None:
            found.append((ym, path))
    return sorted(found, key=lambda x: (x[0], x[1].name))


def backfill(
    wh: Warehouse,
    folder: Path,
    source: str = "GSO",
    who: str = "backfill",
    *,
    dry_run: bool = False,
    mapping: Path | None = None,
    lang: str = "en",
    stream=None,  # noqa: ANN001 - a text stream (default stdout)
) -> int:
    """Load every workbook of `folder` in release order; 0 when each loaded (or was passed over for a documented
    reason), 1 when any was refused (the others are loaded all the same: each release is its own batch)."""
    from connectors.__main__ import print_problems
    from connectors.intake import load

    out = stream or sys.stdout
    found = releases(folder)
    named = {p for _, p in found}
    unnamed = [p.name for p in sorted(folder.iterdir()) if p.suffix.lower() in SUFFIXES and p not in named]
    for name in unnamed:
        print(f"{name}: skipped: its name does not say which month it reports (…_YYYY-MM.xlsx)", file=out)
    refused = 0
    for (year, month), path in found:
        conn = GsoWorkbookConnector(path.read_bytes(), path.name, source, mapping)
        day = release_day(year, month)
        conn.published_at = day
        # a past release is inserted at its own day even where a later vintage is stored already (the tidy GSO
        # tables' revision of the same month, a later release): as of that day it is what GSO had published
        report = load(conn, wh, who, dry_run=dry_run, published_at=day, history=True, scope=Scope.system())
        rules = {p.rule for p in report.problems}
        if report.outcome == "rejected" and rules and rules <= set(PASSED_OVER):
            print(f"{path.name}: passed over ({', '.join(sorted(rules))}): {report.problems[0].message_en}", file=out)
            continue
        if report.outcome == "rejected":
            refused += 1
            print_problems(report.problems, lang, out)
        print(f"{day:%Y-%m-%d} {report.summary('en')}", file=out)
    return 1 if refused else 0


#: the derived history shipped in data/ (see data/SOURCES.md): every figure each workbook printed, at its vintage
HISTORY = Path(__file__).resolve().parent.parent / "data" / "gso" / "gso_workbook_history.csv.gz"
HISTORY_COLUMNS = (*(c for c in READER_COLUMNS if c != "source"), "cell")


def history(wh: Warehouse, folder: Path, source: str = "GSO") -> tuple[pd.DataFrame, list[str]]:
    """Every workbook of `folder` read and checked as `load` checks it (nothing written), in release order: the
    valid rows with their vintage and cell, and one line per workbook refused or passed over. A figure a later
    release prints unchanged is not repeated (it is no revision)."""
    from connectors.checks.codes import KnownCodes
    from connectors.checks.validate import validate
    from semantic.registry import load_registry

    registry = load_registry()
    codes = KnownCodes.load(wh)
    parts: list[pd.DataFrame] = []
    lines: list[str] = []
    for (year, month), path in releases(folder):
        day = release_day(year, month)
        conn = GsoWorkbookConnector(path.read_bytes(), path.name, source)
        conn.bind(codes)
        conn.published_at = day
        batches = list(conn.batches())
        problems = [p for b in batches for p in b.problems]
        valid = []
        for b in batches:
            if b.problems or not len(b.records):
                continue
            b.published_at = day
            checked = validate(b, registry, codes, None, None, history=True)
            problems += checked.problems
            frame = checked.valid.copy()
            if len(frame):  # validation keeps the records' index: the cell each figure was read from
                frame["cell"] = f"{path.name}:" + b.records.loc[frame.index, "note"].astype(str)
            valid.append(frame)
        if problems:
            lines.append(f"{path.name}: refused: {problems[0].rule}: {problems[0].message_en}")
            continue
        parts += [v for v in valid if len(v)]
    frame = pd.concat(parts, ignore_index=True)
    frame["vintage"] = pd.to_datetime(frame["vintage"])
    frame = frame.sort_values(["vintage"], kind="stable")
    key = ["indicator_code", "area_code", "agency_code", "category", "period_start", "freq", "base"]
    previous_value = frame.groupby(key, dropna=False)["value"].shift()
    frame = frame[previous_value.isna() | (previous_value - frame["value"]).abs().gt(1e-9)]
    return frame[[c for c in HISTORY_COLUMNS if c in frame]].reset_index(drop=True), lines


def write_history(folder: Path, out: Path = HISTORY, url: str | None = None) -> int:
    """Build the shipped history from a folder of workbooks (`python -m connectors.gso_backfill DIR`)."""
    from connectors.seed import seed

    wh = Warehouse(url)
    if not wh.exists():
        seed(wh)
    frame, lines = history(wh, folder)
    for line in lines:
        print(line)
    frame.to_csv(out, index=False, compression="gzip")  # repr: a figure round-trips exactly (a load compares to 1e-9)
    print(f"{out}: {len(frame)} rows, {frame['vintage'].nunique()} releases")
    return 0


if __name__ == "__main__":
    sys.exit(write_history(Path(sys.argv[1])))
