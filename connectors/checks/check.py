"""What validation rules share: the working frame over a batch's records, and the parsers of periods and numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from connectors.base import ROW, Batch, Problem
from connectors.checks.codes import KnownCodes
from connectors.checks.units import Units, load_units
from semantic import periods, vocab
from semantic.registry import Registry
from semantic.scope import Scope
from warehouse.db import Warehouse
from warehouse.lazy import lazy

np = lazy("numpy")
pd = lazy("pandas")

BASES = vocab.BASES
STATUSES = {
    "official": "official",
    "chính thức": "official",
    "preliminary": "preliminary",
    "sơ bộ": "preliminary",
    "estimate": "estimate",
    "ước tính": "estimate",
    "revised": "revised",
    "điều chỉnh": "revised",
    "a": "official",
    "p": "preliminary",
    "e": "estimate",  # SDMX OBS_STATUS codes
}
ACTIONS = ("I", "A", "M", "R", "D")
FREQ_NAMES = {
    "D": ("ngày", "daily"),
    "M": ("tháng", "monthly"),
    "Q": ("quý", "quarterly"),
    "Y": ("năm", "annual"),
    "2Y": ("2 năm", "two-yearly"),
    "5Y": ("5 năm", "five-yearly"),
    "10Y": ("10 năm", "ten-yearly"),
}
FORMS = {"D": "2025-03-14", "M": "2025-03", "Q": "2025-Q1", "Y": "2025", "2Y": "2025", "5Y": "2025", "10Y": "2025"}


@dataclass
class Check:
    """What the rules share: the batch, the registry, the known codes, and the working frame."""

    batch: Batch
    registry: Registry
    codes: KnownCodes
    today: date
    scope: Scope | None = None
    wh: Warehouse | None = None  # what is stored already (vintage rules); None: checked against the batch alone
    #: a backfill of past releases, loaded in release order: a release may be inserted behind a later vintage
    #: already stored (another source's revision of the same month), since that is what it was when it came out,
    #: and its levels are not compared with the warehouse's recent level (rule_scale), which is their future
    history: bool = False
    units: Units = field(default_factory=load_units)
    f: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())
    problems: list[Problem] = field(default_factory=list)
    #: problems kept at most; past it rows are still marked bad, no message is built, and the check stops
    max_problems: int = 1_000
    bad: set[Any] = field(default_factory=set)

    @property
    def full(self) -> bool:
        return len(self.problems) >= self.max_problems

    def flag(self, mask: Any, column: str, rule: str, en: Callable[[Any], str], vi: Callable[[Any], str]) -> None:
        """One problem per row in `mask` (up to `max_problems` in all); en/vi build the message from the row."""
        rows = self.f[mask] if not isinstance(mask, pd.Index) else self.f.loc[mask]
        self.bad.update(rows.index)
        rows = rows.head(max(0, self.max_problems - len(self.problems)))
        for idx, values in rows.to_dict("index").items():  # plain dicts: iterrows is 10x slower on big files
            r = _Row(values, idx)
            override = r.get(f"_col_{column}")  # a spreadsheet connector names the cell's column itself
            column_label = override if isinstance(override, str) else None
            self.problems.append(
                Problem(
                    file=self.batch.file_name,
                    row=int(r[ROW]),
                    column=column_label or self.batch.column_label(column),
                    value=shown(r.get(column)),
                    rule=rule,
                    message_en=en(r),
                    message_vi=vi(r),
                    record={"index": idx},
                )
            )

    def live(self) -> pd.Series:
        """Rows with no problem so far (later rules skip what earlier ones already rejected)."""
        return ~self.f.index.isin(list(self.bad))


class _Row(dict):
    """A row as the message builders read it: r["column"], r.get(...), and r.name (its index label)."""

    def __init__(self, values: dict, name: Any) -> None:
        super().__init__(values)
        self.name = name


def shown(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v)


def blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype(str).str.strip() == "")


def has(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and np.isnan(v)) and v is not pd.NA


def text(s: pd.Series) -> pd.Series:
    """Stripped text, None when blank — kept as object so that None stays None (pandas 3 would make it NaN)."""
    values = [str(v).strip() if has(v) and str(v).strip() else None for v in s]
    return pd.Series(values, index=s.index, dtype=object)


# -- parsing --------------------------------------------------------------------------------------------


def parse_period(text: str) -> tuple[date, str] | None:
    """The one period grammar (semantic/periods.py), lenient: None for what is not a period."""
    return periods.parse_period(text, lenient=True)


def parse_number(text: Any, decimal: str) -> float | None:
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text) if np.isfinite(text) else None
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", s):
        return None
    v = float(s)
    return v if np.isfinite(v) else None


def starts_period(d: date, freq: str) -> bool:
    if freq == "M":
        return d.day == 1
    if freq == "Q":
        return d.day == 1 and d.month in (1, 4, 7, 10)
    if freq in ("Y", "2Y", "5Y", "10Y"):
        return d.day == 1 and d.month == 1
    return True


def by_key(frame: pd.DataFrame, mask: pd.Series, cols: list[str], fn: Callable[..., Any]) -> pd.Series:
    """fn(*values) once per distinct combination of `cols` among the rows in `mask`, mapped back to those rows: a
    100 000-row file has a few hundred (area, period) pairs, and a rule's work is done per pair, not per row."""
    sub = frame.loc[mask, cols]
    memo: dict[tuple, Any] = {}
    out = []
    for key in sub.itertuples(index=False, name=None):
        if key not in memo:
            memo[key] = fn(*key)
        out.append(memo[key])
    return pd.Series(out, index=sub.index, dtype=object)
