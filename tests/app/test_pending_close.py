"""Closing the station with writes pending warns, says where they are kept, and the next start
delivers them."""

from __future__ import annotations

from datetime import date

import pytest

from app.config import Config
from app.main_window import MainWindow
from stores import _EMBEDDED_FACTORIES, STORE_NAMES, Stores
from stores.embedded_db import EmbeddedDb
from stores.model import Patient
from tests.app.qasync_helpers import run_on_qt_loop
from tests.outbox_support import outboxed_patients
from tests.waiting import eventually

ADA = Patient(id="p-ada", region="north", ward="north-1", mrn="N1", given_name="Ada",
              family_name="Okafor", birth_date=date(1950, 3, 1))


@pytest.fixture(autouse=True)
def window_closes_without_quitting(qapp):
    """Closing the only window would stop the test's event loop along with Qt's."""
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(True)


async def station_stores(db: EmbeddedDb):
    """Embedded stores, but a patient store behind the outbox whose server can go away."""
    built = {name: _EMBEDDED_FACTORIES[name](db) for name in STORE_NAMES}
    patients, server = outboxed_patients(db)
    return Stores(**(built | {"patients": patients})), server


def test_closing_with_writes_pending_warns_and_the_next_start_delivers_them(qapp, qtbot,
                                                                           tmp_path):
    config = Config(data_dir=tmp_path, user="nurse.test", simulator=False)
    path = config.store_config.db_path

    async def scenario() -> None:
        db = await EmbeddedDb.open(path)
        stores, server = await station_stores(db)
        window = MainWindow(stores, config, regions=["north"])
        qtbot.addWidget(window)
        closed = []
        window.closed.connect(lambda: closed.append(True))
        window.start()
        try:
            server.away = True
            await stores.patients.create(ADA, "nurse.test")
            await eventually(lambda: window.pending_feed.pending == 1, 5, "the pending count")
            assert window.pending_count.text().startswith("\u25d4 1 pending")
            window.show()

            window.close()
            if window.close_box is not None:  # open alarms (the patient store away) come first
                confirm = next(b for b in window.close_box.buttons()
                               if b.text() == "Close station")
                confirm.click()
            warning = await eventually(lambda: window.pending_close.warning, 5, "the warning")
            assert not closed and window.isVisible()
            assert "1 write(s) have not reached their store yet" in warning.text()
            assert str(path) in warning.informativeText()
            assert "delivered when the station next starts" in warning.informativeText()
            window.close()  # asked again: still the one warning
            assert window.pending_close.warning is warning

            keep = next(b for b in warning.buttons() if b.text() == "Keep the station open")
            keep.click()  # kept open: what was confirmed for this close is forgotten
            await eventually(lambda: window.pending_close.warning is None, 5, "the answer")
            assert window.close_reason is None and not closed

            window.close()  # asked again, from the start
            if window.close_box is not None:
                confirm = next(b for b in window.close_box.buttons()
                               if b.text() == "Close station")
                confirm.click()
            await eventually(lambda: window.pending_close.warning, 5, "the warning again")
            window.pending_close.close_button.click()
            await eventually(lambda: closed, 5, "the window closed")
        finally:
            await window.stop()
            await stores.close()
            await db.close()

        db = await EmbeddedDb.open(path)  # the next start, with the server back
        stores, server = await station_stores(db)
        try:
            await eventually(lambda: stores.patients.courier._waiting == 0, 10, "delivery")
            assert (await stores.patients.get("p-ada")).mrn == "N1"
        finally:
            await stores.close()
            await db.close()

    run_on_qt_loop(scenario())


def test_closing_with_nothing_pending_closes_at_once(qapp, qtbot, tmp_path):
    config = Config(data_dir=tmp_path, user="nurse.test", simulator=False)

    async def scenario() -> None:
        db = await EmbeddedDb.open(config.store_config.db_path)
        stores, _server = await station_stores(db)
        window = MainWindow(stores, config, regions=["north"])
        qtbot.addWidget(window)
        window.start()
        try:
            window.show()
            with qtbot.waitSignal(window.closed, timeout=2000):
                window.close()
            assert window.pending_close.warning is None
        finally:
            await window.stop()
            await stores.close()
            await db.close()

    run_on_qt_loop(scenario())
