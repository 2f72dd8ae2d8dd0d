"""Declared settings of a load: what a check may cost (bytes, unpacked size of a workbook, rows, problems kept) and
how far back a sender may date a vintage. Read from the environment, checked, one place (README, *Loading data*)."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from semantic.errors import LoadRejected


class SettingError(ValueError):
    """A setting in the environment that is not a number of the right kind: the command stops and names it."""


def _number(name: str, default: float, integer: bool = True) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise SettingError(f"{name}={raw!r} is not {kind} (default {default:g})") from None
    if value < 0:
        raise SettingError(f"{name}={raw!r} must not be negative (default {default:g})")
    return value


#: days a vintage (published_at) may lie before the load time, for a sender with a scope (staff of a ministry or
#: province, on the page or the CLI with --claims/--persona); the reference loader (seed, the CLI without claims)
#: loads history and is not bound by it
BACKDATE_DAYS = 7


def backdate_days() -> int:
    return int(_number("DIEUHANH_BACKDATE_DAYS", BACKDATE_DAYS))


@dataclass(frozen=True)
class Limits:
    """What one check may cost, checked before the work it bounds (see `limits()`)."""

    bytes: int  # the file as sent
    unpacked: int  # an XLSX workbook's members once unzipped
    rows: int  # data rows
    problems: int  # problems kept; past it the check stops and the file is refused whole
    #: data rows of a file checked set-based in DuckDB (connectors/staged.py: a large canonical CSV), whose memory
    #: is the engine's, bounded and spilling, not Python's
    staged_rows: int = 20_000_000

    @property
    def mb(self) -> float:
        return self.bytes / 1_000_000


#: defaults: a monthly GSO workbook is ~0.2 MB (2 MB unpacked); a province's yearly file of every commune a few
#: thousand rows. 200 000 rows check in ~20 s on this project's 2 cores.
DEFAULT = Limits(bytes=20_000_000, unpacked=100_000_000, rows=200_000, problems=1_000)


def limits() -> Limits:
    return Limits(
        bytes=int(_number("DIEUHANH_MAX_UPLOAD_BYTES", DEFAULT.bytes)),
        unpacked=int(_number("DIEUHANH_MAX_UNPACKED_BYTES", DEFAULT.unpacked)),
        rows=int(_number("DIEUHANH_MAX_ROWS", DEFAULT.rows)),
        problems=max(1, int(_number("DIEUHANH_MAX_PROBLEMS", DEFAULT.problems))),
        staged_rows=int(_number("DIEUHANH_MAX_STAGED_ROWS", DEFAULT.staged_rows)),
    )


def _exceeded(name: str, en: str, vi: str, setting: str) -> LoadRejected:
    return LoadRejected(
        f"{name}: {en} ({setting}): split it into smaller files",
        f"{name}: {vi} ({setting}): hãy chia thành các tệp nhỏ hơn",
    )


def check_size(size: int, name: str, lim: Limits | None = None) -> None:
    """A file's size against the byte limit: before it is read (CLI) or parsed (page, pulls)."""
    lim = lim or limits()
    if size > lim.bytes:
        raise _exceeded(
            name,
            f"the file is {size:,} bytes, over the limit {lim.bytes:,} bytes",
            f"tệp có {size:,} byte, vượt giới hạn {lim.bytes:,} byte",
            "DIEUHANH_MAX_UPLOAD_BYTES",
        )


def check_file(data: bytes, name: str, lim: Limits | None = None) -> None:
    """The bytes as sent, and a ZIP container's (XLSX) unpacked size as its directory declares it — read from the
    directory alone, before anything is unpacked (a reader never unpacks a member past its declared size)."""
    lim = lim or limits()
    check_size(len(data), name, lim)
    if data[:2] != b"PK":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise LoadRejected(
            f"{name}: not a readable workbook (a damaged ZIP container: {exc})",
            f"{name}: không đọc được tệp bảng tính (tệp ZIP bị hỏng: {exc})",
        ) from None
    if total > lim.unpacked:
        raise _exceeded(
            name,
            f"the workbook unpacks to {total:,} bytes, over the limit {lim.unpacked:,} bytes",
            f"bảng tính khi giải nén có {total:,} byte, vượt giới hạn {lim.unpacked:,} byte",
            "DIEUHANH_MAX_UNPACKED_BYTES",
        )


def check_rows(rows: int, name: str, lim: Limits | None = None, staged: bool = False) -> None:
    """The data rows read, before a rule looks at them (`staged`: a file checked set-based in DuckDB)."""
    lim = lim or limits()
    most, setting = (lim.staged_rows, "DIEUHANH_MAX_STAGED_ROWS") if staged else (lim.rows, "DIEUHANH_MAX_ROWS")
    if rows > most:
        raise _exceeded(
            name,
            f"{rows:,} rows, over the limit {most:,} rows",
            f"{rows:,} dòng, vượt giới hạn {most:,} dòng",
            setting,
        )
