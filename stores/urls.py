"""Store URLs: which server each store lives on, parsed and checked before anything connects.

A URL never carries a secret: passwords and tokens come to `open_stores` separately, so a URL
can be logged, shown in the window and printed by `ward-station check` as it is. A URL that
holds one (a password before the host, `?token=...`) is refused, and no error message repeats
URL text that might be one.

A secret is sent only over TLS that checks the server's certificate and host name: a plain or
unchecked connection with a password or token is refused unless the URL says `insecure=true`,
and the status bar and `ward-station check` then say it is insecure.

What a URL of each backend may say (schemes, path, options, TLS) comes from the backend's spec
(`stores/backends.py`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import overload
from urllib.parse import unquote, urlsplit

from stores.backend_spec import BackendSpec
from stores.backends import SPECS, spec_for, specs_of

EMBEDDED = "embedded"

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
    def spec(self) -> BackendSpec:
        """The backend this URL names (by its store and scheme)."""
        found = spec_for(self.store, self.scheme)
        assert found is not None, "parse_store_url makes only URLs of a known backend"
        return found

    @property
    def tls(self) -> bool:
        """TLS asked for by the scheme (`influxdbs`, `neo4j+s`, `rediss`...) or by `?tls=true`
        (MongoDB also `?ssl=true`)."""
        spec = self.spec
        return self.scheme in spec.tls_schemes \
            or any(_true(self.options.get(name, "")) for name in spec.tls_options)

    @property
    def insecure(self) -> bool:
        """`?insecure=true`: the operator accepts sending a secret unprotected."""
        return _true(self.options.get("insecure", ""))

    @property
    def unverified(self) -> str | None:
        """The option that turns the check of the server's certificate or host name off."""
        if not self.tls:
            return None
        if self.scheme in self.spec.unverifying_schemes:
            return f"{self.scheme}://"
        for name, value in self.options.items():
            off = self.spec.unverifying.get(name.lower())
            if off is not None and (_true(value) if off else _false(value)):
                return f"{name}={value}"
        return None

    @property
    def addresses(self) -> list[str]:
        return [f"{host}:{port}" for host, port in self.hosts]

    @overload
    def option(self, name: str) -> str | None: ...
    @overload
    def option(self, name: str, default: str) -> str: ...
    @overload
    def option(self, name: str, default: str | None) -> str | None: ...

    def option(self, name: str, default: str | None = None) -> str | None:
        return self.options.get(name, default)

    def __str__(self) -> str:
        return self.text


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
    if not specs_of(store):
        known = dict.fromkeys(spec.store for spec in SPECS)
        raise StoreUrlError(store, f"unknown store (known: {', '.join(known)})")
    text = text.strip()
    _refuse_a_password(store, text)  # first: every later message may quote parts of the URL
    spec, scheme = _scheme(store, text)
    port = spec.schemes[scheme]
    try:
        parts = urlsplit(text)
    except ValueError:  # "Invalid IPv6 URL": a [ without its ] or the like
        raise StoreUrlError(store, "the URL is malformed: write an IPv6 address in brackets "
                            f"with its port after them, for example [::1]:{port}") from None
    hosts = tuple(_host(store, h, port) for h in _netloc_hosts(parts.netloc))
    if not hosts:
        raise StoreUrlError(store, "the URL names no server")
    return StoreUrl(store=store, scheme=scheme, hosts=hosts,
                    path=_path(spec, scheme, parts.path),
                    username=unquote(parts.username) if parts.username else None,
                    options=_options(spec, parts.query), text=text)


def _refuse_a_password(store: str, text: str) -> None:
    """A password before the host (user:secret@host), read without a URL parser that could
    fail first with the whole URL in its message."""
    netloc = re.split(r"[/?#]", text.partition("://")[2], maxsplit=1)[0]
    if ":" in netloc.rpartition("@")[0]:
        raise StoreUrlError(store, "the URL carries a password; put it in the environment variable "
                            f"WARD_STATION_{store.upper()}_PASSWORD or the OS keyring instead")


def _scheme(store: str, text: str) -> tuple[BackendSpec, str]:
    """The backend the URL's scheme names, and the scheme in lower case; the error names the
    scheme only when it looks like one."""
    scheme, sep, _ = text.partition("://")
    spec = spec_for(store, scheme.lower()) if sep else None
    if spec is not None:
        return spec, scheme.lower()
    plausible = _SCHEME.fullmatch(scheme) or any(scheme in known.schemes for known in SPECS)
    given = f"{scheme + '://'!r} is not a {store} URL scheme; " if sep and plausible else ""
    schemes = [s for known in specs_of(store) for s in known.schemes]
    raise StoreUrlError(store, f"{given}the URL must start with "
                        + " or ".join(f"{s}://" for s in schemes) + ' (or be "embedded")')


def _options(spec: BackendSpec, query: str) -> dict[str, str]:
    """The query's name=value options; refuses a secret, an option the backend does not read,
    and a part that is not name=value. No value is ever repeated: it may be a secret."""
    store = spec.store
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
        known = spec.options
        if known is not None and name not in known:
            raise StoreUrlError(store, f"{spec.server} URLs have no option {name!r} "
                                f"(known: {', '.join(sorted(known))})")
        options[name] = unquote(value.replace("+", " "))
    return options


def _secret_like(name: str, value: str) -> bool:
    lowered = name.lower()
    if lowered == "authmechanismproperties":  # MongoDB: AWS_SESSION_TOKEN:... rides in here
        return "token" in value.lower()
    return any(word in lowered for word in _SECRET_WORDS)


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


def _path(spec: BackendSpec, scheme: str, path: str) -> str:
    rule = spec.path
    path = unquote(path.strip("/"))
    if path:
        return path
    if scheme in rule.required_by:
        raise StoreUrlError(spec.store, rule.required_by[scheme])
    if rule.default is None:
        raise StoreUrlError(spec.store, f"the URL must name the {rule.what} after the servers, "
                            f"for example .../{rule.example}")
    return rule.default
