"""Store URLs: which server each store lives on, parsed and checked before anything connects.

A URL never carries a secret: passwords and tokens come to `open_stores` separately, so a URL
can be logged, shown in the window and printed by `ward-station check` as it is. A URL that
holds one (a password before the host, `?token=...`) is refused, and no error message repeats
URL text that might be one.

A secret is sent only over TLS that checks the server's certificate and host name: a plain or
unchecked connection with a password or token is refused unless the URL says `insecure=true`,
and the status bar and `ward-station check` then say it is insecure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

EMBEDDED = "embedded"

# store -> scheme -> default port
SCHEMES: dict[str, dict[str, int]] = {
    "patients": {"mongodb": 27017},
    "vitals": {"influxdb": 8086, "influxdbs": 8086},
    "network": {"neo4j": 7687, "neo4j+s": 7687, "neo4j+ssc": 7687, "bolt": 7687, "bolt+s": 7687},
    "analytics": {"cassandra": 9042},
    "alerts": {"redis": 6379, "rediss": 6379, "redis+sentinel": 26379, "rediss+sentinel": 26379},
}

TLS_SCHEMES = frozenset({"influxdbs", "neo4j+s", "neo4j+ssc", "bolt+s", "rediss", "rediss+sentinel"})

# what the path of the URL names, per store (the URL must name it, except where a default is given)
_PATH = {
    "patients": ("database", None),
    "vitals": ("database", None),
    "network": ("database", ""),  # "" is the server's default database
    "analytics": ("keyspace", None),
    "alerts": ("database", "0"),  # redis: db number; sentinel: master name then optional db
}


# The query options each backend reads (in its settings module: influx_config, neo4j_connect,
# cassandra_settings, redis_conn); any other is refused, so that a misspelt option is not
# silently ignored and a secret put in the query is not printed with the URL. None: PyMongo
# checks MongoDB's options itself (build_client turns its refusal into StoreUrlError).
OPTIONS: dict[str, frozenset[str] | None] = {
    "patients": None,  # `insecure` is taken out before PyMongo sees the options
    "vitals": frozenset({"insecure", "tls", "ca", "verify", "rp", "batch", "timeout", "org", "retention",
                         "rollup_rp", "rollup_retention", "waveform_rp", "waveform_retention"}),
    "network": frozenset({"insecure", "tls", "ca", "timeout"}),
    "analytics": frozenset({"insecure", "dc", "replication", "write_consistency", "read_consistency", "tls",
                            "ca", "check_hostname", "timeout", "fetch_size"}),
    "alerts": frozenset({"insecure", "tls", "wait_replicas", "wait_timeout_ms", "stream_maxlen", "timeout_ms",
                         "sentinel_auth", "tls_ca", "tls_cert", "tls_key", "tls_verify",
                         "tls_check_hostname"}),
}
_SERVER = {"patients": "MongoDB", "vitals": "InfluxDB", "network": "Neo4j",
           "analytics": "Cassandra", "alerts": "Redis"}
_SECRET_WORDS = ("password", "passwd", "pwd", "token", "secret", "apikey", "api_key",
                 "credential")
# A scheme repeated in an error must look like one (lower-case words), not like a password.
_SCHEME = re.compile(r"[a-z][a-z+.\-]{0,30}")
_OPTION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,40}")


# The most a URL may let one call wait, in seconds: a call that never ends hides an outage as
# surely as no deadline at all (`?timeout=inf` used to be accepted).
MAX_DEADLINE_S = 600.0


class StoreUrlError(ValueError):
    """A store URL that cannot be used; the message names the store and the problem."""

    def __init__(self, store: str, problem: str) -> None:
        super().__init__(f"stores.{store}: {problem}")
        self.store = store
        self.problem = problem


@dataclass(frozen=True)
class StoreUrl:
    """A parsed store URL: scheme, servers, what the path names, the user, and options."""

    store: str
    scheme: str
    hosts: tuple[tuple[str, int], ...]
    path: str
    username: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the URL as configured (it holds no secret)

    @property
    def tls(self) -> bool:
        """TLS asked for by the scheme (`influxdbs`, `neo4j+s`, `rediss`...) or by `?tls=true`
        (MongoDB also `?ssl=true`)."""
        return self.scheme in TLS_SCHEMES or _true(self.options.get("tls", "")) \
            or (self.store == "patients" and _true(self.options.get("ssl", "")))

    @property
    def insecure(self) -> bool:
        """`?insecure=true`: the operator accepts sending a secret unprotected."""
        return _true(self.options.get("insecure", ""))

    @property
    def unverified(self) -> str | None:
        """The option that turns the check of the server's certificate or host name off."""
        if not self.tls:
            return None
        if self.scheme.endswith("+ssc"):
            return f"{self.scheme}://"
        for name, value in self.options.items():
            off = _UNVERIFYING.get(self.store, {}).get(name.lower())
            if off is not None and (_true(value) if off else _false(value)):
                return f"{name}={value}"
        return None

    @property
    def addresses(self) -> list[str]:
        return [f"{host}:{port}" for host, port in self.hosts]

    def option(self, name: str, default: str | None = None) -> str | None:
        return self.options.get(name, default)

    def __str__(self) -> str:
        return self.text


# Per store, the options (lower case) that can turn the check of the server off, and whether
# a true or a false value does.
_UNVERIFYING: dict[str, dict[str, bool]] = {
    "vitals": {"verify": False},
    "analytics": {"check_hostname": False},
    "alerts": {"tls_verify": False, "tls_check_hostname": False},
    "patients": {"tlsinsecure": True, "tlsallowinvalidcertificates": True,
                 "tlsallowinvalidhostnames": True},
}


def transport_problem(url: StoreUrl, secret: str | None) -> str | None:
    """Why `url` would expose `secret` (a plain connection, a server not verified), or None."""
    if not secret:
        return None
    if not url.tls:
        return "a plain connection would send the password or token unencrypted"
    if url.unverified:
        return (f"{url.unverified} turns the check of the server's certificate off, so the "
                "password or token could go to anyone")
    return None


def check_transport(url: StoreUrl, secret: str | None) -> None:
    """Refuse to send a secret unprotected unless the URL says `insecure=true`."""
    problem = transport_problem(url, secret)
    if problem and not url.insecure:
        raise StoreUrlError(url.store, f"{problem}; use TLS with the server's certificate "
                            "checked, or add insecure=true to the URL's options to accept "
                            "it (the station then shows the store as insecure)")


def insecurity(url: StoreUrl, secret: str | None) -> str | None:
    """What the status bar and `ward-station check` say of an insecure store, or None."""
    if url.insecure:
        return "INSECURE (insecure=true): " + (transport_problem(url, secret)
                                                or "the URL accepts an unprotected connection")
    if url.unverified:
        return f"INSECURE: {url.unverified} turns the check of the server's certificate off"
    return None


def check_secret(store: str, username: str | None, secret: str | None) -> None:
    """A user named in the URL needs a password: without one the driver would log in with an
    empty one, and the server's "authentication failed" would not say what is missing."""
    if username and not secret:
        raise StoreUrlError(store, f"the URL names the user {username!r} but no password was "
                            f"given; set WARD_STATION_{store.upper()}_PASSWORD or the OS "
                            f"keyring entry ward-station/{store}")


def time_limit(text: str, most: float) -> float | None:
    """The number `text` says if it is a usable time limit (finite, above 0, at most `most`),
    else None: a deadline a URL could turn off ("inf", "0") is no deadline."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 < value <= most else None


def seconds_option(url: StoreUrl, name: str, default: float,
                   most: float = MAX_DEADLINE_S) -> float:
    """A time limit in seconds from `?name=`: a finite number above 0 and at most `most`."""
    text = url.option(name)
    if text is None:
        return default
    value = time_limit(text, most)
    if value is None:
        raise StoreUrlError(url.store, f"?{name}={text} must be a number of seconds above 0 and "
                            f"at most {most:g} (every call needs a deadline), for example "
                            f"?{name}={default:g}")
    return value


def _true(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")


def _false(text: str) -> bool:
    return text.strip().lower() in ("0", "false", "no", "off")


def parse_store_url(store: str, text: str) -> StoreUrl:
    """Parse the URL configured for `store`; raises StoreUrlError naming what is wrong."""
    if store not in SCHEMES:
        raise StoreUrlError(store, f"unknown store (known: {', '.join(SCHEMES)})")
    text = text.strip()
    _refuse_a_password(store, text)  # first: every later message may quote parts of the URL
    scheme = _scheme(store, text)
    try:
        parts = urlsplit(text)
    except ValueError:  # "Invalid IPv6 URL": a [ without its ] or the like
        raise StoreUrlError(store, "the URL is malformed: write an IPv6 address in brackets "
                            "with its port after them, for example [::1]:"
                            f"{SCHEMES[store][scheme]}") from None
    hosts = tuple(_host(store, h, SCHEMES[store][scheme]) for h in _netloc_hosts(parts.netloc))
    if not hosts:
        raise StoreUrlError(store, "the URL names no server")
    if scheme.endswith("+sentinel") and not parts.path.strip("/"):
        _no_master(store)
    return StoreUrl(store=store, scheme=scheme, hosts=hosts, path=_path(store, parts.path),
                    username=unquote(parts.username) if parts.username else None,
                    options=_options(store, parts.query), text=text)


def _refuse_a_password(store: str, text: str) -> None:
    """A password before the host (user:secret@host), read without a URL parser that could
    fail first with the whole URL in its message."""
    netloc = re.split(r"[/?#]", text.partition("://")[2], maxsplit=1)[0]
    if ":" in netloc.rpartition("@")[0]:
        raise StoreUrlError(store, "the URL carries a password; put it in the environment variable "
                            f"WARD_STATION_{store.upper()}_PASSWORD or the OS keyring instead")


def _scheme(store: str, text: str) -> str:
    """The URL's scheme, lower case; the error names it only when it looks like one."""
    scheme, sep, _ = text.partition("://")
    ports = SCHEMES[store]
    if sep and scheme.lower() in ports:
        return scheme.lower()
    plausible = _SCHEME.fullmatch(scheme) or any(scheme in known for known in SCHEMES.values())
    given = f"{scheme + '://'!r} is not a {store} URL scheme; " if sep and plausible else ""
    raise StoreUrlError(store, f"{given}the URL must start with "
                        + " or ".join(f"{s}://" for s in ports) + ' (or be "embedded")')


def _options(store: str, query: str) -> dict[str, str]:
    """The query's name=value options; refuses a secret, an option the backend does not read,
    and a part that is not name=value. No value is ever repeated: it may be a secret."""
    options: dict[str, str] = {}
    for part in filter(None, query.split("&")):
        name, sep, value = part.partition("=")
        name = unquote(name.replace("+", " "))
        if not sep or not _OPTION_NAME.fullmatch(name):
            raise StoreUrlError(store, "the URL's query has a part that is not name=value "
                                "(not repeated here, in case it is a secret)")
        if _secret_like(name, value):
            raise StoreUrlError(store, f"the URL carries a secret (?{name}=); put it in the "
                                f"environment variable WARD_STATION_{store.upper()}_PASSWORD "
                                "or the OS keyring instead")
        known = OPTIONS[store]
        if known is not None and name not in known:
            raise StoreUrlError(store, f"{_SERVER[store]} URLs have no option {name!r} "
                                f"(known: {', '.join(sorted(known))})")
        options[name] = unquote(value.replace("+", " "))
    return options


def _secret_like(name: str, value: str) -> bool:
    lowered = name.lower()
    if lowered == "authmechanismproperties":  # MongoDB: AWS_SESSION_TOKEN:... rides in here
        return "token" in value.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _no_master(store: str) -> StoreUrl:
    raise StoreUrlError(store, "a Sentinel URL must name the master after the servers, "
                        "for example redis+sentinel://s1:26379,s2:26379/mymaster")


def _netloc_hosts(netloc: str) -> list[str]:
    hosts = netloc.rpartition("@")[2]
    return [h for h in hosts.split(",") if h.strip()] if hosts else []


def _host(store: str, text: str, default_port: int) -> tuple[str, int]:
    text = text.strip()
    if text.startswith("["):  # [::1]:port
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        host, _, port_text = text.partition(":")
    if not host:
        raise StoreUrlError(store, f"server {text!r} has no host name")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise StoreUrlError(store, f"server {text!r}: the port must be a number from 1 to 65535")
    return host, int(port_text)


def _path(store: str, path: str) -> str:
    what, default = _PATH[store]
    path = unquote(path.strip("/"))
    if not path:
        if default is None:
            raise StoreUrlError(store, f"the URL must name the {what} after the servers, "
                                f"for example .../{'ward' if store == 'patients' else store}")
        return default
    return path
