"""Validation before anything is written: a list of small named rules over a batch's raw records.

Each rule reads the working frame (the records plus what earlier rules parsed: `_ind`, `_start`, `_freq`,
`_value`, `_base`, ...) and reports problems naming file, row, column, value and rule in Vietnamese and English.
A row with any problem is rejected; the rest is the canonical observation frame for warehouse/load.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from connectors.base import ACTION, CANONICAL, ROW, Batch, Problem
from connectors.checks.check import Check, has, text
from connectors.checks.codes import KnownCodes
from connectors.checks.limits import limits
from connectors.checks.rules_codes import (
    rule_breakdown,
    rule_duplicates,
    rule_known_agency,
    rule_known_area,
    rule_plausible,
    rule_scope,
)
from connectors.checks.rules_form import (
    rule_action,
    rule_base,
    rule_control_characters,
    rule_frequency,
    rule_future_period,
    rule_known_indicator,
    rule_numeric_value,
    rule_period_form,
    rule_published_at,
    rule_required,
    rule_status,
    rule_unit,
)
from connectors.checks.rules_scale import rule_scale
from connectors.checks.rules_vintage import rule_vintage
from semantic.registry import Registry
from semantic.scope import Scope
from warehouse.db import Warehouse
from warehouse.lazy import lazy

np = lazy("numpy")
pd = lazy("pandas")

Rule = Callable[[Check], None]
DEFAULT_RULES: tuple[Rule, ...] = (
    rule_required,
    rule_control_characters,
    rule_action,
    rule_known_indicator,
    rule_period_form,
    rule_frequency,
    rule_future_period,
    rule_numeric_value,
    rule_base,
    rule_unit,
    rule_known_area,
    rule_known_agency,
    rule_breakdown,
    rule_status,
    rule_published_at,
    rule_plausible,
    rule_scale,
    rule_duplicates,
    rule_scope,
    rule_vintage,  # after the scope: what is stored is compared only for rows the sender may write
)


@dataclass
class Checked:
    """The outcome of validation: valid canonical rows, and every problem."""

    valid: pd.DataFrame
    problems: list[Problem]
    rejected_index: set[Any]
    frame: pd.DataFrame
    stopped: bool = False  # the problem limit was reached: nothing of the batch may be loaded


def validate(
    batch: Batch,
    registry: Registry,
    codes: KnownCodes,
    today: date | None = None,
    scope: Scope | None = None,
    rules: tuple[Rule, ...] = DEFAULT_RULES,
    wh: Warehouse | None = None,
    history: bool = False,
) -> Checked:
    f = batch.records.copy()
    if ROW not in f:  # a file with no rows at all (an empty CSV or sheet): its problem is the file's
        f[ROW] = pd.Series(dtype=object)
    for col in CANONICAL:
        f[col] = text(f[col]) if col in f else None
    if ACTION in f:
        f[ACTION] = f[ACTION].fillna("I")
    if "value" in batch.records:
        f["value"] = pd.Series(
            [v if has(v) and str(v).strip() else None for v in batch.records["value"]], index=f.index, dtype=object
        )
    most = limits().problems
    check = Check(
        batch, registry, codes, today or date.today(), scope, wh, history=history, f=f, problems=list(batch.problems)
    )
    check.max_problems = most
    stopped = False
    if not batch.problems:
        for rule in rules:
            rule(check)
            if check.full:
                stopped = True
                break
    bad = check.bad
    keep = check.f[~check.f.index.isin(list(bad))] if not (batch.problems or stopped) else check.f.iloc[0:0]
    problems = check.problems
    if stopped:
        # a file this wrong is refused whole, even with --accept-valid: its rejected rows were not all named
        problems = [*problems, _stopped(batch, most)]
    return Checked(_canonical(keep, batch), problems, bad, check.f, stopped)


def _stopped(batch: Batch, most: int) -> Problem:
    return Problem(
        batch.file_name,
        0,
        "",
        "",
        "too_many_problems",
        f"the check stopped after {most:,} problems (DIEUHANH_MAX_PROBLEMS): the file is refused whole; fix these "
        "and check it again",
        f"dừng kiểm tra sau {most:,} lỗi (DIEUHANH_MAX_PROBLEMS): cả tệp bị từ chối; hãy sửa các lỗi này và kiểm tra "
        "lại",
    )


def _canonical(f: pd.DataFrame, batch: Batch) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "indicator_code": f["indicator_code"],
            "area_code": f["area_code"],
            "agency_code": f["agency_code"],
            "category": f["category"],
            "period_start": f["_start"] if "_start" in f else None,
            "freq": f["_freq"] if "_freq" in f else None,
            "base": f["_base"] if "_base" in f else None,
            "value": f["_value"] if "_value" in f else None,
            "status": f["_status"] if "_status" in f else None,
            "source": batch.source,
            "vintage": f["_vintage"] if "_vintage" in f else pd.NaT,
        },
        index=f.index,
    )
    if ACTION in f:
        out[ACTION] = f[ACTION]
        out.loc[f[ACTION] == "D", "value"] = np.nan
    out[ROW] = f[ROW]
    return out


def rejected_rows(batch: Batch, checked: Checked) -> pd.DataFrame:
    """rejected_row rows (without batch_id) for `--accept-valid`: one per problem, with the row's keys as read."""
    records = batch.records
    cols = [c for c in CANONICAL if c in records.columns]
    by_index = dict(zip(records.index, records[cols].itertuples(index=False, name=None), strict=True))
    rows = []
    for p in checked.problems:
        idx = p.record.get("index")
        rec = dict(zip(cols, by_index[idx], strict=True)) if idx in by_index else {}
        plain = {k: (v if isinstance(v, int | float | str) else str(v)) for k, v in rec.items() if has(v)}

        def get(k: str, plain: dict = plain) -> str | None:
            return str(plain[k]) if k in plain else None

        rows.append(
            {
                "indicator_code": get("indicator_code"),
                "area_code": get("area_code"),
                "agency_code": get("agency_code"),
                "period": get("period"),
                "row_number": p.row,
                "column_name": p.column,
                "value": p.value,
                "rule": p.rule,
                "message": f"{p.message_vi} | {p.message_en}",
                "raw": json.dumps(plain, ensure_ascii=False, sort_keys=True) if plain else "",
            }
        )
    return pd.DataFrame(rows)


__all__ = ["DEFAULT_RULES", "Check", "Checked", "has", "rejected_rows", "validate"]
