"""How the command lines end: a user's mistake with its message in Vietnamese then English and one exit code for
each kind (the same for `python -m semantic`, `connectors` and `analytics`), and quietly when their reader stops
early (`python -m semantic catalog | head`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from semantic.errors import AccessDenied, LoadRejected, SemanticError

#: what a shell reports for a command ended by SIGPIPE (128 + 13), the way `yes | head` ends
EXIT_BROKEN_PIPE = 141
#: success (also zero rows or an unchanged load); data rejected; a usage error; the claims give no access
EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_NO_SCOPE = 0, 1, 2, 3


def say(exc: SemanticError) -> None:
    """A refusal on standard error, Vietnamese first: 'lỗi: …' then 'error: …'."""
    print(f"lỗi: {exc.message_vi}\nerror: {exc.message_en}", file=sys.stderr)


def run_command(body: Callable[[], int]) -> int:
    """`body()`'s exit code; a SemanticError (never a traceback) is said and ends the command with its code: no
    access 3, data refused whole 1, anything else the user got wrong 2."""
    try:
        return body()
    except SemanticError as exc:
        say(exc)
        if isinstance(exc, AccessDenied):
            return EXIT_NO_SCOPE
        return EXIT_REJECTED if isinstance(exc, LoadRejected) else EXIT_USAGE


def run_cli(main: Callable[[], int]) -> int:
    """`main()`'s exit code; when the reader of standard output has gone, no traceback — nothing more can be
    written there, and the interpreter's own last flush must not fail either (hence stdout onto /dev/null)."""
    try:
        code = main()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
