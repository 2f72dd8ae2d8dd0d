"""Scope: what a caller may see and do — roles, agencies (or ALL), areas (or ALL), capabilities.

This module is the one place for access rules: every row predicate the compilers apply (`area_units`,
`agency_codes`), every pandas-side pick (`sees_area`, `area_codes`, `keep_units`) and every capability
(`may`, `require`). A rule is changed here and nowhere else. There is no "no scope": the system (a CLI without
claims, a trigger, the seed) passes `Scope.system()` explicitly."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from semantic.errors import AccessDenied
from warehouse.lazy import lazy
from warehouse.schema import table

if TYPE_CHECKING:
    import ibis.expr.types as ir

pd = lazy("pandas")


#: What a scope may be granted beyond seeing rows, and the refusal each one gives (en, vi).
CAPABILITIES: dict[str, tuple[str, str]] = {
    "upload": ("your account may not load data", "tài khoản của bạn không có quyền tải dữ liệu lên"),
    "audit": (
        "your account may not read the audit trail (administrators with the audit permission only)",
        "tài khoản của bạn không có quyền xem nhật ký kiểm tra (chỉ quản trị viên có quyền kiểm tra)",
    ),
    "sql": ("your account may not see the SQL of a query", "tài khoản của bạn không có quyền xem câu lệnh SQL"),
    "activate": (
        "only a leader may activate, escalate or close a scenario",
        "chỉ lãnh đạo mới được kích hoạt, nâng cấp độ hoặc kết thúc kịch bản",
    ),
    "api-write": ("this role may not send data", "vai trò này không được gửi dữ liệu"),
    #: date a vintage further back than DIEUHANH_BACKDATE_DAYS: history, loaded by the system only
    "backdate": (
        "only the system's reference loader may load history (vintages dated far back)",
        "chỉ đơn vị quản trị (bộ nạp dữ liệu lịch sử) được nạp số liệu lịch sử",
    ),
}


@dataclass(frozen=True)
class Scope:
    """`agencies`/`areas` None means ALL; an empty set means none. A scope with no grant sees nothing.

    `national`: whether national/regional aggregates (area VN) are visible to an area-scoped caller.
    `who`: the caller's name for the audit trail (not part of what the scope grants).
    """

    roles: frozenset[str] = frozenset()
    agencies: frozenset[str] | None = frozenset()
    areas: frozenset[str] | None = frozenset()
    national: bool = False
    can_upload: bool = False
    can_audit: bool = False
    can_see_sql: bool = False
    who: str = field(default="anonymous", compare=False)
    #: the system itself (Scope.system()): a person's scope never is, whatever its roles; it sees what an
    #: administrator sees (so it shares their cache entries) and may also load history
    is_system: bool = field(default=False, compare=False)
    #: why a scope grants nothing (en, vi): which claim matched no rule — told to the caller, never part of a key
    why: tuple[str, str] = field(default=("", ""), compare=False)

    @classmethod
    def system(cls, who: str = "system") -> Scope:
        """The system itself (a CLI without claims, a scheduled job, the seed): every row, every capability."""
        return cls(frozenset({"admin"}), None, None, True, True, True, True, who, is_system=True)

    @classmethod
    def none(cls, who: str = "anonymous", why: tuple[str, str] = ("", "")) -> Scope:
        return cls(who=who, why=why)

    @property
    def denied(self) -> bool:
        return not self.roles or (self.agencies == frozenset() and self.areas == frozenset())

    @property
    def unrestricted(self) -> bool:
        return self.agencies is None and self.areas is None

    @property
    def area_limited(self) -> bool:
        """Whether the caller sees some areas only (its rows are filtered by area)."""
        return self.areas is not None

    @property
    def agency_limited(self) -> bool:
        """Whether the caller sees some agencies only (its rows are filtered by agency)."""
        return self.agencies is not None

    @property
    def can_direct(self) -> bool:
        """Activate, escalate and close a scenario: the Government's leaders (and admins), never staff."""
        return self.may("activate")

    # ---- capabilities ------------------------------------------------------------------------------------------

    def may(self, capability: str) -> bool:
        """Whether this scope holds `capability` (one of CAPABILITIES); a scope that sees nothing holds none."""
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown capability '{capability}'; valid: {', '.join(CAPABILITIES)}")
        if self.denied:
            return False
        if capability == "upload" or capability == "api-write":
            return self.can_upload
        if capability == "audit":
            return self.can_audit
        if capability == "sql":
            return self.can_see_sql
        if capability == "backdate":
            return self.is_system
        return bool(self.roles & {"leader", "admin"})  # activate

    def require(self, capability: str | None = None) -> None:
        """Raise AccessDenied unless the scope sees something and (if given) holds `capability`."""
        if self.denied:
            en, vi = self.why
            raise AccessDenied(
                "your account has no access to any data (no matching role, ministry or province claim)"
                + (f": {en}" if en else ""),
                "tài khoản của bạn chưa được cấp quyền xem dữ liệu (không có vai trò, bộ/ngành hoặc tỉnh phù hợp)"
                + (f": {vi}" if vi else ""),
            )
        if capability is not None and not self.may(capability):
            raise AccessDenied(*CAPABILITIES[capability])

    # ---- rows: pandas side -------------------------------------------------------------------------------------

    def covers(self, province: str | None, unit: str | None) -> bool:
        """Whether a row of 2025 unit `unit`, in 2025 province `province`, is inside the caller's areas: a
        province's rows and its communes', or a commune's own."""
        return self.areas is None or province in self.areas or unit in self.areas

    def sees_area(self, code: str | None) -> bool:
        """Whether a row of province `code` (None: no province, e.g. a ministry's) is the caller's to see."""
        return self.areas is None or (code is not None and code in self.areas)

    def sees_agency(self, code: str | None) -> bool:
        return self.agencies is None or (code is not None and code in self.agencies)

    def area_codes(self) -> tuple[str, ...] | None:
        """The area codes the caller is limited to (its provinces, and VN when national figures are visible to
        it), or None: every area."""
        own = self.own_areas()
        return None if own is None else own + (("VN",) if self.national else ())

    def own_areas(self) -> tuple[str, ...] | None:
        """The provinces (2025 codes) the caller is limited to, without the country, or None: every area."""
        return None if self.areas is None else tuple(sorted(self.areas))

    def keep_units(self, codes: pd.Series, levels: pd.Series, parents: pd.Series | None = None) -> pd.Series:
        """Of a table of administrative units (`codes`, `levels`, and `parents` when it lists communes), the ones
        the caller may pick: its provinces (with their communes), its commune, and the national level when national
        figures are visible to it."""
        if self.areas is None:
            return pd.Series(True, index=codes.index)
        keep = codes.isin(sorted(self.areas))
        if parents is not None:  # a province deployment's picker: a province's communes are the province's
            keep |= (levels == "commune") & parents.isin(sorted(self.areas))
        if self.national:
            keep |= levels == "national"
        return keep

    def agency_codes_now(self) -> list[str] | None:
        """The agencies (today's codes) the caller is limited to, or None: every agency."""
        return None if self.agencies is None else sorted(self.agencies)

    # ---- rows: compiled predicates (Ibis, no database touched) -------------------------------------------------

    def area_units(self, amap: ir.Table, *, national: bool = True) -> ir.BooleanValue | None:
        """The rows of `area_map` (source unit → output unit) the caller may see: those inside its 2025 provinces,
        and the country's (dst VN) when national figures are visible to it and `national` (the view shows them).
        None: no area restriction."""
        if self.areas is None:
            return None
        # a province's rows are its own and its communes' (and its predecessors'); a commune's staff (a province
        # deployment) hold one 2025 commune: its rows, and those of the units merged into it
        ok = amap.province_2025.isin(sorted(self.areas)) | amap.dst_code.isin(sorted(self.areas))
        if self.national and national:
            ok |= amap.dst_code == "VN"
        return ok

    def source_areas(self, *, national: bool = True) -> ir.Column | None:
        """The source area codes (any vintage of the boundaries) the caller may see, or None: every area."""
        amap = table("area_map")
        ok = self.area_units(amap, national=national)
        return None if ok is None else amap.filter(ok).src_code

    def output_areas(self) -> ir.Column | None:
        """The output (2025) area codes the caller may see, or None: every area."""
        amap = table("area_map")
        ok = self.area_units(amap)
        return None if ok is None else amap.filter(ok).dst_code

    def agency_codes(self) -> ir.Column | None:
        """Every code (today's and its predecessors through the lineage) of the agencies the caller may see, or
        None: every agency."""
        if self.agencies is None:
            return None
        lineage = table("agency_lineage")
        return lineage.filter(lineage.new_code.isin(sorted(self.agencies))).old_code

    # ---- naming --------------------------------------------------------------------------------------------------

    def key(self) -> str:
        """A stable text form: part of every cache key and of the audit record."""
        return json.dumps(
            {
                "roles": sorted(self.roles),
                "agencies": None if self.agencies is None else sorted(self.agencies),
                "areas": None if self.areas is None else sorted(self.areas),
                "national": self.national,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    def grant(self) -> dict[str, Any]:
        """What this scope may see and do, without who holds it: the key's fields and the capabilities (the app's
        hot set stores it; `from_grant` reads it back)."""
        return {
            "roles": sorted(self.roles),
            "agencies": None if self.agencies is None else sorted(self.agencies),
            "areas": None if self.areas is None else sorted(self.areas),
            "national": self.national,
            "can_upload": self.can_upload,
            "can_audit": self.can_audit,
            "can_see_sql": self.can_see_sql,
        }

    @classmethod
    def from_grant(cls, grant: Mapping[str, Any], who: str) -> Scope:
        """The scope `grant()` wrote (never a system scope: a grant holds no system flag)."""
        return cls(
            frozenset(grant["roles"]),
            None if grant["agencies"] is None else frozenset(grant["agencies"]),
            None if grant["areas"] is None else frozenset(grant["areas"]),
            bool(grant["national"]),
            bool(grant["can_upload"]),
            bool(grant["can_audit"]),
            bool(grant["can_see_sql"]),
            who=who,
        )

    def describe(self, lang: str = "vi", names: Mapping[str, str] | None = None) -> str:
        """What the scope grants, in words: with `names` (code -> name), "Bộ/ngành: Bộ Xây dựng" rather than the
        claim's code; a code without a name is shown as it is."""
        if self.denied:
            return "không có quyền" if lang == "vi" else "no access"
        named = names or {}

        def words(codes: frozenset[str]) -> str:
            return ", ".join(named.get(code, code) for code in sorted(codes))

        parts = []
        if self.agencies is not None:
            parts.append(("Bộ/ngành: " if lang == "vi" else "Agencies: ") + words(self.agencies))
        if self.areas is not None:
            parts.append(("Tỉnh/thành: " if lang == "vi" else "Areas: ") + words(self.areas))
        if not parts:
            parts.append("toàn quốc, mọi bộ/ngành" if lang == "vi" else "all areas and agencies")
        return "; ".join(parts)
