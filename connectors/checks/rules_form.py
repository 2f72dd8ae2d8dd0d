"""Validation rules on the form of each cell: required values, codes of the registry, periods, numbers, bases,
units, statuses, vintages. Each rule reports one problem per bad row (see connectors/checks/check.py)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from connectors.base import ACTION, CANONICAL
from connectors.checks.check import (
    ACTIONS,
    BASES,
    FORMS,
    FREQ_NAMES,
    STATUSES,
    Check,
    blank,
    by_key,
    has,
    parse_number,
    parse_period,
    starts_period,
)
from connectors.checks.units import RATE_BASES, norm
from semantic.registry import Indicator
from semantic.safetext import describe, has_control
from warehouse.lazy import lazy

np = lazy("numpy")
pd = lazy("pandas")


def _says(text: str) -> Callable[[Any], str]:
    return lambda _row: text


def rule_required(c: Check) -> None:
    """Each required column has a value (a delete, SDMX action D, needs no value)."""
    deleting = c.f[ACTION].astype(str).str.upper().eq("D") if ACTION in c.f else pd.Series(False, index=c.f.index)
    for col in ("indicator_code", "area_code", "period", "value"):
        mask = blank(c.f[col]) & c.live()
        if col == "value":
            mask &= ~deleting
        c.flag(mask, col, "required", _says(f"'{col}' is empty"), _says(f"'{col}' bị bỏ trống"))


def rule_control_characters(c: Check) -> None:
    """No text cell holds a control character (they hide a formula from the eye and from a spreadsheet's check).
    Read from the cells as the file gave them: trimming would silently drop some (\\x1c-\\x1f count as blanks)."""
    raw = c.batch.records
    shown: dict[Any, str] = {}  # row -> the first control character of the column being checked

    def en(r: Any) -> str:
        return f"a control character ({describe(shown[r.name])}) in the text: remove it"

    def vi(r: Any) -> str:
        return f"văn bản chứa ký tự điều khiển ({describe(shown[r.name])}): hãy xóa ký tự này"

    for col in CANONICAL:
        if col not in raw or col not in c.f:
            continue
        found = pd.Series([has_control(v) if isinstance(v, str) else None for v in raw[col]], index=raw.index)
        shown.clear()
        shown.update((i, ch) for i, ch in found.items() if ch is not None)
        c.flag(found.notna() & c.live(), col, "control_character", en, vi)


def rule_action(c: Check) -> None:
    """SDMX ACTION is one of I, A, M, R, D."""
    if ACTION not in c.f:
        return
    act = c.f[ACTION].astype(str).str.strip().str.upper()
    mask = ~act.isin(ACTIONS) & c.live()
    c.flag(
        mask,
        ACTION,
        "action",
        lambda r: "ACTION must be one of I, A, M, R, D",
        lambda r: "ACTION phải là một trong I, A, M, R, D",
    )
    c.f[ACTION] = act


def rule_known_indicator(c: Check) -> None:
    """The indicator code is in the registry."""
    codes = c.registry.codes()
    c.f["_ind"] = pd.Series(
        [c.registry.indicators.get(v) if v else None for v in c.f["indicator_code"]], index=c.f.index, dtype=object
    )
    mask = c.f["_ind"].isna() & c.f["indicator_code"].notna() & c.live()

    def hint(r: Any) -> str:
        close = difflib.get_close_matches(str(r["indicator_code"]), codes, n=3)
        return ", ".join(close) if close else ", ".join(codes[:8]) + ("…" if len(codes) > 8 else "")

    c.flag(
        mask,
        "indicator_code",
        "known_indicator",
        lambda r: f"unknown indicator code; did you mean: {hint(r)}",
        lambda r: f"mã chỉ tiêu không có trong danh mục; có phải: {hint(r)}",
    )


def rule_period_form(c: Check) -> None:
    """The period is written 2025, 2025-Q1, 2025-03 or 2025-03-14 and is a real date."""
    parsed = {p: parse_period(p) for p in c.f["period"].dropna().unique()}
    got = [parsed.get(p) if has(p) else None for p in c.f["period"]]
    c.f["_start"] = pd.Series([g[0] if g else None for g in got], index=c.f.index, dtype=object)
    c.f["_freq"] = pd.Series([g[1] if g else None for g in got], index=c.f.index, dtype=object)
    mask = c.f["_start"].isna() & c.f["period"].notna() & c.live()
    c.flag(
        mask,
        "period",
        "period_form",
        lambda r: "period must be written 2025, 2025-Q1, 2025-03 or 2025-03-14 (a real date)",
        lambda r: "kỳ phải viết dạng 2025, 2025-Q1, 2025-03 hoặc 2025-03-14 (ngày có thật)",
    )


def rule_frequency(c: Check) -> None:
    """The period's form matches the indicator's frequency (a multi-year indicator takes its first year; an Excel
    date cell on the first day of the indicator's period is read as that period)."""
    typed = c.f["_typed_period"] if "_typed_period" in c.f else pd.Series(False, index=c.f.index)
    ok = c.live() & c.f["_ind"].notna() & c.f["_start"].notna()
    want_freq = pd.Series([i.frequency if i is not None else None for i in c.f["_ind"]], index=c.f.index, dtype=object)
    for idx in c.f.index[ok & (c.f["_freq"] != want_freq)]:  # only the rows whose form differs
        got, want = c.f.at[idx, "_freq"], want_freq.at[idx]
        if got == "Y" and want in ("2Y", "5Y", "10Y"):
            c.f.at[idx, "_freq"] = want
        elif got == "D" and bool(typed.at[idx]) and starts_period(c.f.at[idx, "_start"], want):
            c.f.at[idx, "_freq"] = want
    mask = ok & (c.f["_freq"] != want_freq)

    def en(r: Any) -> str:
        want = r["_ind"].frequency
        return (
            f"indicator {r['indicator_code']} is {FREQ_NAMES[want][1]}: write the period like {FORMS[want]}, "
            f"not a {FREQ_NAMES[r['_freq']][1]} period"
        )

    def vi(r: Any) -> str:
        want = r["_ind"].frequency
        return (
            f"chỉ tiêu {r['indicator_code']} có tần suất {FREQ_NAMES[want][0]}: kỳ phải viết dạng {FORMS[want]}, "
            f"không phải kỳ {FREQ_NAMES[r['_freq']][0]}"
        )

    c.flag(mask, "period", "frequency", en, vi)


def rule_future_period(c: Check) -> None:
    """No value for a period that has not started yet."""
    mask = c.live() & c.f["_start"].notna() & (c.f["_start"].map(lambda d: d is not None and d > c.today))
    c.flag(
        mask,
        "period",
        "future_period",
        lambda r: f"the period starts after today ({c.today.isoformat()})",
        lambda r: f"kỳ bắt đầu sau ngày hôm nay ({c.today.strftime('%d/%m/%Y')})",
    )


def rule_numeric_value(c: Check) -> None:
    """The value is a finite number (a decimal comma only when the load declares it)."""
    dec = c.batch.decimal
    parsed = [parse_number(v, dec) if has(v) else None for v in c.f["value"]]
    c.f["_value"] = pd.Series([np.nan if v is None else v for v in parsed], index=c.f.index, dtype=float)
    deleting = c.f[ACTION].eq("D") if ACTION in c.f else pd.Series(False, index=c.f.index)
    mask = c.live() & c.f["value"].notna() & c.f["_value"].isna() & ~deleting

    def en(r: Any) -> str:
        hint = (
            " (a decimal comma? declare it: --decimal ,)"
            if dec == "." and re.fullmatch(r"[-+]?\d+,\d+", str(r["value"]).strip())
            else ""
        )
        return f"not a number{hint}"

    def vi(r: Any) -> str:
        hint = (
            " (dấu phẩy thập phân? hãy khai báo: --decimal ,)"
            if dec == "." and re.fullmatch(r"[-+]?\d+,\d+", str(r["value"]).strip())
            else ""
        )
        return f"giá trị không phải là số{hint}"

    c.flag(mask, "value", "numeric_value", en, vi)


def rule_base(c: Check) -> None:
    """The comparison base is known and offered by the indicator."""
    c.f["_base"] = pd.Series(
        ["level" if not has(b) else str(b).strip().lower() for b in c.f["base"]], index=c.f.index, dtype=object
    )
    live = c.live()
    unknown = live & ~c.f["_base"].isin(BASES)
    c.flag(
        unknown,
        "base",
        "base",
        lambda r: f"unknown base; valid: {', '.join(BASES)}",
        lambda r: f"gốc so sánh không hợp lệ; hợp lệ: {', '.join(BASES)}",
    )

    def offered(ind: Indicator | None, base: str) -> bool:
        return ind is None or base == "level" or base in set(ind.comparisons) | set(ind.published)

    good = by_key(c.f, live & ~unknown, ["_ind", "_base"], offered)
    mask = pd.Series(False, index=c.f.index)
    mask[good.index] = ~good.astype(bool)
    c.flag(
        mask,
        "base",
        "base",
        lambda r: (
            f"indicator {r['indicator_code']} has no base '{r['_base']}' (offered: "
            f"{', '.join(sorted(set(r['_ind'].comparisons) | set(r['_ind'].published)))})"
        ),
        lambda r: (
            f"chỉ tiêu {r['indicator_code']} không có gốc so sánh '{r['_base']}' (có: "
            f"{', '.join(sorted(set(r['_ind'].comparisons) | set(r['_ind'].published)))})"
        ),
    )


def rule_unit(c: Check) -> None:
    """A unit, when given, is the indicator's (or a declared conversion; comparisons in % or the index form)."""
    c.f["_factor"], c.f["_offset"] = 1.0, 0.0
    ok = c.live() & c.f["unit"].notna() & c.f["_ind"].notna()
    conv = by_key(
        c.f,
        ok,
        ["unit", "_ind", "_base"],
        lambda unit, ind, base: c.units.conversion(unit, ind.unit, ind.unit_en, base),
    )
    bad = [i for i, v in conv.items() if v is None]
    found = conv[conv.notna()]
    c.f.loc[found.index, "_factor"] = [v.factor for v in found]
    c.f.loc[found.index, "_offset"] = [v.offset for v in found]

    def want(r: Any) -> str:
        return (
            "% (or the index form: 'index')" if r["_base"] in RATE_BASES else f"{r['_ind'].unit} / {r['_ind'].unit_en}"
        )

    c.flag(
        pd.Index(bad),
        "unit",
        "unit",
        lambda r: (
            f"unit does not match indicator {r['indicator_code']} ({want(r)}) and no conversion is declared "
            "in connectors/checks/units.yml"
        ),
        lambda r: (
            f"đơn vị không khớp chỉ tiêu {r['indicator_code']} ({want(r)}) và chưa khai báo quy đổi "
            "trong connectors/checks/units.yml"
        ),
    )
    c.f["_value"] = c.f["_value"] * c.f["_factor"] + c.f["_offset"]


def rule_status(c: Check) -> None:
    """The status is official, preliminary, estimate or revised (Vietnamese and SDMX spellings accepted)."""
    c.f["_status"] = pd.Series(
        [STATUSES.get(norm(s)) if has(s) else "official" for s in c.f["status"]], index=c.f.index, dtype=object
    )
    mask = c.live() & c.f["_status"].isna()
    c.flag(
        mask,
        "status",
        "status",
        lambda r: "status must be official, preliminary, estimate or revised",
        lambda r: "trạng thái phải là chính thức, sơ bộ, ước tính hoặc điều chỉnh",
    )


def rule_published_at(c: Check) -> None:
    """published_at, when given, is a date or timestamp not in the future (it is the vintage)."""
    default = pd.Timestamp(c.batch.published_at) if c.batch.published_at is not None else pd.NaT
    parsed = {v: pd.to_datetime(v, errors="coerce") for v in c.f["published_at"].dropna().unique()}
    c.f["_vintage"] = pd.Series(
        [parsed[v] if has(v) else default for v in c.f["published_at"]], index=c.f.index, dtype="datetime64[ns]"
    )
    live = c.live()
    c.flag(
        live & c.f["published_at"].notna() & c.f["_vintage"].isna(),
        "published_at",
        "published_at",
        lambda r: "published_at must be a date like 2025-03-06 or 2025-03-06T09:00",
        lambda r: "published_at phải là ngày dạng 2025-03-06 hoặc 2025-03-06T09:00",
    )
    now = pd.Timestamp(datetime.combine(c.today, datetime.max.time()))
    future = live & c.f["_vintage"].notna() & (c.f["_vintage"] > now)
    c.flag(
        future,
        "published_at",
        "published_at",
        lambda r: "published_at is in the future",
        lambda r: "published_at là ngày trong tương lai",
    )
