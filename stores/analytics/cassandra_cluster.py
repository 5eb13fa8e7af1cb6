"""Building the Cassandra cluster object, and watching its hosts come and go.

The reactor (the driver's I/O loop, in a thread of its own): libev, the C loop that the driver's
wheels carry, when it loads; else the driver's default, asyncore on Python 3.11 (deprecated,
removed in 3.12, where the `pyasyncore` package brings it back). Not the driver's asyncio
reactor: it is marked experimental, runs its own loop in its own thread anyway (so it would not
share qasync's loop), and sets the event loop of the thread that first connects.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterable, Mapping

from cassandra import DependencyException
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, DefaultConnection, ExecutionProfile
from cassandra.policies import (
    DCAwareRoundRobinPolicy,
    ExponentialReconnectionPolicy,
    HostStateListener,
    TokenAwarePolicy,
)
from cassandra.pool import Host
from cassandra.query import dict_factory

from stores.analytics.cassandra_load import size_words
from stores.analytics.cassandra_settings import CassandraSettings
from stores.model import NodeStatus


def reactor() -> type:
    """The connection class the cluster uses (see the module's docstring)."""
    connection: type = DefaultConnection
    try:
        from cassandra.io.libevreactor import LibevConnection
        connection = LibevConnection
    except (ImportError, DependencyException):
        pass
    return connection


HEARTBEAT_S = 2.0
HEARTBEAT_ANSWER_S = 5.0


def build_cluster(settings: CassandraSettings, secret: str | None) -> Cluster:
    """The driver's Cluster for `settings`, not connected. Resolves the host names: blocking."""
    # Requests go to the local datacenter only, to a replica of the partition first.
    routing = TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=settings.datacenter))
    profile = ExecutionProfile(
        load_balancing_policy=routing,
        consistency_level=settings.read_consistency,
        request_timeout=settings.timeout_s,
        row_factory=dict_factory,
    )
    return Cluster(
        contact_points=[host for host, _ in settings.hosts],
        port=settings.port,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        auth_provider=_auth(settings, secret),
        ssl_context=_tls(settings),
        connection_class=reactor(),
        # The driver's default waits up to 10 minutes between attempts at a lost server; a
        # station should see its analytics back within half a minute of the server.
        reconnection_policy=ExponentialReconnectionPolicy(base_delay=1.0, max_delay=30.0),
        connect_timeout=settings.timeout_s,
        control_connection_timeout=settings.timeout_s,
        # A node that hangs (it holds its port, answers nothing) is only noticed by a
        # heartbeat: the driver's default of 30 s idle then 30 s waiting left requests it
        # coordinated timing out for a minute. Here it is marked down within about 7 s, and
        # requests go to the other replicas; 5 s to answer spares a busy node's pauses.
        idle_heartbeat_interval=HEARTBEAT_S,
        idle_heartbeat_timeout=HEARTBEAT_ANSWER_S,
    )


def _auth(settings: CassandraSettings, secret: str | None) -> PlainTextAuthProvider | None:
    if settings.username is None:
        return None
    return PlainTextAuthProvider(username=settings.username, password=secret or "")


def _tls(settings: CassandraSettings) -> ssl.SSLContext | None:
    if not settings.tls:
        return None
    context = ssl.create_default_context(cafile=settings.ca_file)
    # Host names are checked by default: nodes found through the ring are known by IP address,
    # so node certificates must name those addresses. check_hostname=false checks against the
    # CA only, which the station shows as insecure (and refuses with a password unless the URL
    # also says insecure=true).
    context.check_hostname = settings.check_hostname
    return context


class HostStates(HostStateListener):
    """Each host's datacenter and state as the driver sees them; told from the driver's threads."""

    def __init__(self) -> None:
        self._hosts: dict[str, Host] = {}
        self._lock = threading.Lock()

    def seed(self, hosts: Iterable[Host]) -> None:
        for host in hosts:
            self.on_add(host)

    def on_add(self, host: Host) -> None:
        with self._lock:
            self._hosts[str(host.endpoint)] = host

    def on_up(self, host: Host) -> None:
        self.on_add(host)  # the Host object carries the state; keep the newest we were given

    def on_down(self, host: Host) -> None:
        self.on_add(host)

    def on_remove(self, host: Host) -> None:
        with self._lock:
            self._hosts.pop(str(host.endpoint), None)

    def nodes(self, loads: Mapping[str, float] | None = None) -> tuple[NodeStatus, ...]:
        """Each host, with its load where `loads` (bytes by IP address) has it."""
        with self._lock:
            hosts = sorted(self._hosts.items())
        loads = loads or {}
        return tuple(_node(address, host, loads.get(host.endpoint.address))
                     for address, host in hosts)


def _node(address: str, host: Host, load: float | None) -> NodeStatus:
    datacenter = host.datacenter or "datacenter?"
    said = [size_words(load)] if load is not None else []
    said += [f"rack {host.rack}"] if host.rack else []
    if host.is_up is None:
        # The driver keeps no connection to hosts outside the local datacenter and learns of
        # their state only from the cluster's events: until one comes, it does not know.
        return NodeStatus(address, f"{datacenter} not watched", up=True, detail=", ".join(said))
    # UN / DN: nodetool's words for a normal node up or down, then its load, as nodetool's
    state = "UN" if host.is_up else "DN"
    return NodeStatus(address, f"{datacenter} {'up' if host.is_up else 'down'}", up=host.is_up,
                      detail=", ".join([state, *said]))
