"""The information groups exchanged with other systems (semantic/groups.yml): frozen objects, checked at load
against the registry and the model (an unknown indicator or cube fails naming the group)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from semantic.errors import ModelError
from semantic.model import SemanticModel, default_model
from semantic.strict import Strict, parse, read_yaml

GROUPS_FILE = Path(__file__).resolve().parent / "groups.yml"


class Group(Strict):
    code: str
    name_vi: str
    name_en: str
    indicators: tuple[str, ...] = ()
    cubes: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    direction: Literal["up", "down", "both"]
    frequency: Literal["D", "M", "Q", "Y"]
    delay_days: int


class Groups(Strict):
    groups: tuple[Group, ...]

    def codes(self) -> list[str]:
        return [g.code for g in self.groups]

    def of_indicator(self, code: str) -> list[str]:
        return [g.code for g in self.groups if code in g.indicators]


def check(groups: Groups, model: SemanticModel) -> list[str]:
    """Problems: unknown indicators or cubes, repeated codes, a group with neither."""
    problems = []
    seen: set[str] = set()
    for g in groups.groups:
        if g.code in seen:
            problems.append(f"group '{g.code}' is defined twice")
        seen.add(g.code)
        problems += [f"group '{g.code}': unknown indicator '{c}'" for c in g.indicators if c not in model.registry]
        cubes = set(model.cubes)
        problems += [f"group '{g.code}': unknown cube '{c}'" for c in g.cubes if c not in cubes]
        if not g.indicators and not g.cubes:
            problems.append(f"group '{g.code}' names no indicator and no cube")
    return problems


@lru_cache(maxsize=4)
def load_groups(path: Path = GROUPS_FILE) -> Groups:
    groups = parse(Groups, read_yaml(path), str(path))
    problems = check(groups, default_model()) if path == GROUPS_FILE else []
    if problems:
        raise ModelError(f"{path}: " + "; ".join(problems), f"{path}: " + "; ".join(problems))
    return groups
