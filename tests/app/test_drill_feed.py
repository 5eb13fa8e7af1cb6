"""The drill feed: a drill's events, written to the lab's file by `DrillLog` in the drill's
process, reach the window in order, read off the window's thread a bounded chunk at a time;
nothing is read where the station runs on no lab."""

from __future__ import annotations

from app.feeds.drill import CHUNK, DrillFeed
from app.lab.drills.events import DrillLog
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually


def test_a_drills_events_arrive_in_order_a_bounded_chunk_at_a_time(qapp, tmp_path):
    log = DrillLog(tmp_path, "redis-master")
    log.event("start", "kill the master")
    for n in range(1, 800):  # well over a chunk: read in several
        log.event("counters", figures={"alarms_sent": n, "alarms_missing": 0})

    async def scenario() -> list[list]:
        feed = DrillFeed(tmp_path, refresh_s=0.05)
        batches: list[list] = []
        feed.events_read.connect(batches.append)
        feed.start()
        feed.set_active(True)
        try:
            await eventually(lambda: sum(map(len, batches)) == 800, 10, "the file read")
            log.event("end", figures={"alarms_sent": 799}, verdict="nothing lost")
            await eventually(lambda: batches[-1][-1].kind == "end", 10, "the end")
            return batches
        finally:
            await feed.stop()
            log.close()

    batches = run_on_qt_loop(scenario())
    events = [e for batch in batches for e in batch]
    assert [e.figures.get("alarms_sent") for e in events[1:800]] == list(range(1, 800))
    assert len(batches) >= 3, "no read took the whole file at once"
    assert all(sum(len(e.to_json()) + 1 for e in batch) <= CHUNK for batch in batches)


def test_a_station_on_no_lab_reads_nothing(qapp):
    async def scenario() -> int:
        feed = DrillFeed(None, refresh_s=0.01)
        feed.start()
        feed.set_active(True)
        running = len(feed._tasks)
        await feed.stop()
        return running

    assert run_on_qt_loop(scenario()) == 0
