"""Reading a GSO workbook's sheets as grids of values, whatever the file: .xls (BIFF, 2010-2015), .xlsx (2016 on)
or .ods, through python-calamine. Text typed in the legacy TCVN3 (ABC, '.VnTime') font encoding — the 2010-2013
workbooks mix it with Unicode, cell by cell — is decoded to Unicode, so that 'ChØ sè gi¸ tiªu dïng' reads
'Chỉ số giá tiêu dùng'. A file that is not a workbook raises `Unreadable`, never a library traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

# TCVN3 (TCVN 5712:1993, ABC) lower-case letters -> Unicode. The upper-case '.VnTimeH' font uses the same codes,
# so a title in capitals decodes to lower case: matching folds case anyway.
_TCVN3 = dict(
    zip(
        "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
        strict=True,
    )
)
# characters that appear in TCVN3 text but never in Unicode Vietnamese: one of them marks a cell as TCVN3
_TCVN3_ONLY = set(_TCVN3) - set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


class Unreadable(Exception):
    """The file is not a workbook calamine can open (or a sheet of it cannot be read)."""

    def __init__(self, en: str, vi: str) -> None:
        super().__init__(en)
        self.en, self.vi = en, vi


def untcvn3(text: str) -> str:
    """A TCVN3 string decoded to Unicode; a Unicode (or plain ASCII) string unchanged."""
    if not any(ch in _TCVN3_ONLY for ch in text):
        return text
    # word by word: a cell may mix both ('Tổng møc b¸n lÎ' — a title retyped in part)
    return re.sub(r"\S+", lambda m: _word(m.group(0)), text)


def _word(word: str) -> str:
    if any(ord(ch) > 0xFF for ch in word):  # a Unicode word ('Tổng')
        return word
    return "".join(_TCVN3.get(ch, ch) for ch in word)


def _cell(v: Any) -> Any:
    if isinstance(v, str):
        s = untcvn3(v).replace("\u00a0", " ")
        return s if s.strip() else None
    if isinstance(v, bool):
        return None
    if isinstance(v, datetime | date):
        return v.isoformat()[:10]
    if isinstance(v, int | float):
        return float(v)
    return None


@dataclass
class RawSheet:
    name: str
    grid: list[list[Any]]  # None for empty cells; numbers as float; text decoded
    merged: list[tuple[int, int, int, int]]  # (first row, first col, last row, last col), 0-based inclusive


def read_sheets(data: bytes, file_name: str) -> list[RawSheet]:
    """Every sheet of the workbook in `data`, in workbook order."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(BytesIO(data))
    except Exception as exc:  # calamine raises its own error types per format; all mean the same to a user
        raise Unreadable(
            f"{file_name}: not a readable .xls/.xlsx/.ods workbook ({_reason(exc)})",
            f"{file_name}: không đọc được tệp bảng tính .xls/.xlsx/.ods ({_reason(exc)})",
        ) from exc
    out: list[RawSheet] = []
    for name in wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        except Exception as exc:
            raise Unreadable(
                f"{file_name}: sheet '{name}' cannot be read ({_reason(exc)})",
                f"{file_name}: không đọc được trang '{name}' ({_reason(exc)})",
            ) from exc
        grid = [[_cell(v) for v in r] for r in rows]
        width = max((len(r) for r in grid), default=0)
        out.append(RawSheet(name, [r + [None] * (width - len(r)) for r in grid], merged))
    return out


def _reason(exc: Exception) -> str:
    text = re.sub(r"\s+", " ", str(exc)).strip()
    return text[:160] or type(exc).__name__
