"""One vocabulary and one period grammar (issue 17 item 2): a period a load accepts is a period a query accepts
(and the other way round), the command lines offer exactly the vocabulary's choices, one accent-folding helper."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.__main__ import build_parser as connectors_parser
from connectors.checks import check
from connectors.readers import gso_headers, gso_names
from connectors.seed import names
from connectors.tasks import task_rules
from semantic import vocab
from semantic.__main__ import build_parser as semantic_parser
from semantic.errors import QueryError
from semantic.fold import fold, strip_accents
from semantic.periods import parse_period
from semantic.spec import QuerySpec


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", (date(2025, 1, 1), "Y")),
        ("2025-Q2", (date(2025, 4, 1), "Q")),
        ("2025-q2", (date(2025, 4, 1), "Q")),
        ("2025-03", (date(2025, 3, 1), "M")),
        ("2025-M03", (date(2025, 3, 1), "M")),  # SDMX's month: loads took it, queries refused it before
        (" 2025-03-14 ", (date(2025, 3, 14), "D")),
    ],
)
def test_a_period_is_read_the_same_by_a_load_and_a_query(text, expected):
    assert check.parse_period(text) == expected
    assert parse_period(text) == expected
    assert QuerySpec(indicators=("CPI",), time_from=text).time_from == text  # a spec with it is valid


@pytest.mark.parametrize("text", ["2025-13", "2025-Q5", "2025-Q1-05", "25-03", "1850", "2025-02-30", "tháng 3"])
def test_what_is_not_a_period_is_refused_by_both(text):
    assert check.parse_period(text) is None
    assert parse_period(text, lenient=True) is None
    with pytest.raises(QueryError, match=f"period '{text}' is not valid"):
        parse_period(text)
    with pytest.raises(QueryError, match=f"period '{text}' is not valid"):
        QuerySpec(indicators=("CPI",), time_to=text)


def test_the_command_lines_offer_the_vocabulary():
    def choices(parser, command: str, dest: str) -> tuple:
        sub = next(a for a in parser._actions if a.dest == "command").choices[command]
        return tuple(next(a for a in sub._actions if a.dest == dest).choices)

    assert choices(semantic_parser(), "query", "compare") == vocab.COMPARES == ("yoy", "pop", "ytd", "ytd_yoy")
    assert choices(semantic_parser(), "query", "grain") == ("day", "month", "quarter", "year")
    assert choices(semantic_parser(), "query", "boundaries") == vocab.BOUNDARIES
    assert choices(connectors_parser(), "export", "compare") == vocab.COMPARES


def test_the_rate_bases_include_the_base_year_index():
    assert vocab.RATE_BASES == ("yoy", "pop", "ytd_yoy", "base_year") and set(vocab.RATE_BASES) < set(vocab.BASES)


def test_one_accent_folding_helper_behind_every_matcher():
    assert strip_accents("Đắk Lắk") == names.ascii_fold("Đắk Lắk") == "Dak Lak"
    assert fold("Bà Rịa - Vũng Tàu") == gso_headers.fold("Bà Rịa – Vũng Tàu") == "ba ria vung tau"
    assert gso_names.fold("TP. Hồ Chí Minh") == gso_names.fold("Thành phố Hồ Chí Minh") == "ho chi minh"
    assert task_rules.fold("  Thường   xuyên, Đã ") == "thuong xuyen, da"
