"""The ways a store call can fail, whatever the backend."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error a store raises on purpose."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or cannot serve the call now; `reason` says why, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ValidationError(StoreError):
    """A record was refused because of one field; `field` names it, `message` says what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(StoreError):
    """The record asked for does not exist (or no longer does)."""


class Conflict(StoreError):
    """Someone else saved the same record first; reload it and apply the change again."""


class AlarmsMissed(StoreError):
    """A subscription could not keep every alarm version for its consumer (it fell too far
    behind, or the bus lost entries it had not read): it ends, and the consumer reads the
    current alarms again. `reason` says what happened, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OutboxFull(StoreUnavailable):
    """The store is away and its outbox holds as many writes as it may: this write is refused,
    not dropped, and the caller must say so."""
