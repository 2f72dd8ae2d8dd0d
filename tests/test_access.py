"""Claims -> scope (semantic/access.py + access.yml): deny by default, configurable claim names, codes checked
against the warehouse, ministry x province as AND, and the session-lifetime rule for OIDC logins."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from semantic.access import (
    POLICY_FILE,
    Policy,
    jwt_claims,
    load_policy,
    persona_claims,
    persona_scope,
    scope_from_claims,
    session_problem,
    user_claims,
)
from semantic.catalog import reference_codes
from semantic.errors import AccessDenied, ModelError, UnknownFieldError
from semantic.scope import Scope
from semantic.strict import parse
from tests import tiny

pytestmark = pytest.mark.unit

# The codes a claim may name in the tiny warehouse (checked against reference_codes below): agencies that exist
# today (MOT merged into MOC in 2025 and is gone) and the provinces on today's map (old Thái Bình 34 is gone).
AGENCIES = frozenset({"MOF", "MOC", "MOH", "GSO"})
AREAS = frozenset({"01", "33"})


def scope(claims, policy: Policy | None = None) -> Scope:
    return scope_from_claims(claims, policy, known_agencies=AGENCIES, known_areas=AREAS)


def policy_with(**claim_names: str) -> Policy:
    base = load_policy().model_dump()
    base["claims"] = {**base["claims"], **claim_names}
    return parse(Policy, base, "test policy")


def test_reference_codes_are_todays_agencies_and_provinces(tmp_path):
    wh, _ = tiny.build(f"duckdb://{tmp_path / 'w.duckdb'}")
    try:
        agencies, areas = reference_codes(wh)
    finally:
        wh.close()
    assert (agencies, areas) == (set(AGENCIES), set(AREAS))


# -- the policy file -------------------------------------------------------------------------------------------------


def test_policy_defines_the_roles_and_personas_of_the_design():
    policy = load_policy()
    assert {"leader", "analyst", "ministry_staff", "province_staff", "admin"} <= set(policy.roles)
    assert set(policy.personas) == {"leader", "analyst", "mof", "moc", "hungyen", "admin", "none"}
    assert (policy.claims.roles, policy.claims.agency, policy.claims.province) == ("roles", "agency", "province")


def test_personas_give_the_scopes_they_are_named_for():
    known = {"known_agencies": AGENCIES, "known_areas": AREAS}
    leader, analyst = persona_scope("leader", **known), persona_scope("analyst", **known)
    assert leader.unrestricted and analyst.unrestricted
    assert not leader.can_audit and not analyst.can_audit and analyst.can_see_sql
    assert (persona_scope("mof", **known).agencies, persona_scope("mof", **known).areas) == ({"MOF"}, None)
    assert persona_scope("moc", **known).agencies == {"MOC"}
    hungyen = persona_scope("hungyen", **known)
    assert (hungyen.agencies, hungyen.areas, hungyen.national) == (None, {"33"}, True)
    admin = persona_scope("admin", **known)
    assert admin.unrestricted and admin.can_audit
    assert persona_scope("none", **known).denied
    with pytest.raises(UnknownFieldError, match="hungyen"):
        persona_claims("root")


def test_policy_file_is_strict(tmp_path):
    text = POLICY_FILE.read_text(encoding="utf-8") + "\ndefault_role: leader\n"
    path = tmp_path / "access.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelError, match="default_role"):
        load_policy(Path(path))


# -- deny by default -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claims",
    [
        None,
        {},
        {"roles": []},
        {"roles": ["nobody"]},
        {"roles": "nobody"},
        {"roles": ["Leader"]},  # role names are exact: no case folding into a grant
        {"roles": ["province_staff"]},  # a province role without a province
        {"roles": ["ministry_staff"]},
        {"roles": ["ministry_staff"], "province": "33"},  # the claim that would match belongs to another role
        {"roles": {"leader": True}},  # not a list of names
        {"roles": [["leader"]]},
        {"role": ["leader"]},  # not the configured claim name
        {"roles": ["province_staff"], "province": "99"},  # an area that does not exist
        {"roles": ["province_staff"], "province": "34"},  # a province that no longer exists (merged in 2025)
        {"roles": ["province_staff"], "province": "VN"},  # the country is not a province
        {"roles": ["province_staff"], "province": "12345"},  # a commune is not a province
        {"roles": ["province_staff"], "province": ["33"]},
        {"roles": ["province_staff"], "province": True},
        {"roles": ["ministry_staff"], "agency": "MOT"},  # dissolved: its staff are MOC's now
        {"roles": ["ministry_staff"], "agency": "NASA"},
        {"roles": ["ministry_staff"], "agency": "MOF' OR '1'='1"},
    ],
)
def test_claims_that_match_no_rule_see_nothing(claims):
    got = scope(claims)
    assert got.denied
    with pytest.raises(AccessDenied):
        got.require()


def test_a_bad_code_fails_the_whole_login_closed():
    # Ministry x province is an AND; dropping the unknown province would widen MOC staff to every province.
    assert scope({"roles": ["ministry_staff", "province_staff"], "agency": "MOC", "province": "99"}).denied
    assert scope({"roles": ["leader"], "province": "99"}).denied
    assert scope({"roles": ["ministry_staff"], "agency": "MOC", "province": "34"}).denied


def test_unknown_roles_beside_a_known_one_are_ignored():
    got = scope({"roles": ["offline_access", "uma_authorization", "province_staff"], "province": "33"})
    assert (got.roles, got.areas) == ({"province_staff"}, {"33"})


# -- grants ----------------------------------------------------------------------------------------------------------


def test_single_string_roles_and_normalised_codes():
    assert scope({"roles": "leader"}).unrestricted
    got = scope({"roles": "analyst, province_staff", "province": " 1 "})
    assert got.unrestricted and got.roles == {"analyst", "province_staff"}
    assert scope({"roles": "province_staff", "province": 1}).areas == {"01"}
    assert scope({"roles": "ministry_staff", "agency": "moc"}).agencies == {"MOC"}


def test_multiple_roles_ministry_and_province_combine_with_and():
    got = scope({"roles": ["ministry_staff", "province_staff"], "agency": "MOC", "province": "33"})
    assert (got.agencies, got.areas) == ({"MOC"}, {"33"})
    assert got.can_upload and not got.can_audit
    # an `all` role wins over the restricted ones
    assert scope({"roles": ["province_staff", "leader"], "province": "33"}).unrestricted


def test_only_admin_holds_the_audit_permission():
    for role in ("leader", "analyst"):
        assert not scope({"roles": [role]}).can_audit
    assert not scope({"roles": ["ministry_staff"], "agency": "MOF"}).can_audit
    assert scope({"roles": ["admin"]}).can_audit
    # the cache key tells a leader from an admin (same rows, different permissions)
    assert scope({"roles": ["admin"]}).key() != scope({"roles": ["leader"]}).key()


def test_national_aggregates_for_province_staff_is_a_policy_line():
    data = load_policy().model_dump()
    data["national_aggregates_for_province_staff"] = False
    strict = parse(Policy, data, "test policy")
    assert scope({"roles": ["province_staff"], "province": "33"}).national
    assert not scope({"roles": ["province_staff"], "province": "33"}, strict).national


def test_one_normalisation_for_every_text_claim():
    """Roles, codes and names are trimmed of Unicode white space (a no-break space too) whether a claim is a
    string or a list; a role string or list item may hold several names; role names stay exact."""
    for roles in (" leader ", [" leader"], ["leader\u00a0"], "\u2003leader", ["analyst leader"], ["x, leader"]):
        assert scope({"roles": roles}).unrestricted, roles
    for province in (" 33", "\u00a033", ["33"][0] + "\u00a0", "\t33\n"):
        assert scope({"roles": [" province_staff\u00a0"], "province": province}).areas == {"33"}, province
    assert scope({"roles": "ministry_staff", "agency": "\u00a0moc "}).agencies == {"MOC"}
    # what is not white space is not trimmed: a zero-width space or a letter's case makes it another value
    assert scope({"roles": ["province_staff"], "province": "\u200b33"}).denied
    assert scope({"roles": ["\u200bleader"]}).denied
    assert scope({"roles": [" Leader "]}).denied
    assert scope({"roles": ["leader"], "name": "\u00a0Nguyễn\u00a0Văn\tA \n"}).who == "Nguyễn Văn A"
    assert scope({"roles": ["leader"], "name": "Mallory\x1b[31m\x00"}).who == "Mallory[31m"


# -- configurable claim names ----------------------------------------------------------------------------------------


def test_claim_names_are_configurable_including_nested_claims():
    keycloak = policy_with(roles="realm_access.roles", agency="org.ministry", province="org.province")
    claims = {
        "realm_access": {"roles": ["ministry_staff", "province_staff"]},
        "org": {"ministry": "MOF", "province": "01"},
    }
    got = scope(claims, keycloak)
    assert (got.agencies, got.areas) == ({"MOF"}, {"01"})
    # the default names are not consulted once others are configured
    assert scope({"roles": ["leader"]}, keycloak).denied
    # a missing level of the path is an absent claim, not an error
    assert scope({"realm_access": "leader"}, keycloak).denied


def test_claim_names_holding_dots_are_read_as_written():
    auth0 = policy_with(roles="https://gov.vn/roles", province="https://gov.vn/province")
    got = scope({"https://gov.vn/roles": ["province_staff"], "https://gov.vn/province": "33"}, auth0)
    assert got.areas == {"33"}


def test_who_comes_from_name_then_subject():
    assert scope({"roles": ["leader"], "name": "Nguyễn Văn A", "sub": "u1"}).who == "Nguyễn Văn A"
    assert scope({"roles": ["leader"], "sub": "u1"}).who == "u1"
    assert scope({"roles": ["leader"], "name": ["x"]}).who == "anonymous"
    assert len(scope({"roles": ["leader"], "name": "x" * 5000}).who) == 200


# -- session lifetime ------------------------------------------------------------------------------------------------

NOW = 1_800_000_000.0


def id_token(**payload) -> str:
    def part(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(payload)}.c2ln"


def test_jwt_payload_is_read():
    assert jwt_claims(id_token(exp=5, sub="u"))["sub"] == "u"
    for bad in ("", "a.b", "a.!!!.c", f"x.{base64.urlsafe_b64encode(b'[1]').decode()}.y"):
        with pytest.raises(ValueError):
            jwt_claims(bad)


def test_a_live_session_passes():
    user = {"is_logged_in": True, "iat": NOW - 60, "exp": NOW + 3540, "tokens": {"id": id_token(exp=NOW + 3540)}}
    assert session_problem(user, NOW) is None
    assert session_problem({"exp": NOW + 10}, NOW) is None  # without expose_tokens the claims' exp still counts


@pytest.mark.parametrize(
    ("user", "problem"),
    [
        ({"iat": NOW - 3600, "exp": NOW - 1}, "expired"),
        ({"exp": NOW}, "expired"),
        ({"exp": NOW + 60, "tokens": {"id": id_token(exp=NOW - 5)}}, "expired"),  # the raw token's exp counts too
        ({"is_logged_in": True, "roles": ["leader"]}, "no_expiry"),  # fail closed: no expiry at all
        ({"exp": "tomorrow"}, "no_expiry"),
        ({"exp": True}, "no_expiry"),
        ({"exp": NOW + 60, "tokens": {"id": "garbage"}}, "bad_token"),
        ({"exp": NOW + 10 * 24 * 3600, "iat": NOW - 9 * 3600}, "too_old"),  # a long-lived token, beyond 8 hours
        ({"exp": NOW + 3600, "auth_time": NOW - 9 * 3600, "iat": NOW - 60}, "too_old"),  # a silent refresh
    ],
)
def test_sessions_that_must_log_in_again(user, problem):
    assert session_problem(user, NOW) == problem


def test_user_claims_drop_streamlits_own_keys():
    user = {"is_logged_in": True, "origin": "http://x", "provider": "default", "tokens": {"id": "t"}, "sub": "u"}
    assert user_claims(user) == {"sub": "u"}
