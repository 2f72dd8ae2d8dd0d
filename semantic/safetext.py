"""The one rule for text bound for a spreadsheet (extracts, page downloads, `connectors export`) and for text that
enters the warehouse: control characters are stripped first (refused at intake), then a cell a spreadsheet would
run as a formula gets a leading apostrophe. In Python (`cell`) and in SQL (`cell_expr`), from one definition."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from warehouse.lazy import lazy

if TYPE_CHECKING:
    import ibis.expr.types as ir

ibis = lazy("ibis")


#: C0 controls except tab, line feed and carriage return (which text may hold), DEL and the C1 controls. XLSX XML
#: cannot hold most of them, and a spreadsheet skips some before reading a formula ("\x02=HYPERLINK(...)").
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: the same class for SQL (DuckDB's RE2 and PostgreSQL read these escapes alike; PostgreSQL text never holds NUL)
_SQL_CONTROL = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
#: what a spreadsheet reads as the start of a formula: = + - @, every character whose compatibility form (NFKC)
#: starts with one of them (full-width ＝ ＋ － ＠, small ﹦ ﹢ ﹣ ﹫, super- and subscript ⁺ ⁼ ₊ ₌, Hebrew ﬩,
#: ⩵ ⩶; a test recomputes the list from Unicode), and tab, CR, LF (OWASP "CSV injection")
FORMULA_LEADS = "=+-@\u207a\u207c\u208a\u208c\ufb29\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20\u2a75\u2a76\t\r\n"
#: "-" last in the class, so that no escape is needed in any of the three regular-expression dialects
_RISKY = "^[" + FORMULA_LEADS.replace("-", "") + "-]"
RISKY = re.compile(_RISKY)


def has_control(text: str) -> str | None:
    """The first control character in `text`, or None."""
    m = CONTROL.search(text)
    return m.group(0) if m else None


def describe(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def cell(value: Any) -> Any:
    """Text as a spreadsheet-bound writer writes it: control characters stripped, then a formula lead neutralised
    by a leading apostrophe. Anything that is not text is unchanged."""
    if not isinstance(value, str):
        return value
    text = CONTROL.sub("", value)
    return "'" + text if RISKY.match(text) else text


def cell_expr(col: ir.StringValue) -> ir.StringValue:
    """`cell` computed by the database (DuckDB and PostgreSQL regular expressions), so an extract still streams."""
    text = col.re_replace(_SQL_CONTROL, "")
    return ibis.ifelse(text.re_search(_RISKY), ibis.literal("'").concat(text), text)


def cells(expr: ir.Table) -> ir.Table:
    """The same rows with every text column passed through `cell_expr`."""
    changes = {name: cell_expr(expr[name]) for name, dtype in expr.schema().items() if dtype.is_string()}
    return expr.mutate(**changes) if changes else expr
