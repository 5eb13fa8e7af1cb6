"""`ward-station lab ...`: the lab's commands as the command line runs them."""

from __future__ import annotations

import argparse
import sys

from app.lab import control
from app.lab.drills.registry import DrillNeeds
from app.lab.fetch import FetchError, fetch
from app.lab.java import ToolMissing
from app.lab.process import ServerFailed
from app.lab.state import LabError, default_lab_dir
from app.lab.table import show

PROG = "ward-station"


def run_lab(args: argparse.Namespace) -> int:
    """The exit code: 0 done; 1 the lab could not do it (said in one line, with a server's log
    where it helps); 2 something to install or a fetch that failed."""
    try:
        if args.lab_command == "fetch":
            fetch(say=_say)
            return 0
        return _run(args)
    except (ToolMissing, FetchError, DrillNeeds) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (LabError, ServerFailed) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; what started runs on (`{PROG} lab down` stops it)",
              file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    folder = (args.lab_dir or default_lab_dir()).expanduser().resolve()
    if args.lab_command == "up":
        from app.lab.up import lab_up

        return lab_up(folder, _say, java=args.java)
    lab = control.load(folder)
    if args.lab_command == "drill":
        from app.lab.drills.report import run_drill

        return run_drill(lab, args.drill, args.json, args.report, _say, args.fault, args.store)
    if args.lab_command == "status":
        show(lab, _say)
    elif args.lab_command == "down":
        control.down(lab, _say)
    else:
        control.ACTIONS[args.lab_command](lab, args.node, _say)
    return 0


def _say(line: str) -> None:
    print(line, flush=True)  # progress as it comes, also when piped
