"""The Pending writes screen: writes kept at this station until their store takes them."""

from widgets.pending_writes.count import PendingCount
from widgets.pending_writes.view import PendingWritesView

__all__ = ["PendingCount", "PendingWritesView"]
