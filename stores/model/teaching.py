"""A setting a store offers trainers to switch while the station runs (a read's consistency
level, whether HIGH alarms wait for a replica), so that a class sees what it changes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TeachingSetting:
    """One switch of one store, as it is now. A store offers these whatever the cluster: the
    station's app layer decides where a trainer may use them (on its own lab only)."""

    store: str  # "analytics", "alerts"
    key: str  # what the store's `apply_teaching_setting` takes: "read_consistency"
    # what it changes, in words: the start of the store's consistency line it changes
    # ("reads" for "reads: LOCAL_ONE"), so that a switch can be shown beside that line
    label: str
    choices: tuple[str, ...]  # the values it may take, weakest first ("ONE", ..., "ALL")
    value: str  # the one in use now
    about: str = ""  # what the choice means, for a tooltip
