"""Which beds each screen of the station shows, and the words over them. No Qt.

A ward fits on one screen up to FIRST_SCREEN_BEDS beds (the grid's 4 x 8). With `second_ward`
naming the station's own ward, the first screen shows its first FIRST_SCREEN_BEDS beds in grid
order and the second screen the rest; with another ward, each screen shows a whole ward.
"""

from __future__ import annotations

from stores.model import Ward

FIRST_SCREEN_BEDS = 32


def splits_own_ward(ward: str, second_ward: str | None) -> bool:
    """Whether the second screen shows the further beds of the station's own ward."""
    return second_ward == ward


def screen_part(ward: Ward, screen: int, split: bool) -> Ward:
    """The part of `ward` that `screen` (0: the first, 1: the second) shows: all of it unless
    the ward is split between the two screens."""
    if not split:
        return ward
    ordered = sorted(ward.beds, key=lambda bed: (bed.position, bed.id))
    beds = ordered[:FIRST_SCREEN_BEDS] if screen == 0 else ordered[FIRST_SCREEN_BEDS:]
    ids = {bed.id for bed in beds}
    return Ward(tuple(beds), {bed_id: patient for bed_id, patient in ward.patients_by_bed.items()
                              if bed_id in ids})


def beds_subtitle(ward: Ward, vitals_down: str | None, patients_down: str | None,
                  split: bool = False) -> str:
    """ "14 patients in 16 beds · live vitals unavailable: ..." over a screen's beds; the part
    of a split ward says which beds it has ("beds 33-64 · 30 patients in 32 beds")."""
    text = f"{len(ward.patients_by_bed)} patients in {len(ward.beds)} beds"
    if split and ward.beds:
        text = f"{bed_numbers(ward)} \u00b7 {text}"
    if vitals_down is not None:
        text += f" \u00b7 live vitals unavailable: {vitals_down}"
    if patients_down is not None:
        text += f" \u00b7 patient records unavailable: {patients_down}"
    return text


def bed_numbers(ward: Ward) -> str:
    """ "beds 33-64": the positions a part of a split ward shows ("" for none)."""
    positions = sorted(bed.position for bed in ward.beds)
    if not positions:
        return ""
    return f"beds {positions[0]}-{positions[-1]}"
