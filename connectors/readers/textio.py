"""Reading text files as ministries send them: UTF-8 with or without BOM, UTF-16 from Excel, Windows-1258/1252
(detected, or named); `;`, `,`, tab or `|` separators."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata

from charset_normalizer import from_bytes

#: what detection may choose from when the bytes are not UTF-8: Vietnamese Windows first, then Western
CANDIDATES = ("cp1258", "cp1252", "utf_16", "latin_1")
SEPARATORS = ",;\t|"


class DecodeError(ValueError):
    pass


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text in NFC, the encoding used). A named encoding is used as is; otherwise BOM, UTF-8, then detection."""
    if encoding:
        try:
            return unicodedata.normalize("NFC", data.decode(encoding)).lstrip("\ufeff"), encoding
        except (LookupError, UnicodeDecodeError) as exc:
            raise DecodeError(f"cannot decode as {encoding}: {exc}") from exc
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return unicodedata.normalize("NFC", data.decode(name)).lstrip("\ufeff"), name
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if len(data) >= 4 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        return unicodedata.normalize("NFC", data.decode("utf-16-le")), "utf-16-le"
    best = from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    if best is None:
        raise DecodeError("cannot tell the file's encoding: save it as UTF-8, or name it (--encoding cp1258)")
    # CP1258 writes Vietnamese tones as combining marks: NFC makes 'ế' one character again, as in UTF-8 files
    return unicodedata.normalize("NFC", str(best)), best.encoding


def sniff_separator(text: str, declared: str | None = None) -> str:
    if declared:
        return "\t" if declared in ("\\t", "tab") else declared
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=SEPARATORS).delimiter
    except csv.Error:
        first = head.splitlines()[0] if head else ""
        return max(SEPARATORS, key=first.count) if first else ","


def read_rows(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """(line number where the record starts, fields) for every non-blank record."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    out = []
    start = 1
    for fields in reader:
        if any(f.strip() for f in fields):
            out.append((start, fields))
        start = reader.line_num + 1
    return out
