"""The one gate: OIDC claims (or a demo persona's claims) -> Scope, by the policy in semantic/access.yml."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from semantic.errors import UnknownFieldError
from semantic.scope import Scope
from semantic.strict import Strict, parse, read_yaml

POLICY_FILE = Path(__file__).resolve().parent / "access.yml"


class ClaimNames(Strict):
    roles: str = "roles"
    agency: str = "agency"
    province: str = "province"
    name: str = "name"
    subject: str = "sub"


class RoleRule(Strict):
    sees: Literal["all", "agency", "province"]
    upload: bool = False
    audit: bool = False
    sql: bool = False


class Persona(Strict):
    name_vi: str
    name_en: str
    claims: dict[str, Any]


class Policy(Strict):
    claims: ClaimNames = ClaimNames()
    roles: dict[str, RoleRule]
    national_aggregates_for_province_staff: bool = True
    personas: dict[str, Persona] = {}


@lru_cache(maxsize=8)
def load_policy(path: Path = POLICY_FILE) -> Policy:
    return parse(Policy, read_yaml(path), str(path))


def _claim(claims: Mapping[str, Any], name: str) -> Any:
    current: Any = claims
    for part in name.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.replace(",", " ").split() if v]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value if isinstance(v, str | int)]
    return []


def scope_from_claims(
    claims: Mapping[str, Any] | None,
    policy: Policy | None = None,
    known_agencies: Collection[str] | None = None,
    known_areas: Collection[str] | None = None,
) -> Scope:
    """Deny by default: only roles named in the policy grant anything, and only with valid codes."""
    policy = policy or load_policy()
    claims = claims or {}
    names = policy.claims
    who = str(_claim(claims, names.name) or _claim(claims, names.subject) or "anonymous")
    roles = [r for r in _as_list(_claim(claims, names.roles)) if r in policy.roles]
    agency = _claim(claims, names.agency)
    province = _claim(claims, names.province)
    agency = str(agency).strip().upper() if isinstance(agency, str | int) and str(agency).strip() else None
    province = str(province).strip() if isinstance(province, str | int) and str(province).strip() else None
    if province is not None and province.isdigit() and len(province) == 1:
        province = "0" + province
    if agency is not None and known_agencies is not None and agency not in known_agencies:
        agency = None
    if province is not None and known_areas is not None and province not in known_areas:
        province = None

    granted: list[str] = []
    sees_all = False
    agencies: frozenset[str] | None = None
    areas: frozenset[str] | None = None
    for role in roles:
        rule = policy.roles[role]
        if rule.sees == "all":
            sees_all = True
            granted.append(role)
        elif rule.sees == "agency" and agency:
            agencies = frozenset({agency})
            granted.append(role)
        elif rule.sees == "province" and province:
            areas = frozenset({province})
            granted.append(role)
    if not granted:
        return Scope.none(who)
    rules = [policy.roles[r] for r in granted]
    if sees_all:
        agencies, areas = None, None
    national = areas is None or policy.national_aggregates_for_province_staff
    return Scope(
        roles=frozenset(granted),
        agencies=agencies,
        areas=areas,
        national=national,
        can_upload=any(r.upload for r in rules),
        can_audit=any(r.audit for r in rules),
        can_see_sql=any(r.sql for r in rules),
        who=who,
    )


def persona_claims(persona: str, policy: Policy | None = None) -> dict[str, Any]:
    policy = policy or load_policy()
    if persona not in policy.personas:
        raise UnknownFieldError("persona", persona, policy.personas)
    return dict(policy.personas[persona].claims)


def persona_scope(persona: str, **known: Any) -> Scope:
    return scope_from_claims(persona_claims(persona), **known)
