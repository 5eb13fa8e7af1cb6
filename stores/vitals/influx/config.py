"""What an `influxdbs://` / `influxdb://` URL asks for beyond the server: TLS, the three retention
policies, batch size and time-outs, checked before anything connects.

Options: `?ca=/path/ca.pem` (trust this CA), `?verify=false` (no certificate check: logged as a
warning), `?batch=5000` (lines per write request), `?timeout=5` (seconds to wait for an answer,
at most 600; a whole request, reading the answer included, may take four times that),
`?org=name` (InfluxDB 2.x: the organisation, when the token sees several).

Where each kind of point goes, and how long `check --init` makes that place keep it (a retention
policy on 1.x; on 2.x the bucket `db/policy` and its DBRP mapping):
- the 1 Hz samples: `?rp=ward_raw`, `?retention=3d` (every trend with buckets under a minute
  needs them: 3840 buckets of a 64 h range);
- their per-minute rollups, which every longer trend is read from: `?rollup_rp=ward_minutes`,
  `?rollup_retention=31d` (the longest trend, `TREND_LIMIT_S`);
- waveform chunks: `?waveform_rp=ward_waveforms`, `?waveform_retention=1h` (InfluxDB 1.x keeps
  nothing shorter).
A retention of `inf` keeps points for ever. A policy that exists is used as it is: how long it
keeps is the hospital's decision, these are only what `check --init` creates.
"""

from __future__ import annotations

import logging
import re
import ssl
from dataclasses import dataclass
from pathlib import Path

from stores.urls import StoreUrl, StoreUrlError, seconds_option

log = logging.getLogger(__name__)

CONNECT_S = 3.0
READ_S = 5.0
# A request's total deadline, in answer waits: a server that trickles its answer a byte at a
# time never trips the wait for the next bytes, and must not hold a call for ever.
TOTAL_READS = 4
BATCH_LINES = 5000  # InfluxData's advice: 5000 lines a request
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(?:\d+[smhdw])+")


@dataclass(frozen=True)
class Policy:
    """Where one kind of point goes (a retention policy; on 2.x the DBRP mapping's), and how
    long `check --init` makes it keep points (None: for ever)."""

    name: str
    keep_s: int | None
    what: str  # in words, for what `check` says is missing


RAW = Policy("ward_raw", 3 * 86400, "vitals")
MINUTES = Policy("ward_minutes", 31 * 86400, "per-minute rollups")
WAVEFORMS = Policy("ward_waveforms", 3600, "waveforms")


@dataclass(frozen=True)
class InfluxSettings:
    ssl: ssl.SSLContext | bool  # True: verify against the system's CAs; False: do not verify
    raw: Policy = RAW
    minutes: Policy = MINUTES
    waveforms: Policy = WAVEFORMS
    batch_lines: int = BATCH_LINES
    connect_s: float = CONNECT_S
    read_s: float = READ_S
    org: str | None = None  # InfluxDB 2.x organisation; None: the only one the token sees

    @property
    def total_s(self) -> float:
        """The most one request may take, connecting and reading the whole answer included."""
        return self.read_s * TOTAL_READS

    @property
    def policies(self) -> tuple[Policy, ...]:
        """Each place points go, once (two kinds may share one)."""
        return tuple({policy.name: policy for policy in (self.raw, self.minutes,
                                                          self.waveforms)}.values())


def influx_settings(url: StoreUrl) -> InfluxSettings:
    """The URL's options; StoreUrlError naming the option that cannot be used."""
    return InfluxSettings(ssl=_tls(url), raw=_policy(url, RAW, "rp", "retention"),
                          minutes=_policy(url, MINUTES, "rollup_rp", "rollup_retention"),
                          waveforms=_policy(url, WAVEFORMS, "waveform_rp", "waveform_retention"),
                          batch_lines=int(_number(url, "batch", BATCH_LINES, whole=True)),
                          read_s=seconds_option(url, "timeout", READ_S),
                          org=url.option("org") or None)


def _policy(url: StoreUrl, default: Policy, name_option: str, keep_option: str) -> Policy:
    name = (url.option(name_option) or "").strip() or default.name
    return Policy(name, _retention(url, keep_option, default.keep_s), default.what)


def _tls(url: StoreUrl) -> ssl.SSLContext | bool:
    if not url.tls:
        return True  # plain http: nothing to verify
    if url.option("verify", "true").strip().lower() in ("false", "0", "no", "off"):
        log.warning("stores.vitals: TLS certificates of %s are NOT verified (?verify=false)",
                    ", ".join(url.addresses))
        return False
    ca = url.option("ca")
    if not ca:
        return True
    if not Path(ca).is_file():
        raise StoreUrlError("vitals", f"the CA file {ca!r} (?ca=) does not exist")
    try:
        return ssl.create_default_context(cafile=ca)
    except (ssl.SSLError, OSError) as exc:
        raise StoreUrlError("vitals", f"the CA file {ca!r} (?ca=) cannot be used: {exc}") from None


def _number(url: StoreUrl, name: str, default: float, whole: bool = False) -> float:
    text = url.option(name)
    if text is None:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = 0
    if not value > 0:
        kind = "a whole number" if whole else "a number"
        raise StoreUrlError("vitals", f"?{name}={text} must be {kind} above 0")
    return value


def _retention(url: StoreUrl, option: str, default: int | None) -> int | None:
    """`?retention=30d` (also 12h, 1w2d, 90m) in seconds, at least an hour (InfluxDB 1.x keeps
    nothing shorter); `inf`: for ever; nothing: `default`."""
    text = (url.option(option) or "").strip().lower()
    if not text:
        return default
    if text in ("inf", "infinite"):
        return None
    seconds = 0
    if _DURATION.fullmatch(text):
        seconds = sum(int(n) * _UNIT_S[unit] for n, unit in re.findall(r"(\d+)([smhdw])", text))
    if seconds < 3600:
        raise StoreUrlError("vitals", f"?{option}={text} must be a duration of an hour or more "
                                      "such as 30d, 12h or 1w2d (or inf)")
    return seconds
