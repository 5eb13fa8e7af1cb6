"""`bench alarms`: how long an alarm takes from `AlertBus.publish` to the banner having painted it.

Alarms go out at a steady rate through the station's own alert store while the simulator feeds
the ward. An alarm counts as shown at the first `painted` of the banner after which its id is in
`shown_alarm_ids()`; it is then acknowledged and cleared, so the banner never fills up. An alarm
that comes back on the banner after its resolution left it is counted as shown twice. With
`--junk`, junk goes out on the Redis bus meanwhile (`app.bench.junk`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from app.bench import ward
from app.bench.common import BenchError, BenchStation
from app.bench.stats import latency_summary
from stores.alerts import AlertBus
from stores.errors import StoreError
from stores.model import Alarm, AlarmKind, Patient, Priority

log = logging.getLogger(__name__)

RATE_PER_S = 10.0
WARM_UP_LIMIT_S = 20.0  # the first alarm also waits for the feed's subscription to open
SHOW_LIMIT_S = 5.0  # an alarm still not shown this long after the last one went out is lost


class AlarmProbe:
    """Publishes bench alarms and times each one to the banner's first paint that shows it."""

    def __init__(self, bus: AlertBus, banner, patients: list[Patient], raised_at: float) -> None:
        self._bus = bus
        self._banner = banner
        self._patients = patients
        # Every bench alarm is HIGH and raised before the simulator's alarms, so it sorts to the
        # top of the banner however many of the simulator's alarms are open.
        self._raised_at = raised_at
        self._run = uuid.uuid4().hex[:8]  # a real alert store keeps earlier runs' alarms
        self._sent = 0
        # id -> (alarm, perf_counter() just before its publish), until the banner shows it
        self._pending: dict[str, tuple[Alarm, float]] = {}
        self.latencies_ms: list[float] = []  # publish -> the banner's paint that shows it
        # where the time goes: the store's publish call returning, and the feed handing the
        # alarm to the banner (the rest is Qt scheduling and painting)
        self.publish_ms: list[float] = []
        self.delivery_ms: list[float] = []
        self._delivered: set[str] = set()
        self._resolving: set[asyncio.Task] = set()
        self._resolved: set[str] = set()  # resolved, still on the banner until the news arrives
        self._gone: set[str] = set()  # resolved and seen gone: showing again is a duplicate
        self.shown_twice = 0
        self.latest: Alarm | None = None
        self.resolve_failures = 0
        banner.painted.connect(self._on_painted)

    @property
    def waiting(self) -> int:
        return len(self._pending)

    async def send(self) -> str:
        alarm = self.latest = self._next_alarm()
        started = time.perf_counter()
        self._pending[alarm.id] = alarm, started
        await self._bus.publish(alarm)
        self.publish_ms.append((time.perf_counter() - started) * 1000.0)
        return alarm.id

    def watch_delivery(self, alarms_changed) -> None:
        """Also time each alarm to the feed's signal that carries it to the banner."""
        alarms_changed.connect(self._on_alarms_changed)

    def _on_alarms_changed(self, alarms: list[Alarm]) -> None:
        now = time.perf_counter()
        for alarm in alarms:
            if alarm.id in self._pending and alarm.id not in self._delivered:
                self._delivered.add(alarm.id)
                self.delivery_ms.append((now - self._pending[alarm.id][1]) * 1000.0)

    def _next_alarm(self) -> Alarm:
        self._sent += 1
        patient = self._patients[self._sent % len(self._patients)]
        return Alarm(
            id=f"bench:{self._run}:{self._sent:06d}", region=ward.REGION, ward=ward.WARD,
            bed_id=patient.bed_id, patient_id=patient.id, patient_name=patient.full_name,
            priority=Priority.HIGH, kind=AlarmKind.TECHNICAL,
            condition=f"Benchmark alarm {self._sent}", raised_at=self._raised_at)

    def _on_painted(self) -> None:
        shown = set(self._banner.shown_alarm_ids())
        self._count_returns(shown)
        if not self._pending:
            return
        painted = time.perf_counter()
        for alarm_id in shown & self._pending.keys():
            alarm, published = self._pending.pop(alarm_id)
            self._delivered.discard(alarm_id)
            self.latencies_ms.append((painted - published) * 1000.0)
            self._resolve(alarm)

    def _count_returns(self, shown: set[str]) -> None:
        # only the banner's visible rows are known: an alarm below "+N more" is neither
        shown_twice = shown & self._gone
        self.shown_twice += len(shown_twice)
        self._gone -= shown_twice
        left = {alarm_id for alarm_id in self._resolved if alarm_id not in shown}
        self._gone |= left
        self._resolved -= left

    def _resolve(self, alarm: Alarm) -> None:
        task = asyncio.ensure_future(self._publish_resolved(alarm))
        self._resolving.add(task)
        task.add_done_callback(self._resolving.discard)

    async def _publish_resolved(self, alarm: Alarm) -> None:
        now = time.time()
        self._resolved.add(alarm.id)
        try:
            await self._bus.publish(alarm.acknowledge(ward.USER, now).clear(now))
        except StoreError as exc:  # counted and logged; the banner just lists one more alarm
            self.resolve_failures += 1
            log.warning("could not resolve bench alarm %s: %s", alarm.id, exc)

    def forget_figures(self) -> None:
        """Start the figures afresh (after the warm-up)."""
        for figures in (self.latencies_ms, self.publish_ms, self.delivery_ms):
            figures.clear()

    async def finish(self) -> None:
        """Wait for what was sent to show (up to SHOW_LIMIT_S) and for the resolutions."""
        deadline = time.monotonic() + SHOW_LIMIT_S
        while self._pending and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        while self._resolving:
            await asyncio.gather(*self._resolving, return_exceptions=True)
        self._banner.painted.disconnect(self._on_painted)


async def bench_alarms(bench: BenchStation, seconds: float) -> dict:
    """Send alarms at RATE_PER_S for `seconds` and report their latency to the banner."""
    probe = AlarmProbe(bench.stores.alerts, bench.window.banner, bench.patients,
                       raised_at=bench.started - 1.0)
    probe.watch_delivery(bench.window.alarms_feed.alarms_changed)
    await _warm_up(probe)
    probe.forget_figures()
    simulator_alarms = bench.station.simulator.stats.alarms_published
    junk = _junk_publisher(bench)
    stop_junk = asyncio.Event()
    junk_task = asyncio.ensure_future(junk.run(stop_junk, probe)) if junk else None
    try:
        sent = await _send_steadily(probe, seconds)
        await probe.finish()
    finally:
        stop_junk.set()
        if junk_task is not None:
            await junk_task
            await junk.close()
    refused, why = bench.stores.alerts.unreadable_messages(ward.REGION)
    return {
        **latency_summary("alarm_latency_ms", probe.latencies_ms),
        "alarms_sent": sent,
        "alarms_shown": len(probe.latencies_ms),
        **latency_summary("publish_ms", probe.publish_ms),
        **latency_summary("delivery_ms", probe.delivery_ms),
        "rate_per_s": RATE_PER_S,
        "simulator_alarms": bench.station.simulator.stats.alarms_published - simulator_alarms,
        "simulator_beds": sum(len(w.monitors) for w in bench.station.simulator.wards.values()),
        "resolve_failures": probe.resolve_failures,
        "alarms_shown_twice": probe.shown_twice,
        "junk_sent": junk.sent - junk.failed if junk else 0,
        "refused_messages": refused,
        "signed": bool(bench.stores.alerts.signed(ward.REGION)),
    }


def _junk_publisher(bench: BenchStation):
    """The junk writer for `--junk` on a Redis alert store; None without `--junk`."""
    if bench.options is None or not bench.options.junk:
        return None
    url = bench.config.stores["alerts"]
    if not url.startswith(("redis", "rediss")):
        raise BenchError("--junk needs a Redis alert store (--config naming stores.alerts): "
                         "the embedded bus carries no messages another program could write",
                         exit_code=2)
    from app.bench.junk import JunkPublisher

    return JunkPublisher(url, bench.config.secrets.get("alerts"), ward.REGION)


async def _warm_up(probe: AlarmProbe) -> None:
    """One alarm, not counted: the feed's subscription is open and the connections warm."""
    await _publish(probe)
    deadline = time.monotonic() + WARM_UP_LIMIT_S
    while probe.waiting:
        if time.monotonic() > deadline:
            raise BenchError(f"the first alarm did not reach the banner within "
                             f"{WARM_UP_LIMIT_S:.0f} s")
        await asyncio.sleep(0.02)


async def _send_steadily(probe: AlarmProbe, seconds: float) -> int:
    loop = asyncio.get_running_loop()
    due = loop.time()
    end = due + seconds
    sent = 0
    while loop.time() < end:
        await _publish(probe)
        sent += 1
        # Paced by absolute time; after a stall the missed sends are skipped, not bunched.
        due = max(due + 1.0 / RATE_PER_S, loop.time())
        await asyncio.sleep(due - loop.time())
    return sent


async def _publish(probe: AlarmProbe) -> None:
    try:
        await probe.send()
    except StoreError as exc:
        raise BenchError(f"the alert store refused a bench alarm: {exc}") from None
