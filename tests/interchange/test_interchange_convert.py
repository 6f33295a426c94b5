from __future__ import annotations

import json

import pytest

from attune.errors import InputError
from attune.interchange.convert import convert, read_events_file, sniff_format
from attune.interchange.events_json import write_events_json
from attune.schemes import default_scheme

FORMATS = ["json", "csv", "xlsx", "eaf", "tsv"]


@pytest.mark.parametrize("first", FORMATS)
@pytest.mark.parametrize("second", FORMATS)
def test_convert_chain_keeps_events(tmp_path, document, events_key, first, second):
    src = tmp_path / "start.json"
    write_events_json(document, src)
    a = tmp_path / f"a.{first}"
    b = tmp_path / f"b.{second}"
    convert(src, a, scheme=default_scheme())
    convert(a, b)
    assert events_key(read_events_file(b)) == events_key(document)


def test_sniffing_by_content_not_extension(tmp_path, document):
    src = tmp_path / "x.json"
    write_events_json(document, src)
    for ext, fmt in (("csv", "csv"), ("tsv", "boris-tsv"), ("eaf", "eaf"), ("xlsx", "xlsx")):
        out = tmp_path / f"out.{ext}"
        convert(src, out)
        renamed = tmp_path / f"renamed_{ext}.txt"
        renamed.write_bytes(out.read_bytes())
        assert sniff_format(renamed) == fmt


def test_convert_boris_project_with_mapping_file(tmp_path, test_data):
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"observation": "observation #1",
                                   "subjects": {"subject1": "infant", "subject2": "parent"},
                                   "codes": {"s": "C01"}}), encoding="utf-8")
    out = tmp_path / "o.csv"
    doc = convert(test_data / "boris" / "boris_test.boris", out, mapping)
    assert len(doc.events) == 4 and out.exists()
    with pytest.raises(InputError, match="choose one"):
        convert(test_data / "boris" / "boris_test2.boris", tmp_path / "p.csv",
                _write(tmp_path, {"unpaired": "skip"}))


def test_convert_eaf_with_mapping_and_failure_writes_nothing(tmp_path, test_data):
    mapping = _write(tmp_path, {"tiers": {"CHI": {"kind": "cue", "code": "C03"},
                                          "FA*": {"kind": "response", "code": "R03"}}})
    out = tmp_path / "solis.json"
    doc = convert(test_data / "eaf" / "childproject_solis_eaf.eaf", out, mapping,
                  scheme=default_scheme())
    assert {e.code for e in doc.events} == {"C03", "R03"}
    bad = tmp_path / "never.json"
    with pytest.raises(InputError, match="not in coding scheme"):
        convert(test_data / "eaf" / "childproject_solis_eaf.eaf", bad, scheme=default_scheme())
    assert not bad.exists() and not list(tmp_path.glob(".never*"))


def test_mapping_errors_name_the_key(tmp_path):
    with pytest.raises(InputError, match="tiers/CHI/kind"):
        convert(tmp_path / "x.eaf", tmp_path / "y.csv",
                _write(tmp_path, {"tiers": {"CHI": {"kind": "baby"}}}))
    with pytest.raises(InputError, match=r"unknown key\(s\) \['tier'\]"):
        convert(tmp_path / "x.eaf", tmp_path / "y.csv", _write(tmp_path, {"tier": {}}))


def test_every_known_format_is_written_and_others_refused(tmp_path, document):
    src = tmp_path / "x.json"
    write_events_json(document, src)
    convert(src, tmp_path / "x.boris")  # a BORIS project is written too (with modifiers)
    assert (tmp_path / "x.boris").stat().st_size > 0
    with pytest.raises(InputError, match="extension"):
        convert(src, tmp_path / "x.docx")


def _write(tmp_path, obj):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path
