"""The indicator registry: metadata and aggregation semantics of every indicator, from semantic/indicators/*.yml."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from semantic.errors import ModelError, UnknownFieldError
from semantic.strict import Strict, parse, read_yaml
from semantic.vocab import Base, Freq

INDICATORS_DIR = Path(__file__).resolve().parent / "indicators"

Group = Literal[
    "daily",
    "monthly",
    "quarterly",
    "annual-plan",
    "programs-projects",
    "emergency",
    "public-services",
    "statistics",
]


class Plausible(Strict):
    min: float | None = None
    max: float | None = None


class WarningRule(Strict):
    """An early-warning rule: evaluated on load and on demand (analytics/warnings.py)."""

    kind: Literal["threshold", "pacing", "forecast_breach", "late_data"]
    base: Base = "level"
    #: threshold: compare against the year's target ('target') or a fixed bound
    against: Literal["target", "value"] = "target"
    above: float | None = None
    below: float | None = None
    message_vi: str = ""
    message_en: str = ""


class Indicator(Strict):
    code: str
    name_vi: str
    name_en: str
    group: Group
    unit: str  # unit of the level: "tỷ đồng", "%", "index", "triệu USD", "nghìn người" ...
    unit_en: str
    multiplier: float = 1.0
    decimals: int = 1
    frequency: Freq
    kind: Literal["flow", "stock", "index", "rate", "ratio"]
    time_agg: Literal["sum", "last", "mean", "none"]
    space_agg: Literal["sum", "weighted_mean", "none"]
    weight: str | None = None  # indicator code whose level weights a weighted mean over space
    numerator: str | None = None
    denominator: str | None = None
    factor: float = 1.0
    direction: Literal["higher_better", "lower_better", "neutral"] = "neutral"
    comparisons: tuple[Base, ...] = ("level",)
    #: bases that the source publishes (preferred over computing them from levels)
    published: tuple[Base, ...] = ("level",)
    owner: str  # agency code of the owner ministry/agency
    source: str
    legal_basis: str = ""
    release_due_days: int = 30  # due this many days after the period's end
    statistical: bool = False  # a national statistical indicator (the plan's 80 % / 100 % coverage goal)
    demo: bool = False  # no real source here: values are generated demo data
    plausible: Plausible = Plausible()
    breakdown: Literal["none", "agency", "category"] = "none"
    description_vi: str = ""
    description_en: str = ""
    warnings: tuple[WarningRule, ...] = ()

    @property
    def additive(self) -> bool:
        return self.space_agg == "sum"


class IndicatorFile(Strict):
    group: Group
    indicators: tuple[Indicator, ...]


class Registry:
    """All indicators by code, loaded from every YAML file in a folder."""

    def __init__(self, indicators: dict[str, Indicator], files: dict[str, str]) -> None:
        self.indicators = indicators
        self.files = files  # code -> file it came from

    def __getitem__(self, code: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise UnknownFieldError("indicator", code, self.indicators) from None

    def __contains__(self, code: object) -> bool:
        return code in self.indicators

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def codes(self) -> list[str]:
        return sorted(self.indicators)


def load_registry(folder: Path = INDICATORS_DIR) -> Registry:
    """The registry of `folder`; the default folder's plus, for a province deployment, the profile's own indicators
    (semantic/profiles/<profile>/indicators: the province's GRDP, budget, investment … that a province reports)."""
    indicators: dict[str, Indicator] = {}
    files: dict[str, str] = {}
    paths = sorted(folder.glob("*.yml"))
    if paths and folder == INDICATORS_DIR:
        from semantic.profile import active

        paths += sorted((active().folder / "indicators").glob("*.yml"))
    if not paths:
        raise ModelError(f"{folder}: no indicator files (*.yml)", f"{folder}: không có tệp chỉ tiêu (*.yml)")
    for path in paths:
        parsed = parse(IndicatorFile, read_yaml(path), str(path))
        for ind in parsed.indicators:
            if ind.code in indicators:
                raise ModelError(
                    f"{path}: indicator '{ind.code}' is already defined in {files[ind.code]}",
                    f"{path}: chỉ tiêu '{ind.code}' đã được khai báo trong {files[ind.code]}",
                )
            indicators[ind.code] = ind
            files[ind.code] = str(path)
    return Registry(indicators, files)
