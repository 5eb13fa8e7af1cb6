"""Store indicators in the status bar: state in words and colour, backend, latency, nodes."""

from __future__ import annotations

import pytest

from stores.model import HealthState, NodeStatus, StoreHealth
from widgets import palette
from widgets.store_status import StoreStatus

VITALS_UP = StoreHealth("vitals", "embedded", HealthState.UP, latency_ms=1.23)
PATIENTS_DOWN = StoreHealth(
    "patients",
    "mongodb",
    HealthState.DOWN,
    reason="no primary reachable",
    nodes=(NodeStatus("db1:27017", "primary", up=False), NodeStatus("db2:27017", "secondary")),
)
NETWORK_DEGRADED = StoreHealth("network", "neo4j", HealthState.DEGRADED, latency_ms=41.0)


@pytest.fixture
def status(qtbot):
    status = StoreStatus()
    qtbot.addWidget(status)
    return status


def test_one_indicator_per_store_in_the_order_given(status):
    status.show_health([VITALS_UP, PATIENTS_DOWN, NETWORK_DEGRADED])
    assert status.texts() == [
        "vitals \u00b7 embedded \u00b7 1.2 ms",
        "patients \u00b7 down",
        "network \u00b7 neo4j \u00b7 degraded \u00b7 41 ms",
    ]


def test_dot_colour_follows_the_state(status):
    status.show_health([VITALS_UP, PATIENTS_DOWN, NETWORK_DEGRADED])
    dots = [indicator.dot.styleSheet() for indicator in status.indicators]
    assert palette.UP in dots[0] and palette.DOWN in dots[1] and palette.DEGRADED in dots[2]


def test_tooltip_gives_the_reason_and_the_nodes(status):
    status.show_health([PATIENTS_DOWN])
    tooltip = status.indicators[0].toolTip()
    assert "no primary reachable" in tooltip
    assert "db1:27017  primary  DOWN" in tooltip and "db2:27017  secondary  up" in tooltip


def test_a_store_coming_back_loses_its_down_text(status):
    status.show_health([PATIENTS_DOWN])
    status.show_health([StoreHealth("patients", "mongodb", HealthState.UP, latency_ms=3.0)])
    assert status.texts() == ["patients \u00b7 mongodb \u00b7 3.0 ms"]
    assert palette.UP in status.indicators[0].dot.styleSheet()


def test_fewer_stores_leave_fewer_indicators(status):
    status.show_health([VITALS_UP, PATIENTS_DOWN])
    status.show_health([VITALS_UP])
    assert status.texts() == ["vitals \u00b7 embedded \u00b7 1.2 ms"]


def test_an_unsigned_alarm_bus_says_so_in_words_up_or_down(status):
    unsigned = StoreHealth("alerts", "redis", HealthState.UP, latency_ms=0.4, flags=("unsigned",),
                           reason="alarms of north are not signed (no signing key)")
    status.show_health([unsigned, StoreHealth("alerts", "redis", HealthState.DOWN,
                                              flags=("unsigned",))])

    assert status.texts() == ["alerts \u00b7 redis \u00b7 unsigned \u00b7 0.4 ms",
                              "alerts \u00b7 unsigned \u00b7 down"]
    assert "not signed" in status.indicators[0].toolTip()


def test_an_insecure_store_says_so_in_words_and_its_tooltip_says_why(status):
    why = "INSECURE (insecure=true): a plain connection would send the password unencrypted"
    status.set_insecure({"patients": why, "vitals": why})
    status.show_health([VITALS_UP, PATIENTS_DOWN, NETWORK_DEGRADED])
    assert status.texts() == [
        "vitals \u00b7 INSECURE \u00b7 embedded \u00b7 1.2 ms",
        "patients \u00b7 INSECURE \u00b7 down",
        "network \u00b7 neo4j \u00b7 degraded \u00b7 41 ms",
    ]
    assert why in status.indicators[0].toolTip()
    assert "font-weight: bold" in status.indicators[0].label.styleSheet()
    assert why not in status.indicators[2].toolTip()


def test_the_tooltip_shows_the_cache_in_front_of_a_store_and_its_hit_ratio(status):
    from stores.model import CacheHealth

    cached = StoreHealth("patients", "mongodb", HealthState.UP, latency_ms=2.0,
                         cache=CacheHealth(True, reads=1234, hits=1160, ttl_s=300.0))
    bypassed = StoreHealth("network", "neo4j", HealthState.UP, latency_ms=3.0, cache=CacheHealth(
        False, reads=10, ttl_s=300.0, reason="127.0.0.1:6379: connection refused"))
    status.show_health([VITALS_UP, cached, bypassed])

    tooltips = [indicator.toolTip() for indicator in status.indicators]
    assert "cache" not in tooltips[0]
    assert tooltips[1].endswith("cache: Redis, 94% of 1234 reads answered there, entries kept "
                                "300 s")
    assert tooltips[2].endswith("cache: not in use, reads go to the store (127.0.0.1:6379: "
                                "connection refused)")
    assert status.texts()[1] == "patients \u00b7 mongodb \u00b7 2.0 ms"  # the bar itself as before
