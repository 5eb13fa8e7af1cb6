"""A trainer's actions on the lab from the Cluster tab (app/feeds/lab_actions.py): refused by the
app itself for a node that is not this station's lab's, whatever a widget asked; done off the
UI thread on a real lab node; every request in the audit log, as the station's user."""

from __future__ import annotations

import subprocess

import pytest

from app.feeds.lab_actions import LabActionsFeed
from app.lab.station_actions import StationLabActions
from stores import StoreConfig, open_stores
from tests.app.lab_small import down_quietly, small_lab
from tests.app.qasync_helpers import run_on_qt_loop


def run_actions(data_dir, audit_dir, requests: list[tuple[str, str]]):
    """Each request through the feed in turn; (what the feed said, the audit log's entries,
    oldest first)."""
    said: list[tuple[str, ...]] = []

    async def scenario():
        stores = await open_stores(StoreConfig(data_dir=audit_dir))
        feed = LabActionsFeed(StationLabActions(data_dir), stores.patients, "north", "trainer.ana",
                              clock=lambda: 1_800_000_000.0)
        for signal, word in ((feed.running, "running"), (feed.done, "done"),
                             (feed.failed, "failed")):
            signal.connect(lambda *args, word=word: said.append((word, *args)))
        try:
            for name, action in requests:
                await feed.act(name, action)
            return list(reversed(await stores.patients.audit_log()))
        finally:
            await feed.stop()
            await stores.close()

    return said, run_on_qt_loop(scenario())


def test_a_station_on_no_lab_acts_on_nothing(qapp, tmp_path):
    stranger = subprocess.Popen(["sleep", "60"])  # what a request must never reach
    try:
        said, audit = run_actions(tmp_path / "station-data", tmp_path / "audit",
                                  [("redis-1", "kill"), (str(stranger.pid), "kill")])
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()
    assert [s[:3] for s in said] == [("failed", "redis-1", "kill"),
                                     ("failed", str(stranger.pid), "kill")]
    assert "this station runs on no lab" in said[0][3]
    assert [(e.user, e.action, e.time) for e in audit] == [
        ("trainer.ana", "lab kill", 1_800_000_000.0)] * 2
    assert audit[0].detail.startswith("redis-1: refused: redis-1 is not a node of this "
                                      "station's lab")


@pytest.mark.slow
def test_a_lab_node_is_frozen_and_restored_and_a_stranger_to_the_lab_is_refused(qapp, tmp_path):
    lab = small_lab(tmp_path / "lab", influx=False, redis=True)
    try:
        said, audit = run_actions(lab.folder / "station-data", tmp_path / "audit",
                                  [("redis-1", "freeze"), ("mongo-1", "kill"),
                                   ("redis-1", "restore"), ("redis-1", "dance")])
        assert lab.node("redis-1").state(lab.folder) == "running"
    finally:
        down_quietly(lab)
    assert [s[:3] for s in said] == [
        ("running", "redis-1", "freeze"), ("done", "redis-1", "freeze"),
        ("failed", "mongo-1", "kill"),
        ("running", "redis-1", "restore"), ("done", "redis-1", "restore"),
        ("failed", "redis-1", "dance")]
    assert said[1][3].startswith("redis-1 frozen (SIGSTOP)")
    assert said[2][3] == f"refused: mongo-1 is not a node of this station's lab ({lab.folder})"
    assert said[4][3] == "redis-1 continues (SIGCONT)"
    assert "'dance' is not a lab action" in said[5][3]
    assert [(e.user, e.action) for e in audit] == [
        ("trainer.ana", "lab freeze"), ("trainer.ana", "lab kill"),
        ("trainer.ana", "lab restore"), ("trainer.ana", "lab dance")]
    assert audit[1].detail.startswith("mongo-1: refused:")
