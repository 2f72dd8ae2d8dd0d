"""The one presentation layer for tables: a frame of numbers, dates and codes becomes what a reader sees — headers in
the reader's language (the model's labels, else this module's catalog), `1.234,5` with the indicator's decimals,
`dd/mm/yyyy`, status words instead of codes, and "–" for anything missing. Downloads keep the numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

import pandas as pd

from pages.i18n import FREQ_NAMES, GROUPS, STATUS_NAMES, pick
from semantic import fmt
from semantic.model import SemanticModel

MISSING = "–"
#: columns that hold a year: written without a thousands mark
YEARS = ("year", "plan_year")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00:00)?$")

#: raw column names that reach pages from specs and tables, and their headers (the model's labels win)
HEADERS: dict[str, tuple[str, str]] = {
    "code": ("Mã", "Code"),
    "indicator_code": ("Mã chỉ tiêu", "Indicator code"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "name_vi": ("Tên", "Name"),
    "name_en": ("Tên (tiếng Anh)", "Name (English)"),
    "area_code": ("Mã địa bàn", "Area code"),
    "area": ("Địa bàn", "Area"),
    "agency_code": ("Mã cơ quan", "Agency code"),
    "agency": ("Cơ quan", "Agency"),
    "category": ("Phân loại", "Category"),
    "period_start": ("Kỳ", "Period"),
    "period": ("Kỳ", "Period"),
    "freq": ("Tần suất", "Frequency"),
    "frequency": ("Tần suất", "Frequency"),
    "value": ("Giá trị", "Value"),
    "unit": ("Đơn vị", "Unit"),
    "status": ("Trạng thái", "Status"),
    "vintage": ("Ngày công bố", "Published"),
    "source": ("Nguồn", "Source"),
    "group": ("Nhóm", "Group"),
    "base": ("Cơ sở so sánh", "Basis"),
    "date": ("Ngày", "Date"),
    "rows": ("Số dòng", "Rows"),
    "row": ("Dòng", "Row"),
    "column": ("Cột", "Column"),
    "rule": ("Quy tắc", "Rule"),
    "message": ("Nội dung", "Message"),
    "problem": ("Vấn đề", "Problem"),
    "loaded_at": ("Thời điểm nạp", "Loaded at"),
    "file": ("Tệp", "File"),
    "target": ("Mục tiêu", "Target"),
    "actual": ("Thực hiện", "Actual"),
    "forecast": ("Dự báo", "Forecast"),
    "lower": ("Cận dưới", "Lower"),
    "upper": ("Cận trên", "Upper"),
    "inside80": ("Trong khoảng 80%", "Inside 80% band"),
    "deadline": ("Hạn", "Deadline"),
    "year": ("Năm", "Year"),
    "title": ("Tiêu đề", "Title"),
}

#: code words that may sit in a cell, and what a reader reads instead
WORDS: dict[str, tuple[str, str]] = {
    **STATUS_NAMES,
    **GROUPS,
    "level": ("Giá trị", "Level"),
    "yoy": ("So với cùng kỳ", "Vs same period last year"),
    "pop": ("So với kỳ trước", "Vs previous period"),
    "ytd": ("Lũy kế", "Year to date"),
    "ytd_yoy": ("Lũy kế so với cùng kỳ", "YTD vs last year"),
    # a plan target's comparator (semantic/plan_status.py)
    "about": ("Khoảng", "About"),
    "range": ("Trong khoảng", "Within a range"),
    "below": ("Dưới", "Below"),
    "above": ("Trên", "Above"),
    "at_least": ("Ít nhất", "At least"),
    "True": ("Có", "Yes"),
    "False": ("Không", "No"),
}


@cache
def model_headers(model: SemanticModel) -> dict[str, tuple[str, str]]:
    """Every cube's dimension and measure labels by name (the first cube that labels a name wins)."""
    out: dict[str, tuple[str, str]] = {}
    for name in sorted(model.cubes):
        cube = model.cubes[name]
        for field in (*cube.dimensions, *cube.measures):
            out.setdefault(field.name, (field.label_vi, field.label_en))
    return out


def header(column: Any, lang: str, model: SemanticModel | None = None) -> str:
    key = str(column)
    labels = {**(model_headers(model) if model is not None else {}), **HEADERS}
    return pick(labels[key], lang) if key in labels else key


def missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, list | tuple | dict) else False
    except (TypeError, ValueError):
        return False


def cell(value: Any, lang: str, decimals: int = 1, freq: str | None = None) -> str:
    """One value as text: numbers in the reader's format, dates as dd/mm/yyyy (or the period's name when its
    frequency is known), code words translated, missing as "–"."""
    if missing(value):
        return MISSING
    if isinstance(value, bool):
        return pick(WORDS[str(value)], lang)
    if isinstance(value, pd.Timestamp | datetime | date):
        when = pd.Timestamp(value).date()
        return fmt.period(when, freq, lang) if freq and freq in FREQ_NAMES else fmt.day(when, lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt.number(value, 0, lang)
    if isinstance(value, float):
        return fmt.number(value, decimals, lang)
    if hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf":  # numpy scalars
        return cell(value.item(), lang, decimals, freq)
    text = str(value)
    if ISO_DAY.match(text):  # a date that arrived as text ('2025-12-31', '2024-01-01 00:00:00')
        return cell(date.fromisoformat(text[:10]), lang, decimals, freq)
    return pick(WORDS[text], lang) if text in WORDS else text


def _cells(values: list, places: list, freqs: list | None, lang: str) -> list[str]:
    """`cell` of each value, each distinct (type, value, decimals, period kind) formatted once: a column repeats
    its statuses, agencies and days, and a 400-task table was a tenth of a run formatting the same words again."""
    memo: dict[tuple, str] = {}
    out = []
    for i, v in enumerate(values):
        p, f = int(places[i]), (freqs[i] if freqs is not None else None)
        try:
            key = (type(v), v, p, f)  # the type too: True, 1 and 1.0 are equal keys but read differently
            got = memo.get(key)
        except TypeError:  # an unhashable value (a list): formatted as it comes
            out.append(cell(v, lang, p, f))
            continue
        if got is None:
            got = memo[key] = cell(v, lang, p, f)
        out.append(got)
    return out


def present(
    frame: pd.DataFrame,
    lang: str,
    model: SemanticModel | None = None,
    decimals: int | pd.Series | Mapping[str, int | pd.Series] = 1,
    freq: str | pd.Series | None = None,
    keep: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The frame as a reader sees it. `decimals`: one number for every column, a per-row Series (each row's
    indicator's decimals), or a column -> either mapping. `freq` names each row's period (a column of 'M', 'Q' …).
    Columns in `keep` are left as they are (a number a chart or a sort needs)."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        series = frame[col]
        if col in keep:
            out[col] = series
            continue
        chosen = decimals.get(col, 1) if isinstance(decimals, Mapping) else decimals
        if isinstance(chosen, pd.Series):
            places = chosen.reindex(frame.index).fillna(1).astype(int)
        else:
            places = pd.Series(chosen, index=frame.index)
        freqs = freq if isinstance(freq, pd.Series) else pd.Series(freq, index=frame.index)
        period_like = str(col) in ("period_start", "period") and freq is not None
        if str(col) in YEARS:  # 2025, not 2.025
            out[col] = [
                MISSING if missing(v) else str(int(v)) if isinstance(v, int | float) else str(v) for v in series
            ]
            continue
        if str(col) in ("freq", "frequency"):
            out[col] = [MISSING if missing(v) else pick(FREQ_NAMES.get(str(v), (str(v), str(v))), lang) for v in series]
            continue
        out[col] = _cells(series.tolist(), places.tolist(), freqs.tolist() if period_like else None, lang)
    out.columns = [header(c, lang, model) for c in frame.columns]
    return out.reset_index(drop=True)
