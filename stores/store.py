"""What every store shares, whatever its kind: schema check, health, teaching settings, close."""

from __future__ import annotations

import abc
from collections.abc import Iterable

from stores.errors import ValidationError
from stores.model import StoreHealth, TeachingSetting


class Store(abc.ABC):
    """The base of the five store interfaces (vitals, patients, network, analytics, alerts)."""

    async def prepare(self, create: bool = False) -> list[str]:
        """What the server lacks of this store's schema (database, indexes, constraints, tables),
        in words; with `create`, create it first (idempotent). The embedded store needs none."""
        return []

    @abc.abstractmethod
    async def health(self) -> StoreHealth:
        """State (up, degraded, down), round trip and, where the driver knows them, the nodes."""

    def teaching_settings(self) -> tuple[TeachingSetting, ...]:
        """What a trainer may switch on this store while the station runs, as it is now. None
        by default: an embedded store has no replicas to teach with. The store does not know
        where it runs: the station offers these on its own lab only."""
        return ()

    async def apply_teaching_setting(self, key: str, value: str) -> TeachingSetting:
        """Switch one of `teaching_settings()` to `value` (one of its choices), for the calls
        that follow; the setting as it is now. ValidationError for a key this store does not
        offer or a value not among its choices."""
        chosen(self.teaching_settings(), key, value)
        raise NotImplementedError  # a store that offers a setting applies it

    @abc.abstractmethod
    async def close(self) -> None:
        """Release the connections; the store is not used again."""


def chosen(offered: Iterable[TeachingSetting], key: str, value: str) -> TeachingSetting:
    """The setting `key` of those `offered`, if `value` is one of its choices; else
    ValidationError saying what may be chosen."""
    setting = next((s for s in offered if s.key == key), None)
    if setting is None:
        raise ValidationError(key, "this store offers no such setting")
    if value not in setting.choices:
        raise ValidationError(key, f"{value!r} is not one of {', '.join(setting.choices)}")
    return setting
