"""A station's window for a test: its stores opened, the station started, the window themed,
then closed without asking and stopped after the block."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from PySide6.QtWidgets import QApplication

from app.bootstrap import apply_theme, start_station
from app.config import Config
from app.main_window import MainWindow
from app.startup import open_station_stores


@contextlib.asynccontextmanager
async def station_window(config: Config) -> AsyncIterator[MainWindow]:
    stores = await open_station_stores(config)
    station = await start_station(config, stores)
    apply_theme(QApplication.instance())
    try:
        yield station.window
    finally:
        station.window.skip_close_confirmation("test done")
        await station.stop()
