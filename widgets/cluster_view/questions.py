"""The words of the Cluster tab's lab actions, without Qt: a node's menu as its state allows,
and the question asked before a node or a link is broken."""

from __future__ import annotations

# action, menu label, the node states (as the view draws them) it makes sense in
MENU = (
    ("kill", "Kill \u2014 ends at once, as a crash (SIGKILL)", ("up", "starting", "frozen",
                                                                 "link cut")),
    ("stop", "Stop \u2014 a clean stop (SIGTERM)", ("up", "starting", "frozen", "link cut")),
    ("freeze", "Freeze \u2014 hung: holds its port, answers nothing (SIGSTOP)",
     ("up", "starting", "link cut")),
    ("restore", "Restore \u2014 continue it, or start it again", ("down", "frozen")),
)

WHAT_IT_DOES = {
    "kill": "Its process ends at once, as in a crash.",
    "stop": "It is stopped cleanly (SIGTERM).",
    "freeze": "Its process is stopped (SIGSTOP): it holds its port and answers nothing until "
              "it is restored.",
}


def menu_entries(state: str) -> list[tuple[str, str, bool]]:
    """(action, label, whether it can be done now) for a node drawn in `state`."""
    return [(action, label, state in states) for action, label, states in MENU]


def confirmation(action: str, name: str, role: str, store: str) -> tuple[str, str, str] | None:
    """(title, question, the button that does it) before a kill, stop, freeze or cut; None for
    what breaks nothing (a restore)."""
    if action == "cut":
        return (f"Cut this station's link to the {store}?",
                f"This station's connections to the {store} ({name}) are dropped and new ones "
                "refused, while the server runs on. The station shows the store down; its "
                "writes wait in the outbox until the link is restored.",
                "Cut the link")
    if action not in WHAT_IT_DOES:
        return None
    verb = action.capitalize()
    what = f"{name}, {role} of the {store}" if role else f"{name} of the {store}"
    return (f"{verb} {name}?",
            f"{verb} {what}? {WHAT_IT_DOES[action]} It is a real server of the lab: every "
            "station on the lab is affected.",
            f"{verb} {name}")
