"""A station's view of the cache: the newest generation of each scope it heard of, or none while
it may have missed one (before it follows the channel, after the link dropped)."""

from __future__ import annotations

from stores.cache.keys import SCOPES


class GenerationView:
    """Which generation this station reads entries under, per scope."""

    def __init__(self) -> None:
        self._current: dict[str, int | None] = dict.fromkeys(SCOPES)
        self._known: dict[str, int] = dict.fromkeys(SCOPES, 0)  # newest ever heard of

    def current(self, scope: str) -> int | None:
        """The generation to read under; None: read the store (the view was dropped)."""
        return self._current[scope]

    def known(self, scope: str) -> int:
        """The newest generation ever heard of, dropped or not: a new one must be above it."""
        return self._known[scope]

    @property
    def in_use(self) -> bool:
        return all(gen is not None for gen in self._current.values())

    def heard(self, scope: str, generation: int) -> None:
        """A generation a station announced, or this one made for a write: read under it if it
        is newer. Messages may come out of order (each station publishes on its own
        connection), so an older one is kept out. A dropped view stays dropped."""
        self._known[scope] = max(self._known[scope], generation)
        current = self._current[scope]
        if current is not None and generation > current:
            self._current[scope] = generation

    def adopt(self, scope: str, generation: int) -> None:
        """This station made the generation on following the channel (nothing missed from
        then on): read under it, or under a newer one heard meanwhile."""
        self.heard(scope, generation)
        self._current[scope] = self._known[scope]

    def drop(self) -> None:
        """Stop reading entries: invalidations may have been missed (until `adopt`)."""
        self._current = dict.fromkeys(SCOPES)
