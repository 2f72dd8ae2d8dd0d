"""Scenarios as code: the playbooks of semantic/scenarios/*.yml (who reports what and how often, the levels and
their triggers, the tasks dispatched at each level, the closure criteria) loaded into frozen objects and checked
by small named rules at load, like the model."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from semantic.errors import ModelError
from semantic.strict import Strict, parse, read_yaml

#: scenario times are Vietnam's wall clock (UTC+7) as a leader writes them, stored without a zone
VN = timezone(timedelta(hours=7))


def now_vn() -> datetime:
    return datetime.now(VN).replace(tzinfo=None, second=0, microsecond=0)


SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"
#: the scenario kinds Decision 1012/QĐ-TTg names for online direction
KINDS = (
    "storm_flood",
    "landslide",
    "epidemic",
    "civil_defence",
    "fire",
    "traffic_accident",
    "key_project_inspection",
)
Kind = Literal[
    "storm_flood", "landslide", "epidemic", "civil_defence", "fire", "traffic_accident", "key_project_inspection"
]
#: who a duty or a task falls on: each activated province (its people's committee), or one agency by code
PROVINCES = "provinces"
AGENCY = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
CODE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
Panel = Literal["map", "reports", "figures", "tasks", "log", "projects"]
PANELS: tuple[Panel, ...] = ("map", "reports", "figures", "tasks", "log", "projects")


class Trigger(Strict):
    """The level is reached when a reading of `indicator` (declared under `watch`) is at least `at_least`."""

    indicator: str
    at_least: float


class Level(Strict):
    level: int = Field(ge=1, le=5)
    name_vi: str
    name_en: str
    trigger: Trigger | None = None  # None: activated by a leader only

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en


class Watched(Strict):
    code: str
    name_vi: str
    name_en: str
    unit: str = ""


class Figure(Strict):
    code: str
    name_vi: str
    name_en: str
    unit: str = ""

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en


class Duty(Strict):
    """A report due from `reporter` every `every_hours` from activation (first one `every_hours` after), carrying
    `figures`; a report later than `grace_hours` past its due time is late, none at all is missing."""

    code: str
    name_vi: str
    name_en: str
    reporter: str  # "provinces" or an agency code
    figures: tuple[str, ...] = Field(min_length=1)
    every_hours: int = Field(gt=0, le=24 * 31)
    grace_hours: int = Field(default=0, ge=0)
    from_level: int | None = Field(default=None, ge=1, le=5)  # None: from the first level


class TaskTemplate(Strict):
    """A standard task dispatched when the scenario reaches `level`: to each activated province or one agency,
    due `deadline_hours` after the dispatch (activation or the level change)."""

    code: str
    level: int = Field(ge=1, le=5)
    assignee: str  # "provinces" or an agency code
    content: str
    deadline_hours: int = Field(gt=0, le=24 * 366)
    coordinating: tuple[str, ...] = ()


class Milestone(Strict):
    name_vi: str
    name_en: str


class Playbook(Strict):
    code: str
    kind: Kind
    template: bool = False  # a template to adapt, not a plan adopted by a competent authority
    name_vi: str
    name_en: str
    event_kind: str  # the emergency's kind on the event table (storm, flood, epidemic ...)
    basis: tuple[str, ...] = Field(min_length=1)  # the public rules the playbook follows
    lead_agency: str
    issuer: Literal["TTg", "CP", "VPCP"] = "TTg"
    document_kind: Literal["cong_dien", "thong_bao"] = "cong_dien"
    levels: tuple[Level, ...] = Field(min_length=1)
    watch: tuple[Watched, ...] = ()
    areas: tuple[str, ...] = ()  # the provinces usually concerned (a hint for the activation form)
    figures: tuple[Figure, ...] = Field(min_length=1)
    duties: tuple[Duty, ...] = Field(min_length=1)
    tasks: tuple[TaskTemplate, ...] = Field(min_length=1)
    layout: tuple[Panel, ...] = PANELS[:5]
    milestones: tuple[Milestone, ...] = ()  # key-project inspections: what each inspection checks
    closure_vi: tuple[str, ...] = Field(min_length=1)
    closure_en: tuple[str, ...] = Field(min_length=1)

    def level(self, n: int) -> Level:
        for lv in self.levels:
            if lv.level == n:
                return lv
        raise KeyError(n)

    def figure(self, code: str) -> Figure:
        return next(f for f in self.figures if f.code == code)

    def duty(self, code: str) -> Duty:
        return next(d for d in self.duties if d.code == code)

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en


# -- named rules: each returns a list of problems ----------------------------------------------------------------


def _dupes(items: list[str]) -> list[str]:
    return sorted({x for x in items if items.count(x) > 1})


def rule_codes(p: Playbook) -> list[str]:
    problems = []
    names = [("scenario", [p.code]), ("figure", [f.code for f in p.figures]), ("duty", [d.code for d in p.duties])]
    names += [("task", [t.code for t in p.tasks]), ("watched indicator", [w.code for w in p.watch])]
    for what, codes in names:
        problems += [f"{what} code '{c}' is not lower_snake_case (a-z, 0-9, _)" for c in codes if not CODE.match(c)]
        problems += [f"{what} code '{c}' is declared twice" for c in _dupes(codes)]
    return problems


def rule_levels(p: Playbook) -> list[str]:
    got = [lv.level for lv in p.levels]
    if got != list(range(got[0], got[0] + len(got))):
        return [f"levels must be consecutive and rising (got {got})"]
    problems = []
    bounds = [(lv.level, lv.trigger.at_least) for lv in p.levels if lv.trigger]
    for (a, x), (b, y) in zip(bounds, bounds[1:], strict=False):
        if y <= x:
            problems.append(f"level {b}'s trigger ({y}) must be above level {a}'s ({x})")
    return problems


def rule_triggers(p: Playbook) -> list[str]:
    watched = {w.code for w in p.watch}
    return [
        f"level {lv.level}: trigger on '{lv.trigger.indicator}', which is not under watch "
        f"(watched: {', '.join(sorted(watched)) or 'none'})"
        for lv in p.levels
        if lv.trigger and lv.trigger.indicator not in watched
    ]


def rule_people(p: Playbook) -> list[str]:
    problems = []
    if not AGENCY.match(p.lead_agency):
        problems.append(f"lead_agency '{p.lead_agency}' is not an agency code (MAE, MOH, MPS ...)")
    for what, code, who in [("duty", d.code, d.reporter) for d in p.duties] + [
        ("task", t.code, t.assignee) for t in p.tasks
    ]:
        if who != PROVINCES and not AGENCY.match(who):
            problems.append(f"{what} '{code}': '{who}' is neither 'provinces' nor an agency code")
    for t in p.tasks:
        problems += [
            f"task '{t.code}': coordinating '{c}' is not an agency code" for c in t.coordinating if not AGENCY.match(c)
        ]
    return problems


def rule_references(p: Playbook) -> list[str]:
    figures, levels = {f.code for f in p.figures}, {lv.level for lv in p.levels}
    problems = []
    for d in p.duties:
        unknown = [f for f in d.figures if f not in figures]
        if unknown:
            problems.append(
                f"duty '{d.code}': figure(s) {', '.join(unknown)} not declared under figures "
                f"(declared: {', '.join(sorted(figures))})"
            )
        if d.from_level is not None and d.from_level not in levels:
            problems.append(f"duty '{d.code}': from_level {d.from_level} is not a level of this scenario")
    problems += [
        f"task '{t.code}': level {t.level} is not a level of this scenario (levels: {sorted(levels)})"
        for t in p.tasks
        if t.level not in levels
    ]
    return problems


def rule_areas(p: Playbook) -> list[str]:
    return [f"area '{a}' is not a two-digit province code" for a in p.areas if not re.fullmatch(r"\d{2}", a)]


def rule_closure(p: Playbook) -> list[str]:
    if len(p.closure_vi) != len(p.closure_en):
        return ["closure_vi and closure_en must list the same criteria (one line each)"]
    return []


def rule_inspection(p: Playbook) -> list[str]:
    if p.kind == "key_project_inspection" and ("projects" not in p.layout or not p.milestones):
        return ["a key_project_inspection needs the 'projects' panel in its layout and its milestones"]
    return []


DEFAULT_RULES: tuple[Callable[[Playbook], list[str]], ...] = (
    rule_codes,
    rule_levels,
    rule_triggers,
    rule_people,
    rule_references,
    rule_areas,
    rule_closure,
    rule_inspection,
)


def check(p: Playbook) -> list[str]:
    return [problem for rule in DEFAULT_RULES for problem in rule(p)]


def load_playbook(path: Path) -> Playbook:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ModelError(f"{path}: a scenario is a mapping of keys", f"{path}: kịch bản phải là một bảng khóa")
    p = parse(Playbook, data, str(path))
    problems = check(p)
    if problems:
        text = "; ".join(f"{path}: {x}" for x in problems)
        raise ModelError(text, text.replace("is declared twice", "khai báo hai lần"))
    if p.code != path.stem:
        en = f"{path}: code '{p.code}' must match the file name '{path.stem}'"
        raise ModelError(en, f"{path}: mã '{p.code}' phải trùng tên tệp '{path.stem}'")
    return p


def load_playbooks(folder: Path = SCENARIOS_DIR) -> dict[str, Playbook]:
    """Every playbook of `folder`, by code; the first wrong file stops the load with every problem it has."""
    return {p.code: p for p in (load_playbook(path) for path in sorted(folder.glob("*.yml")))}


@lru_cache(maxsize=1)
def default_playbooks() -> dict[str, Playbook]:
    return load_playbooks()


PLAYBOOK_COLUMNS = ["code", "kind", "template", "name_vi", "name_en", "levels", "triggers", "duties", "tasks"]
PLAYBOOK_COLUMNS += ["lead_agency", "basis"]


def playbooks_frame(playbooks: dict[str, Playbook]) -> pd.DataFrame:
    """One line per playbook: what `python -m semantic scenarios` lists."""
    return pd.DataFrame(
        [
            {
                "code": p.code,
                "kind": p.kind,
                "template": p.template,
                "name_vi": p.name_vi,
                "name_en": p.name_en,
                "levels": ",".join(str(lv.level) for lv in p.levels),
                "triggers": "; ".join(
                    f"{lv.level}: {lv.trigger.indicator} >= {lv.trigger.at_least:g}" for lv in p.levels if lv.trigger
                ),
                "duties": len(p.duties),
                "tasks": len(p.tasks),
                "lead_agency": p.lead_agency,
                "basis": "; ".join(p.basis),
            }
            for p in playbooks.values()
        ],
        columns=PLAYBOOK_COLUMNS,
    )


def playbook(code: str, playbooks: dict[str, Playbook] | None = None) -> Playbook:
    known = playbooks if playbooks is not None else default_playbooks()
    if code not in known:
        from semantic.errors import UnknownFieldError

        raise UnknownFieldError("scenario", code, sorted(known))
    return known[code]
