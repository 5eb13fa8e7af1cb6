"""One Cassandra node of the lab, from the fetched jars, in a folder of its own: its address on
loopback (127.0.0.x), its JMX port, its data, commit log, saved caches and hints, a generated
cassandra.yaml, cassandra-rackdc.properties (dc1/rack1) and logback.xml in conf/.

Made to start fast as part of a new cluster whose nodes start side by side: every node is a
seed, none bootstraps (auto_bootstrap: false, nothing to stream from), each has one token of a
ring split evenly (initial_token), and none waits for gossip to settle. A node restarted on its
folder keeps its data and tokens.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from app.lab.fetch import JavaServer
from app.lab.ports import exchange
from app.lab.process import ServerProcess

MAIN = "org.apache.cassandra.service.CassandraDaemon"
DATACENTER, RACK = "dc1", "rack1"
# Cassandra 5.0's conf/jvm17-server.options (G1, the modules it reaches into, Netty) and what
# jvm-server.options and cassandra-env.sh add that matters here; no assertions (-ea), no heap
# dumps, no pre-touched heap: a lab node starts and runs light.
JVM_OPTIONS = (
    "-XX:+UseG1GC", "-XX:+ParallelRefProcEnabled", "-XX:MaxTenuringThreshold=1",
    "-XX:G1HeapRegionSize=16m", "-XX:G1RSetUpdatingPauseTimePercent=5",
    "-XX:MaxGCPauseMillis=300", "-XX:InitiatingHeapOccupancyPercent=70",
    "-Djdk.attach.allowAttachSelf=true",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
    "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
    "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
    "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
    "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
    "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
    *(item for module in (
        "java.base/java.lang.module", "java.base/jdk.internal.loader",
        "java.base/jdk.internal.ref", "java.base/jdk.internal.reflect",
        "java.base/jdk.internal.math", "java.base/jdk.internal.module",
        "java.base/jdk.internal.util.jar", "jdk.management/com.sun.management.internal",
        "java.base/sun.nio.ch", "java.base/java.io", "java.base/java.lang.reflect",
        "jdk.compiler/com.sun.tools.javac", "java.base/java.lang", "java.base/java.util",
    ) for item in ("--add-opens", f"{module}=ALL-UNNAMED")),
    "-Dio.netty.tryReflectionSetAccessible=true", "-Dio.netty.allocator.useCacheForAllThreads=true",
    "-Dio.netty.allocator.maxOrder=11",
    "-Xss256k", "-XX:+UseThreadPriorities", "-XX:+PerfDisableSharedMem",
    "-XX:+ExitOnOutOfMemoryError", "-Djava.net.preferIPv4Stack=true",
    "-Dcom.sun.management.jmxremote.authenticate=false",
    # C1 only: start-up is CPU-bound (three JVMs loading and compiling on two cores starts in
    # 24 s instead of 39 here), and a lab's load needs no peak performance.
    "-XX:TieredStopAtLevel=1",
    # a new cluster's nodes start together: no gossip to wait for, no superuser set-up delay
    "-Dcassandra.skip_wait_for_gossip_to_settle=0", "-Dcassandra.superuser_setup_delay_ms=0",
)
# The CQL native protocol's OPTIONS request (v4, stream 1); a node that serves CQL answers
# SUPPORTED (opcode 0x06).
_CQL_OPTIONS = bytes.fromhex("04000001" "05" "00000000")
_SUPPORTED = 0x06


@dataclass
class CassandraNode:
    """One node to start in `folder`; `seeds` are the addresses of the cluster's seed nodes."""

    name: str  # "cassandra-1": how the lab's commands call it
    address: str  # 127.0.0.x
    folder: Path
    seeds: tuple[str, ...]
    native_port: int  # CQL: the same on every node of a cluster
    storage_port: int  # gossip and replication: the same on every node
    jmx_port: int  # on 127.0.0.1: one per node
    token: int
    cluster_name: str = "ward-lab"
    heap_mb: int = 512
    process: ServerProcess | None = field(default=None, init=False)

    def start(self, jars: JavaServer, java: str) -> ServerProcess:
        """Write the configuration (a new node's; a restart keeps it) and start in the
        background."""
        conf = self.folder / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        files = {"cassandra.yaml": self._yaml(), "logback.xml": _LOGBACK,
                 "cassandra-rackdc.properties": f"dc={DATACENTER}\nrack={RACK}\n"}
        for file_name, text in files.items():
            (conf / file_name).write_text(text, encoding="utf-8")
        heap = f"{self.heap_mb}m"
        argv = [java, f"-Xms{heap}", f"-Xmx{heap}", *JVM_OPTIONS,
                f"-Dcassandra.jmx.local.port={self.jmx_port}",
                f"-Dcassandra.logdir={self.folder / 'logs'}",
                f"-Dcassandra.storagedir={self.folder}",
                # conf/ first: Cassandra finds cassandra.yaml, the rack file and logback.xml there
                "-cp", f"{conf}{os.pathsep}{jars.class_path}", MAIN]
        self.process = ServerProcess(self.name, argv, self.folder, self.cql_answers,
                                     own_log=self.folder / "logs" / "system.log")
        return self.process.start()

    def cql_answers(self) -> bool:
        return cql_answers(self.address, self.native_port)

    def _yaml(self) -> str:
        seeds = ",".join(f"{seed}:{self.storage_port}" for seed in self.seeds)
        folders = {key: self.folder / sub for key, sub in (
            ("commitlog_directory", "commitlog"), ("saved_caches_directory", "saved_caches"),
            ("hints_directory", "hints"), ("cdc_raw_directory", "cdc_raw"))}
        return _YAML.format(
            cluster_name=self.cluster_name, token=self.token, seeds=seeds, address=self.address,
            storage_port=self.storage_port, native_port=self.native_port,
            data=self.folder / "data", **folders)


def cql_answers(address: str, port: int) -> bool:
    """Whether a Cassandra node at address:port serves CQL (answers OPTIONS with SUPPORTED)."""
    answer = exchange(address, port, _CQL_OPTIONS, 9)
    return len(answer) == 9 and answer[4] == _SUPPORTED


def ring_tokens(nodes: int) -> list[int]:
    """One Murmur3 token per node, splitting the ring evenly."""
    low, span = -(2**63), 2**64
    return [low + span * i // nodes for i in range(nodes)]


# Small and quiet: one token per node, a fresh cluster (no bootstrap), no snapshots when tables
# are dropped or truncated (the tests drop a keyspace per test), small memtables, caches and
# commit log segments for a 512 MB heap, one compaction at a time. Reads time out on the server
# after 2 s (writes do by default), well within a station's own 5 s: a read that too few
# replicas answered then fails with the coordinator's reason, not the driver's "no answer".
# Hints for a node that is down reach their files within a second (default: 10 s), where
# system_views.pending_hints shows them.
_YAML = """\
cluster_name: '{cluster_name}'
num_tokens: 1
initial_token: '{token}'
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: GossipingPropertyFileSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "{seeds}"
listen_address: {address}
rpc_address: {address}
storage_port: {storage_port}
native_transport_port: {native_port}
start_native_transport: true
auto_bootstrap: false
data_file_directories:
  - {data}
commitlog_directory: {commitlog_directory}
saved_caches_directory: {saved_caches_directory}
hints_directory: {hints_directory}
cdc_raw_directory: {cdc_raw_directory}
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
hinted_handoff_enabled: true
max_hint_window: 3h
hints_flush_period: 1000ms
read_request_timeout: 2000ms
auto_snapshot: false
concurrent_compactors: 1
memtable_heap_space: 64MiB
memtable_offheap_space: 64MiB
key_cache_size: 8MiB
counter_cache_size: 0MiB
"""

_LOGBACK = """\
<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>${cassandra.logdir}/system.log</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy">
      <fileNamePattern>${cassandra.logdir}/system.log.%d{yyyy-MM-dd}.%i.zip</fileNamePattern>
      <maxFileSize>20MB</maxFileSize>
      <maxHistory>3</maxHistory>
      <totalSizeCap>100MB</totalSizeCap>
    </rollingPolicy>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
"""
