"""Text forms of a query for people: the compact JSON a shared link carries (?q=), and filters written one per line
('status = official', 'year >= 2024')."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd

from semantic.errors import QueryError
from semantic.spec import Filter, QuerySpec

_OPS = (("!=", "not_in"), (">=", "gte"), ("<=", "lte"), (">", "gt"), ("<", "lt"), ("=", "in"))


def spec_param(spec: QuerySpec) -> str:
    """The compact JSON of a spec, for ?q= so a view can be shared by its link."""
    return json.dumps(spec.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=list)


def spec_from_param(value: str | None) -> QuerySpec | None:
    """The spec a link carries (None when it carries none); a damaged link is a QueryError, not a crash."""
    if not value:
        return None
    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return QuerySpec.from_dict(data)
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise QueryError(
            f"the link's view (?q=) cannot be read: {exc}", f"không đọc được truy vấn trong đường dẫn (?q=): {exc}"
        ) from exc


def parse_filters(text: str) -> tuple[Filter, ...]:
    """'status = official' / 'year >= 2024' / 'agency != MOF, MOC', one per line -> filters. Values stay text, as
    written ("01" is province 01, never the number 1): the compiler reads them by the dimension's declared type."""
    out = []
    for n, raw in enumerate((text or "").splitlines()):
        line = raw.strip()
        if not line:
            continue
        for sign, op in _OPS:
            dim, found, rest = line.partition(sign)
            values = tuple(v.strip() for v in rest.split(",") if v.strip())
            if found and dim.strip() and values and (op in ("in", "not_in") or len(values) == 1):
                out.append(Filter(dim.strip(), op, values))
                break
        else:
            raise QueryError(
                f"filter line {n + 1} '{line}': use DIMENSION = VALUE[, VALUE] (or != >= <= > <)",
                f"bộ lọc dòng {n + 1} '{line}': dùng dạng CHIỀU = GIÁ_TRỊ[, GIÁ_TRỊ] (hoặc != >= <= > <)",
            )
    return tuple(out)


def filters_text(filters: Iterable[Filter]) -> str:
    signs = {op: sign for sign, op in _OPS}
    signs.update({"eq": "=", "ne": "!="})
    return "\n".join(f"{f.dimension} {signs.get(f.op, '=')} {', '.join(str(v) for v in f.values)}" for f in filters)


def pivot(frame: pd.DataFrame, rows: list[str], columns: list[str], value: str) -> tuple[pd.DataFrame, bool]:
    """A pivot of a query result: one row per `rows` key, one column per `columns` key (flattened 'a · b'), and
    whether rows x columns failed to identify each value (then the first is shown, and the reader must be told)."""
    ambiguous = bool(frame.duplicated(subset=[*rows, *columns]).any())
    table = frame.pivot_table(index=rows, columns=columns or None, values=value, aggfunc="first").reset_index()
    table.columns = [
        " · ".join(str(x) for x in col if str(x)) if isinstance(col, tuple) else str(col) for col in table.columns
    ]
    return table, ambiguous
