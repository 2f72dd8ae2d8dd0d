"""`python -m connectors backfill DIR`: a folder of GSO monthly workbooks loaded in release order, each as its own
vintage. A workbook's figures for its own month are that release's first estimate; its figures for the month
before are that month's revision (a later vintage of it). Loading in release order makes each release's figures
newer than the one before, so the current answer is the latest release's, and `--as-of` a day returns what the
release out on that day printed.

A workbook does not print its publication day. GSO publishes its monthly figures at the end of the month they
report (the press release of 29 March 2023 for March 2023): the vintage of a workbook is the last day of the month
it reports (`release_day`), which orders releases as GSO published them.
"""

from __future__ import annotations

import calendar
import sys
from datetime import datetime
from pathlib import Path

from connectors.gso_xlsx import GsoWorkbookConnector, release_month
from warehouse.db import Warehouse

SUFFIXES = (".xls", ".xlsx", ".xlsm", ".ods")
#: refusals that say "this file is not for us", not "this data is wrong": a backfill passes over them
PASSED_OVER = ("english_edition",)


def release_day(year: int, month: int) -> datetime:
    """The vintage of the workbook reporting (year, month): the last day of that month."""
    return datetime(year, month, calendar.monthrange(year, month)[1])


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
        report = load(conn, wh, who, dry_run=dry_run, published_at=day)
        rules = {p.rule for p in report.problems}
        if report.outcome == "rejected" and rules and rules <= set(PASSED_OVER):
            print(f"{path.name}: passed over ({', '.join(sorted(rules))}): {report.problems[0].message_en}", file=out)
            continue
        if report.outcome == "rejected":
            refused += 1
            print_problems(report.problems, lang, out)
        print(f"{day:%Y-%m-%d} {report.summary('en')}", file=out)
    return 1 if refused else 0
