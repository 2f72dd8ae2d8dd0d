"""Administrative-unit and agency lineage: how history counts on today's boundaries without being rewritten."""

from __future__ import annotations

from datetime import date, timedelta

from warehouse.lazy import lazy

pd = lazy("pandas")


MERGER_2025 = date(2025, 7, 1)
OPEN_END = date(9999, 12, 31)


_MONTHS = {"M": 1, "Q": 3, "Y": 12, "2Y": 24, "5Y": 60, "10Y": 120}


def period_end(start: date, freq: str) -> date:
    """The last day of the period that starts on `start` (D M Q Y 2Y 5Y 10Y)."""
    if freq == "D":
        return start
    total = start.year * 12 + (start.month - 1) + _MONTHS[freq]
    return date(total // 12, total % 12 + 1, 1) - timedelta(days=1)


def build_area_map(area: pd.DataFrame, lineage: pd.DataFrame) -> pd.DataFrame:
    """One row per (area code, validity window): the 2025-boundary unit it counts towards, with weight.

    Units valid on the 2025 boundaries map to themselves. A pre-2025 unit maps to each successor with the lineage
    weight; `sole` marks a successor that is exactly one predecessor's whole territory (so a rate or index may be
    carried over as it is; anything else is not faked). A lineage weight that is unknown (NaN: a piece of a split
    commune, whose share the source does not give) makes the weight of every predecessor of that successor NaN:
    the successor's pre-merger total would miss or guess the piece, so the query withholds it.
    """
    rows: list[dict[str, object]] = []
    current = area[area["valid_to"] >= OPEN_END]
    predecessors = lineage.groupby("new_code")["old_code"].nunique().to_dict()
    unknown = set(lineage.loc[lineage["weight"].isna(), "new_code"])
    parents = dict(zip(current["code"], current["parent_code"], strict=False))
    levels = dict(zip(current["code"], current["level"], strict=False))

    def province_of(code: str) -> str | None:
        level = levels.get(code)
        if level == "province":
            return code
        if level == "commune":
            return parents.get(code)
        return None

    for rec in current.itertuples(index=False):
        rows.append(
            {
                "src_code": rec.code,
                "valid_from": rec.valid_from,
                "valid_to": rec.valid_to,
                "dst_code": rec.code,
                "weight": 1.0,
                "sole": True,
                "province_2025": province_of(rec.code),
            }
        )
    old = area[area["valid_to"] < OPEN_END]
    by_old = lineage.groupby("old_code")
    for rec in old.itertuples(index=False):
        if rec.code not in by_old.groups:
            continue
        for lin in by_old.get_group(rec.code).itertuples(index=False):
            withheld = lin.new_code in unknown
            sole = predecessors.get(lin.new_code, 0) == 1 and float(lin.weight) == 1.0 and not withheld
            rows.append(
                {
                    "src_code": rec.code,
                    "valid_from": rec.valid_from,
                    "valid_to": rec.valid_to,
                    "dst_code": lin.new_code,
                    "weight": float("nan") if withheld else float(lin.weight),
                    "sole": bool(sole),
                    "province_2025": province_of(lin.new_code),
                }
            )
    return pd.DataFrame(rows)


def close_agency_lineage(pairs: list[tuple[str, str, date]], codes: list[str]) -> pd.DataFrame:
    """Transitive closure of agency lineage plus identity rows: old -> every agency it lives on in."""
    succ: dict[str, list[tuple[str, date]]] = {}
    for old, new, eff in pairs:
        succ.setdefault(old, []).append((new, eff))
    out: set[tuple[str, str, date]] = set()
    for code in codes:
        out.add((code, code, date(1945, 9, 2)))
        stack = list(succ.get(code, []))
        seen: set[str] = set()
        while stack:
            new, eff = stack.pop()
            if new in seen:
                continue
            seen.add(new)
            out.add((code, new, eff))
            stack.extend(succ.get(new, []))
    return pd.DataFrame(sorted(out), columns=["old_code", "new_code", "effective"])
