"""The `system` role of semantic/access.yml (a connected system's token) and the API's start-up settings, without
servers: a ministry's system sees its ministry, a province's its province, and neither claim gives nothing."""

from __future__ import annotations

import pytest

from api.context import ConfigError, Settings
from semantic.access import scope_from_claims

AGENCIES, AREAS = {"MOF", "MOC", "GSO"}, {"01", "33"}


def scope(claims: dict):  # noqa: ANN201 - Scope
    return scope_from_claims(claims, known_agencies=AGENCIES, known_areas=AREAS)


def test_a_province_system_reads_and_writes_its_province():
    s = scope({"roles": ["system"], "province": "33", "sub": "hungyen-system"})
    assert (s.agencies, s.areas, s.can_upload, s.can_audit, s.can_see_sql) == (
        None,
        frozenset({"33"}),
        True,
        False,
        False,
    )


def test_a_ministry_system_reads_and_writes_its_ministry():
    s = scope({"roles": ["system"], "agency": "mof", "sub": "mof-system"})
    assert (s.agencies, s.areas, s.can_upload) == (frozenset({"MOF"}), None, True)


def test_a_system_with_both_claims_gets_their_intersection_and_with_neither_nothing():
    both = scope({"roles": ["system"], "agency": "MOF", "province": "33"})
    assert (both.agencies, both.areas) == (frozenset({"MOF"}), frozenset({"33"}))
    assert scope({"roles": ["system"]}).denied
    assert scope({"roles": ["system"], "province": "99"}).denied  # a province that does not exist: fail closed


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (Settings(issuer=None, audience=None), "DIEUHANH_API_ISSUER is not set"),
        (Settings(issuer="http://127.0.0.1:1", audience=None), "DIEUHANH_API_AUDIENCE is not set"),
    ],
)
def test_settings_fail_closed(settings, message):
    with pytest.raises(ConfigError, match=message):
        settings.check()


def test_the_development_switch_is_off_unless_set(monkeypatch):
    for name in ("DIEUHANH_API_ISSUER", "DIEUHANH_API_AUDIENCE", "DIEUHANH_API_DEV_PERSONAS"):
        monkeypatch.delenv(name, raising=False)
    assert Settings.from_env().dev_personas is False
    monkeypatch.setenv("DIEUHANH_API_DEV_PERSONAS", "true")  # only the documented value "1" switches it on
    assert Settings.from_env().dev_personas is False
    monkeypatch.setenv("DIEUHANH_API_DEV_PERSONAS", "1")
    Settings.from_env().check()  # starts, in development mode
