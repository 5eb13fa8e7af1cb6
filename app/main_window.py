"""The station window: builds the panels and the feeds, and wires one to the other."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.alarms.rules import DEFAULT_RULES, limits_of, with_limits
from app.config import Config
from app.feeds.alarm_audio import AlarmAudio
from app.feeds.alarm_history import AlarmHistoryFeed
from app.feeds.alarms import AlarmsFeed
from app.feeds.analytics import AnalyticsFeed
from app.feeds.care_network import CareNetworkFeed
from app.feeds.drill import DrillFeed
from app.feeds.escalation import EscalationFeed
from app.feeds.health import HealthFeed
from app.feeds.lab_actions import LabActionsFeed
from app.lab.station_actions import StationLabActions
from app.station_events import StationEvents
from app.lab.station_view import StationLab, lab_folder_for
from app.lab.teaching import TeachingSwitches
from app.feeds.patients import PatientsFeed
from app.feeds.pending_writes import PendingWritesFeed
from app.feeds.selected_waveforms import SelectedWaveformsFeed
from app.feeds.selection import SelectedBed
from app.feeds.trends import TrendFeed
from app.feeds.vitals import VitalsFeed
from app.feeds.waveforms import WaveformFeed
from app.pending_close import PendingWritesOnClose
from app.second_screen.beds import beds_subtitle, screen_part, splits_own_ward
from stores import Stores
from stores.model import Alarm, AlarmLimits, Patient, StoreHealth, TeachingSetting, Vital, Ward
from widgets.alarm_banner.banner import AlarmBanner
from widgets.alarm_history.view import AlarmHistoryView
from widgets.alarm_sound import AlarmSound
from widgets.alarm_sound_output import open_burst_output
from widgets.analytics_panel import AnalyticsPanel
from widgets.bed_grid import BedGrid
from widgets.care_graph.view import CareGraphView
from widgets.cluster_view.actions import ClusterActions
from widgets.cluster_view.view import ClusterView
from widgets.panel import Panel
from widgets.patient_panel import PatientPanel
from widgets.pending_writes import PendingCount, PendingWritesView
from widgets.store_status import StoreStatus
from widgets.vitals_chart import VitalsChart


VIEWS = ("ward", "cluster")  # the window's tabs, in order (`--show`)
HEALTH_REFRESH_S = 2.0
CLUSTER_REFRESH_S = 1.0

class MainWindow(QMainWindow):
    closed = Signal()
    selection_changed = Signal(str)  # the selected patient's id (the second screen follows it)

    def __init__(self, stores: Stores, config: Config, regions: list[str],
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.setWindowTitle(f"Ward Station \u2014 {config.ward}")
        self.config = config
        self._clock = clock
        self._ward = Ward()  # the station's own ward, all of it (its first screen shows a part)
        self._second_ward = Ward()  # the second screen's other ward, if it shows one
        self._split = splits_own_ward(config.ward, config.second_ward)
        self.selected_patient_id: str | None = None
        self._open_alarms: list[Alarm] = []
        # how the window came to close, for the audit log; None while it is open
        self.close_reason: str | None = None
        self._closed_by_program = False  # a screenshot, a benchmark, Ctrl+C: nobody to ask
        self.close_box: QMessageBox | None = None  # the question while it is asked
        # the limits a patient's own replace: the simulator's rules for this ward
        ward_rules = with_limits(DEFAULT_RULES, config.limits_for(config.ward))
        self.ward_limits: dict[Vital, AlarmLimits] = {v: limits_of(ward_rules, v) for v in Vital}
        self._build_feeds(stores, regions)
        self._build_widgets()
        self._connect_signals()

    def _build_feeds(self, stores: Stores, regions: list[str]) -> None:
        c = self.config
        self.vitals_feed = VitalsFeed(stores.vitals, clock=self._clock)
        self.waveform_feed = WaveformFeed(stores.vitals, clock=self._clock)
        self.trend_feed = TrendFeed(stores.vitals)
        self.selected_waveforms_feed = SelectedWaveformsFeed(stores.vitals, clock=self._clock)
        self.patients_feed = PatientsFeed(stores.patients, stores.network, c.region, c.ward, c.user,
                                          ward_limits=self.ward_limits,
                                          alarm_bounds=c.alarm_bounds)
        self.network_feed = CareNetworkFeed(stores.network)
        self.selected_bed = SelectedBed(self.vitals_feed, self.trend_feed,
                                        self.selected_waveforms_feed, self.waveform_feed,
                                        self.network_feed)
        self.analytics_feed = AnalyticsFeed(stores.analytics, regions, clock=self._clock)
        self.alarms_feed = AlarmsFeed(stores.alerts, c.region, c.ward, c.user, clock=self._clock,
                                      stale_after_s=c.stale_after_s, audit=stores.patients,
                                      analytics=stores.analytics, second_ward=c.second_ward)
        self.escalation_feed = EscalationFeed(stores.network, c.escalate_after_s, self._clock)
        # muting is for training only; the config refuses it elsewhere, and this never obeys it
        self.alarm_audio = AlarmAudio(muted=not c.alarm_audio and c.training, clock=self._clock,
                                      parent=self)
        self.alarm_history_feed = AlarmHistoryFeed(
            stores.alerts, stores.analytics, c.region, c.ward, clock=self._clock,
            archived_after_s=c.alarm_archive_after_s)
        self.health_feed = HealthFeed(stores, HEALTH_REFRESH_S)
        self.drill_feed = DrillFeed(lab_folder_for(c.data_dir))  # a drill on the station's lab
        # a trainer's actions on the lab's nodes: only ever this station's lab's
        self.lab_actions_feed = LabActionsFeed(StationLabActions(c.data_dir), stores.patients,
                                               c.region, c.user, clock=self._clock)
        couriers = {name: store.courier for name, store in stores.by_name().items()
                    if hasattr(store, "courier")}  # the real stores, wrapped with the outbox
        self.pending_feed = PendingWritesFeed(couriers, stores.patients, c.region, c.user,
                                              clock=self._clock)
        self.feeds = [self.pending_feed, self.vitals_feed, self.waveform_feed, self.trend_feed, self.selected_waveforms_feed,
                      self.patients_feed, self.network_feed,
                      self.analytics_feed, self.alarms_feed, self.escalation_feed,
                      self.alarm_history_feed, self.health_feed, self.drill_feed,
                      self.lab_actions_feed]
        # the trainer's switches of the Cluster tab, on the station's own lab only
        self.station_lab = StationLab(c.data_dir)
        self._lab_states = self.station_lab.states
        self.teaching = TeachingSwitches(stores, c, self._lab_states)
        self.feeds.append(self.teaching)

    def _build_widgets(self) -> None:
        self.banner = AlarmBanner(clock=self._clock)
        # looked up at call time, so that tests can keep a developer's speakers quiet
        self.alarm_sound = AlarmSound(clock=self._clock, output_factory=open_burst_output,
                                      parent=self)
        # the waveforms' 25 mm/s at the station's calibration of its screen, if it has one
        scale = self.config.screen_px_per_mm
        self.bed_grid = BedGrid(stale_after_s=self.config.stale_after_s, clock=self._clock,
                                pixels_per_mm=scale)
        self.vitals_chart = VitalsChart(clock=self._clock, stale_after_s=self.config.stale_after_s,
                                        pixels_per_mm=scale)
        self.patient_panel = PatientPanel()
        self.care_graph = CareGraphView()
        self.analytics = AnalyticsPanel()
        self.alarm_history = AlarmHistoryView(clock=self._clock)
        self.cluster_view = ClusterView()
        self.cluster_view.set_station(f"This station \u00b7 {self.config.ward} \u00b7 region "
                                      f"{self.config.region}")
        self.cluster_actions = ClusterActions(self.cluster_view, clock=self._clock)
        self.store_status = StoreStatus()
        self.beds_panel = Panel(f"Beds \u00b7 {self.config.ward}", self.bed_grid)
        self.vitals_panel = Panel("Vitals", self.vitals_chart)
        self.vitals_panel.set_subtitle("last 10 minutes, live")
        self.patients_panel = Panel("Patients", self.patient_panel)
        self.network_panel = Panel("Care team", self.care_graph)
        self.analytics_panel = Panel("Regional analytics \u00b7 last 24 h", self.analytics)
        self.alarm_history_panel = Panel(f"Alarm history \u00b7 {self.config.ward}",
                                         self.alarm_history)
        self.reports = QTabWidget(objectName="Reports", documentMode=True)
        self.reports.addTab(self.analytics_panel, "Regional analytics")
        self.reports.addTab(self.alarm_history_panel, "Alarm history")
        self.pending_writes = PendingWritesView()
        self.pending_writes.set_location(str(self.config.store_config.db_path))
        self.reports.addTab(self.pending_writes, "Pending writes")
        self.pending_count = PendingCount()
        self.pending_close = PendingWritesOnClose(self, lambda: self.pending_feed.pending,
                                                  self.config.store_config.db_path)
        self.pending_close.kept = self._close_abandoned
        self.patient_panel.set_context(self.config.region, self.config.ward)
        self.patient_panel.set_ward_limits(self.ward_limits)
        self.patient_panel.set_alarm_bounds(self.config.alarm_bounds)
        self.vitals_chart.clear("Select a bed to see its vital signs")
        self.care_graph.show_message("Select a bed to see the care team")
        self.setCentralWidget(self._layout())
        # the indicators at their own width, on the right: the rest of the bar is where a
        # message is read (an acknowledgement that did not go out), which they had covered
        self.statusBar().addPermanentWidget(self.store_status)
        self.statusBar().addPermanentWidget(self.pending_count)
        # the URLs were checked when the stores opened: a store that sends its secret
        # unprotected (insecure=true) or does not verify its server says so all the time
        self.store_status.set_insecure(self.config.store_config.insecure())

    def _layout(self) -> QWidget:
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.beds_panel)
        top.addWidget(self.vitals_panel)
        top.setSizes([1100, 800])
        bottom = QSplitter(Qt.Orientation.Horizontal)
        for panel in (self.patients_panel, self.network_panel, self.reports):
            bottom.addWidget(panel)
        # the reports hold three regions' charts side by side; the care graph scales to fit
        bottom.setSizes([640, 560, 720])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(bottom)
        body.setSizes([560, 420])
        # the ward, and the cluster that serves it (for trainers and IT); the alarm banner
        # stays above both
        self.views = QTabWidget(objectName="Views", documentMode=True)
        self.views.addTab(body, "Ward")
        self.views.addTab(self.cluster_view, "Cluster")
        self.views.currentChanged.connect(self._on_view_changed)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.views, 1)
        return central

    def show_view(self, name: str) -> None:
        """Bring "ward" or "cluster" to the front (`--show`)."""
        self.views.setCurrentIndex(VIEWS.index(name))

    def _on_view_changed(self, index: int) -> None:
        # the cluster view is refreshed once a second while it is shown; the status bar needs
        # no more than every two
        self.health_feed.set_refresh(CLUSTER_REFRESH_S if VIEWS[index] == "cluster"
                                     else HEALTH_REFRESH_S)
        self.drill_feed.set_active(VIEWS[index] == "cluster")

    def _show_cluster(self, healths: list[StoreHealth]) -> None:
        lab = self._lab_states()
        self.cluster_view.show_health(healths, lab)
        self.cluster_view.show_switches(self.teaching.offered(lab))
        self.cluster_actions.show_links(self.station_lab.links())

    def _connect_signals(self) -> None:
        """All the wiring between feeds and widgets, in one place."""
        vitals, patients = self.vitals_feed, self.patients_feed
        vitals.recent_loaded.connect(self.bed_grid.show_recent)
        vitals.latest_changed.connect(self.bed_grid.show_vitals)
        vitals.history_loaded.connect(self.vitals_chart.show_history)
        vitals.samples_added.connect(self.vitals_chart.add_samples)
        self.waveform_feed.chunks_added.connect(self.bed_grid.add_waveforms)
        self.bed_grid.frame_ticked.connect(self.vitals_chart.waveforms.on_grid_frame)
        # the selected bed's strips: its ECG from the ward's one fetch, its pleth on their own
        self.waveform_feed.selected_chunks_added.connect(self.vitals_chart.add_waveforms)
        # history at any range; the chart says itself when only the history fails, so the
        # live vitals stay up
        self.vitals_chart.trend_requested.connect(self.trend_feed.request_range)
        self.trend_feed.trend_loaded.connect(self.vitals_chart.show_trend)
        self.trend_feed.unavailable.connect(self.vitals_chart.show_trend_unavailable)
        self.selected_waveforms_feed.waveforms_added.connect(self.vitals_chart.add_waveforms)
        self.vitals_chart.range_changed.connect(
            lambda label: self.vitals_panel.set_subtitle(
                "last 10 minutes, live" if label == "Live 10 min" else f"history \u00b7 {label}"))
        patients.ward_loaded.connect(self._on_ward_loaded)
        patients.patients_found.connect(self.patient_panel.show_patients)
        patients.patient_loaded.connect(self.patient_panel.show_patient)
        patients.saved.connect(self.patient_panel.show_saved)
        patients.problem.connect(self.patient_panel.show_problem)
        patients.failed.connect(self.patient_panel.show_error)
        patients.discharged.connect(self._on_discharged)
        self.patient_panel.search_changed.connect(patients.search)
        self.patient_panel.save_requested.connect(patients.save)
        self.patient_panel.discharge_requested.connect(patients.discharge)
        self.network_feed.graph_loaded.connect(self.care_graph.show_graph)
        self.analytics_feed.hours_loaded.connect(self.analytics.show_hours)
        self.analytics_feed.occupancy_loaded.connect(self.analytics.show_occupancy)
        self._connect_alarms()
        self.health_feed.health_changed.connect(self.store_status.show_health)
        self.health_feed.health_changed.connect(self._show_cluster)
        self.drill_feed.events_read.connect(self.cluster_view.show_drill_events)
        self._connect_alarm_history()
        self._connect_pending_writes()
        self._connect_lab_actions()
        self._connect_station_events()
        for signal in (self.bed_grid.patient_selected, self.patient_panel.patient_selected,
                       self.care_graph.patient_selected, self.alarm_history.patient_selected):
            signal.connect(self.select_patient)
        self._connect_availability()
        self._connect_supervision()
        self._connect_teaching()

    def _connect_supervision(self) -> None:
        """A feed whose work died of a bug is restarted by itself; meanwhile the banner says so."""
        for feed in self.feeds:
            feed.work_stopped.connect(partial(self.alarms_feed.show_feed_stopped, feed.title))
            feed.work_running.connect(partial(self.alarms_feed.show_feed_stopped, feed.title, None))

    def _connect_teaching(self) -> None:
        """The trainer's switches: asked for in the Cluster tab, applied or refused by the app
        (never by the widget alone), and what they change shown at once."""
        teaching, view = self.teaching, self.cluster_view
        view.setting_requested.connect(teaching.apply)
        teaching.applied.connect(self._on_setting_applied)
        teaching.refused.connect(view.show_switch_refused)
        self.analytics_feed.unavailable.connect(partial(view.show_reads_failing, "analytics"))
        self.analytics_feed.available.connect(partial(view.show_reads_failing, "analytics", ""))

    def _on_setting_applied(self, setting: TeachingSetting) -> None:
        self.statusBar().showMessage(f"Switched for teaching: {setting.store} \u00b7 "
                                     f"{setting.label} {setting.value}", 15_000)
        self.cluster_view.show_switches(self.teaching.offered())
        self.cluster_view.show_switch_refused(setting.store, "")
        self.health_feed.check_now()
        if setting.store == "analytics":
            self.analytics_feed.reload()  # a read at the new level, failing or not, at once

    def _connect_alarms(self) -> None:
        alarms, audio = self.alarms_feed, self.alarm_audio
        for slot in (self._keep_open_alarms, self.bed_grid.show_alarms,
                     self.alarm_sound.show_alarms, audio.show_alarms,
                     self.escalation_feed.show_alarms):
            alarms.alarms_changed.connect(slot)
        self.connect_banner(self.banner)
        alarms.acknowledge_failed.connect(
            lambda message: self.statusBar().showMessage(message, 15_000))
        audio.state_changed.connect(self.alarm_sound.set_audio_state)
        audio.announce()
        # what the technical alarms are judged on: the ward, its beds' data, the stores
        self.patients_feed.ward_loaded.connect(alarms.set_ward)
        self.vitals_feed.latest_changed.connect(alarms.show_latest)
        self.health_feed.health_changed.connect(alarms.show_health)

    def connect_banner(self, banner: AlarmBanner) -> None:
        """A view of the station's one alarm feed and audio: this window's banner, or another
        screen's. Each shows every alarm; an acknowledgement from any goes to the one feed."""
        alarms, audio = self.alarms_feed, self.alarm_audio
        alarms.alarms_changed.connect(banner.show_alarms)
        banner.acknowledge_requested.connect(alarms.acknowledge)
        alarms.acknowledge_refused.connect(banner.show_acknowledge_failed)
        self.escalation_feed.escalations_changed.connect(banner.set_escalations)
        banner.audio_pause_requested.connect(audio.pause)
        audio.state_changed.connect(banner.set_audio_state)
        banner.set_audio_available(self.alarm_sound.has_output)
        banner.patient_selected.connect(self.select_patient)
        # two wards on the station's screens: "Bed 7" of which, on every banner
        banner.set_ward_named(self.config.second_ward not in (None, self.config.ward))

    def _connect_station_events(self) -> None:
        """The Cluster tab's timeline also says what this station went through."""
        events, view = StationEvents(), self.cluster_view

        def say(said: list[tuple[str, bool]]) -> None:
            for text, bad in said:
                view.note_station(text, bad)

        self.alarms_feed.alarms_changed.connect(lambda alarms: say(events.alarms(alarms)))
        self.pending_feed.counts_changed.connect(
            lambda waiting, refused: say(events.outbox(waiting, refused)))

    def _connect_pending_writes(self) -> None:
        """The outbox: queued and refused writes on their screen, in the patient list and form,
        in the status bar and as technical alarms."""
        feed, view, patients = self.pending_feed, self.pending_writes, self.patients_feed
        feed.writes_changed.connect(view.show_writes)
        feed.writes_changed.connect(self.patient_panel.set_pending)
        feed.current_loaded.connect(view.show_current)
        feed.done.connect(view.show_done)
        feed.failed.connect(view.show_failed)
        feed.counts_changed.connect(self.pending_count.show_counts)
        feed.outbox_changed.connect(self.alarms_feed.show_outbox)
        feed.delivered.connect(patients.on_delivered)
        view.current_requested.connect(feed.load_current)
        view.apply_again_requested.connect(feed.apply_again)
        view.discard_requested.connect(feed.discard)
        patients.queued.connect(self.patient_panel.show_queued)
        patients.delivered.connect(self.patient_panel.show_delivered)
        patients.discharge_queued.connect(self.patient_panel.show_discharge_queued)
        self.pending_count.clicked.connect(lambda: self.reports.setCurrentWidget(view))

    def _connect_lab_actions(self) -> None:
        """The Cluster tab's buttons ask; the feed checks, acts and says; the view is asked
        again at once, so the class sees the node change as soon as the lab has changed it."""
        feed, actions = self.lab_actions_feed, self.cluster_actions
        actions.requested.connect(feed.act)
        feed.running.connect(actions.show_running)
        feed.done.connect(actions.show_done)
        feed.failed.connect(actions.show_failed)
        feed.done.connect(lambda *_: self.health_feed.set_refresh(self.health_feed.refresh_s))

    def _connect_alarm_history(self) -> None:
        feed, view = self.alarm_history_feed, self.alarm_history
        feed.history_loaded.connect(view.show_history)
        feed.shifts_loaded.connect(view.show_shifts)
        feed.shifts_unavailable.connect(view.show_shifts_unavailable)
        view.range_changed.connect(feed.set_range)
        view.shown_changed.connect(feed.set_shown)  # it loads nothing while it is hidden

    def _connect_availability(self) -> None:
        pairs = [(self.vitals_feed, self.vitals_panel), (self.patients_feed, self.patients_panel),
                 (self.network_feed, self.network_panel),
                 (self.analytics_feed, self.analytics_panel),
                 (self.alarm_history_feed, self.alarm_history_panel)]
        for feed, panel in pairs:
            feed.unavailable.connect(panel.show_unavailable)
            feed.available.connect(panel.show_available)
        # The bed overview stays up when vitals fail: names and alarm colours still matter, and
        # its tiles turn stale by themselves; the header says why.
        self.vitals_feed.unavailable.connect(self._update_beds_subtitle)
        self.vitals_feed.available.connect(self._update_beds_subtitle)
        # The ward's beds come from the patient store: with none loaded yet, say why not.
        self.patients_feed.unavailable.connect(self._on_ward_unavailable)
        self.patients_feed.available.connect(self.beds_panel.show_available)
        self.patients_feed.available.connect(self._update_beds_subtitle)

    def _on_ward_unavailable(self, reason: str) -> None:
        if not self._ward.beds:
            self.beds_panel.show_unavailable(f"the ward's beds cannot be read: {reason}")
        self._update_beds_subtitle()

    def _update_beds_subtitle(self) -> None:
        self.beds_panel.set_subtitle(beds_subtitle(
            screen_part(self._ward, 0, self._split), self.vitals_feed.down_reason,
            self.patients_feed.down_reason, self._split))

    def start(self) -> None:
        for feed in self.feeds:
            feed.start()

    async def stop(self) -> None:
        await asyncio.gather(*(feed.stop() for feed in self.feeds))

    def select_patient(self, patient_id: str) -> None:
        """Show one patient everywhere: tile, chart, record, care team."""
        self.selected_patient_id = patient_id
        patient = self._patient(patient_id)
        self.bed_grid.select_patient(patient_id)
        self.selection_changed.emit(patient_id)
        self.patients_feed.load(patient_id)
        if patient is None:
            self.vitals_chart.clear("This patient has no bed on this ward")
        else:
            self.vitals_chart.show_patient(self._chart_title(patient))
        self.selected_bed.select(patient, patient_id)

    def _patient(self, patient_id: str | None) -> Patient | None:
        """The patient of that id in a bed this station shows, on either screen."""
        return self._ward.patient(patient_id) or self._second_ward.patient(patient_id)

    def _chart_title(self, patient: Patient) -> str:
        bed = self._ward.bed(patient.bed_id) or self._second_ward.bed(patient.bed_id)
        label = bed.label if bed else patient.bed_id
        if self._second_ward.bed(patient.bed_id) is not None:
            label = f"{bed.ward} {label}"  # two wards' "Bed 3": say which
        return f"{label} \u00b7 {patient.full_name}"

    def _on_ward_loaded(self, ward: Ward) -> None:
        self._ward = ward
        beds = list(ward.beds)  # the form and the history: the whole ward
        shown = screen_part(ward, 0, self._split)  # the grid and its feeds: this screen's part
        self._update_beds_subtitle()
        self.bed_grid.set_beds(list(shown.beds), dict(shown.patients_by_bed))
        self.patient_panel.set_beds(beds)
        self.alarm_history.set_beds(beds)
        self.vitals_feed.set_beds(shown.bed_ids)
        self.waveform_feed.set_beds(shown.bed_ids)
        self._follow_selected_patient()

    def show_second_ward(self, ward: Ward) -> None:
        """The other ward the second screen shows: its patients can be selected here too."""
        self._second_ward = ward
        self._follow_selected_patient()

    def _follow_selected_patient(self) -> None:
        """Keep the chart on the selected patient's bed when they move, and off a bed they left."""
        selected = self.selected_patient_id
        shown_bed = self.selected_bed.bed_id
        if selected is None:
            if self._ward.patients:
                self.select_patient(self._ward.patients[0].id)  # the first bed's
            return
        patient = self._patient(selected)
        if (patient.bed_id if patient else None) != shown_bed:
            self.select_patient(selected)

    def _on_discharged(self, patient_id: str) -> None:
        self.patient_panel.new_patient()
        if patient_id == self.selected_patient_id:
            self.selected_patient_id = None
            self.vitals_chart.clear("Select a bed to see its vital signs")
            self.selected_bed.select(None)
            self.care_graph.show_message("Select a bed to see the care team")

    def _keep_open_alarms(self, alarms: list[Alarm]) -> None:
        self._open_alarms = [alarm for alarm in alarms if alarm.is_open]

    def skip_close_confirmation(self, reason: str) -> None:
        """The program, not a nurse, ends this station (a screenshot taken, a benchmark done):
        no question when it closes, and `reason` goes into the audit log."""
        self.close_reason = reason
        self._closed_by_program = True

    def close_without_confirmation(self, reason: str) -> None:
        """Close at once, for a closing the program decided (Ctrl+C in the terminal)."""
        self.skip_close_confirmation(reason)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """With open alarms, the first close only asks (closing stops showing and sounding
        them here); then, with writes pending, the pending-writes warning (app/pending_close).
        Answers come through `finished`, never a nested event loop. A close the program
        decided (a screenshot, a benchmark, Ctrl+C) asks neither."""
        if not self._closed_by_program:
            if self.close_reason is None and self._open_alarms:
                event.ignore()
                self._ask_before_closing(len(self._open_alarms))
                return
            if self.pending_close.holds(event):
                return
        if self.close_reason is None:
            self.close_reason = f"closed by {self.config.user}, no alarms open"
        self.closed.emit()
        super().closeEvent(event)

    def _ask_before_closing(self, count: int) -> None:
        if self.close_box is not None:
            self.close_box.raise_()
            return
        alarms = "1 alarm is" if count == 1 else f"{count} alarms are"
        box = QMessageBox(QMessageBox.Icon.Warning, "Close the station?",
                          f"{alarms} open on {self.config.ward}. Closing this station stops "
                          f"showing and sounding them here.", parent=self)
        close = box.addButton("Close station", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep open", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.finished.connect(lambda _result: self._close_answered(box.clickedButton() is close,
                                                                  count))
        self.close_box = box
        box.open()

    def _close_answered(self, confirmed: bool, count: int) -> None:
        self.close_box.deleteLater()
        self.close_box = None
        if confirmed:
            self.close_reason = (f"closed by {self.config.user} with {count} alarm(s) open, "
                                 "confirmed")
            self.close()
        else:
            self._close_abandoned()

    def _close_abandoned(self) -> None:
        """A question was answered "keep open": what was confirmed for that close is forgotten,
        so the next close asks again (with the alarms and writes of then)."""
        if not self._closed_by_program:
            self.close_reason = None
            self.pending_close.reset()
