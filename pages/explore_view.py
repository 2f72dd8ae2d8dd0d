"""What Khám phá shows of a query's rows: names instead of codes, periods by name, each row's decimals, a pivot
whose cells are identified by its rows x columns (never a silent first value), and chart series that never
zigzag across categories."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from pages import present, ui
from semantic import fmt
from semantic.compile_indicators import out_base_is_rate

#: the key columns of an indicator query's rows as Khám phá shows them (names), in reading order
OBS_KEYS = ("indicator", "area", "agency", "category", "period", "base")


def named(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """An indicator query's rows with names for codes (indicator, area, agency), the period as its start date (a
    `freq` column beside it), breakdown columns that are empty everywhere dropped; and each row's decimals (the
    indicator's, 2 for a percent change)."""
    mdl = ui.model()
    registry = mdl.registry
    areas = ui.area_names(ui.boundary_day())
    agencies = ui.agency_names()
    out = pd.DataFrame(index=frame.index)
    out["indicator"] = frame["indicator_code"].map(lambda x: ui.name(registry[x]) if x in registry else x)
    out["area"] = frame["area_code"].map(lambda a: areas.get(a, a) if not present.missing(a) else a)
    if frame["agency_code"].notna().any():
        out["agency"] = frame["agency_code"].map(lambda a: agencies.get(a, a) if not present.missing(a) else a)
    if frame["category"].notna().any():
        out["category"] = frame["category"]
    out["period"] = pd.to_datetime(frame["period_start"]).dt.date
    out["freq"] = frame["freq"]
    out["base"] = frame["base"]
    out["value"] = frame["value"]
    out["unit"] = frame["unit"]
    out["status"] = frame["status"]
    out["vintage"] = frame["vintage"]
    places = pd.Series(
        [
            2 if out_base_is_rate(base) else registry[code].decimals if code in registry else 1
            for code, base in zip(frame["indicator_code"], frame["base"], strict=True)
        ],
        index=frame.index,
    )
    return out, places


def period_names(shown: pd.DataFrame, lang: str) -> dict[date, str]:
    """Each period start -> its name by the row's frequency ('Tháng 3/2025', 'Quý I/2025')."""
    return {d: fmt.period(d, f, lang) for d, f in zip(shown["period"], shown["freq"], strict=True)}


def table_rows(shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The named rows as the table shows them: the period by name, no frequency column."""
    names = period_names(shown, lang)
    return shown.assign(period=shown["period"].map(names)).drop(columns="freq")


def varying(shown: pd.DataFrame, keys: list[str]) -> list[str]:
    """The keys that take more than one value in the rows."""
    return [k for k in keys if k in shown.columns and shown[k].nunique(dropna=False) > 1]


def pivot(
    shown: pd.DataFrame, rows: list[str], columns: list[str], value: str, places: pd.Series | int, lang: str
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Rows x columns of `value`, whose cells the caller has made unique (each combination at most once), with
    each cell's decimals; dates (periods) sort as dates and are then named."""
    names = period_names(shown, lang) if "period" in shown.columns and "freq" in shown.columns else {}
    frame = shown.assign(_places=places)
    cells = frame.pivot_table(index=rows, columns=columns or None, values=value, aggfunc="first", sort=True)
    digits = frame.pivot_table(index=rows, columns=columns or None, values="_places", aggfunc="first", sort=True)

    def label(part: Any) -> str:
        if isinstance(part, date):
            return names.get(part, present.cell(part, lang))
        return present.cell(part, lang) if isinstance(part, str) else str(part)  # words for codes; 2025 stays 2025

    def flat(col: Any) -> str:
        parts = col if isinstance(col, tuple) else (col,)
        return " · ".join(label(p) for p in parts if str(p))

    if not columns:  # one value column: its header is the value's
        cells = cells.to_frame(value) if isinstance(cells, pd.Series) else cells
        digits = digits.to_frame(value) if isinstance(digits, pd.Series) else digits.set_axis([value], axis=1)
    flat_names = [flat(c) for c in cells.columns]
    decimals = {
        name: digits[col].reindex(cells.index).fillna(1).astype(int).reset_index(drop=True)
        for name, col in zip(flat_names, cells.columns, strict=True)
    }
    cells.columns = flat_names
    cells = cells.reset_index()
    for key in rows:
        cells[key] = cells[key].map(label)
    return cells, decimals


CHART_KINDS: dict[str, tuple[str, str]] = {
    "line": ("Đường", "Line"),
    "bar": ("Cột", "Bar"),
    "area": ("Miền", "Area"),
    "scatter": ("Điểm", "Scatter"),
}
