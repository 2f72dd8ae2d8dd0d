"""QuerySpec: a query as a frozen, hashable value — with the scope and data version it is the cache key."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Literal

from semantic.errors import QueryError

Compare = Literal["yoy", "pop", "ytd", "ytd_yoy"]
COMPARES: tuple[str, ...] = ("yoy", "pop", "ytd", "ytd_yoy")
OPS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "is_null", "not_null")


_ONE_VALUE = ("contains", "gt", "gte", "lt", "lte")


def _no_nul(where: str, value: Any) -> None:
    """A NUL character ends a C string: databases refuse it (PostgreSQL) or cut the statement at it (DuckDB's
    parser). It is never part of a real code, name or period, so it is refused here with a typed error."""
    for v in value if isinstance(value, tuple | list) else (value,):
        if isinstance(v, str) and "\x00" in v:
            raise QueryError(f"{where}: a value holds a NUL character", f"{where}: giá trị chứa ký tự NUL")


@dataclass(frozen=True)
class Filter:
    """`dimension op values`: values are data (bound as literals by Ibis), never SQL text."""

    dimension: str
    op: str = "in"
    values: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise QueryError(
                f"filter on '{self.dimension}': unknown operator '{self.op}'; valid choices: {', '.join(OPS)}",
                f"bộ lọc '{self.dimension}': toán tử '{self.op}' không hợp lệ; hợp lệ: {', '.join(OPS)}",
            )
        object.__setattr__(self, "values", tuple(self.values))
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
        for name in ("indicators", "measures", "dimensions", "filters", "areas", "agencies", "order", "segments"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(value))
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
        if self.compare is not None and self.compare not in COMPARES:
            raise QueryError(
                f"unknown comparison '{self.compare}'; valid choices: {', '.join(COMPARES)}",
                f"phép so sánh '{self.compare}' không hợp lệ; hợp lệ: {', '.join(COMPARES)}",
            )
        if self.boundaries not in ("2025", "as-was"):
            raise QueryError(
                f"unknown boundaries '{self.boundaries}'; valid choices: 2025, as-was",
                f"chế độ địa giới '{self.boundaries}' không hợp lệ; hợp lệ: 2025, as-was",
            )
        if self.grain is not None and self.grain not in ("day", "month", "quarter", "year"):
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
        data = dict(data)
        if data.get("as_of"):
            data["as_of"] = date.fromisoformat(str(data["as_of"]))
        if "filters" in data:
            data["filters"] = tuple(
                f if isinstance(f, Filter) else Filter(f["dimension"], f.get("op", "in"), tuple(f.get("values", ())))
                for f in data["filters"]
            )
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise QueryError(
                f"unknown spec keys {sorted(unknown)}; valid keys: {', '.join(sorted(known))}",
                f"khóa không hợp lệ {sorted(unknown)}; khóa hợp lệ: {', '.join(sorted(known))}",
            )
        return cls(**data)
