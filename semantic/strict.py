"""Strict loading of YAML into frozen pydantic objects: an unknown key fails naming the file, key and valid keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from semantic.errors import ModelError

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


#: libyaml's C parser when PyYAML was built with it (the same safe constructors, the same documents; ~10x faster:
#: the registry's and the model's files are read at every command's start, docs/performance.md issue 13)
SAFE_LOADER: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


def load_yaml(text: str) -> Any:
    """yaml.safe_load of `text`, with the C parser where there is one."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader (SafeLoader or its C twin)


def read_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ModelError(f"{path}: not valid YAML: {exc}", f"{path}: YAML không hợp lệ: {exc}") from exc


def _choices(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The valid field names at `loc` inside `model` (walks nested models and lists)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        for arg in (ann, *getattr(ann, "__args__", ())):
            for inner in (arg, *getattr(arg, "__args__", ())):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    current = inner
                    break
    return sorted(getattr(current, "model_fields", {}))


def parse(model: type[M], data: Any, source: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc)
            if err["type"] == "extra_forbidden":
                valid = ", ".join(_choices(model, loc))
                problems.append(f"{source}: unknown key '{where}' (valid keys: {valid})")
            elif err["type"] in ("literal_error", "enum"):
                problems.append(f"{source}: '{where}': {err['msg']}")
            else:
                problems.append(f"{source}: '{where}': {err['msg']}")
        text = "; ".join(problems)
        vi = text.replace("unknown key", "khóa không hợp lệ").replace("valid keys", "khóa hợp lệ")
        raise ModelError(text, vi) from None
