"""What the window says in its status bar for a while (an acknowledgement that did not go out, a
teaching switch applied) can be read: the stores' indicators take the room they need on the
right, never all of it."""

from __future__ import annotations

import pytest

from app.config import Config
from stores import STORE_NAMES
from tests.app.qasync_helpers import run_on_qt_loop
from tests.app.station_window import station_window
from tests.waiting import eventually

MESSAGE = "Not acknowledged: alarm bus unavailable (cannot reach 127.0.0.1:6379)"


@pytest.mark.parametrize("width", [1366, 1920])
def test_a_status_message_has_room_to_be_read(qapp, tmp_path, seeded_demo, width):
    seeded_demo.copy_into(tmp_path)
    config = Config(data_dir=tmp_path, user="nurse.test", simulator=False,
                    stores=dict.fromkeys(STORE_NAMES, "embedded"))

    async def scenario(window):
        window.resize(width, 900)
        window.show()
        await eventually(lambda: len(window.store_status.texts()) == len(STORE_NAMES), 20,
                         "every store's indicator")
        window.alarms_feed.acknowledge_failed.emit(MESSAGE)
        bar = window.statusBar()
        await eventually(lambda: bar.currentMessage() == MESSAGE, 5, "the message shown")
        status = window.store_status
        await eventually(lambda: status.width() >= status.sizeHint().width(), 5,
                         "the indicators laid out")
        room = window.store_status.geometry().left()
        needed = bar.fontMetrics().horizontalAdvance(MESSAGE)
        return room, needed

    room, needed = run_on_qt_loop(run(config, scenario))
    # at 1920 px the whole message; at 1366 the indicators leave 300-330 px (their latencies
    # vary), where a long message is cut: a fifth of the bar at least
    assert room > (needed if width >= 1920 else width // 5), (room, needed)


async def run(config, scenario):
    async with station_window(config) as window:
        return await scenario(window)
