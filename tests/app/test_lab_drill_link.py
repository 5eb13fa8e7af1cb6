"""`ward-station lab drill station-link`: the station's link to a store cut while it writes,
then restored; every write it made read back, and the verdict worked out from those records."""

from __future__ import annotations

import asyncio
import json

import pytest

from app.cli import main
from app.lab.drills import station_link as drill_link
from app.lab.drills.events import DrillEventReader
from app.lab.drills.station_link import link_of, verdict
from app.lab.drills.station_link_writes import drill_writes
from app.lab.state import LabError
from app.lab.station_view import StationLab
from stores import StoreConfig, open_stores
from tests.app.lab_small import down_quietly, small_lab

FIGURES = {"detect_s", "station_resumed_s", "writes_queued", "writes_delivered", "writes_lost",
           "writes_made", "writes_found", "writes_missing"}
WHOLE = {"detect_s": 0.05, "restored_s": 5.1, "station_resumed_s": 5.3, "drained_s": 9.0,
         "writes_made": 100, "writes_found": 100, "writes_missing": 0, "writes_failed": 0,
         "writes_queued": 60, "writes_delivered": 60, "writes_refused": 0, "writes_lost": 0}


def test_the_verdict_says_exactly_what_the_records_show():
    assert verdict(WHOLE) == "nothing lost"
    assert verdict(WHOLE | {"writes_found": 97, "writes_missing": 3, "writes_delivered": 58,
                            "writes_lost": 2}) == (
        "LOST: 3 write(s) the station made are not in the store; 2 write(s) queued in the "
        "outbox never delivered")
    assert verdict(WHOLE | {"drained_s": None}).startswith("LOST: the outbox did not empty")
    assert verdict(WHOLE | {"detect_s": None}).startswith("NOT CUT: the station never saw")


@pytest.mark.parametrize("store", ["vitals", "patients", "network"])
def test_each_stores_writes_are_found_again_by_their_keys(tmp_path, store):
    async def scenario():
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        try:
            writes = drill_writes(store, stores, "run1", "north")
            keys = [await writes.write(n) for n in range(3)]
            found = await writes.found([*keys, "never written"])
            await writes.tidy(keys)
            return keys, found
        finally:
            await stores.close()

    keys, found = asyncio.run(scenario())
    assert len(set(keys)) == 3 and found == set(keys)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_the_drill_cuts_the_vitals_link_and_loses_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(drill_link, "HOLD_S", 1.0)  # the figures, not the wait, are tested
    lab = small_lab(tmp_path / "lab")
    try:
        with pytest.raises(LabError, match="no link to network"):
            link_of(lab, "network")
        report = tmp_path / "report"
        code = main(["lab", "drill", "station-link", "--dir", str(lab.folder), "--json",
                     "--report", str(report)])
        links = StationLab(lab.folder / "station-data").links()
        events = DrillEventReader(lab.folder).read()  # what a station window on the lab reads
    finally:
        down_quietly(lab)
    out = capsys.readouterr().out
    found = json.loads(out.strip().splitlines()[-1])
    assert code == 0, out
    assert FIGURES <= set(found) and found["store"] == "vitals"
    assert 0 <= found["detect_s"] < found["restored_s"] <= found["station_resumed_s"]
    assert found["writes_queued"] == found["writes_delivered"] > 0  # the outbox was used
    assert found["writes_found"] == found["writes_made"] >= drill_link.BEFORE
    assert (found["writes_missing"], found["writes_lost"]) == (0, 0)
    assert "verdict: nothing lost" in out
    assert json.loads((report / "drill-station-link.json").read_text()) == found
    assert links == {"vitals": ("link-vitals", "relaying")}, "the link is left relaying"
    assert (events[0].kind, events[-1].kind) == ("start", "end")
    assert events[-1].verdict == "nothing lost" and events[-1].figures["writes_lost"] == 0
    assert any(e.kind == "step" and e.text.startswith("link-vitals cut") for e in events)
    assert any(e.kind == "counters" for e in events)
