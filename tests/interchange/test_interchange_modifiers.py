"""Modifiers through every format (issue 17 item 3): each file written and read back
keeps the scheme's modifiers (and free ones); ELAN holds them as dependent tiers a user
can edit, CSV/XLSX as a column per modifier, BORIS's own modifier values map onto the
scheme's; a file without modifiers still imports; a modifier the code lacks is refused."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.errors import InputError
from attune.interchange.boris import (
    boris_project,
    dumps_boris_project,
    loads_boris_tabular,
    parse_boris_project,
)
from attune.interchange.convert import read_events_file, write_events_file
from attune.interchange.eaf import dumps_eaf, eaf_to_document, parse_eaf
from attune.interchange.mapping import parse_mapping
from attune.interchange.model import ClipInfo, EventsDocument, document_from_events
from attune.interchange.tables import dumps_events_csv, loads_events_csv
from attune.schemas import validate
from attune.schemes import default_scheme

SCHEME = default_scheme()


def modified() -> EventsDocument:
    events = [
        Event(EventKind.CUE, "C15", 1000, 2500, coder="zoë", id=1,
              modifiers=("intensity=3", "initiated=baby")),
        Event(EventKind.RESPONSE, "R11", 1800, 3200, coder="zoë", id=2, answers_id=1,
              modifiers=("modality=touch", "from BORIS")),
        Event(EventKind.REACTION, "A03", 3300, 3300, coder="zoë", id=3,
              modifiers=("intensity=1",)),
        Event(EventKind.RESPONSE, "R03", 4000, 4000, coder="sam", id=4,
              modifiers=("modality=voice",)),
        Event(EventKind.CUE, "C01", 5000, 5000, coder="sam", id=5),
    ]
    return document_from_events(events, clip=ClipInfo(name="visit.mp4", duration_ms=60_000))


def key(doc: EventsDocument) -> list[tuple[object, ...]]:
    return sorted((e.coder, e.code, e.start_ms, e.modifiers) for e in doc.events)


@pytest.mark.parametrize("name", ["events.json", "events.csv", "events.xlsx", "events.eaf",
                                  "events.tsv", "events.boris"])
def test_every_format_keeps_modifiers(tmp_path: Path, name: str) -> None:
    doc = modified()
    write_events_file(doc, tmp_path / name, SCHEME)
    back = read_events_file(tmp_path / name, scheme=SCHEME)
    assert key(back) == key(doc)
    again = read_events_file(tmp_path / name)  # without the scheme: the same strings
    assert {m for e in again.events for m in e.modifiers} == \
        {m for e in doc.events for m in e.modifiers}


def test_the_events_json_validates_against_its_schema(tmp_path: Path) -> None:
    write_events_file(modified(), tmp_path / "e.json", SCHEME)
    validate(json.loads((tmp_path / "e.json").read_text(encoding="utf-8")), "events.v1",
             "events file")


def test_csv_has_a_column_per_modifier_and_reads_one_written_by_hand() -> None:
    text = dumps_events_csv(modified(), SCHEME)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-4:] == ["modifiers", "modifier:modality", "modifier:intensity",
                            "modifier:initiated"]
    by_code = {r[3]: r for r in rows[1:]}
    assert by_code["C15"][-4:] == ["", "", "3", "baby"]
    assert by_code["R11"][-4:] == ["from BORIS", "touch", "", ""]
    # a researcher's own table: columns in any order and case, no ids
    hand = ("Coder,Kind,Code,Start_ms,End_ms,Modifier:initiated,Modifier:intensity\n"
            "ana,cue,C16,0,0,parent,2\nana,cue,C01,500,500,,\n")
    doc = loads_events_csv(hand, scheme=SCHEME)
    assert [e.modifiers for e in doc.events] == [("intensity=2", "initiated=parent"), ()]


def test_a_modifier_the_code_does_not_have_is_refused_naming_the_row() -> None:
    hand = "coder,kind,code,start_ms,end_ms,modifier:modality\nana,cue,C16,0,0,voice\n"
    with pytest.raises(InputError, match=r"row 2: C16 has no modifier modality voice"):
        loads_events_csv(hand, scheme=SCHEME)
    loads_events_csv(hand)  # without a scheme it is kept as it came


def test_files_without_modifiers_still_import(tmp_path: Path) -> None:
    old = "id,coder,kind,code,label,start_ms,end_ms,answers,note,modifiers\n" \
          "e1,pat,cue,C02,,1000,1000,,,\n"
    assert loads_events_csv(old, scheme=SCHEME).events[0].modifiers == ()
    # an events file of v1, made before modifiers (a sample clip's true events as they
    # were then), reads with none
    samples = Path(__file__).resolve().parents[2] / "sample_clips"
    for path in sorted(samples.glob("*.events.json")):
        before = json.loads(path.read_text(encoding="utf-8"))
        before["scheme"]["version"] = 1
        for event in before["events"]:
            event.pop("modifiers", None)
        old_file = tmp_path / path.name
        old_file.write_text(json.dumps(before), encoding="utf-8")
        doc = read_events_file(old_file, scheme=SCHEME)
        assert doc.events and all(not e.modifiers for e in doc.events)
        # the samples themselves are coded under v2 and carry some
        assert any(e.modifiers for e in read_events_file(path, scheme=SCHEME).events)


def test_elan_holds_modifiers_as_dependent_tiers_that_elan_users_can_edit() -> None:
    data = dumps_eaf(modified(), SCHEME)
    eaf = parse_eaf(data, "e.eaf")
    tiers = {t.id: t for t in eaf.tiers.values()}
    assert tiers["cue@zoë:intensity"].parent == "cue@zoë"
    assert tiers["cue@zoë:intensity"].linguistic_type == "attune modifier"
    assert [a.value for a in tiers["response@sam:modality"].annotations] == ["voice"]
    # in ELAN: voice becomes face, and the baby's intensity is removed
    edited = data.replace(b"<ANNOTATION_VALUE>voice</ANNOTATION_VALUE>",
                          b"<ANNOTATION_VALUE>face</ANNOTATION_VALUE>")
    edited = edited.replace(b"<ANNOTATION_VALUE>3</ANNOTATION_VALUE>",
                            b"<ANNOTATION_VALUE></ANNOTATION_VALUE>")
    back = eaf_to_document(parse_eaf(edited, "e.eaf"), scheme=SCHEME)
    got = {e.code: e.modifiers for e in back.events}
    assert got["R03"] == ("modality=face",)
    assert got["C15"] == ("initiated=baby",)
    assert got["R11"] == ("modality=touch", "from BORIS")


def test_the_eaf_with_modifier_tiers_validates(tmp_path: Path) -> None:
    import xmlschema

    xsd = Path(__file__).resolve().parents[1] / "data" / "eaf" / "schema" / "EAFv3.0.xsd"
    xmlschema.XMLSchema(str(xsd)).validate(io.BytesIO(dumps_eaf(modified(), SCHEME)))


def test_borises_own_modifier_values_map_onto_the_schemes() -> None:
    project = {
        "behaviors_conf": {
            "0": {"code": "C15", "type": "Point event", "modifiers": {
                "0": {"name": "intensity", "type": 0, "values": ["1", "2", "3"]},
                "1": {"name": "who started", "type": 0, "values": ["the baby", "the parent"]}}},
            "1": {"code": "R11", "type": "Point event", "modifiers": {
                "0": {"name": "modif #1", "type": 0, "values": ["touch", "hum"]}}}},
        "subjects_conf": {"0": {"name": "infant"}, "1": {"name": "parent"}},
        "observations": {"o": {"events": [
            [1.0, "infant", "C15", "2|the parent", ""],
            [2.0, "parent", "R11", "touch", ""],
            [3.0, "parent", "R11", "hum", ""],
            [4.0, "infant", "C15", "None|None", ""]]}},
    }
    mapping = parse_mapping({"subjects": {"infant": "infant", "parent": "parent"}})
    doc = parse_boris_project(project, "p.boris", mapping, SCHEME).observations[0].document
    assert [e.modifiers for e in doc.events] == [
        ("intensity=2", "initiated=parent"), ("modality=touch",), ("hum",), ()]
    # a tabular export names no sets: a value the code's modifiers have is still found
    tsv = ("Time\tMedia file path\tTotal length\tFPS\tSubject\tBehavior\tBehavioral "
           "category\tModifiers\tComment\tStatus\n"
           "1.0\tv.mp4\t10\t25\tparent\tR11\t\tface\t\tPOINT\n")
    read = loads_boris_tabular(tsv, mapping=mapping, scheme=SCHEME)
    assert read.events[0].modifiers == ("modality=face",)


def _untagged(project: dict[str, object]) -> dict[str, object]:
    """The project as BORIS would leave it after a user edits it there: attune's tags
    (which carry the modifiers too) gone from the comments, so only the modifier sets and
    each event's values are left."""
    out = json.loads(json.dumps(project))
    for obs in out["observations"].values():
        for ev in obs["events"]:
            ev[4] = ""
    return out


def test_a_boris_project_carries_each_codes_modifier_sets_and_reads_them_back() -> None:
    project = json.loads(dumps_boris_project(modified(), "visit 1", SCHEME))
    ethogram = {b["code"]: b for b in project["behaviors_conf"].values()}
    assert len(ethogram) == len(SCHEME.codes)  # the whole scheme, to code on in BORIS
    assert ethogram["C15"]["type"] == "State event" and ethogram["C01"]["type"] == \
        "Point event"
    assert [(m["name"], m["type"], m["values"]) for m in
            ethogram["C15"]["modifiers"].values()] == [
        ("intensity", 0, ["1", "2", "3"]), ("initiated", 0, ["baby", "parent"])]
    assert [m["name"] for m in ethogram["R11"]["modifiers"].values()] == ["modality"]
    assert ethogram["N01"]["modifiers"] == {}  # a code without modifiers has no set
    events = project["observations"]["visit 1"]["events"]
    assert [e[3] for e in events if e[2] == "C15"] == ["3|baby", "3|baby"]  # START, STOP
    assert [e[3] for e in events if e[2] == "C01"] == ["None|None"]  # none chosen
    # read back by attune: with its tags, exactly
    mapping = None
    doc = parse_boris_project(project, "p.boris", mapping, SCHEME).observations[0].document
    assert key(doc) == key(modified())
    # and from the modifier sets alone (the tags removed, as after editing in BORIS): the
    # scheme's modifiers come back; the free one ("from BORIS") lived only in the tag
    bare = parse_boris_project(_untagged(project), "p.boris", None, SCHEME)
    got = {(e.code, e.start_ms, e.end_ms): e.modifiers for e in
           bare.observations[0].document.events}
    assert got == {("C15", 1000, 2500): ("intensity=3", "initiated=baby"),
                   ("R11", 1800, 3200): ("modality=touch",),
                   ("A03", 3300, 3300): ("intensity=1",),
                   ("R03", 4000, 4000): ("modality=voice",),
                   ("C01", 5000, 5000): ()}


def test_a_boris_project_keeps_a_point_of_a_state_code_and_refuses_overlaps() -> None:
    events = [Event(EventKind.CUE, "C15", 1000, 3000, coder="zoë", id=1,
                    modifiers=("intensity=2",)),
              Event(EventKind.CUE, "C15", 3000, 3000, coder="zoë", id=2),  # a point
              Event(EventKind.CUE, "C15", 3000, 4000, coder="zoë", id=3)]
    doc = document_from_events(events, clip=ClipInfo(name="v.mp4", duration_ms=10_000,
                                                     fps="25/1"))
    project = boris_project(doc, "o", SCHEME)
    back = parse_boris_project(_untagged(project), "p.boris", None, SCHEME)
    assert [(e.start_ms, e.end_ms, e.modifiers) for e in back.observations[0].document.events
            ] == [(1000, 3000, ("intensity=2",)), (3000, 3000, ()), (3000, 4000, ())]
    assert back.observations[0].document.clip.duration_ms == 10_000
    overlapping = document_from_events(
        [Event(EventKind.CUE, "C15", 1000, 3000, coder="zoë", id=1),
         Event(EventKind.CUE, "C15", 2000, 4000, coder="zoë", id=2)])
    with pytest.raises(InputError, match="overlap"):
        boris_project(overlapping, "o", SCHEME)


def test_a_boris_project_without_a_scheme_lists_the_codes_used() -> None:
    project = boris_project(modified(), "o")
    assert sorted(b["code"] for b in project["behaviors_conf"].values()) == \
        ["A03", "C01", "C15", "R03", "R11"]
    assert all(b["modifiers"] == {} for b in project["behaviors_conf"].values())
    doc = parse_boris_project(project, "p.boris").observations[0].document
    assert key(doc) == key(modified())  # the tags carry the modifiers
