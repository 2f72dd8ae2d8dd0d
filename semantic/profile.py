"""The deployment profile, chosen by configuration only: `DIEUHANH_PROFILE=national` (the default: the Government's
system) or `province:CODE` (a province's own system, e.g. `province:33` for Hưng Yên). A profile is a YAML file of
semantic/profiles/ naming the home area, the agencies (a province's departments), the headline and province
indicators, the title and the demo personas; nothing else in the code differs between deployments."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from semantic.errors import SemanticError
from semantic.strict import Strict, parse, read_yaml

PROFILE_ENV = "DIEUHANH_PROFILE"
PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULT = "national"


class ProfileError(SemanticError):
    """A DIEUHANH_PROFILE that names no profile, or a profile file that does not read."""


class Department(Strict):
    code: str
    name_vi: str
    name_en: str


class Profile(Strict):
    id: str
    kind: Literal["national", "province"]
    #: VN for the national system; a 2025 province code for a province's
    home_area: str
    title_vi: str
    title_en: str
    subtitle_vi: str = ""
    subtitle_en: str = ""
    #: the issuer abbreviation of the deployment's own directing documents (UBND: 12/QĐ-UBND, 1234/UBND-KT)
    issuer: str | None = None
    #: the agency that assigns the deployment's own tasks (a province's people's committee, UBND-33)
    committee: str | None = None
    departments: tuple[Department, ...] = ()
    headline: tuple[str, ...] = ()
    commune_ranking: tuple[str, ...] = ()
    #: a file of data/admin/: the province's pre-2025 communes -> its communes of 1 July 2025 (old communes become
    #: areas valid until the merger, counted in their 2025 commune through the lineage; split ones withheld)
    commune_lineage: str | None = None
    #: demo personas replacing semantic/access.yml's (parsed there, as the policy's own)
    personas: dict[str, Any] = {}

    @property
    def province(self) -> bool:
        return self.kind == "province"

    @property
    def folder(self) -> Path:
        """Files of this profile beyond its YAML (its own indicators): semantic/profiles/<file stem>/."""
        return PROFILES_DIR / _stem(self.id)

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def department_codes(self) -> frozenset[str]:
        return frozenset(d.code for d in self.departments)


def _stem(name: str) -> str:
    return name.replace(":", "_")


def choices() -> list[str]:
    """The profiles that exist: national, province:33 …"""
    return sorted(p.stem.replace("province_", "province:") for p in PROFILES_DIR.glob("*.yml"))


@lru_cache(maxsize=8)
def load_profile(name: str) -> Profile:
    """The profile `name` ('national', 'province:33'); a ProfileError naming the value and the valid ones else."""
    text = name.strip()
    if not re.fullmatch(r"national|province:\d{2}", text) or not (PROFILES_DIR / f"{_stem(text)}.yml").exists():
        raise ProfileError(
            f"{PROFILE_ENV}={name!r} names no profile; valid: {', '.join(choices())}",
            f"{PROFILE_ENV}={name!r} không phải cấu hình triển khai nào; hợp lệ: {', '.join(choices())}",
        )
    path = PROFILES_DIR / f"{_stem(text)}.yml"
    profile = parse(Profile, read_yaml(path), str(path))
    if profile.id != text:
        raise ProfileError(f"{path}: id {profile.id!r} is not {text!r}", f"{path}: id {profile.id!r} khác {text!r}")
    if profile.province and profile.home_area != text.partition(":")[2]:
        raise ProfileError(
            f"{path}: home_area {profile.home_area!r} is not the profile's province",
            f"{path}: home_area {profile.home_area!r} không phải tỉnh của cấu hình",
        )
    return profile


def active() -> Profile:
    """The profile of this process: DIEUHANH_PROFILE, national when unset or empty."""
    return load_profile(os.environ.get(PROFILE_ENV, "").strip() or DEFAULT)
