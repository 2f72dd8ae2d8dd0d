"""The import rules of docs/architecture.md (*Layers*), read from the source with ast: the core never imports
streamlit, imports point one way, down from the UI and the API to the warehouse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("semantic", "warehouse", "connectors", "analytics")
OURS = {"semantic", "warehouse", "connectors", "analytics", "demo", "pages", "app", "api", "bench", "tests"}
#: Which of our packages each package may import (docs/architecture.md, Layers): pages -> semantic -> warehouse;
#: connectors -> warehouse, semantic (the registry); analytics -> semantic types only; warehouse is the bottom layer;
#: demo (the demo-data generators) writes through connectors; the UI and the API sit on top, side by side.
ALLOWED = {
    "warehouse": set(),
    "semantic": {"warehouse"},
    "connectors": {"warehouse", "semantic"},
    "demo": {"connectors", "warehouse", "semantic"},
    "analytics": {"semantic"},
    "pages": {"semantic", "analytics", "connectors", "warehouse"},
    "api": {"semantic", "analytics", "connectors", "warehouse"},
}
#: the layers walked: the core, the UI's pages and the API (app.py and bench/ are composition roots)
WALKED = (*CORE, "demo", "pages", "api")
#: everything but the UI: never imports streamlit
NO_UI = (*CORE, "demo", "api")
UI = {"streamlit"}
#: A package's `__main__` is a command-line entry point, a composition root like app.py: it may wire in any layer
#: below the UI (`python -m semantic query` seeds the warehouse through connectors). Streamlit and pages stay banned.
ENTRY_POINT = "__main__"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` imports, absolute and dotted, anywhere in the file (also inside functions and
    `if TYPE_CHECKING:`), including `importlib.import_module("x")` / `__import__("x")` with a literal name."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".") if package else []
                base_parts = base_parts[: len(base_parts) - (node.level - 1)] if node.level > 1 else base_parts
                target = ".".join([*base_parts, node.module] if node.module else base_parts)
            else:
                target = node.module or ""
            found.add(target)
            # `from pkg import sub` may import the submodule pkg.sub
            found.update(f"{target}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return {m for m in found if m}


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """What `module` imports that the layering forbids, as readable messages."""
    layer = module.split(".", 1)[0]
    out: dict[str, str] = {}  # one message per imported top-level package, naming the first (shortest) import
    for target in sorted(imported_modules(source, module, is_package)):
        top = target.split(".", 1)[0]
        if top in out:
            continue
        if top in UI and layer in NO_UI:
            out[top] = f"{module} imports {target}: only pages/ and app.py import streamlit"
        elif top in ("pages", "app") and layer not in ("pages", "app", "tests"):
            out[top] = f"{module} imports {target}: nothing imports pages/ or app.py"
        elif module.rsplit(".", 1)[-1] == ENTRY_POINT or module.startswith(COMPOSITION_ROOTS):
            continue
        elif layer in ALLOWED and top in OURS and top != layer and top not in ALLOWED[layer]:
            allowed = ", ".join(sorted(ALLOWED[layer])) or "nothing of ours"
            out[top] = f"{module} imports {target}: {layer}/ may import {allowed}"
    return list(out.values())


#: inside connectors/, by role (docs/architecture.md, Layers): a reader turns a source into batches, a check judges
#: them, tasks bring direction data in, the seed builds a warehouse from data/ (a composition root, like __main__:
#: it wires readers, reference data and the demo generators). (importer prefix, imported prefix) pairs never allowed:
FORBIDDEN_INSIDE = (
    ("connectors.readers", "connectors.tasks"),
    ("connectors.readers", "connectors.seed"),
    ("connectors.checks", "connectors.readers"),
    ("connectors.checks", "connectors.tasks"),
    ("connectors.tasks", "connectors.seed"),
    ("connectors.readers", "demo"),
    ("connectors.checks", "demo"),
    ("connectors.tasks", "demo"),
)
#: modules that compose the layers below the UI, as a package's __main__ does: the seed may import demo/
COMPOSITION_ROOTS = ("connectors.seed",)


def role_violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """What `module` imports across the roles of connectors/ that FORBIDDEN_INSIDE rules out."""
    out: dict[str, str] = {}  # one message per rule broken, naming the first (shortest) import
    for target in sorted(imported_modules(source, module, is_package)):
        for importer, imported in FORBIDDEN_INSIDE:
            inside = module == importer or module.startswith(importer + ".")
            if inside and (target == imported or target.startswith(imported + ".")):
                out.setdefault(imported, f"{module} imports {target}: {importer} never imports {imported}")
    return list(out.values())


def core_files() -> list[Path]:
    files = [p for pkg in (*WALKED, "bench") if (ROOT / pkg).is_dir() for p in sorted((ROOT / pkg).rglob("*.py"))]
    return [p for p in files if "node_modules" not in p.parts]


def test_every_core_package_is_walked():
    walked = {p.relative_to(ROOT).parts[0] for p in core_files()}
    assert set(WALKED) <= walked, f"no .py files found under {sorted(set(WALKED) - walked)}"


def test_core_imports_follow_the_design():
    problems = []
    for path in core_files():
        source, module = path.read_text(encoding="utf-8"), module_name(path)
        problems += violations(source, module, path.name == "__init__.py")
        problems += role_violations(source, module, path.name == "__init__.py")
    assert not problems, "\n".join(problems)


def test_the_connectors_are_grouped_by_role_and_demo_data_is_apart():
    """A newcomer reads the architecture from the folder names: no module left flat but the shared ones."""
    flat = sorted(p.stem for p in (ROOT / "connectors").glob("*.py"))
    assert flat == ["__init__", "__main__", "base", "export", "gso_backfill", "intake", "staged", "worker"], flat
    assert {p.name for p in (ROOT / "connectors").iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "checks",
        "readers",
        "seed",
        "tasks",
    }
    assert not [p for p in (ROOT / "connectors").rglob("*demo*")], "demo-data generators live in demo/"


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from connectors.tasks import task_rules", "connectors.readers.files", "readers never imports"),
        ("from connectors.readers.gso import batches", "connectors.checks.validate", "checks never imports"),
        ("from demo import series", "connectors.tasks.scenarios", "tasks never imports demo"),
    ],
)
def test_the_checker_catches_a_role_crossing(source, module, expected):
    found = role_violations(source, module)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import streamlit as st", "semantic.fmt", "import streamlit"),
        ("from streamlit.runtime import x", "warehouse.db", "import streamlit"),
        ("def f():\n    import streamlit\n", "analytics.models", "import streamlit"),
        (
            "import importlib\nimportlib.import_module('streamlit')",
            "connectors.seed",
            "only pages/ and app.py import streamlit",
        ),
        ("from pages import ui", "semantic.query", "nothing imports pages"),
        ("import app", "bench.run", "nothing imports pages"),
        ("from semantic.registry import Registry", "warehouse.load", "warehouse/ may import nothing of ours"),
        ("from connectors import seed", "semantic.catalog", "semantic/ may import warehouse"),
        ("from analytics.models import fit", "semantic.query", "semantic/ may import warehouse"),
        ("from ..connectors import seed", "semantic.query", "semantic/ may import warehouse"),
        ("from warehouse.db import Warehouse", "analytics.models", "analytics/ may import semantic"),
        ("from analytics import models", "connectors.checks.check", "connectors/ may import semantic, warehouse"),
        ("import streamlit", "semantic.__main__", "import streamlit"),
        ("from pages import ui", "connectors.__main__", "nothing imports pages"),
        ("import streamlit", "api.app", "import streamlit"),
        ("from pages import ui", "api.app", "nothing imports pages"),
        ("from api.context import Context", "pages.exchange", "pages/ may import analytics, connectors, semantic"),
        ("from api import app", "semantic.query", "semantic/ may import warehouse"),
    ],
)
def test_the_checker_catches_each_kind_of_violation(source, module, expected):
    found = violations(source, module)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from warehouse.db import Warehouse\nfrom semantic import errors", "connectors.seed"),
        ("from warehouse.schema import table\nfrom . import errors\nfrom .spec import QuerySpec", "semantic.query"),
        ("from semantic.errors import QueryError", "analytics.models"),
        ("import streamlit as st\nfrom pages import ui\nfrom semantic import query", "pages.overview"),
        ("import ibis\nimport pandas as pd", "warehouse.db"),
        ("from connectors.seed import ensure_seeded", "semantic.__main__"),
        ("from analytics import watch\nfrom connectors.intake import LoadReport", "pages.upload"),
        ("from semantic.query import execute\nfrom connectors.intake import load", "api.data"),
    ],
)
def test_the_checker_allows_the_designed_direction(source, module):
    assert violations(source, module) == []


def test_relative_imports_resolve_to_their_package():
    assert "semantic.spec" in imported_modules("from .spec import QuerySpec", "semantic.query")
    assert "semantic" in imported_modules("from . import spec", "semantic", is_package=True)
    assert "connectors" in imported_modules("from ..connectors import x", "semantic.query")
