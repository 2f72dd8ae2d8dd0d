"""The one gate: OIDC claims (or a demo persona's claims) -> Scope, by the policy in semantic/access.yml; and the
session-lifetime rule an OIDC login must pass before its claims are trusted."""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from collections.abc import Collection, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from semantic.errors import SemanticError, UnknownFieldError
from semantic.profile import active as active_profile
from semantic.profile import load_profile
from semantic.scope import Scope
from semantic.strict import Strict, parse, read_yaml

POLICY_FILE = Path(__file__).resolve().parent / "access.yml"
#: longest name written to the audit trail and shown in the header (a claim is input, not trusted text)
_WHO_MAX = 200


class ClaimNames(Strict):
    roles: str = "roles"
    agency: str = "agency"
    province: str = "province"
    commune: str = "commune"
    name: str = "name"
    subject: str = "sub"


class RoleRule(Strict):
    sees: Literal["all", "agency", "province", "commune", "own"]
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
    #: an OIDC session older than this (from the ID token's auth_time/iat) is refused even if its token lives on
    session_max_hours: float = 8.0
    personas: dict[str, Persona] = {}


@lru_cache(maxsize=8)
def _read_policy(path: Path, profile: str) -> Policy:
    policy = parse(Policy, read_yaml(path), str(path))
    own = load_profile(profile).personas
    if own:  # a province's deployment has its own demo personas (its chairman, a department's, a commune's staff)
        personas = parse(Policy, {"roles": {}, "personas": own}, f"profile {profile}: personas").personas
        policy = policy.model_copy(update={"personas": personas})
    return policy


def load_policy(path: Path = POLICY_FILE) -> Policy:
    """The policy of `path`, with the active deployment profile's demo personas when it names its own."""
    return _read_policy(path, active_profile().id)


def _claim(claims: Mapping[str, Any], name: str) -> Any:
    """The claim `name`: a key as written first (Auth0-style "https://x/roles" keys hold dots), else a dotted path
    into nested objects (Keycloak's realm_access.roles)."""
    if name in claims:
        return claims[name]
    current: Any = claims
    for part in name.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


# -- the one normalisation of claims ---------------------------------------------------------------------------------
# Every text a claim carries (a role, an agency or province code, a name) is read the same way, whether the claim
# is a string or a list of strings: Unicode-normalised (NFC), trimmed of white space at both ends — any Unicode white
# space, so a no-break space too — and nothing else changed. A role string or list item may hold several role names
# separated by white space or commas. Role names stay exact (no case folding); agency codes are compared in upper
# case; a one-digit province code gains its leading zero. What is not white space (a zero-width space, a control
# character) stays, so such a value matches nothing and grants nothing.


def claim_text(value: Any) -> str | None:
    """The normalised text of a claim value (a string or a whole number), None when absent, empty or another type."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _names(value: Any) -> list[str]:
    """Role names of a roles claim: a string, or a list of strings, each split on white space and commas."""
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    out: list[str] = []
    for item in items:
        text = claim_text(item) if isinstance(item, str) else None
        if text:
            out += text.replace(",", " ").split()
    return out


def _code(value: Any, known: Collection[str] | None, province: bool) -> tuple[str | None, bool]:
    """(normalised code or None, whether the claim is acceptable). Absent is acceptable; a value that is not one
    real code (a list, a bool, an area or agency the warehouse does not know) is not."""
    if value is None or (isinstance(value, str) and claim_text(value) is None):
        return None, True
    code = claim_text(value)
    if code is None:
        return None, False
    if province:
        code = "0" + code if code.isdigit() and len(code) == 1 else code
    else:
        code = code.upper()
    if known is not None and code not in known:
        return None, False
    return code, True


def _who(claims: Mapping[str, Any], names: ClaimNames) -> str:
    """The caller's name for the header and the audit trail: plain text of one line — control and format
    characters dropped, runs of white space one space (pages still render it as text, never as markup)."""
    for name in (names.name, names.subject):
        text = claim_text(_claim(claims, name))
        if text:
            text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch.isspace())
            text = " ".join(text.split())
            if text:
                return text[:_WHO_MAX]
    return "anonymous"


def scope_from_claims(
    claims: Mapping[str, Any] | None,
    policy: Policy | None = None,
    known_agencies: Collection[str] | None = None,
    known_areas: Collection[str] | None = None,
) -> Scope:
    """Deny by default: only roles named in the policy grant anything, and only with valid codes.

    `known_agencies`/`known_areas` are the codes a claim may name (semantic.catalog.reference_codes: agencies and
    provinces that exist today). A claim naming anything else fails the whole login closed — no scope — rather than
    silently dropping one half of a ministry x province AND and so widening what the caller sees.
    """
    policy = policy or load_policy()
    claims = claims if isinstance(claims, Mapping) else {}
    names = policy.claims
    who = _who(claims, names)
    roles = [r for r in dict.fromkeys(_names(_claim(claims, names.roles))) if r in policy.roles]
    # provinces carry two-digit codes, communes and wards five (GSO's codes): `known_areas` may hold both
    provinces = None if known_areas is None else {a for a in known_areas if len(a) <= 2}
    communes = None if known_areas is None else {a for a in known_areas if len(a) > 2}
    agency, agency_ok = _code(_claim(claims, names.agency), known_agencies, province=False)
    province, province_ok = _code(_claim(claims, names.province), provinces, province=True)
    commune, commune_ok = _code(_claim(claims, names.commune), communes, province=True)
    for ok, claim, kind_en, kind_vi in (
        (agency_ok, names.agency, "an agency", "bộ/ngành"),
        (province_ok, names.province, "a province", "tỉnh/thành phố"),
        (commune_ok, names.commune, "a commune or ward", "xã/phường"),
    ):
        if not ok:
            value = str(_claim(claims, claim))[:40]
            return Scope.none(
                who,
                (
                    f"claim '{claim}' = '{value}' is not {kind_en} that exists today",
                    f"thông tin '{claim}' = '{value}' không phải {kind_vi} đang tồn tại",
                ),
            )

    granted: list[str] = []
    sees_all = commune_only = False
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
        elif rule.sees == "commune" and commune:
            # a commune's or ward's staff (a province's deployment): their commune only, no wider aggregate
            areas = frozenset({commune})
            commune_only = True
            granted.append(role)
        elif rule.sees == "own" and (agency or province):
            # a connected system: its ministry's or its province's data, whichever claim it carries (both: AND)
            agencies = frozenset({agency}) if agency else agencies
            areas = frozenset({province}) if province else areas
            granted.append(role)
    if not granted:
        known = ", ".join(sorted(policy.roles))
        if not roles:
            return Scope.none(
                who,
                (
                    f"claim '{names.roles}' names none of the roles {known}",
                    f"thông tin '{names.roles}' không có vai trò nào trong số {known}",
                ),
            )
        return Scope.none(
            who,
            (
                f"role(s) {', '.join(roles)} need the claim '{names.agency}', '{names.province}' or '{names.commune}'",
                f"vai trò {', '.join(roles)} cần thông tin '{names.agency}', '{names.province}' hoặc '{names.commune}'",
            ),
        )
    rules = [policy.roles[r] for r in granted]
    if sees_all:
        agencies, areas = None, None
    national = areas is None or (policy.national_aggregates_for_province_staff and not commune_only)
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


#: a claims file is a handful of short values: anything bigger or deeper is not one (and must not cost a traceback)
CLAIMS_FILE_MAX_BYTES = 64 * 1024
CLAIMS_MAX_DEPTH = 16


def read_claims_file(path: str | Path) -> dict[str, Any]:
    """The claims of a command line's `--claims FILE`: one JSON object in UTF-8 (a UTF-8 byte-order mark allowed),
    at most 64 KiB and 16 levels deep. Anything else is a SemanticError naming the file (exit 2), never a traceback."""

    def refuse(en: str, vi: str) -> SemanticError:
        return SemanticError(f"--claims {path}: {en}", f"--claims {path}: {vi}")

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise refuse(f"cannot read the file ({exc.strerror})", f"không đọc được tệp ({exc.strerror})") from exc
    if len(raw) > CLAIMS_FILE_MAX_BYTES:
        raise refuse(
            f"the file is larger than {CLAIMS_FILE_MAX_BYTES} bytes", f"tệp lớn hơn {CLAIMS_FILE_MAX_BYTES} byte"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(
            f"the file is not UTF-8 text (save the JSON as UTF-8): {exc.reason} at byte {exc.start}",
            f"tệp không phải văn bản UTF-8 (hãy lưu JSON dạng UTF-8): {exc.reason} tại byte {exc.start}",
        ) from exc
    if _depth(text) > CLAIMS_MAX_DEPTH:
        raise refuse(
            f"the JSON is nested deeper than {CLAIMS_MAX_DEPTH} levels",
            f"JSON lồng nhau sâu hơn {CLAIMS_MAX_DEPTH} cấp",
        )
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise refuse(f"cannot read a JSON object: {exc}", f"không đọc được đối tượng JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise refuse("the claims must be a JSON object", "claims phải là một đối tượng JSON")
    return data


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, counted without parsing (so without recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def persona_claims(persona: str, policy: Policy | None = None) -> dict[str, Any]:
    policy = policy or load_policy()
    if persona not in policy.personas:
        raise UnknownFieldError("persona", persona, policy.personas)
    return dict(policy.personas[persona].claims)


def persona_scope(persona: str, **known: Any) -> Scope:
    return scope_from_claims(persona_claims(persona), **known)


# -- session lifetime ----------------------------------------------------------------------------------------------
# Streamlit keeps the ID token's claims in its signed cookie for up to 30 days and never looks at `exp`: claims
# (roles, ministry, province) would stay frozen long after the identity provider changed them. So the app refuses a
# session whose ID token has expired, or that began longer ago than the policy allows, and asks for a new login.

SessionProblem = Literal["no_expiry", "bad_token", "expired", "too_old"]


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a compact JWT, not verified: Streamlit verified the ID token at login and the token reaches
    us inside its signed cookie. Raises ValueError when it is not a JWT."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise ValueError("not a compact JWT")
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"unreadable JWT payload: {exc}") from exc
    if not isinstance(payload, dict):
        raise ValueError("the JWT payload is not an object")
    return payload


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def session_problem(user: Mapping[str, Any], now: float, policy: Policy | None = None) -> SessionProblem | None:
    """None when the logged-in session may be used at time `now` (epoch seconds), else why not.

    `user` is st.user as a dict: the ID token's claims, plus `tokens` {"id": the raw ID token} when the [auth]
    section sets expose_tokens = ["id"]. Every expiry found (the claims' `exp`, the raw token's `exp`) must lie in
    the future; a session with no expiry at all is refused (fail closed).
    """
    policy = policy or load_policy()
    expiries = [e for e in (_number(user.get("exp")),) if e is not None]
    started = [s for s in (_number(user.get("auth_time")), _number(user.get("iat"))) if s is not None]
    tokens = user.get("tokens")
    raw = tokens.get("id") if isinstance(tokens, Mapping) else None
    if raw is not None:
        try:
            payload = jwt_claims(raw)
        except ValueError:
            return "bad_token"
        expiries += [e for e in (_number(payload.get("exp")),) if e is not None]
        started += [s for s in (_number(payload.get("auth_time")), _number(payload.get("iat"))) if s is not None]
    if not expiries:
        return "no_expiry"
    if now >= min(expiries):
        return "expired"
    if started and now - min(started) > policy.session_max_hours * 3600:
        return "too_old"
    return None


def user_claims(user: Mapping[str, Any]) -> dict[str, Any]:
    """The identity claims of st.user, without Streamlit's own keys and the raw tokens."""
    return {k: v for k, v in user.items() if k not in ("tokens", "is_logged_in", "origin", "provider")}
