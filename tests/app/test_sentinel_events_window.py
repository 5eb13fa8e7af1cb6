"""A station window on a real Sentinel-watched alarm bus: the health its window is given (what
the Cluster tab and its timeline draw from) carries the Sentinels' events of a failover, through
the outbox in front of the bus."""

from __future__ import annotations

import pytest

from app.config import Config
from stores import STORE_NAMES
from tests.app.qasync_helpers import run_on_qt_loop
from tests.app.station_window import station_window
from tests.servers.redis_replicas import sentinel_group  # noqa: F401
from tests.waiting import eventually


@pytest.mark.slow
def test_the_windows_health_carries_the_sentinels_switch_master(qapp, tmp_path, seeded_demo,
                                                                sentinel_group):
    group = sentinel_group
    seeded_demo.copy_into(tmp_path)
    config = Config(data_dir=tmp_path, user="trainer.test", simulator=False,
                    environment="training", secrets={"alerts": group.secret},
                    stores=dict.fromkeys(STORE_NAMES, "embedded") | {"alerts": group.url})
    switch = (f"+switch-master mymaster 127.0.0.1 {group.master_port} "
              f"127.0.0.1 {group.replica_port}")

    async def scenario():
        async with station_window(config) as window:
            shown: list[list] = []
            window.health_feed.health_changed.connect(shown.append)
            window.show_view("cluster")  # asked every second
            await eventually(lambda: shown, 20, "a first round of health checks")
            group.master.kill()

            def told():
                alerts = next(h for h in shown[-1] if h.store == "alerts")
                return next((e for e in alerts.events if e.text == switch), None)

            return await eventually(told, 40, "the +switch-master in the window's health")

    event = run_on_qt_loop(scenario())
    assert event.source in {f"127.0.0.1:{port}" for port in group.sentinel_ports}
    assert not event.bad
