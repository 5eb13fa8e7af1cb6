"""The drill's events file, as a station reads it while the drill writes: new lines only, a new
run read from its top, a half-written line kept for later, junk skipped and counted."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from app.lab.drills.events import (MAX_LINE, DrillEvent, DrillEventReader, DrillLog, events_path,
                                  parse)


def test_a_reader_gets_each_event_once_as_the_drill_writes(tmp_path):
    log = DrillLog(tmp_path, "redis-master", clock=iter(range(100, 200)).__next__)
    reader = DrillEventReader(tmp_path)
    log.event("start", "killing the master")
    first = reader.read()
    log.event("counters", figures={"alarms_sent": 40, "alarms_missing": 0})
    log.event("end", figures={"alarms_missing": 0}, verdict="nothing lost")
    later = reader.read()
    assert [(e.kind, e.at, e.text) for e in first] == [("start", 100.0, "killing the master")]
    assert [e.kind for e in later] == ["counters", "end"]
    assert later[0].figures == {"alarms_sent": 40, "alarms_missing": 0}
    assert later[1].verdict == "nothing lost"
    assert reader.read() == [] and reader.skipped == 0
    log.close()


def test_a_new_drill_is_read_from_its_top_and_the_old_one_forgotten(tmp_path):
    old = DrillLog(tmp_path, "redis-master")
    reader = DrillEventReader(tmp_path)
    for n in range(5):
        old.event("step", f"old {n}")
    assert len(reader.read()) == 5
    old.close()
    new = DrillLog(tmp_path, "neo4j")
    new.event("start", "new")
    events = reader.read()
    assert [(e.drill, e.text) for e in events] == [("neo4j", "new")]
    assert events[0].run == new.run != old.run
    new.close()


def test_a_half_written_line_waits_for_its_end(tmp_path):
    path = events_path(tmp_path)
    path.parent.mkdir(parents=True)
    line = DrillEvent(1.0, "neo4j", "r1", "step", "stopped neo4j-1").to_json()
    path.write_text(line[:10], encoding="utf-8")
    reader = DrillEventReader(tmp_path)
    assert reader.read() == []
    with path.open("a", encoding="utf-8") as file:
        file.write(line[10:] + "\n")
    assert [e.text for e in reader.read()] == ["stopped neo4j-1"]
    assert reader.skipped == 0


def test_junk_is_skipped_and_counted_never_shown(tmp_path):
    path = events_path(tmp_path)
    path.parent.mkdir(parents=True)
    good = DrillEvent(2.0, "influxdb", "r1", "step", "killed").to_json()
    junk = ["not json", "[1, 2]", json.dumps({"at": "soon", "drill": "x", "run": "r",
                                               "kind": "step"}),
            json.dumps({"at": 1, "drill": "x", "run": "r", "kind": "explode"}),
            json.dumps({"at": 1, "drill": "x", "run": "r", "kind": "end",
                        "figures": {"alarms_missing": [1]}}),
            "x" * (MAX_LINE + 1)]
    path.write_text("\n".join([*junk, good]) + "\n", encoding="utf-8")
    reader = DrillEventReader(tmp_path)
    assert [e.text for e in reader.read()] == ["killed"]
    assert reader.skipped == len(junk)


def test_no_events_file_is_no_events(tmp_path):
    assert DrillEventReader(tmp_path).read() == []


@given(st.binary(max_size=400))
def test_any_bytes_parse_to_an_event_or_none(data):
    event = parse(data)
    assert event is None or isinstance(event, DrillEvent)


@given(st.dictionaries(st.sampled_from(["at", "drill", "run", "kind", "text", "figures",
                                        "verdict"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                                 st.text(max_size=80),
                                 st.dictionaries(st.text(max_size=70),
                                                 st.one_of(st.none(), st.floats(),
                                                           st.integers(), st.text(max_size=5),
                                                           st.lists(st.integers())),
                                                 max_size=4))))
def test_any_object_parses_to_a_whole_event_or_none(data):
    event = parse(json.dumps(data).encode())
    if event is not None:
        assert event.kind in ("start", "step", "counters", "end")
        assert parse(event.to_json().encode()) == event
