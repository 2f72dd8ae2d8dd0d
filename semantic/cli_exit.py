"""How the command lines end when their reader stops early (`python -m semantic catalog | head`): quietly."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

#: what a shell reports for a command ended by SIGPIPE (128 + 13), the way `yes | head` ends
EXIT_BROKEN_PIPE = 141


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
