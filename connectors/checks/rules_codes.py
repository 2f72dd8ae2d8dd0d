"""Validation rules across rows and reference data: areas and agencies valid at the period's end, breakdowns,
plausible values, duplicates within the batch, and the loader's scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from connectors.base import ROW
from connectors.checks.check import Check, by_key, has
from connectors.checks.codes import KnownCodes
from connectors.checks.units import RATE_BASES
from connectors.seed.agencies import committee_code
from semantic.scope import Scope
from warehouse.lazy import lazy
from warehouse.lineage import period_end

pd = lazy("pandas")


def _spans(frame: pd.DataFrame) -> dict[str, list[tuple[Any, Any]]]:
    """code -> its validity windows [valid_from, valid_to)."""
    out: dict[str, list[tuple[Any, Any]]] = {}
    for code, a, b in zip(frame["code"], frame["valid_from"], frame["valid_to"], strict=True):
        out.setdefault(code, []).append((a, b))
    return out


def rule_known_area(c: Check) -> None:
    """The area code exists, and existed at the period's end (a pre-2025 code for pre-2025 periods)."""
    areas = c.codes.areas
    known = set(areas["code"])
    live = c.live() & c.f["area_code"].notna()
    unknown = live & ~c.f["area_code"].isin(known)
    c.flag(
        unknown,
        "area_code",
        "known_area",
        lambda r: "unknown area code (GSO codes: VN, 01, 33 ...)",
        lambda r: "mã địa bàn không tồn tại (mã GSO: VN, 01, 33 ...)",
    )
    check = live & ~unknown & c.f["_start"].notna() & c.f["_freq"].notna()
    spans = _spans(areas)
    end = by_key(c.f, check, ["_start", "_freq"], period_end)
    c.f["_end"] = None
    c.f.loc[end.index, "_end"] = end
    ok = by_key(c.f, check, ["area_code", "_end"], lambda code, e: any(a <= e < b for a, b in spans[code]))
    bad = ok.index[~ok.astype(bool)]

    def names(r: Any) -> tuple[str, str]:
        rows = areas[areas["code"] == r["area_code"]]
        spans = "; ".join(
            f"{n} {a:%d/%m/%Y}–{(b - pd.Timedelta(days=1)):%d/%m/%Y}"
            for n, a, b in zip(rows["name_vi"], rows["valid_from"], rows["valid_to"], strict=False)
        )
        succ = c.codes.successors(r["area_code"], r["_end"])
        return spans, (", ".join(succ) if succ else "")

    def en(r: Any) -> str:
        spans, succ = names(r)
        tail = f"; from then on use {succ}" if succ else ""
        return f"area {r['area_code']} did not exist at the period's end {r['_end']:%d/%m/%Y} (valid: {spans}){tail}"

    def vi(r: Any) -> str:
        spans, succ = names(r)
        tail = f"; từ đó dùng mã {succ}" if succ else ""
        return f"địa bàn {r['area_code']} không còn/chưa có vào cuối kỳ {r['_end']:%d/%m/%Y} (hiệu lực: {spans}){tail}"

    c.flag(pd.Index(bad), "area_code", "area_validity", en, vi)


#: the rule for a commune's own committee as agency: communes' files carry no agency (README, A province's deployment)
COMMUNE_AGENCY = (
    "a commune's people's committee (UBND-<commune code>) is no agency of the warehouse: a commune's file names no "
    "agency, leave agency_code empty (the area code says whose the row is)",
    "UBND xã/phường (UBND-<mã xã>) không phải cơ quan trong kho: tệp của xã/phường không ghi cơ quan, để trống "
    "agency_code (mã địa bàn đã cho biết dòng là của đơn vị nào)",
)


def _commune_committee(code: object) -> bool:
    return isinstance(code, str) and re.fullmatch(r"UBND-\d{5}", code.strip()) is not None


def rule_known_agency(c: Check) -> None:
    """An agency code, when given, exists and existed at the period's end; only for agency breakdowns."""
    ag = c.codes.agencies
    live = c.live() & c.f["agency_code"].notna()
    unknown = live & ~c.f["agency_code"].isin(set(ag["code"]))
    c.flag(
        unknown,
        "agency_code",
        "known_agency",
        lambda r: (
            COMMUNE_AGENCY[0] if _commune_committee(r["agency_code"]) else "unknown agency code (MOF, MOC, GSO ...)"
        ),
        lambda r: (
            COMMUNE_AGENCY[1]
            if _commune_committee(r["agency_code"])
            else "mã cơ quan không tồn tại (MOF, MOC, GSO ...)"
        ),
    )
    check = live & ~unknown & c.f["_start"].notna() & c.f["_freq"].notna()
    spans = _spans(ag)
    ok = by_key(
        c.f,
        check,
        ["agency_code", "_start", "_freq"],
        lambda code, start, freq: any(a <= period_end(start, freq) < b for a, b in spans[code]),
    )
    bad = ok.index[~ok.astype(bool)]
    c.flag(
        pd.Index(bad),
        "agency_code",
        "agency_validity",
        lambda r: "the agency did not exist at the period's end (merged: use its successor)",
        lambda r: "cơ quan không còn/chưa có vào cuối kỳ (đã hợp nhất: dùng mã cơ quan kế thừa)",
    )


def rule_breakdown(c: Check) -> None:
    """An agency or category column is filled only for indicators broken down that way."""
    live = c.live() & c.f["_ind"].notna()
    by_agency = c.f["_ind"].map(lambda i: i is not None and i.breakdown == "agency")
    by_cat = c.f["_ind"].map(lambda i: i is not None and i.breakdown == "category")
    c.flag(
        live & c.f["agency_code"].notna() & ~by_agency,
        "agency_code",
        "breakdown",
        lambda r: f"indicator {r['indicator_code']} is not broken down by agency: leave agency_code empty",
        lambda r: f"chỉ tiêu {r['indicator_code']} không chia theo cơ quan: để trống agency_code",
    )
    c.flag(
        live & c.f["category"].notna() & ~by_cat,
        "category",
        "breakdown",
        lambda r: f"indicator {r['indicator_code']} is not broken down by category: leave category empty",
        lambda r: f"chỉ tiêu {r['indicator_code']} không chia theo nhóm: để trống category",
    )


def rule_plausible(c: Check) -> None:
    """Levels within the registry's plausible range; a % change of a positive quantity not below −100 %, and of an
    index not beyond ±100 % (that is an index form, last year = 100, written where a % change belongs)."""
    live = c.live() & c.f["_ind"].notna() & c.f["_value"].notna()
    bad_en: dict[Any, str] = {}
    bad_vi: dict[Any, str] = {}
    rows = c.f.loc[live, ["_ind", "_value", "_base"]]
    for idx, ind, v, base in zip(rows.index, rows["_ind"], rows["_value"], rows["_base"], strict=True):
        lo, hi = ind.plausible.min, ind.plausible.max
        if base == "level" and ((lo is not None and v < lo) or (hi is not None and v > hi)):
            rng = f"[{'' if lo is None else f'{lo:g}'}, {'' if hi is None else f'{hi:g}'}]"
            bad_en[idx] = f"{v:g} is outside the plausible range {rng} {ind.unit_en} of {ind.code}"
            bad_vi[idx] = f"{v:g} nằm ngoài khoảng hợp lý {rng} {ind.unit} của {ind.code}"
        elif base in RATE_BASES and base != "base_year" and v < -100 and (lo is None or lo >= 0):
            bad_en[idx] = "a % change below −100 % is impossible for a positive quantity"
            bad_vi[idx] = "tốc độ thay đổi dưới −100 % là không thể với đại lượng dương"
        elif base in RATE_BASES and base != "base_year" and ind.kind == "index" and abs(v) > 100:
            bad_en[idx] = (
                "an index moving by more than 100 % is implausible: is this the index form (last year = 100)? "
                "write the % change (2.91, not 102.91) or set unit 'index'"
            )
            bad_vi[idx] = (
                "chỉ số thay đổi quá 100 % là bất thường: đây là dạng chỉ số (năm trước = 100)? "
                "hãy ghi % thay đổi (2,91 chứ không phải 102,91) hoặc ghi đơn vị 'chỉ số'"
            )
    c.flag(pd.Index(list(bad_en)), "value", "plausible", lambda r: bad_en[r.name], lambda r: bad_vi[r.name])


def rule_duplicates(c: Check) -> None:
    """A key (indicator, area, agency, category, period, base) appears once in a batch."""
    live = c.live() & c.f["_start"].notna()
    keys = ["indicator_code", "area_code", "agency_code", "category", "_start", "_freq", "_base"]
    groups: dict[tuple, list[Any]] = {}
    for idx, row in zip(c.f.index[live], c.f.loc[live, keys].itertuples(index=False, name=None), strict=True):
        groups.setdefault(tuple(v if has(v) else None for v in row), []).append(idx)
    flags_en: dict[Any, str] = {}
    flags_vi: dict[Any, str] = {}
    for idx in groups.values():
        if len(idx) < 2:
            continue
        rows = [int(c.f.at[i, ROW]) for i in idx]
        values = c.f.loc[idx, "_value"].round(9)
        same = values.nunique(dropna=False) == 1
        for i in idx[1:] if same else idx:  # a repeat is rejected; differing values are all rejected
            others = ", ".join(str(r) for r in rows if r != int(c.f.at[i, ROW]))
            flags_en[i] = f"same indicator, area, period and base as row(s) {others}" + (
                "" if same else " with a different value"
            )
            flags_vi[i] = f"trùng chỉ tiêu, địa bàn, kỳ và gốc so sánh với dòng {others}" + (
                "" if same else " nhưng khác giá trị"
            )
    c.flag(pd.Index(list(flags_en)), "period", "duplicate", lambda r: flags_en[r.name], lambda r: flags_vi[r.name])


def writes_as(scope: Scope, codes: KnownCodes) -> tuple[set[str], set[str]] | None:
    """(agency codes a sender may name in a row's agency_code, today's among them) — its ministries, or for a
    province's staff its people's committee (UBND-33), each with its pre-2025 predecessors; None: any agency.
    Seeing a row is not speaking for it: a province sees its rows of every ministry, but writes as itself."""
    if scope.agency_limited:
        own = set(scope.agency_codes_now() or ())
    elif scope.area_limited:
        # a province's people's committee is an agency (UBND-33); a commune's is not (no UBND-<commune> agency
        # exists): a commune's staff name no agency, their rows are their commune's by the area code
        provinces = set(codes.areas.loc[codes.areas["level"] == "province", "code"])
        own = {committee_code(a) for a in scope.own_areas() or () if a in provinces}
    else:
        return None
    return codes.agencies_within(frozenset(own)), own


def rule_scope(c: Check) -> None:
    """The sender's scope bounds every scoped column of every row: a ministry loads only its own rows and the
    indicators it owns, a province only its own areas; the agency a row names is the sender's own."""
    s = c.scope
    if s is None or s.unrestricted:
        return
    live = c.live() & c.f["_ind"].notna() & c.f["_start"].notna()
    bad: list[Any] = []
    prov = c.codes.area_provinces()
    if s.area_limited:

        def in_area(code: str, start: Any, freq: str) -> bool:
            end = period_end(start, freq)
            rows = prov[(prov["src_code"] == code) & (prov["valid_from"] <= end) & (prov["valid_to"] > end)]
            # every 2025 unit the row counts in is the sender's: a commune's staff load their commune's
            # predecessors, not a commune split with a neighbour (nor an old code that a new commune reuses)
            units = list(zip(rows["province_2025"], rows["dst_code"], strict=True))
            return bool(units) and all(s.covers(p, unit) for p, unit in units)

        inside = by_key(c.f, live, ["area_code", "_start", "_freq"], in_area)
        bad += [(i, "area_code") for i in inside.index[~inside.astype(bool)]]
        live = live & ~c.f.index.isin([i for i, _ in bad])
    speaks = writes_as(s, c.codes)
    own_now: set[str] = set()
    if speaks is not None:
        allowed, own_now = speaks
        named = live & c.f["agency_code"].notna()
        foreign = named & ~c.f["agency_code"].isin(allowed)
        bad += [(i, "agency_code") for i in c.f.index[foreign]]
        live = live & ~foreign
    if s.agency_limited:
        mine_agencies = c.codes.agencies_within(frozenset(s.agency_codes_now() or ()))
        unnamed = live & c.f["agency_code"].isna()
        owned = by_key(c.f, unnamed, ["_ind"], lambda ind: ind.owner in mine_agencies)
        bad += [(i, "indicator_code") for i in owned.index[~owned.astype(bool)]]
    who = s.describe("en")
    who_vi = s.describe("vi")
    own = ", ".join(sorted(own_now))
    messages = {
        "agency_code": (
            f"outside your scope ({who}): a row you load names your own agency ({own}) or none",
            f"ngoài phạm vi của bạn ({who_vi}): dòng bạn tải chỉ được ghi cơ quan của mình ({own}) hoặc để trống",
        )
        if own_now
        else (
            f"outside your scope ({who}): {COMMUNE_AGENCY[0]}",
            f"ngoài phạm vi của bạn ({who_vi}): {COMMUNE_AGENCY[1]}",
        ),
    }
    plain = (
        f"outside your scope ({who}): you may load only your own data",
        f"ngoài phạm vi của bạn ({who_vi}): chỉ được tải dữ liệu của đơn vị mình",
    )
    for col in ("area_code", "agency_code", "indicator_code"):
        idxs = pd.Index([i for i, cc in bad if cc == col])
        en, vi = messages.get(col, plain)
        c.flag(idxs, col, "scope", _says(en), _says(vi))


def _says(text: str) -> Callable[[Any], str]:
    return lambda _row: text
