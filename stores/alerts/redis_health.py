"""Health of the Redis alarm bus: latency, nodes, and critical alarms confirmed by a replica.

Nodes are the master and its replicas as the master reports them, or as Sentinel reports them
followed by the Sentinels.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis

from stores.alerts.redis_conn import Connection, RedisSettings, SentinelClient
from stores.errors import StoreUnavailable
from stores.model import HealthState, NodeStatus, StoreHealth

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_S = 2.0
UNCONFIRMED_DEGRADES_S = 300.0

Info = dict[str, Any]  # what the server's INFO and SENTINEL commands answer, by name


class ReplicaWatch:
    """WAITs for replicas after critical writes and remembers the ones they did not confirm.

    A deployment is expected to replicate when its URL says so (Sentinel, or `wait_replicas`
    given) or once a replica has been seen: then a critical alarm that no replica could confirm,
    even for want of a replica, is unconfirmed and the store DEGRADED. A plain `redis://` that
    never had a replica is a legitimate small deployment: its health stays UP and says that
    critical alarms are not replicated (`wait_replicas=0` says that is intended, and silences it).
    """

    def __init__(self, settings: RedisSettings) -> None:
        self._settings = settings
        self.wanted = settings.wait_replicas  # the URL's, until a trainer switches it
        self.unconfirmed: collections.deque[str] = collections.deque(maxlen=1000)
        self._missed_at: float | None = None
        self._missed_why = ""
        self._seen = False  # a replica was seen connected to the master

    @property
    def expected(self) -> bool:
        """Whether critical alarms are to be replicated here (see the class)."""
        named = self._settings.sentinel or "wait_replicas" in self._settings.url.options
        return self.wanted > 0 and (named or self._seen)

    def saw(self, connected_replicas: int) -> None:
        """The master reported this many replicas; one seen is one expected from now on."""
        if connected_replicas > 0:
            self._seen = True

    async def confirm(self, single: aioredis.Redis, alarm_id: str, info: Info) -> None:
        """`single` is the client (one connection) that just wrote the alarm; `info` the
        master's INFO replication, asked on it just before."""
        wanted = self.wanted
        if wanted == 0:
            return
        connected = int(info.get("connected_slaves", 0) or 0)
        self.saw(connected)
        if connected == 0:
            if self.expected:  # WAIT would answer 0 at once: no replica has it
                self._missed(alarm_id, "no replica is connected to the master")
            return
        wanted = min(wanted, connected)
        got = await single.wait(wanted, self._settings.wait_timeout_ms)
        if got >= wanted:
            self._missed_at = None
            return
        within = f"within {self._settings.wait_timeout_ms} ms"
        self._missed(alarm_id, within if got == 0 else f"only {got} of {wanted} did, {within}")

    def _missed(self, alarm_id: str, why: str) -> None:
        self.unconfirmed.append(alarm_id)
        self._missed_at = time.monotonic()
        self._missed_why = why
        log.warning("critical alarm %s is written but no replica confirmed it (%s)", alarm_id, why)

    def problem(self) -> str | None:
        if self._missed_at is None or time.monotonic() - self._missed_at > UNCONFIRMED_DEGRADES_S:
            return None
        return f"no replica confirmed the last critical alarm ({self._missed_why})"

    def master_state(self, info: Info) -> tuple[str | None, str | None]:
        """(problem, note) for health from the master's INFO replication: a replica missing
        where one is expected is a problem; where none ever was, a note."""
        connected = int(info.get("connected_slaves", 0) or 0)
        self.saw(connected)
        if info.get("role") != "master" or connected or self.wanted == 0:
            return None, None
        if self.expected:
            return "no replica is connected to the master: critical alarms are not replicated", None
        return None, ("critical alarms are not replicated: this Redis has no replica (add one, "
                      "or set wait_replicas=0 to say none is wanted)")


async def bus_health(conn: Connection, replicas: ReplicaWatch, bus_problems: list[str],
                     bus_notes: Sequence[str] = (), flags: tuple[str, ...] = ()) -> StoreHealth:
    """Never raises: DOWN with the reason when the master does not answer; DEGRADED with
    `bus_problems` (the bus's own: channels not followed, alarms refused); `bus_notes` are
    said without degrading (alarms not signed)."""
    reported = None
    if conn.sentinel is None:
        answer = await _ping(conn)
    else:
        answer, reported = await asyncio.gather(_ping(conn), _sentinel_nodes(conn))
    consistency = _consistency(conn.settings, replicas.wanted)
    if isinstance(answer, StoreUnavailable):
        nodes = reported or [NodeStatus(conn.settings.url.addresses[0], "master", False)]
        return StoreHealth("alerts", "redis", HealthState.DOWN, None, answer.reason, tuple(nodes),
                           flags, consistency=consistency)
    latency_ms, info = answer
    nodes = reported if reported is not None else _replication_nodes(conn, info)
    problems = [f"{n.role} {n.address} is down" for n in nodes if not n.up]
    if info.get("role") != "master":
        problems.append("the URL names a replica: alarms cannot be written there")
    missing, note = replicas.master_state(info)
    problems += [*bus_problems, *filter(None, [missing, replicas.problem()])]
    state = HealthState.DEGRADED if problems else HealthState.UP
    return StoreHealth("alerts", "redis", state, round(latency_ms, 2),
                       "; ".join([*problems, *filter(None, [note]), *bus_notes]), tuple(nodes),
                       flags, consistency=consistency)


def _consistency(settings: RedisSettings, wanted: int) -> tuple[str, ...]:
    high = (f"HIGH alarms wait for {wanted} replica(s), {settings.wait_timeout_ms} ms at most"
            if wanted else "HIGH alarms wait for no replica")
    return ("writes: the master", high, "others: asynchronous, written again after a failover")


async def _ping(conn: Connection) -> tuple[float, Info] | StoreUnavailable:
    try:
        async with conn.calling(HEALTH_TIMEOUT_S):
            start = time.perf_counter()
            await conn.client.ping()
            latency_ms = (time.perf_counter() - start) * 1000
            return latency_ms, await conn.client.info("replication")
    except StoreUnavailable as exc:
        return exc


def _replication_nodes(conn: Connection, info: Info) -> list[NodeStatus]:
    here = conn.settings.url.addresses[0]
    if info.get("role") != "master":
        master = f"{info.get('master_host')}:{info.get('master_port')}"
        offset = _figure("offset", info.get("slave_repl_offset"))
        return [NodeStatus(here, "replica", detail=offset),
                NodeStatus(master, "master", info.get("master_link_status") == "up")]
    nodes = [NodeStatus(here, "master", detail=_figure("offset", info.get("master_repl_offset")),
                        current=True)]
    for name, value in sorted(info.items()):
        if name.startswith("slave") and isinstance(value, dict):
            detail = ", ".join(filter(None, [_figure("offset", value.get("offset")),
                                             _figure("lag", value.get("lag"), " s")]))
            nodes.append(NodeStatus(f"{value.get('ip')}:{value.get('port')}", "replica",
                                    value.get("state") == "online", detail))
    return nodes


def _figure(name: str, value: object, unit: str = "") -> str:
    """"offset 1234", "lag 0 s": a whole number the server reported, or "" for anything else."""
    return (f"{name} {value}{unit}" if isinstance(value, int | str) and str(value).isdigit()
            else "")


async def _sentinel_nodes(conn: Connection) -> list[NodeStatus]:
    """The master and replicas as the first Sentinel that answers reports them, then the
    Sentinels themselves."""
    answers = await asyncio.gather(*(_ask_sentinel(conn, s) for s in conn.sentinels()))
    nodes: list[NodeStatus] = []
    for _, report in answers:
        if report:
            nodes = report
            break
    return nodes + [sentinel for sentinel, _ in answers]


async def _ask_sentinel(conn: Connection,
                        sentinel: SentinelClient) -> tuple[NodeStatus, list[NodeStatus]]:
    address = sentinel.address
    name = conn.settings.master_name
    try:
        async with conn.calling(HEALTH_TIMEOUT_S):
            master = _node_state(await sentinel.sentinel_master(name))
            replicas = await sentinel.sentinel_slaves(name)
    except StoreUnavailable as exc:
        # "refused the command": it answers, but does not watch this master
        return NodeStatus(address, "sentinel", "refused the command" in exc.reason), []
    current = getattr(conn.client.connection_pool, "master_address", None)
    report = ([_reported(master, "master", current)]
              + [_reported(r, "replica", current) for r in replicas])
    seen = f"master at {master.get('ip')}:{master.get('port')}, quorum {master.get('quorum')}"
    return NodeStatus(address, "sentinel", detail=seen), report


def _node_state(answer: object) -> Info:
    """A Sentinel's answer about a node: its state by name (the driver's types allow a bool
    too, which only its Sentinel manager answers, never one Sentinel)."""
    if not isinstance(answer, dict):
        raise StoreUnavailable(f"the Sentinel answered {type(answer).__name__}, not a node's state")
    return answer


def _reported(state: Info, role: str, current: tuple[str, int] | None) -> NodeStatus:
    down = state.get("is_sdown") or state.get("is_odown") or state.get("is_disconnected")
    flags = "odown" if state.get("is_odown") else "sdown" if state.get("is_sdown") else ""
    detail = ", ".join(filter(None, [flags, _figure("offset", state.get("slave-repl-offset"))]))
    here = f"{state.get('ip')}:{state.get('port')}"
    return NodeStatus(here, role, not down, detail,
                      current=current is not None and f"{current[0]}:{current[1]}" == here)


# Policies that may evict keys without a time to live, as every alarm key is.
EVICTING_POLICIES = ("allkeys-lru", "allkeys-lfu", "allkeys-random")


def eviction_problem(memory_info: Info) -> str | None:
    """What is wrong with the server's eviction policy for the alarm bus, if anything: under
    memory pressure an `allkeys-*` policy would silently drop alarms and acknowledgements."""
    policy = str(memory_info.get("maxmemory_policy", "noeviction"))
    if policy not in EVICTING_POLICIES:
        return None
    return (f"maxmemory-policy {policy} could evict alarm keys under memory pressure: set "
            "noeviction (or a volatile-* policy) on the alarm bus's Redis")


def server_problems(info: Info) -> list[str]:
    """What the server lacks for the alarm bus: streams came with Redis 5.0."""
    version = str(info.get("redis_version", "0"))
    major = int(version.split(".")[0]) if version.split(".")[0].isdigit() else 0
    if major < 5:
        return [f"Redis {version} has no streams; the alarm bus needs Redis 5.0 or later"]
    return []
