"""`ward-station lab ...`: the lab's commands as the command line runs them (so far `fetch`)."""

from __future__ import annotations

import argparse
import sys

from app.lab.fetch import FetchError, fetch
from app.lab.java import ToolMissing

PROG = "ward-station"


def run_lab(args: argparse.Namespace) -> int:
    """The exit code: 0 done, 2 something to install or a fetch that failed (said in one line)."""
    try:
        if args.lab_command == "fetch":
            fetch(say=_say)
        return 0
    except (ToolMissing, FetchError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2


def _say(line: str) -> None:
    print(line, flush=True)  # progress as it comes, also when piped
