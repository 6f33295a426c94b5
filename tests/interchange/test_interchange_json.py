from __future__ import annotations

import json
import re

import pytest

from attune.errors import InputError
from attune.interchange.events_json import (
    UPGRADES,
    dumps_events_json,
    loads_events_json,
    read_events_json,
    upgrade_v0_to_v1,
    write_events_json,
)
from attune.schemas import validate
from attune.schemes import default_scheme


def test_round_trip_keeps_everything(tmp_path, document, events_key):
    path = tmp_path / "events.json"
    write_events_json(document, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    validate(doc, "events.v1")
    assert doc["schema_version"] == 1
    back = read_events_json(path, scheme=default_scheme())
    assert events_key(back) == events_key(document)
    assert back.clip == document.clip
    assert (back.scheme_name, back.scheme_version) == ("attuned-moments", 1)
    assert "李娜" in path.read_text(encoding="utf-8")  # not escaped


def test_upgrade_registry_turns_v0_seconds_into_ms():
    assert UPGRADES[0] is upgrade_v0_to_v1
    v0 = {"schema_version": 0, "scheme": "attuned-moments@1",
          "events": [{"id": "a", "coder": "x", "kind": "cue", "code": "C01",
                      "onset": 1.2345, "offset": 2.0},
                     {"id": "b", "coder": "x", "kind": "response", "code": "R01",
                      "onset": "2.5", "offset": 2.5, "answers": "a"}]}
    doc = loads_events_json(json.dumps(v0))
    assert [(e.start_ms, e.end_ms) for e in doc.events] == [(1235, 2000), (2500, 2500)]
    assert doc.events[1].answers_id == 1


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["events"][1].update(start_ms="12"), "events/1/start_ms"),
    (lambda d: d["events"][0].pop("coder"), "events/0"),
    (lambda d: d["events"][2].update(kind="smile"), "events/2/kind"),
    (lambda d: d.update(extra=1), "(top level)"),
])
def test_validation_errors_name_the_element(document, mutate, where):
    doc = json.loads(dumps_events_json(document))
    mutate(doc)
    with pytest.raises(InputError, match=f"at {re.escape(where)}"):
        loads_events_json(json.dumps(doc))


def test_newer_version_refused_and_bad_links_named(document):
    doc = json.loads(dumps_events_json(document))
    doc["schema_version"] = 2
    with pytest.raises(InputError, match="newer"):
        loads_events_json(json.dumps(doc))
    doc = json.loads(dumps_events_json(document))
    doc["events"][1]["answers"] = "nope"
    with pytest.raises(InputError, match=r"events/1.*'nope'"):
        loads_events_json(json.dumps(doc))
    doc = json.loads(dumps_events_json(document))
    doc["events"][0]["end_ms"] = 1
    with pytest.raises(InputError, match=r"events/0.*before the start"):
        loads_events_json(json.dumps(doc))


def test_unknown_code_with_scheme_and_syntax_error_line(document):
    doc = json.loads(dumps_events_json(document))
    doc["events"][0]["code"] = "C99"
    with pytest.raises(InputError, match="C99"):
        loads_events_json(json.dumps(doc), scheme=default_scheme())
    loads_events_json(json.dumps(doc))  # no scheme: any code
    with pytest.raises(InputError, match="line 3"):
        loads_events_json('{\n"schema_version": 1,\n oops}')
