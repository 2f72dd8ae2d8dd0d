"""The one catalog of UI strings (vi first, en available). Labels of data live in the model, not here.

The words are data, not code: each page family keeps them in a YAML file of its own under pages/strings/
(`key: [vi, en]`, and named tables of data codes, e.g. `TASK_STATUS:`, that the pages import from here). The
files are registered here, explicitly and once, in STRING_FILES: a key written twice in one file or defined in two
files (even with the same words), a pair that is not two texts, a pair in (en, vi) order, or placeholders that
differ between the two texts stop the app at start-up with the file and the key named, so a page never reads
another page's meaning of a key depending on which one a server process loaded first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

STRINGS_DIR = Path(__file__).resolve().parent / "strings"
#: every file of UI strings, in the order they are registered; a page family's new file is added here
STRING_FILES: tuple[str, ...] = (
    "core.yml",
    "direction.yml",
    "exchange.yml",
    "explore.yml",
    "forecast.yml",
    "intake.yml",
    "scenario.yml",
)
#: a top-level mapping with such a name is a named table (codes of the data → (vi, en)), not a catalog key
_TABLE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
#: a placeholder's name: {n}, {rows:,}, {name!r}
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")

#: letters only Vietnamese writes: an English text with one of them is a (en, vi) pair written the wrong way round
_VI_LETTERS = re.compile(r"[đăâêôơưĐĂÂÊÔƠƯ]|[\u0300-\u0323]|[àáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def register(tables: Mapping[str, Mapping[str, Sequence[str]]]) -> dict[str, tuple[str, str]]:
    """One catalog from `tables` (name → its key → (vi, en)); ValueError naming the key and the tables on a key
    defined twice, and naming the key and its table on a pair that is not right (see `_pair`)."""
    catalog: dict[str, tuple[str, str]] = {}
    where: dict[str, str] = {}
    for name, table in tables.items():
        for key, pair in table.items():
            if key in where:
                raise ValueError(f"UI string '{key}' is defined twice: in {where[key]} and in {name}")
            catalog[key] = _pair(name, key, pair)
            where[key] = name
    return catalog


def _pair(name: str, key: Any, pair: Any) -> tuple[str, str]:
    """`pair` as (vi, en); ValueError naming `name` and `key` unless the key is a text and the pair two non-empty
    texts, Vietnamese first, with the same placeholders."""
    if not isinstance(key, str):
        raise ValueError(f"UI string {key!r} in {name}: a key is a text (quote it)")
    if not (isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(x, str) and x for x in pair)):
        raise ValueError(f"UI string '{key}' in {name} is not a (vi, en) pair of texts: {pair!r}")
    vi, en = pair
    if _VI_LETTERS.search(en) and not _VI_LETTERS.search(vi):
        raise ValueError(f"UI string '{key}' in {name} reads (en, vi); write it (vi, en): {pair!r}")
    if set(_PLACEHOLDER.findall(vi)) != set(_PLACEHOLDER.findall(en)):
        raise ValueError(
            f"UI string '{key}' in {name} has placeholders that differ between vi and en: "
            f"{sorted(set(_PLACEHOLDER.findall(vi)))} and {sorted(set(_PLACEHOLDER.findall(en)))}"
        )
    return vi, en


class _KeyTwice(Exception):
    def __init__(self, key: Any, first: int, second: int) -> None:
        super().__init__(key, first, second)
        self.key, self.first, self.second = key, first, second


class _UniqueKeys(yaml.SafeLoader):
    """YAML's safe loader, refusing a mapping key written twice (PyYAML's own keeps the last one, silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if isinstance(key, str) and key in seen:
                raise _KeyTwice(key, seen[key], line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _shown(path: Path) -> str:
    """`path` as the errors name it: from the repository's root when it is in it."""
    try:
        return path.resolve().relative_to(STRINGS_DIR.parent.parent).as_posix()
    except ValueError:
        return str(path)


def read_strings(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """One file's catalog keys (key → [vi, en]) and its named tables (NAME → code → [vi, en]), as written; ValueError
    naming the file on a key written twice, YAML that does not parse or a file that is not one mapping."""
    name = _shown(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeys)
    except _KeyTwice as twice:
        raise ValueError(
            f"UI string '{twice.key}' is defined twice in {name} (lines {twice.first} and {twice.second})"
        ) from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{name} is not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError(f"{name} is not a mapping of key: [vi, en]")
    strings: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        if isinstance(key, str) and isinstance(value, dict) and _TABLE_NAME.fullmatch(key):
            tables[key] = value
        else:
            strings[key] = value
    return strings, tables


def load(paths: Iterable[Path]) -> tuple[dict[str, tuple[str, str]], dict[str, dict[str, tuple[str, str]]]]:
    """The catalog and the named tables of the files `paths`; ValueError naming the file and the key on anything
    `read_strings`, `register` or `_pair` refuses, or on a table named in two files."""
    files: dict[str, dict[str, Any]] = {}
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    where: dict[str, str] = {}
    for path in paths:
        name = _shown(path)
        files[name], named = read_strings(path)
        for table, rows in named.items():
            if table in where:
                raise ValueError(f"UI table '{table}' is defined twice: in {where[table]} and in {name}")
            tables[table] = {key: _pair(f"{name} ({table})", key, pair) for key, pair in rows.items()}
            where[table] = name
    return register(files), tables


CATALOG, TABLES = load(STRINGS_DIR / name for name in STRING_FILES)

#: the named tables that pages import (codes of the data → (vi, en))
GROUPS = TABLES["GROUPS"]
FREQ_NAMES = TABLES["FREQ_NAMES"]
STATUS_NAMES = TABLES["STATUS_NAMES"]
PLAN_STATUS = TABLES["PLAN_STATUS"]
COMPARE_NAMES = TABLES["COMPARE_NAMES"]
GRAIN_NAMES = TABLES["GRAIN_NAMES"]
TASK_STATUS = TABLES["TASK_STATUS"]
DOCUMENT_KINDS = TABLES["DOCUMENT_KINDS"]
EVENT_KINDS = TABLES["EVENT_KINDS"]
TIMELINE = TABLES["TIMELINE"]
MILESTONE_STATUS = TABLES["MILESTONE_STATUS"]


def text(key: str, lang: str = "vi") -> str:
    vi, en = _profile_strings().get(key) or CATALOG[key]
    return vi if lang == "vi" else en


def _profile_strings() -> dict[str, tuple[str, str]]:
    """The deployment's own title and subtitle (a province's profile), over the national ones."""
    from semantic.profile import active

    profile = active()
    if not profile.province:
        return {}
    return {
        "app_title": (profile.title_vi, profile.title_en),
        "app_subtitle": (profile.subtitle_vi, profile.subtitle_en),
    }


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "vi" else pair[1]


#: a plan status's light, drawn as a coloured badge (st.badge / :color-badge[]), never as an emoji that a machine
#: without a colour emoji font shows as a grey circle or an empty box
PLAN_COLOR: dict[str, str] = {
    "achieved": "green",
    "on_track": "green",
    "at_risk": "orange",
    "off_track": "red",
    "no_data": "gray",
}
