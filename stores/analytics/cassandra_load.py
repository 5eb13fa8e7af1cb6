"""Each Cassandra node's load: the bytes of data it holds on disk, `nodetool status`'s "Load".

Every node gossips its own load to the others every minute or so, and since Cassandra 4.1 the
gossip state is a virtual table: one request to any node (`GOSSIP`) gives the load of every
node it knows, the ones down included (their last word). No JMX, no nodetool. An older server
has no such table; the store then stops asking and the view shows no load.

The rows come from a server: untrusted. A load that is not a finite, non-negative number is
left out, as is every row past MAX_NODES.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

GOSSIP = "SELECT * FROM system_views.gossip_info"
MAX_NODES = 1000
# where a row may name its node: the internal address, and the addresses clients use
_ADDRESS_COLUMNS = ("address", "rpc_address", "native_address_and_port",
                    "internal_address_and_port")
_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")


def loads(rows: Iterable[Mapping[str, object]]) -> dict[str, float]:
    """Each node's load in bytes, by every IP address its gossip row names."""
    found: dict[str, float] = {}
    for count, row in enumerate(rows):
        if count >= MAX_NODES:
            break
        load = _number(row.get("load"))
        if load is None:
            continue
        for column in _ADDRESS_COLUMNS:
            address = _ip(row.get(column))
            if address:
                found.setdefault(address, load)
    return found


def size_words(size: float) -> str:
    """`size` bytes the way nodetool says it: "812 bytes", "1.41 MiB", "12.3 GiB"."""
    unit = 0
    while size >= 1024 and unit < len(_UNITS) - 1:
        size /= 1024
        unit += 1
    if unit == 0:
        return f"{size:.0f} bytes"
    return f"{size:.3g} {_UNITS[unit]}" if size < 1000 else f"{size:.0f} {_UNITS[unit]}"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _ip(value: object) -> str:
    """The IP address in `value` ("127.0.0.2", "127.0.0.2:9042", "[::1]:9042"), or ""."""
    if value is None:
        return ""
    text = str(value).strip()[:100].lstrip("/")  # Java's InetAddress says "/127.0.0.2"
    if text.startswith("["):  # [IPv6]:port
        return text[1:text.find("]")] if "]" in text else ""
    if text.count(":") == 1:  # IPv4:port
        return text.split(":")[0]
    return text  # IPv4, or IPv6 without a port
