"""The connection to Cassandra, made in the background: a station starts with Cassandra down.

Building the cluster (name resolution) and connecting block, so each attempt runs in a worker
thread; attempts repeat with growing pauses until one succeeds. Once connected, the driver keeps
the connection itself: it reconnects to servers that come back.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from stores.analytics.cassandra_cluster import HostStates, build_cluster
from stores.analytics.cassandra_errors import reason
from stores.analytics.cassandra_settings import CassandraSettings
from stores.backoff import backoff_s
from stores.errors import StoreUnavailable
from stores.model import NodeStatus
from stores.urls import check_secret

if TYPE_CHECKING:
    from cassandra.cluster import Cluster, Session

log = logging.getLogger(__name__)

RETRY_S = (1.0, 30.0)  # the first pause between attempts and the most: growing and jittered


class _Closed(Exception):
    """The store was closed while an attempt was connecting."""


class Connector:
    """Connects in the background; `session()` gives the driver's Session once it is there."""

    def __init__(self, settings: CassandraSettings, secret: str | None,
                 build: Callable[[CassandraSettings, str | None], Cluster] = build_cluster, retry_s: tuple[float, float] = RETRY_S) -> None:
        check_secret("analytics", settings.username, secret)  # not an empty password
        self._settings = settings
        self._secret = secret
        self._build = build  # the driver's Cluster for the settings and secret
        self._retry_s = retry_s
        self.hosts = HostStates()
        self.reason = f"cannot reach {', '.join(settings.addresses)}: no answer yet"
        self._cluster: Cluster | None = None
        self._session: Session | None = None
        self._lock = threading.Lock()  # between an attempt's thread and close()
        self._closed = False
        self._first_attempt = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._connect_until_up(), name="cassandra connect")

    @property
    def connected(self) -> bool:
        return self._session is not None

    async def session(self) -> Session:
        """The connected Session; raises StoreUnavailable with the reason while there is none.
        Waits for the very first attempt (a few seconds at most), never for a later one."""
        if self._session is None and not self._closed and not self._first_attempt.is_set():
            try:
                await asyncio.wait_for(self._first_attempt.wait(), self._settings.timeout_s)
            except TimeoutError:
                pass
        if self._closed:
            raise StoreUnavailable("the analytics store is closed")
        if self._session is None:
            raise StoreUnavailable(self.reason)
        return self._session

    def waiting_nodes(self) -> tuple[NodeStatus, ...]:
        """The configured servers, while none has answered yet."""
        return tuple(NodeStatus(address, "not connected", up=False)
                     for address in self._settings.addresses)

    async def _connect_until_up(self) -> None:
        for attempt in itertools.count():
            try:
                await asyncio.to_thread(self._connect_once)
            except _Closed:
                return
            except Exception as exc:  # every failure is retried; the reason says why
                self.reason = reason(exc, self._settings.addresses)
            self._first_attempt.set()
            if self._session is not None:
                log.info("Analytics store connected to %s", ", ".join(self._settings.addresses))
                return
            if attempt == 0:
                log.warning("Analytics store: %s; retrying in the background", self.reason)
            await asyncio.sleep(backoff_s(attempt, *self._retry_s))

    def _connect_once(self) -> None:  # a worker thread
        cluster = self._build(self._settings, self._secret)
        cluster.register_listener(self.hosts)
        try:
            session = cluster.connect()
        except BaseException:
            cluster.shutdown()  # the driver shuts a cluster down when it fails; this makes sure
            raise
        self.hosts.seed(cluster.metadata.all_hosts())
        with self._lock:
            closed = self._closed
            if not closed:
                self._cluster, self._session = cluster, session
        if closed:  # close() came while this attempt was connecting: nobody will use it
            cluster.shutdown()
            raise _Closed()

    async def close(self) -> None:
        """Stop connecting and shut the cluster down (in a thread: it waits for its threads)."""
        with self._lock:
            self._closed = True
            self.reason = "the analytics store is closed"
            cluster, self._cluster, self._session = self._cluster, None, None
        if self._task is not None:
            self._task.cancel()
        if cluster is not None:
            await asyncio.to_thread(cluster.shutdown)
