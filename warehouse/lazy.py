"""A module imported on its first use: what a large load's command (`python -m connectors load` of a canonical CSV
into DuckDB) never uses — pandas, Ibis — is never imported by it (docs/performance.md, issue 13: ~0.8 s of a 1.3 s
start-up), while the modules that name them read as before (`pd.DataFrame`, `ibis.table`)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Lazy:
    """Stands for module `name`; the first attribute read imports it (then every read is the module's own)."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}{' (imported)' if self._module is not None else ''}>"


def lazy(name: str) -> Any:
    """`pd = lazy("pandas")`: typed as Any, so a checker reads `pd.X` as the module's."""
    return Lazy(name)
