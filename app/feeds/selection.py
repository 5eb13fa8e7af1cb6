"""Which bed is selected, for the feeds that serve it: one coordinator that tells them all
(`SelectedBed`), and a token each of them keeps so that an answer asked for before a newer
selection is dropped, never shown under another patient's name (`SelectionToken`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stores.model import Patient

if TYPE_CHECKING:
    from app.feeds.care_network import CareNetworkFeed
    from app.feeds.selected_waveforms import SelectedWaveformsFeed
    from app.feeds.trends import TrendFeed
    from app.feeds.vitals import VitalsFeed
    from app.feeds.waveforms import WaveformFeed


class SelectionToken:
    """A count bumped on each selection (or newer request): take one before asking a store,
    and show the answer only if it is still `current` when it comes."""

    def __init__(self) -> None:
        self._count = 0

    def bump(self) -> int:
        self._count += 1
        return self._count

    def take(self) -> int:
        return self._count

    def current(self, token: int) -> bool:
        return token == self._count


class SelectedBed:
    """The one place a selection reaches the feeds of the selected bed: its vitals since the
    patient's admission (the bed's samples before it are someone else's), its trends, its
    pleth, its ECG from the ward's fetch (or the second screen's, for a bed of its ward), and
    the patient's care team."""

    def __init__(self, vitals: VitalsFeed, trends: TrendFeed, pleth: SelectedWaveformsFeed,
                 ecg: WaveformFeed, network: CareNetworkFeed) -> None:
        self._vitals, self._trends, self._pleth = vitals, trends, pleth
        self._ecgs = [ecg]  # each fetches its screen's beds; only the one with the bed answers
        self._network = network
        self.patient: Patient | None = None

    def select(self, patient: Patient | None, patient_id: str | None = None) -> None:
        """Serve `patient`'s bed (None: no bed). `patient_id` names a patient the ward does not
        place in a bed (the care team is still theirs). Call it once the chart shows the
        selection: the ward's fetch hands the bed's kept ECG to its emptied strip at once."""
        self.patient = patient
        bed_id = patient.bed_id if patient else None
        self._network.select_patient(patient.id if patient else patient_id)
        self._vitals.select_bed(bed_id, since=patient.admitted_at if patient else 0.0)
        self._trends.select_bed(bed_id)
        self._pleth.select_bed(bed_id)
        for ecg in self._ecgs:
            ecg.select_bed(bed_id)

    def add_ecg(self, ecg: WaveformFeed) -> None:
        """Another screen's fetch of its beds' ECG: a bed of it selected gets its strip there."""
        self._ecgs.append(ecg)

    @property
    def bed_id(self) -> str | None:
        return self.patient.bed_id if self.patient else None
