"""One Neo4j Community server of the lab, from the fetched jars, in a folder of its own: Bolt on
loopback, no HTTP, its heap and page cache set, and a password of the caller's choosing.

Authentication stays on. A new server's user `neo4j` has the password "neo4j", which must be
changed before anything else is allowed; `wait_ready` does that once Bolt answers, so the server
is never reachable with the well-known password for longer than its start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.lab.fetch import JavaServer
from app.lab.ports import LOOPBACK, exchange
from app.lab.process import ServerFailed, ServerProcess

MAIN = "org.neo4j.server.CommunityEntryPoint"
USER = "neo4j"
INITIAL_PASSWORD = "neo4j"  # every new Neo4j's, to be changed at once
PASSWORD_SET = "ward-lab-password-set"  # in data/: a restarted server keeps its password
# Neo4j 5's own JVM settings for Java 17 (its neo4j.conf, server.jvm.additional), less the
# profiling ones: modules it reaches into, Netty's direct buffers, no explicit GCs.
JVM_OPTIONS = (
    "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+ExitOnOutOfMemoryError",
    "-XX:+UnlockExperimentalVMOptions", "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC", "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true", "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "-XX:TieredStopAtLevel=1",  # C1 only, as for Cassandra (cassandra_node.py): starts lighter
)
# The Bolt handshake: the magic, then versions 5.0-5.4 and 4.0-4.4 proposed; the server answers
# with the one it takes (4 bytes).
_BOLT_HELLO = bytes.fromhex("6060b017" "00040405" "00040404" "00000000" "00000000")


@dataclass
class Neo4jServer:
    """A Neo4j server to start in `folder` (conf/, data/, logs/ and its log server.log)."""

    folder: Path
    bolt_port: int
    password: str  # at least 8 characters (Neo4j's rule)
    heap_mb: int = 512
    page_cache_mb: int = 128
    address: str = LOOPBACK
    process: ServerProcess | None = field(default=None, init=False)

    @property
    def name(self) -> str:
        return "neo4j"

    @property
    def url(self) -> str:
        """The station's URL for its one database (Community has one: neo4j)."""
        return f"neo4j://{self.address}:{self.bolt_port}/neo4j"

    def start(self, jars: JavaServer, java: str) -> ServerProcess:
        """Write the configuration and start the server in the background."""
        if len(self.password) < 8:
            raise ValueError("Neo4j wants passwords of 8 characters or more")
        conf = self.folder / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "neo4j.conf").write_text(self._config(), encoding="utf-8")
        heap = f"{self.heap_mb}m"
        argv = [java, f"-Xms{heap}", f"-Xmx{heap}", *JVM_OPTIONS, "-cp", jars.class_path, MAIN,
                f"--home-dir={self.folder}", f"--config-dir={conf}"]
        self.process = ServerProcess(self.name, argv, self.folder, self.bolt_answers,
                                     own_log=self.folder / "logs" / "neo4j.log")
        return self.process.start()

    def wait_ready(self, timeout_s: float = 120.0) -> None:
        """Wait until Bolt answers, then make `password` the user's (once, on a new server)."""
        if self.process is None:
            raise ServerFailed(f"{self.name} was not started")
        self.process.wait_ready(timeout_s)
        marker = self.folder / "data" / PASSWORD_SET
        if not marker.exists():
            set_password(self.address, self.bolt_port, self.password)
            marker.write_text("the password of user neo4j is no longer the initial one\n")

    def bolt_answers(self) -> bool:
        return bolt_answers(self.address, self.bolt_port)

    def _config(self) -> str:
        bolt = f"{self.address}:{self.bolt_port}"
        folders = {kind: self.folder / kind for kind in ("data", "logs", "run", "plugins",
                                                          "import", "licenses")}
        lines = [f"server.directories.{kind}={path}" for kind, path in folders.items()]
        lines += [
            f"server.default_listen_address={self.address}",
            f"server.default_advertised_address={self.address}",
            # the routing table hands this address to drivers (neo4j://): it must be this port
            f"server.bolt.listen_address={bolt}",
            f"server.bolt.advertised_address={bolt}",
            "server.http.enabled=false",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=true",
            "dbms.usage_report.enabled=false",
            f"server.memory.pagecache.size={self.page_cache_mb}m",
            "db.tx_log.rotation.retention_policy=1 files",  # a lab keeps little history
        ]
        return "\n".join(lines) + "\n"


def bolt_answers(address: str, port: int) -> bool:
    """Whether a Bolt server answers the handshake at address:port."""
    return len(exchange(address, port, _BOLT_HELLO, 4)) == 4


def set_password(address: str, port: int, password: str) -> None:
    """Replace the initial password of user neo4j by `password`."""
    import neo4j

    uri = f"bolt://{address}:{port}"
    with neo4j.GraphDatabase.driver(uri, auth=(USER, INITIAL_PASSWORD)) as driver:
        driver.execute_query("ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                             old=INITIAL_PASSWORD, new=password, database_="system")
