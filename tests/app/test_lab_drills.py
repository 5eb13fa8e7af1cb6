"""The scripted drills at the command level on one lab without Java (Redis with Sentinels,
nx-27017, influxd; the demo hospital seeded): influxdb's figures, read back from the server,
and what a station window reads of it; mongo-primary's refusal on a lab with no replica set;
and the drills' registry as `--help` shows it."""

from __future__ import annotations

import json

import pytest

from tests.app.lab_small import lab_up_or_fail

from app.cli import main, parse_args
from app.lab import control
from app.lab.drills.registry import DRILLS
from app.lab.drills.events import DrillEventReader, events_path
from app.lab.drills.run import DrillRun
from app.lab.node import LabNode
from app.lab.state import Lab, LabError

# one worker runs the module, so its lab (about 20 s) is started once, not once per worker
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300), pytest.mark.xdist_group("lab-drills")]
FIGURES = {"detect_s", "station_resumed_s", "writes_queued", "writes_delivered", "writes_lost",
           "samples_written", "samples_found", "samples_missing", "verdict"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One lab for the module (about 15 s to start and seed here)."""
    home = tmp_path_factory.mktemp("home")
    folder, said = tmp_path_factory.mktemp("drills") / "lab", []
    with pytest.MonkeyPatch.context() as patch:  # the module's lab outlives any one test's
        for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            patch.setenv(name, str(home / name.lower()))
        lab = lab_up_or_fail(folder, said, seed=True)
    yield lab
    control.down(Lab.load(folder), said.append)


def _drill(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["lab", "drill", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_influxd_killed_loses_no_vital_sample_read_back_per_bed(lab, capsys):
    report = lab.folder / "report"
    code, out, err = _drill(capsys, "influxdb", "--dir", str(lab.folder), "--json",
                            "--report", str(report))
    found = json.loads(out.strip().splitlines()[-1])

    assert code == 0, out + err
    assert FIGURES <= set(found) and found["fault"] == "kill"
    assert found["beds"] > 0 and found["samples_written"] >= 5 * found["beds"]
    assert found["samples_found"] == found["samples_written"] and found["samples_missing"] == 0
    assert found["writes_queued"] == found["writes_delivered"] > 0  # the outbox was used
    assert 0 <= found["detect_s"] < found["restored_s"] < found["station_resumed_s"]
    assert found["verdict"] == "nothing lost" and "verdict: nothing lost" in out
    assert json.loads((report / "drill-influxdb.json").read_text()) == found

    events = DrillEventReader(lab.folder).read()  # what a station window reads
    assert [events[0].kind, events[-1].kind] == ["start", "end"]
    steps = [e.text for e in events if e.kind == "step"]
    assert any(text.startswith("kill influxdb") for text in steps) and "restore influxdb" in steps
    assert any(text.startswith("the station sees vitals down") for text in steps), steps
    counted = [e.figures["samples_written"] for e in events if e.kind == "counters"]
    assert len(counted) >= 10 and counted == sorted(counted) and counted[-1] > 0
    assert events[-1].figures["samples_found"] == found["samples_found"]
    assert events[-1].verdict == "nothing lost"


def test_a_drill_that_fails_half_way_restores_what_it_broke_and_says_so(lab, capsys,
                                                                          monkeypatch):
    async def failing(drill: DrillRun, node: LabNode) -> float:
        raise LabError("the restore went wrong")

    monkeypatch.setattr(DrillRun, "restore", failing)
    code, out, err = _drill(capsys, "influxdb", "--fault", "freeze", "--dir", str(lab.folder))

    assert (code, err) == (1, "ward-station: error: the restore went wrong\n")
    assert Lab.load(lab.folder).node("influxdb").state(lab.folder) == "running"
    assert "influxdb continues (SIGCONT)" in out
    end = DrillEventReader(lab.folder).read()[-1]
    assert (end.kind, end.verdict) == ("end", "not finished: the restore went wrong")


def test_mongo_primary_on_one_nx_27017_server_says_why_and_what_to_install(lab, capsys):
    before = events_path(lab.folder).read_bytes() if events_path(lab.folder).exists() else b""

    code, out, err = _drill(capsys, "mongo-primary", "--dir", str(lab.folder), "--json")

    assert code == 2  # the lab's code for something to install
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("ward-station: error: mongo-primary needs a MongoDB replica set: "
                          "this lab runs one nx-27017 server (no mongod on the PATH)")
    assert "mongodb-org-server" in err
    after = events_path(lab.folder).read_bytes() if events_path(lab.folder).exists() else b""
    assert after == before, "a drill that does not run tells the window nothing"


@pytest.mark.parametrize(("drill", "said"), [
    ("cassandra-node", "this lab has no Cassandra (started with --no-java"),
    ("neo4j", "this lab has no Neo4j (started with --no-java"),
])
def test_a_java_drill_on_a_lab_without_java_refuses_in_one_line(lab, capsys, drill, said):
    code, out, err = _drill(capsys, drill, "--dir", str(lab.folder))

    assert (code, out) == (1, "")
    assert err.startswith(f"ward-station: error: {said}") and "Traceback" not in err


def test_a_fault_the_drill_cannot_make_is_refused_before_anything_is_touched(lab, capsys):
    code, out, err = _drill(capsys, "influxdb", "--fault", "stepdown", "--dir", str(lab.folder))

    assert (code, out) == (1, "")
    assert err == "ward-station: error: influxdb takes --fault kill, stop or freeze\n"


def test_every_drill_of_the_registry_is_a_choice_with_its_help_line(capsys):
    with pytest.raises(SystemExit):
        parse_args(["lab", "drill", "--help"])
    shown = " ".join(capsys.readouterr().out.split())

    assert {"redis-master", "mongo-primary", "cassandra-node", "neo4j", "influxdb"} <= set(DRILLS)
    for name, spec in DRILLS.items():
        assert f"{name}: {' '.join(spec.help.split())}" in shown
        assert parse_args(["lab", "drill", name]).drill == name
        assert hasattr(spec.load(), "run") and spec.load().LABELS
