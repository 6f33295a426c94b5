"""Events and tallies between the database and files, and agreement from the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune.core.accounts import Role
from attune.errors import InputError, NotAllowedError
from attune.services import Context
from attune.services.analysis import clip_agreement, clip_tallies, family_tallies
from attune.services.events import add_event, list_events
from attune.services.exchange import export_clip_events, import_clip_events
from tests.factories import make_clip, make_family, make_user

SAMPLES = Path(__file__).resolve().parents[1] / "sample_clips"


@pytest.fixture
def coded(ctx: Context):  # type: ignore[no-untyped-def]
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    cue = add_event(ctx, pat, clip.id, "C02", 100)
    add_event(ctx, pat, clip.id, "R04", 400)
    add_event(ctx, pat, clip.id, "C10", 600, 900)
    return pat, family, clip, cue


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx", ".eaf", ".tsv"])
def test_export_then_import_gives_the_same_events(ctx: Context, coded, tmp_path: Path,
                                                  suffix: str) -> None:
    pat, family, clip, _ = coded
    out = export_clip_events(ctx, pat, clip.id, tmp_path / f"events{suffix}")
    other = make_clip(ctx, pat, family, Path(SAMPLES / "sample_b_turns.mp4"))
    imported = import_clip_events(ctx, pat, other.id, out)
    before = [(e.kind, e.code, e.start_ms, e.end_ms, e.coder) for e in
              list_events(ctx, pat, clip.id)]
    after = [(e.kind, e.code, e.start_ms, e.end_ms, e.coder) for e in
             list_events(ctx, pat, other.id)]
    assert after == before and len(imported) == 3
    by_code = {e.code: e for e in list_events(ctx, pat, other.id)}
    assert by_code["R04"].answers_id == by_code["C02"].id  # the link survived


def test_import_is_all_or_nothing(ctx: Context, coded, tmp_path: Path) -> None:
    pat, _, clip, _ = coded
    bad = tmp_path / "bad.csv"
    bad.write_text("id,coder,kind,code,start_ms,end_ms\n"
                   "e1,pat,cue,C01,100,100\n"
                   "e2,pat,cue,C01,abc,100\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 3"):
        import_clip_events(ctx, pat, clip.id, bad)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("id,coder,kind,code,start_ms,end_ms\ne1,pat,cue,Z99,100,100\n",
                       encoding="utf-8")
    with pytest.raises(InputError, match="Z99"):
        import_clip_events(ctx, pat, clip.id, unknown)
    assert len(list_events(ctx, pat, clip.id)) == 3  # nothing half-imported


def test_import_of_another_coders_events_needs_coder(ctx: Context, coded) -> None:
    pat, _, clip, _ = coded
    coder2 = SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json"
    with pytest.raises(InputError, match="--coder pat"):
        import_clip_events(ctx, pat, clip.id, coder2)


def test_tallies_and_agreement_from_the_database(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    sam = make_user(ctx, "sam")
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    family = make_family(ctx, pat)
    from attune.services.families import assign_practitioner

    assign_practitioner(ctx, pat, family.code, "sam")
    clip = make_clip(ctx, pat, family, SAMPLES / "sample_a_gaze_and_smiles.mp4")
    import_clip_events(ctx, pat, clip.id, SAMPLES / "sample_a_gaze_and_smiles.events.json",
                       coder="pat")
    import_clip_events(ctx, sam, clip.id,
                       SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json", coder="sam")
    tallies = clip_tallies(ctx, pat, clip.id)
    assert tallies.parent_safe.cues == 6  # pat's coding only, not the second coder's
    frame = family_tallies(ctx, pat, family.code)
    assert list(frame["attuned_responses"]) == [tallies.parent_safe.attuned_responses]
    assert "unanswered_cues" in frame.columns
    parent_view = family_tallies(ctx, pat, family.code, audience="parent")  # type: ignore[arg-type]
    assert "unanswered_cues" not in parent_view.columns
    report = clip_agreement(ctx, pat, [clip.id], "pat", "sam")
    assert report.detection.unmatched_a == 1 and report.event_kappa.value is not None
    with pytest.raises(NotAllowedError):
        clip_agreement(ctx, sue, [clip.id], "pat", "sam")  # not her team
