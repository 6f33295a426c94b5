from __future__ import annotations

import csv
import io
import json

import pytest

from attune.core.scheme import EventKind
from attune.errors import InputError
from attune.interchange.boris import (
    TABULAR_HEADER,
    dumps_boris_tabular,
    loads_boris_tabular,
    read_boris_project,
    read_boris_tabular,
    write_boris_tabular,
)
from attune.interchange.mapping import parse_mapping
from attune.schemes import default_scheme

PROJECTS = ["boris_test.boris", "boris_test2.boris"]


@pytest.mark.parametrize("name", PROJECTS)
def test_unpaired_state_event_fails_whole_import_naming_it(test_data, name):
    with pytest.raises(InputError) as info:
        read_boris_project(test_data / "boris" / name)
    message = str(info.value)
    assert "nothing was imported" in message
    assert ("observation 'live not paired': START of behaviour 's', subject "
            "'No focal subject', at 26.862 s") in message


@pytest.mark.parametrize("name", PROJECTS)
def test_projects_import_with_unpaired_skipped_and_named(test_data, name):
    project = read_boris_project(test_data / "boris" / name,
                                 parse_mapping({"unpaired": "skip"}))
    assert len(project.warnings) == 1 and "26.862 s" in project.warnings[0]
    assert {b[0]: b[1] for b in project.behaviours} == {
        "p": "point", "s": "state", "q": "point", "r": "state", "m": "state"}
    assert project.subjects == ("subject1", "subject2")
    obs1 = project.observation("observation #1")
    assert [(e.code, e.start_ms, e.end_ms) for e in obs1.events] == [
        ("s", 3300, 7750), ("s", 9900, 16200), ("s", 18350, 24475), ("s", 38425, 46100)]
    assert obs1.clip.name == "video_test_25fps_360s.mp4" and obs1.clip.fps == "25/1"
    modifiers = project.observation("modifiers")
    assert [(e.code, e.start_ms, e.end_ms, e.modifiers) for e in modifiers.events] == [
        ("q", 8475, 8475, ("m1",)), ("q", 12350, 12350, ("m2",)), ("q", 15650, 15650, ("m3",)),
        ("r", 19175, 27950, ("m1",)), ("r", 30425, 40825, ())]
    not_paired = project.observation("live not paired")
    assert len([e for e in not_paired.events if e.code == "s"]) == 3


def test_subjects_map_to_infant_and_parent_and_codes_map(test_data):
    mapping = parse_mapping({"subjects": {"subject1": "infant", "subject2": "parent"},
                             "codes": {"s": "C01"}, "observation": "observation #1",
                             "coder": "anna"})
    project = read_boris_project(test_data / "boris" / "boris_test.boris", mapping)
    (obs,) = project.observations
    assert [(str(e.kind), e.code, e.coder) for e in obs.document.events] == [
        ("cue", "C01", "anna")] * 3 + [("response", "C01", "anna")]
    with pytest.raises(InputError, match="no observation 'nope'"):
        read_boris_project(test_data / "boris" / "boris_test.boris",
                           parse_mapping({"observation": "nope"}))


def test_tabular_and_aggregated_exports_import(test_data):
    tab = read_boris_tabular(test_data / "boris" / "boris_export_events_tabular.tsv")
    assert [(e.start_ms, e.end_ms) for e in tab.events] == [
        (3300, 7750), (9900, 16200), (18350, 24475), (38425, 46100)]
    assert tab.clip.name == "video_test_25fps_360s.mp4" and tab.clip.duration_ms == 359960
    agg = read_boris_tabular(test_data / "boris" / "boris_export_aggregated_events_1.tsv")
    assert len(agg.events) == 18
    points = [e for e in agg.events if e.code == "p"]
    assert points and all(e.is_point for e in points)


def test_export_has_boris_header_and_reimports(test_data, document, events_key):
    text = dumps_boris_tabular(document, scheme=default_scheme())
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    theirs = list(csv.reader(
        (test_data / "boris" / "boris_export_events_tabular.tsv").open(encoding="utf-8"),
        delimiter="\t"))
    assert tuple(next(r for r in rows if r and r[0] == "Time")) == TABULAR_HEADER
    assert next(r for r in theirs if r and r[0] == "Time") == list(TABULAR_HEADER)
    assert [r[0] for r in rows[:12]] == [r[0] for r in theirs[:12]]  # same preamble
    statuses = [r[-1] for r in rows if r and r[-1] in ("START", "STOP", "POINT")]
    assert statuses.count("START") == statuses.count("STOP") == 5
    assert statuses.count("POINT") == 3
    back = loads_boris_tabular(text, scheme=default_scheme())
    assert events_key(back) == events_key(document)


def test_round_trip_through_file(tmp_path, document, events_key):
    path = tmp_path / "events.tsv"
    write_boris_tabular(document, path)
    assert events_key(read_boris_tabular(path)) == events_key(document)


def test_overlapping_same_behaviour_refused(document):
    from attune.core.events import Event
    from attune.interchange.model import document_from_events

    doc = document_from_events([Event(EventKind.CUE, "C01", 0, 100, coder="a"),
                                Event(EventKind.CUE, "C01", 50, 150, coder="a")])
    with pytest.raises(InputError, match="overlap"):
        dumps_boris_tabular(doc)


@pytest.mark.parametrize("events, pattern", [
    ([["abc", "", "p", "", ""]], r"events/0: 'abc' is not a time"),
    ([[1.0, "", "zz", "", ""]], "behaviour 'zz' is not in the ethogram"),
    ([[1.0, "", "s", "", ""], [2.0, "", "s", "", ""], [3.0, "", "s", "", ""]],
     r"START of behaviour 's'.*at 3.000 s"),
    ([1.0], "events/0: an event must be"),
])
def test_bad_projects_name_the_event(tmp_path, test_data, events, pattern):
    doc = json.loads((test_data / "boris" / "boris_test.boris").read_text(encoding="utf-8"))
    doc["observations"] = {"o": {"type": "LIVE", "events": events, "file": {}}}
    path = tmp_path / "p.boris"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match=pattern):
        read_boris_project(path)


def test_tabular_stop_without_start_named():
    text = "\t".join(TABULAR_HEADER) + "\n" + "\t".join(
        ["1.5", "v.mp4", "10", "25", "kid", "s", "", "", "STOP"]) + "\n"
    with pytest.raises(InputError, match=r"STOP of behaviour 's', subject 'kid', at 1.500 s"):
        loads_boris_tabular(text, "t.tsv")
