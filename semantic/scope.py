"""Scope: what a caller may see — roles, agencies (or ALL), areas (or ALL). Every compile takes one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from semantic.errors import AccessDenied


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
    #: why a scope grants nothing (en, vi): which claim matched no rule — told to the caller, never part of a key
    why: tuple[str, str] = field(default=("", ""), compare=False)

    @classmethod
    def all(cls, who: str = "system") -> Scope:
        return cls(frozenset({"admin"}), None, None, True, True, True, True, who)

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
    def can_direct(self) -> bool:
        """Activate, escalate and close a scenario: the Government's leaders (and admins), never staff."""
        return bool(self.roles & {"leader", "admin"})

    def sees_area(self, code: str | None) -> bool:
        """Whether a row of province `code` (None: no province, e.g. a ministry's) is the caller's to see."""
        return self.areas is None or (code is not None and code in self.areas)

    def sees_agency(self, code: str | None) -> bool:
        return self.agencies is None or (code is not None and code in self.agencies)

    def require(self) -> None:
        if self.denied:
            en, vi = self.why
            raise AccessDenied(
                "your account has no access to any data (no matching role, ministry or province claim)"
                + (f": {en}" if en else ""),
                "tài khoản của bạn chưa được cấp quyền xem dữ liệu (không có vai trò, bộ/ngành hoặc tỉnh phù hợp)"
                + (f": {vi}" if vi else ""),
            )

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
