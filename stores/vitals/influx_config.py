"""What an `influxdb://` / `influxdbs://` URL asks for beyond the server: TLS, retention policy,
batch size and time-outs, checked before anything connects.

Options: `?ca=/path/ca.pem` (trust this CA), `?verify=false` (no certificate check: logged as a
warning), `?rp=name` (retention policy), `?waveform_rp=name` (the waveforms' own, shorter policy),
`?batch=5000` (lines per write request),
`?timeout=5` (seconds to wait for an answer, at most 600; a whole request, reading the answer
included, may take four times that); for InfluxDB 2.x, what `check --init` creates the
bucket with: `?org=name` (the organisation, when the token sees several) and `?retention=30d`
(how long the bucket keeps points; default: for ever).
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
class InfluxSettings:
    ssl: ssl.SSLContext | bool  # True: verify against the system's CAs; False: do not verify
    rp: str | None = None
    batch_lines: int = BATCH_LINES
    connect_s: float = CONNECT_S
    read_s: float = READ_S
    org: str | None = None  # InfluxDB 2.x organisation; None: the only one the token sees
    retention_s: int | None = None  # of a bucket check --init creates; None: for ever
    # The retention policy waveforms go to, so that a short one bounds them without cutting the
    # vitals' history; None: where the vitals go (`rp`).
    waveform_rp: str | None = None

    @property
    def total_s(self) -> float:
        """The most one request may take, connecting and reading the whole answer included."""
        return self.read_s * TOTAL_READS

    @property
    def waveforms_rp(self) -> str | None:
        return self.waveform_rp or self.rp


def influx_settings(url: StoreUrl) -> InfluxSettings:
    """The URL's options; StoreUrlError naming the option that cannot be used."""
    return InfluxSettings(ssl=_tls(url), rp=url.option("rp") or None,
                          batch_lines=int(_number(url, "batch", BATCH_LINES, whole=True)),
                          read_s=seconds_option(url, "timeout", READ_S),
                          org=url.option("org") or None, retention_s=_retention(url),
                          waveform_rp=url.option("waveform_rp") or None)


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


def _retention(url: StoreUrl) -> int | None:
    """`?retention=30d` (also 12h, 1w2d, 90m) in seconds; `inf` or nothing: for ever."""
    text = (url.option("retention") or "").strip().lower()
    if text in ("", "inf", "infinite"):
        return None
    seconds = 0
    if _DURATION.fullmatch(text):
        seconds = sum(int(n) * _UNIT_S[unit] for n, unit in re.findall(r"(\d+)([smhdw])", text))
    if seconds <= 0:
        raise StoreUrlError("vitals", f"?retention={text} must be a duration such as 30d, 12h "
                                      "or 1w2d (or inf)")
    return seconds
