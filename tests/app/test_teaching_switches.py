"""The trainer's switches, applied by the app layer (app/lab/teaching.py): on the station's own
lab only. Elsewhere nothing is offered and a switch asked for anyway is refused with the
reason, and the store keeps its level. The stores here are real ones whose servers are not
there (a switch needs no server); tests/stores/test_cassandra_nodes_down.py switches a real
cluster."""

from __future__ import annotations

import pytest

from app.config import Config
from app.lab.teaching import TeachingSwitches
from stores import STORE_NAMES, open_stores
from tests.app.qasync_helpers import run_on_qt_loop

CASSANDRA = "cassandra://127.0.0.1:9,127.0.0.2:9/ward?dc=dc1&timeout=1"  # nothing listens
LAB = {"127.0.0.1:9": ("cassandra-1", "running"), "127.0.0.2:9": ("cassandra-2", "down")}


def config(tmp_path, environment: str = "training", analytics: str = CASSANDRA) -> Config:
    stores = dict.fromkeys(STORE_NAMES, "embedded") | {"analytics": analytics}
    return Config(data_dir=tmp_path, stores=stores, environment=environment, simulator=False)


def switch(config: Config, lab: dict, value: str = "ALL"):
    """Ask for reads at `value`; what was offered before, what the switches said, and the
    reads' level after."""

    async def scenario():
        stores = await open_stores(config.store_config)
        teaching = TeachingSwitches(stores, config, lambda: lab)
        said: list[object] = []
        teaching.applied.connect(said.append)
        teaching.refused.connect(lambda store, why: said.append(f"{store}: {why}"))
        try:
            offered = teaching.offered()
            await teaching.apply("analytics", "read_consistency", value)
            return offered, said, stores.analytics.teaching_settings()[0].value
        finally:
            await teaching.stop()
            await stores.close()

    return run_on_qt_loop(scenario())


def test_on_its_lab_a_training_station_offers_the_switch_and_applies_it(qapp, tmp_path):
    offered, said, level = switch(config(tmp_path), LAB)

    assert [(s.store, s.key, s.value) for s in offered] == [
        ("analytics", "read_consistency", "LOCAL_ONE")]
    assert [(s.store, s.value) for s in said] == [("analytics", "ALL")]
    assert level == "ALL"


@pytest.mark.parametrize("environment, lab, why", [
    ("clinical", LAB, 'for training stations only (this station\'s environment is "clinical")'),
    ("training", {}, "this station runs on no lab"),
    ("training", {"127.0.0.1:9": ("cassandra-1", "running")},
     "servers 127.0.0.2:9 are not the lab's"),
])
def test_anywhere_else_nothing_is_offered_and_a_switch_is_refused(qapp, tmp_path, environment,
                                                                  lab, why):
    offered, said, level = switch(config(tmp_path, environment), lab)

    assert offered == ()
    assert len(said) == 1 and said[0].startswith("analytics: ") and why in said[0]
    assert level == "LOCAL_ONE"


def test_a_value_the_store_does_not_offer_is_refused_with_its_choices(qapp, tmp_path):
    offered, said, level = switch(config(tmp_path), LAB, "TWO")

    assert said == ["analytics: 'TWO' is not one of LOCAL_ONE, ONE, LOCAL_QUORUM, ALL"]
    assert level == "LOCAL_ONE"
