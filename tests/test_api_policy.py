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


def test_the_watcher_announces_a_batch_that_commits_after_a_later_stamped_one(tmp_path):
    """A load's time is taken before its writer waits for the lock: a batch stamped earlier can commit after one
    stamped later. The watcher looks back and announces it once."""
    from datetime import timedelta

    import pandas as pd
    import pyarrow as pa

    from api.changes import Hub
    from api.context import Context
    from tests.api_support import build_reference_warehouse
    from warehouse.db import Warehouse
    from warehouse.load import BatchInfo, write_observations

    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    build_reference_warehouse(url)
    wh = Warehouse(url)
    wh.ensure_schema()
    row = {"indicator_code": "PUBINV_DISB", "area_code": "33", "period_start": "2025-01-01", "freq": "M"}

    def load(value: float) -> str:
        frame = pd.DataFrame([row | {"value": value, "status": "official", "source": "t"}])
        frame["vintage"] = pd.Series([pd.NaT], dtype="datetime64[us]")  # stamped with the load time
        return write_observations(wh, frame, BatchInfo("t")).batch_id

    try:
        first = load(1.0)
        hub = Hub(Context(Settings(issuer=None, audience=None, dev_personas=True), wh))
        announced: list[str] = []
        hub._deliver = lambda batch, keys: announced.append(batch["batch_id"])  # type: ignore[method-assign]
        hub.prime()
        later = load(2.0)
        hub._tick()
        assert announced == [later] and first not in announced  # loaded before the watcher started: not news
        stamped = hub._last - timedelta(seconds=10)  # stamped before `later`, committed after it
        late = pa.table(
            {
                "batch_id": ["late-batch"],
                "source": ["t"],
                "file_name": [""],
                "file_hash": [""],
                "loaded_by": ["t"],
                "loaded_at": [stamped],
                "rows_in": [1],
                "rows_written": [1],
                "rows_unchanged": [0],
                "rows_rejected": [0],
                "outcome": ["loaded"],
            }
        )
        with wh.transaction():
            wh.insert("load_batch", late)
        hub._tick()
        hub._tick()
        assert announced == [later, "late-batch"]
    finally:
        wh.close()


def test_a_token_without_kid_is_checked_against_each_provider_key():
    import time

    from joserfc import jwt
    from joserfc.errors import BadSignatureError
    from joserfc.jwk import KeySet, RSAKey

    from api.auth import _decode

    signer = RSAKey.generate_key(2048, parameters={"kid": "a"})
    other = RSAKey.generate_key(2048, parameters={"kid": "b"})
    keys = KeySet.import_key_set({"keys": [other.as_dict(private=False), signer.as_dict(private=False)]})
    claims = {"iss": "x", "exp": int(time.time()) + 60}
    assert _decode(jwt.encode({"alg": "RS256"}, claims, signer), keys, None).claims == claims
    with pytest.raises(BadSignatureError):
        _decode(jwt.encode({"alg": "RS256"}, claims, RSAKey.generate_key(2048)), keys, None)
