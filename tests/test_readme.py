"""The README is the manual: every command and every option the command-line tools accept is written in it."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from analytics.__main__ import build_parser as analytics_parser
from connectors.__main__ import build_parser as connectors_parser
from semantic.__main__ import build_parser as semantic_parser

pytestmark = pytest.mark.unit

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
PARSERS = {"semantic": semantic_parser, "connectors": connectors_parser, "analytics": analytics_parser}


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [s for a in parser._actions for s in a.option_strings if s.startswith("--") and s != "--help"]


@pytest.mark.parametrize("module", sorted(PARSERS))
def test_every_subcommand_and_option_is_in_the_readme(module):
    commands = _commands(PARSERS[module]())
    assert commands, module
    missing = []
    for name, sub in commands.items():
        # the command's own lines: from "python -m MODULE NAME" to the next line that starts another command
        lines = re.findall(rf"python -m {module} {name}\b.*(?:\n {{4}}.*)*", README)
        if not lines:
            missing.append(f"python -m {module} {name}")
            continue
        text = "\n".join(lines)
        missing += [f"python -m {module} {name} {opt}" for opt in _options(sub) if not re.search(rf"{opt}\b", text)]
    assert not missing, f"not in README.md: {missing}"


def test_the_api_command_and_its_options_are_in_the_readme():
    from api.__main__ import build_parser as api_parser

    lines = "\n".join(re.findall(r"python -m api\b.*", README))
    assert lines, "python -m api is not in README.md"
    missing = [opt for opt in _options(api_parser()) if not re.search(rf"{opt}\b", lines)]
    assert not missing, f"not in README.md beside python -m api: {missing}"
