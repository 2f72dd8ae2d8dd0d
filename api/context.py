"""What every request needs: the settings, the token verifier, the warehouse, the model, and the caller's scope
through semantic/access.yml (the same gate as the app's logins and the CLI's --claims)."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from api.auth import READ, WRITE, AuthError, Caller, Verifier, bearer, dev_caller
from api.problems import Problem
from semantic.access import load_policy, scope_from_claims
from semantic.catalog import reference_codes
from semantic.model import SemanticModel, default_model
from semantic.scope import Scope
from warehouse.db import Warehouse

ISSUER_ENV, AUDIENCE_ENV, DEV_ENV = "DIEUHANH_API_ISSUER", "DIEUHANH_API_AUDIENCE", "DIEUHANH_API_DEV_PERSONAS"
#: reference codes (agencies, provinces) a claim may name are read again after this many seconds
CODES_TTL = 60.0


class ConfigError(Exception):
    """The API cannot start as configured (said in English and Vietnamese)."""


@dataclass(frozen=True)
class Settings:
    issuer: str | None
    audience: str | None
    dev_personas: bool = False
    db_url: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            issuer=os.environ.get(ISSUER_ENV) or None,
            audience=os.environ.get(AUDIENCE_ENV) or None,
            dev_personas=os.environ.get(DEV_ENV) == "1",
            db_url=os.environ.get("DIEUHANH_DB") or None,
        )

    def check(self) -> None:
        """Fail closed: no issuer means no way to know who calls, so no API — unless the development switch."""
        if self.issuer and not self.audience:
            raise ConfigError(
                f"{AUDIENCE_ENV} is not set: tokens cannot be checked for this API's audience\n"
                f"chưa đặt {AUDIENCE_ENV}: không kiểm tra được token có dành cho API này không"
            )
        if not self.issuer and not self.dev_personas:
            raise ConfigError(
                f"{ISSUER_ENV} is not set: the API verifies callers' tokens against an OIDC provider and will not "
                f"start without one (for development only: {DEV_ENV}=1 lets `Bearer dev:<persona>` act as a demo "
                f"persona)\nchưa đặt {ISSUER_ENV}: API xác thực token với nhà cung cấp OIDC và không khởi động khi "
                f"thiếu (chỉ để phát triển: {DEV_ENV}=1)"
            )


@dataclass
class Context:
    settings: Settings
    wh: Warehouse
    model: SemanticModel = field(default_factory=default_model)
    verifier: Verifier | None = None
    _codes: tuple[float, set[str], set[str]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.settings.issuer and self.settings.audience:
            self.verifier = Verifier(self.settings.issuer, self.settings.audience)

    def codes(self) -> tuple[set[str], set[str]]:
        with self._lock:
            if self._codes is None or time.monotonic() - self._codes[0] > CODES_TTL:
                agencies, areas = reference_codes(self.wh)
                self._codes = (time.monotonic(), agencies, areas)
            return self._codes[1], self._codes[2]

    def caller(self, authorization: str | None) -> Caller:
        try:
            token = bearer(authorization)
            if self.verifier is not None:
                return self.verifier.verify(token)
            personas = {k: v.claims for k, v in load_policy().personas.items()}
            return dev_caller(token, personas)
        except AuthError as exc:
            raise Problem(401, exc.en, exc.vi) from exc

    def scope(self, caller: Caller, need: str = READ) -> Scope:
        """The caller's scope by semantic/access.yml; 403 without the token scope `need` or without any grant."""
        if need not in caller.scopes:
            raise Problem(
                403,
                f"the token's scope lacks '{need}'",
                f"phạm vi (scope) của token thiếu '{need}'",
                required_scope=need,
            )
        agencies, areas = self.codes()
        scope = scope_from_claims(dict(caller.claims), known_agencies=agencies, known_areas=areas)
        scope = _named(scope, caller.who)
        if scope.denied:
            en, vi = scope.why
            raise Problem(
                403,
                "the token's claims give no access to data" + (f": {en}" if en else ""),
                "thông tin trong token không cấp quyền truy cập dữ liệu" + (f": {vi}" if vi else ""),
            )
        if need == WRITE and not scope.may("api-write"):
            raise Problem(403, "this role may not send data", "vai trò này không được gửi dữ liệu")
        return scope


def _named(scope: Scope, who: str) -> Scope:
    """The audit trail names a system by its client id (the token's client_id/sub), not by a display name."""
    from dataclasses import replace

    return replace(scope, who=who)
