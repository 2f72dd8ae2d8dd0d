"""Who is calling: a bearer JWT from the OIDC provider, verified here (signature against the provider's JWKS, iss,
aud, exp; asymmetric algorithms only), its `scope` claim checked for exchange.read / exchange.write."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

#: Asymmetric signatures only: `none` is no signature, and HS* would make the provider's public JWKS a shared secret.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
READ, WRITE = "exchange.read", "exchange.write"
#: seconds of clock difference tolerated between the provider and the API (DIEUHANH_API_LEEWAY)
LEEWAY = int(os.environ.get("DIEUHANH_API_LEEWAY", "30"))
#: shortest time between two JWKS fetches caused by unknown key ids
REFETCH_SECONDS = 5.0


class AuthError(Exception):
    """401: no token, or one that is not valid here. `en`/`vi` say why (never the token itself)."""

    def __init__(self, en: str, vi: str) -> None:
        super().__init__(en)
        self.en, self.vi = en, vi


@dataclass(frozen=True)
class Caller:
    claims: Mapping[str, Any]
    scopes: frozenset[str]

    @property
    def who(self) -> str:
        for name in ("client_id", "sub"):
            value = self.claims.get(name)
            if isinstance(value, str) and value.strip():
                return value.strip()[:200]
        return "anonymous"


class Verifier:
    """Tokens of one issuer for one audience. The JWKS is fetched from the discovery document, kept, and fetched
    again once when a token names a key id the kept set does not hold (the provider rotated its keys)."""

    def __init__(self, issuer: str, audience: str, timeout: float = 5.0) -> None:
        self.issuer = issuer  # compared with `iss` exactly as configured (some providers end theirs with "/")
        self.audience = audience
        self.timeout = timeout
        self._keys: KeySet | None = None
        self._fetched = 0.0
        self._lock = threading.Lock()
        self._claims = jwt.JWTClaimsRegistry(
            leeway=LEEWAY,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            exp={"essential": True},
        )

    def _fetch(self) -> KeySet:
        try:
            url = f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
            disc = httpx.get(url, timeout=self.timeout)
            disc.raise_for_status()
            jwks = httpx.get(disc.json()["jwks_uri"], timeout=self.timeout)
            jwks.raise_for_status()
            return KeySet.import_key_set(jwks.json())
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise AuthError(
                f"the identity provider's keys could not be read: {type(exc).__name__}",
                f"không đọc được khoá của nhà cung cấp định danh: {type(exc).__name__}",
            ) from exc

    def keys(self, kid: str | None) -> KeySet:
        with self._lock:
            stale = kid is not None and self._keys is not None and not _holds(self._keys, kid)
            # an unknown kid refetches at most every REFETCH_SECONDS: random kids must not make us hammer the provider
            if self._keys is None or (stale and time.monotonic() - self._fetched > REFETCH_SECONDS):
                self._keys = self._fetch()
                self._fetched = time.monotonic()
            return self._keys

    def verify(self, token: str) -> Caller:
        header = _header(token)
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise AuthError(
                f"token algorithm '{str(alg)[:20]}' is not accepted (asymmetric signatures only)",
                f"thuật toán ký '{str(alg)[:20]}' không được chấp nhận (chỉ chữ ký bất đối xứng)",
            )
        kid = header.get("kid") if isinstance(header.get("kid"), str) else None
        keys = self.keys(kid)
        if kid is not None and not _holds(keys, kid):
            raise AuthError("the token is signed by an unknown key", "token được ký bằng khoá không xác định")
        try:
            decoded = _decode(token, keys, kid)
            self._claims.validate(decoded.claims)
        except JoseError as exc:
            raise AuthError(
                f"the token is not valid: {exc.error}: {exc.description or ''}".rstrip(": "),
                f"token không hợp lệ: {exc.error}",
            ) from exc
        claims = dict(decoded.claims)
        scopes = frozenset(str(claims.get("scope") or "").split())
        return Caller(claims, scopes)


def _decode(token: str, keys: KeySet, kid: str | None) -> jwt.Token:
    """Verify against the key named by `kid`; a token without one against each key of the set in turn (a provider
    with a single signing key may leave `kid` out)."""
    if kid is not None or len(keys.keys) <= 1:
        return jwt.decode(token, keys, algorithms=list(ALGORITHMS))
    failure: JoseError | None = None
    for key in keys.keys:
        try:
            return jwt.decode(token, key, algorithms=list(ALGORITHMS))
        except JoseError as exc:
            failure = exc
    assert failure is not None
    raise failure


def _holds(keys: KeySet, kid: str) -> bool:
    try:
        keys.get_by_kid(kid)
    except (ValueError, KeyError, JoseError):
        return False
    return True


def _header(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthError("the bearer token is not a JWT", "bearer token không phải JWT")
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuthError("the token header is unreadable", "không đọc được phần đầu của token") from exc
    if not isinstance(header, dict):
        raise AuthError("the token header is unreadable", "không đọc được phần đầu của token")
    return header


def bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthError("an Authorization: Bearer token is required", "cần tiêu đề Authorization: Bearer <token>")
    kind, _, token = authorization.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise AuthError("an Authorization: Bearer token is required", "cần tiêu đề Authorization: Bearer <token>")
    return token.strip()


def dev_caller(token: str, personas: Mapping[str, Mapping[str, Any]]) -> Caller:
    """Development only (DIEUHANH_API_DEV_PERSONAS=1, never the default): `Bearer dev:<persona>` acts as a demo
    persona of semantic/access.yml with both exchange scopes."""
    name = token.removeprefix("dev:")
    if not token.startswith("dev:") or name not in personas:
        raise AuthError(
            "development mode: use Authorization: Bearer dev:<persona> (" + ", ".join(personas) + ")",
            "chế độ phát triển: dùng Authorization: Bearer dev:<persona>",
        )
    claims = {**personas[name], "client_id": f"dev-{name}"}
    return Caller(claims, frozenset({READ, WRITE}))
