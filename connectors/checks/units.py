"""Units a source may write and the declared conversions to the registry's units (connectors/checks/units.yml)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from semantic.strict import load_yaml
from semantic.vocab import RATE_BASES

UNITS_FILE = Path(__file__).resolve().parent / "units.yml"


def norm(text: object) -> str:
    """Case, spacing and Unicode form aside: 'Tỷ  VNĐ' and 'tỷ vnđ' are the same spelling."""
    s = unicodedata.normalize("NFC", str(text)).strip().lower()
    return re.sub(r"\s+", " ", s)


@dataclass(frozen=True)
class Conversion:
    """value_stored = value * factor + offset"""

    factor: float = 1.0
    offset: float = 0.0


@dataclass(frozen=True)
class Units:
    aliases: dict[str, frozenset[str]]
    conversions: dict[tuple[str, str], float]
    index_forms: frozenset[str]

    def spellings(self, unit: str) -> frozenset[str]:
        u = norm(unit)
        return frozenset({u}) | self.aliases.get(u, frozenset())

    def conversion(self, given: str, unit: str, unit_en: str, base: str) -> Conversion | None:
        """How a value written in `given` becomes the stored form; None when undeclared."""
        g = norm(given)
        if base in RATE_BASES:
            if g in self.spellings("%"):
                return Conversion()
            if g in self.index_forms:
                return Conversion(1.0, -100.0)
            return None
        targets = self.spellings(unit) | self.spellings(unit_en)
        if g in targets:
            return Conversion()
        for t in (norm(unit), norm(unit_en)):
            for spelled in {g} | {k for k, v in self.aliases.items() if g in v}:
                if (spelled, t) in self.conversions:
                    return Conversion(self.conversions[(spelled, t)])
        return None


@lru_cache(maxsize=4)
def load_units(path: Path = UNITS_FILE) -> Units:
    data = load_yaml(path.read_text(encoding="utf-8"))
    aliases = {norm(k): frozenset(norm(x) for x in v) for k, v in (data.get("aliases") or {}).items()}
    conversions = {(norm(c["from"]), norm(c["to"])): float(c["factor"]) for c in data.get("conversions") or ()}
    return Units(aliases, conversions, frozenset(norm(x) for x in data.get("index_forms") or ()))
