"""The station's link to one store's server in the lab: a TCP relay on loopback that the
station's config points at, so that a trainer can cut the station off a server that stays up.

It runs as a lab node of its own (`python -m app.lab.relay PORT TARGET_ADDRESS TARGET_PORT
STATE_FILE`, in its folder) and is told what to do by signals, as every lab node is acted on:
- SIGUSR1 cuts the link: every connection through it is dropped at once (aborted, as a broken
  network drops them) and it stops listening, so a new one is refused;
- SIGUSR2 relays again: it listens on the same port, and each new connection is joined to the
  server;
- SIGTERM ends it.
Each change is written to its state file (`relay.json`) once done, which is how `lab cut` and
`lab restore` know it happened and how a station on the lab knows the link is cut. A connection
the server refuses (the server down) is closed at once: the station sees the server down.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"
STATE_FILE = "relay.json"
CONNECT_S = 5.0  # to the server, for one connection: a frozen server does not hold it longer
CHUNK = 64 * 1024
RELAYING, CUT = "relaying", "cut"


class Relay:
    def __init__(self, port: int, target: tuple[str, int], state_path: Path) -> None:
        self._port, self._target = port, target
        self._state_path = state_path
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.Task] = set()
        self.dropped = 0  # connections the last cut dropped

    async def relay(self) -> None:
        """Listen and join each connection to the server (again, after a cut)."""
        if self._server is None:
            self._server = await asyncio.start_server(self._join, LOOPBACK, self._port)
        self._write_state(RELAYING)

    async def cut(self) -> None:
        """Stop listening and drop every connection through the link."""
        if self._server is not None:
            self._server.close()
            self._server = None
        links = list(self._links)
        for link in links:
            link.cancel()
        await asyncio.gather(*links, return_exceptions=True)
        self.dropped = len(links)
        self._write_state(CUT)

    async def _join(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._links.add(task)
        try:
            await self._relay_one(reader, writer)
        finally:
            self._links.discard(task)

    async def _relay_one(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        ends = [writer]
        try:
            async with asyncio.timeout(CONNECT_S):
                up_reader, up_writer = await asyncio.open_connection(*self._target)
            ends.append(up_writer)
            await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))
        except (OSError, TimeoutError):  # nothing listens there: as the server itself would
            _drop(ends)
        except asyncio.CancelledError:  # cut: both ends dropped at once, nothing flushed
            _drop(ends)
            raise
        else:
            for end in ends:
                end.close()

    def _write_state(self, state: str) -> None:
        data = {"state": state, "at": time.time(), "pid": os.getpid(), "dropped": self.dropped}
        fresh = self._state_path.with_suffix(".new")
        fresh.write_text(json.dumps(data), encoding="utf-8")
        os.replace(fresh, self._state_path)  # a reader sees the old state or the new one


async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Copy one direction until its end, then pass the end on (a half-close), so that the
    other direction can finish its answer; one side broken drops the other."""
    try:
        while chunk := await source.read(CHUNK):
            sink.write(chunk)
            await sink.drain()
        if sink.can_write_eof():
            sink.write_eof()
    except OSError:
        sink.transport.abort()


def _drop(ends: list[asyncio.StreamWriter]) -> None:
    for end in ends:
        end.transport.abort()


def read_state(state_path: Path) -> dict:
    """What the relay last wrote ({} when it wrote nothing yet or cannot be read)."""
    try:
        data = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


async def serve(port: int, target: tuple[str, int], state_path: Path) -> None:
    relay = Relay(port, target, state_path)
    loop = asyncio.get_running_loop()
    ended = asyncio.Event()
    busy: set[asyncio.Task] = set()

    def run(action) -> None:  # one change at a time, in the order the signals came
        previous = list(busy)

        async def after() -> None:
            await asyncio.gather(*previous, return_exceptions=True)
            await action()

        task = loop.create_task(after())
        busy.add(task)
        task.add_done_callback(busy.discard)

    loop.add_signal_handler(signal.SIGUSR1, run, relay.cut)
    loop.add_signal_handler(signal.SIGUSR2, run, relay.relay)
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, ended.set)
    await relay.relay()
    await ended.wait()
    await relay.cut()


def main(argv: list[str]) -> int:
    port, target, state = int(argv[0]), (argv[1], int(argv[2])), Path(argv[3])
    asyncio.run(serve(port, target, state))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
