"""The second screen's window: the station's alarm banner over a ward's bed grid.

It has its own feeds of its ward (the beds and patients, their live vitals, their ECG); the alarm
state is the station's, one alarm feed that both banners show and acknowledge through; a bed
clicked here is selected in the main window. Closing it leaves the station running (the main
window's status bar offers it again); closing the station closes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QPushButton, QVBoxLayout, QWidget

from app.config import Config
from app.feeds.vitals import VitalsFeed
from app.feeds.ward import WardFeed
from app.feeds.waveforms import WaveformFeed
from app.main_window import MainWindow
from app.second_screen.beds import beds_subtitle, screen_part, splits_own_ward
from stores import Stores
from stores.model import Ward
from widgets.alarm_banner.banner import AlarmBanner
from widgets.bed_grid import BedGrid
from widgets.panel import Panel


class SecondWindow(QMainWindow):
    """The bed window of `config.second_ward`, beside the station's `main` window."""

    def __init__(self, stores: Stores, config: Config, main: MainWindow,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.ward_name = config.second_ward or config.ward
        self._split = splits_own_ward(config.ward, config.second_ward)
        self._main = main
        self._ward = Ward()
        self._station_closing = False
        self.setWindowTitle(f"Ward Station \u2014 {self.ward_name} \u00b7 second screen")
        self._build_feeds(stores, config, clock)
        self._build_widgets(config, clock)
        self._connect_signals()
        self._connect_station(main)

    def _build_feeds(self, stores: Stores, config: Config, clock: Callable[[], float]) -> None:
        self.ward_feed = WardFeed(stores.patients, config.region, self.ward_name)
        self.vitals_feed = VitalsFeed(stores.vitals, clock=clock)
        self.waveform_feed = WaveformFeed(stores.vitals, clock=clock)
        self.ward_feed.title = f"Beds of {self.ward_name}"
        for feed in (self.vitals_feed, self.waveform_feed):  # apart from the main window's
            feed.title = f"{feed.title} of the second screen"
        self.feeds = [self.ward_feed, self.vitals_feed, self.waveform_feed]

    def _build_widgets(self, config: Config, clock: Callable[[], float]) -> None:
        self.banner = AlarmBanner(clock=clock)
        self.bed_grid = BedGrid(stale_after_s=config.stale_after_s, clock=clock,
                                pixels_per_mm=config.screen_px_per_mm)
        self.beds_panel = Panel(f"Beds \u00b7 {self.ward_name}", self.bed_grid)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.beds_panel, 1)
        self.setCentralWidget(central)
        # in the main window's status bar while this one is closed: a nurse gets it back
        self.show_again_button = QPushButton(f"Show {self.ward_name} window",
                                             objectName="ShowSecondScreen")
        self.show_again_button.hide()
        self.show_again_button.clicked.connect(self.show_again)

    def _connect_signals(self) -> None:
        """This window's own feeds to its grid."""
        vitals = self.vitals_feed
        self.ward_feed.ward_loaded.connect(self._on_ward_loaded)
        vitals.recent_loaded.connect(self.bed_grid.show_recent)
        vitals.latest_changed.connect(self.bed_grid.show_vitals)
        self.waveform_feed.chunks_added.connect(self.bed_grid.add_waveforms)
        vitals.unavailable.connect(self._update_subtitle)
        vitals.available.connect(self._update_subtitle)
        self.ward_feed.unavailable.connect(self._on_ward_unavailable)
        self.ward_feed.available.connect(self.beds_panel.show_available)
        self.ward_feed.available.connect(self._update_subtitle)

    def _connect_station(self, main: MainWindow) -> None:
        """To the station: its one alarm feed (both banners, the tiles' alarms, the technical
        alarms of this ward's beds), the selection, the selected bed's ECG, closing."""
        alarms = main.alarms_feed
        main.connect_banner(self.banner)
        alarms.alarms_changed.connect(self.bed_grid.show_alarms)
        self.ward_feed.ward_loaded.connect(alarms.set_ward)
        self.vitals_feed.latest_changed.connect(alarms.show_latest)
        self.bed_grid.patient_selected.connect(main.select_patient)
        main.selection_changed.connect(self.bed_grid.select_patient)
        main.selected_bed.add_ecg(self.waveform_feed)
        self.waveform_feed.selected_chunks_added.connect(main.vitals_chart.add_waveforms)
        for feed in self.feeds:
            feed.work_stopped.connect(partial(alarms.show_feed_stopped, feed.title))
            feed.work_running.connect(partial(alarms.show_feed_stopped, feed.title, None))
        main.statusBar().addPermanentWidget(self.show_again_button)
        main.closed.connect(self._close_with_station)

    def _on_ward_loaded(self, ward: Ward) -> None:
        self._ward = ward
        shown = screen_part(ward, 1, self._split)
        self.bed_grid.set_beds(list(shown.beds), dict(shown.patients_by_bed))
        self.vitals_feed.set_beds(shown.bed_ids)
        self.waveform_feed.set_beds(shown.bed_ids)
        self._update_subtitle()
        if not self._split:  # the main window knows its own ward's beds already
            self._main.show_second_ward(ward)

    def _on_ward_unavailable(self, reason: str) -> None:
        if not self._ward.beds:
            self.beds_panel.show_unavailable(f"the ward's beds cannot be read: {reason}")
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        self.beds_panel.set_subtitle(beds_subtitle(
            screen_part(self._ward, 1, self._split), self.vitals_feed.down_reason,
            self.ward_feed.down_reason, self._split))

    def start(self) -> None:
        for feed in self.feeds:
            feed.start()

    async def stop(self) -> None:
        await asyncio.gather(*(feed.stop() for feed in self.feeds))

    def show_again(self) -> None:
        self.show_again_button.hide()
        self.show()
        self.raise_()
        self.activateWindow()

    def _close_with_station(self) -> None:
        self._station_closing = True
        self.show_again_button.hide()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Closed by a nurse, it only hides: the station, its alarms (on the main banner too)
        and this window's feeds go on, and the main window offers it again."""
        if not self._station_closing:
            self.show_again_button.show()
        super().closeEvent(event)
