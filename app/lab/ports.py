"""Loopback addresses and ports for the lab's servers: free ones, and whether one answers."""

from __future__ import annotations

import socket
from collections.abc import Sequence

LOOPBACK = "127.0.0.1"


def free_port(address: str = LOOPBACK) -> int:
    """A port nothing listens on at `address` now (the OS's choice)."""
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def free_port_on(addresses: Sequence[str], tries: int = 50) -> int:
    """A port free on every one of `addresses`: the nodes of a Cassandra cluster listen on the
    same port, each on its own address (the driver takes one port for a whole cluster)."""
    for _ in range(tries):
        port = free_port(addresses[0])
        if all(_bindable(address, port) for address in addresses[1:]):
            return port
    raise OSError(f"found no port free on all of {', '.join(addresses)}")


def loopback_usable(address: str) -> bool:
    """Whether a server can listen on `address` here: Linux routes all of 127/8 to loopback;
    other systems need an alias for each address but 127.0.0.1."""
    return _bindable(address, 0)


def port_open(address: str, port: int, timeout_s: float = 0.5) -> bool:
    try:
        with socket.create_connection((address, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def exchange(address: str, port: int, message: bytes, answer_size: int,
             timeout_s: float = 2.0) -> bytes:
    """Send `message` and read the first `answer_size` bytes of the answer (fewer if the server
    closes first); b"" when nothing listens."""
    try:
        with socket.create_connection((address, port), timeout=timeout_s) as sock:
            sock.sendall(message)
            answer = b""
            while len(answer) < answer_size:
                chunk = sock.recv(answer_size - len(answer))
                if not chunk:
                    break
                answer += chunk
            return answer
    except OSError:
        return b""


def _bindable(address: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True
