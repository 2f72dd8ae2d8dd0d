"""QuerySpec: a query as a frozen, hashable value — with the scope and data version it is the cache key."""

from __future__ import annotations

import json
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from semantic.errors import QueryError
from semantic.periods import parse_period
from semantic.vocab import BOUNDARIES, COMPARES, GRAINS, Compare  # noqa: F401 - Compare: part of the spec's names
from semantic.vocab import OPERATORS as OPS

_ONE_VALUE = ("contains", "gt", "gte", "lt", "lte")


def _no_nul(where: str, value: Any) -> None:
    """A NUL character ends a C string: databases refuse it (PostgreSQL) or cut the statement at it (DuckDB's
    parser). It is never part of a real code, name or period, so it is refused here with a typed error."""
    for v in value if isinstance(value, tuple | list) else (value,):
        if isinstance(v, str) and "\x00" in v:
            raise QueryError(f"{where}: a value holds a NUL character", f"{where}: giá trị chứa ký tự NUL")


#: a filter value is one scalar: text (what every person-written form gives), a number, a truth value or a date
_SCALARS = (str, numbers.Number, date)
_TEXT_LISTS = ("indicators", "measures", "dimensions", "areas", "agencies", "order", "segments")


def _bad(where: str, en: str, vi: str) -> QueryError:
    return QueryError(f"{where}: {en}", f"{where}: {vi}")


def _texts(where: str, value: Any) -> tuple[str, ...]:
    """A list of texts (one text alone is a list of one); anything else — a number, a nested list — is refused."""
    if isinstance(value, str):
        return (value,)
    items = tuple(value) if isinstance(value, Iterable) and not isinstance(value, Mapping | bytes) else None
    if items is None or not all(isinstance(v, str) for v in items):
        raise _bad(where, "must be a list of texts", "phải là danh sách các chuỗi văn bản")
    return items


@dataclass(frozen=True)
class Filter:
    """`dimension op values`: values are data (bound as literals by Ibis), never SQL text."""

    dimension: str
    op: str = "in"
    values: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.dimension, str) or not self.dimension:
            raise _bad("filter", "the dimension must be a name (text)", "chiều lọc phải là một tên (văn bản)")
        if not isinstance(self.op, str) or self.op not in OPS:
            raise QueryError(
                f"filter on '{self.dimension}': unknown operator '{self.op}'; valid choices: {', '.join(OPS)}",
                f"bộ lọc '{self.dimension}': toán tử '{self.op}' không hợp lệ; hợp lệ: {', '.join(OPS)}",
            )
        listed = isinstance(self.values, Iterable) and not isinstance(self.values, str | bytes | Mapping)
        values = tuple(self.values) if listed else ()
        if not listed or not all(v is None or isinstance(v, _SCALARS) for v in values):
            raise _bad(
                f"filter on '{self.dimension}'",
                "values must be a list of single values (text, number, true/false, date)",
                "giá trị phải là danh sách các giá trị đơn (văn bản, số, đúng/sai, ngày)",
            )
        object.__setattr__(self, "values", values)
        if self.op in _ONE_VALUE and len(self.values) != 1:
            raise QueryError(
                f"filter on '{self.dimension}': '{self.op}' takes exactly one value, got {len(self.values)}",
                f"bộ lọc '{self.dimension}': '{self.op}' cần đúng một giá trị, nhận {len(self.values)}",
            )
        _no_nul(f"filter on '{self.dimension}'", (self.dimension, *self.values))


@dataclass(frozen=True)
class QuerySpec:
    """One query. `view='observations'` with `indicators` is the indicator path (registry semantics);
    any other view takes `measures` and `dimensions` from the model."""

    view: str = "observations"
    indicators: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    areas: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    time_from: str | None = None
    time_to: str | None = None
    grain: str | None = None  # day | month | quarter | year; None: each indicator's own frequency
    compare: str | None = None  # yoy | pop | ytd | ytd_yoy
    as_of: date | None = None
    boundaries: str = "2025"  # 2025 | as-was
    order: tuple[str, ...] = ()  # "-value" for descending
    limit: int | None = None
    segments: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        """Every field is checked against its declared type here, so a spec from any source — a shared link (?q=),
        the CLI, a page — is either valid or a QueryError naming the field; never a crash further down."""
        for name in _TEXT_LISTS:
            object.__setattr__(self, name, _texts(name, getattr(self, name)))
        listed = isinstance(self.filters, Iterable) and not isinstance(self.filters, str | bytes | Mapping)
        filters = tuple(self.filters) if listed else ()
        if not listed or not all(isinstance(f, Filter) for f in filters):
            raise _bad("filters", "must be a list of filters", "phải là danh sách các bộ lọc")
        object.__setattr__(self, "filters", filters)
        for name in ("view", "boundaries"):
            if not isinstance(getattr(self, name), str):
                raise _bad(name, "must be a text", "phải là một chuỗi văn bản")
        for name in ("time_from", "time_to", "grain", "compare"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise _bad(name, "must be a text", "phải là một chuỗi văn bản")
        if self.as_of is not None and not isinstance(self.as_of, date):
            raise _bad("as_of", "must be a date YYYY-MM-DD", "phải là ngày dạng YYYY-MM-DD")
        if self.limit is not None and (
            isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 0
        ):
            raise _bad("limit", "must be a whole number, 0 or more", "phải là số nguyên không âm")
        for name in (
            "view",
            "indicators",
            "measures",
            "dimensions",
            "areas",
            "agencies",
            "order",
            "segments",
            "time_from",
            "time_to",
        ):
            _no_nul(name, getattr(self, name))
        for name in ("time_from", "time_to"):
            if getattr(self, name) is not None:
                parse_period(getattr(self, name))  # the one period grammar: a QueryError naming the bad period
        if self.compare is not None and self.compare not in COMPARES:
            raise QueryError(
                f"unknown comparison '{self.compare}'; valid choices: {', '.join(COMPARES)}",
                f"phép so sánh '{self.compare}' không hợp lệ; hợp lệ: {', '.join(COMPARES)}",
            )
        if self.boundaries not in BOUNDARIES:
            raise QueryError(
                f"unknown boundaries '{self.boundaries}'; valid choices: {', '.join(BOUNDARIES)}",
                f"chế độ địa giới '{self.boundaries}' không hợp lệ; hợp lệ: {', '.join(BOUNDARIES)}",
            )
        if self.grain is not None and self.grain not in GRAINS:
            raise QueryError(
                f"unknown grain '{self.grain}'; valid choices: day, month, quarter, year",
                f"cấp thời gian '{self.grain}' không hợp lệ; hợp lệ: day, month, quarter, year",
            )

    def with_(self, **changes: Any) -> QuerySpec:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return {k: v for k, v in data.items() if v not in (None, (), [], "")}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, default=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuerySpec:
        """A spec from its dict form (a shared link's JSON): the same checks as any spec, plus the text forms of a
        date and a filter ({"dimension", "op", "values"} and no other key)."""
        data = dict(data)
        if data.get("as_of") is not None:
            if not isinstance(data["as_of"], str):
                raise _bad("as_of", "must be a date YYYY-MM-DD", "phải là ngày dạng YYYY-MM-DD")
            try:
                data["as_of"] = date.fromisoformat(data["as_of"])
            except ValueError:
                raise _bad("as_of", "must be a date YYYY-MM-DD", "phải là ngày dạng YYYY-MM-DD") from None
        if "filters" in data:
            if not isinstance(data["filters"], list | tuple):
                raise _bad("filters", "must be a list of filters", "phải là danh sách các bộ lọc")
            data["filters"] = tuple(_filter_from(f) for f in data["filters"])
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise QueryError(
                f"unknown spec keys {sorted(unknown)}; valid keys: {', '.join(sorted(known))}",
                f"khóa không hợp lệ {sorted(unknown)}; khóa hợp lệ: {', '.join(sorted(known))}",
            )
        return cls(**data)


_FILTER_KEYS = ("dimension", "op", "values")


def _filter_from(item: Any) -> Filter:
    if isinstance(item, Filter):
        return item
    if not isinstance(item, dict) or "dimension" not in item or set(item) - set(_FILTER_KEYS):
        raise _bad(
            "filters",
            f"each filter is an object with the keys {', '.join(_FILTER_KEYS)} (dimension required)",
            f"mỗi bộ lọc là một đối tượng với các khóa {', '.join(_FILTER_KEYS)} (bắt buộc có dimension)",
        )
    return Filter(item["dimension"], item.get("op", "in"), item.get("values", ()))
