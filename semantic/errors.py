"""Typed errors of the semantic layer: each carries a Vietnamese and an English message for the reader."""

from __future__ import annotations

from collections.abc import Iterable


class SemanticError(Exception):
    """Base: pages show these with st.error; anything else is a bug."""

    def __init__(self, message_en: str, message_vi: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_vi = message_vi or message_en

    def message(self, lang: str = "vi") -> str:
        return self.message_vi if lang == "vi" else self.message_en


class ModelError(SemanticError):
    """A model or registry file is wrong (names file, key and valid choices)."""


class QueryError(SemanticError):
    """A query cannot be built as asked."""


class UnknownFieldError(QueryError):
    """A name in a query is not in the model; lists the valid choices."""

    def __init__(self, kind: str, name: str, choices: Iterable[str]) -> None:
        listed = ", ".join(sorted(choices))
        super().__init__(
            f"unknown {kind} '{name}'; valid choices: {listed}",
            f"{kind} '{name}' không tồn tại; các lựa chọn hợp lệ: {listed}",
        )
        self.kind = kind
        self.name = name
        self.choices = sorted(choices)


class AccessDenied(SemanticError):
    """The caller's claims give no scope, or not for what was asked."""


class LoadRejected(SemanticError):
    """A load was refused; `problems` lists every problem (file, row, column, value, rule)."""

    def __init__(self, message_en: str, message_vi: str | None = None, problems: list[dict] | None = None) -> None:
        super().__init__(message_en, message_vi)
        self.problems = problems or []
