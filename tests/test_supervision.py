"""Blind double-coding: assignment with consent and a seed, blindness until both are
done, agreement over time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from attune.core.accounts import Role
from attune.core.clip import ClipStatus
from attune.core.coding import CodingRole
from attune.core.consent import ConsentScope
from attune.errors import InputError, NotAllowedError
from attune.services import Context
from attune.services.consent import record_consent
from attune.services.events import add_event, list_events
from attune.services.exchange import import_clip_events
from attune.services.supervision import (
    agreement_frame,
    assign_double_coding,
    mark_done,
    team_agreement,
)
from tests.factories import make_clip, make_family, make_user

SAMPLES = Path(__file__).resolve().parents[1] / "sample_clips"


def ready(ctx: Context, clip_id: int) -> None:
    with ctx.db.transaction("system") as tx:
        tx.set_clip_media(clip_id, status=ClipStatus.READY)


@pytest.fixture
def team(ctx: Context):  # type: ignore[no-untyped-def]
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    sam = make_user(ctx, "sam", supervisor="sue")
    return sue, pat, sam


def test_assignment_needs_consent_and_is_reproducible(ctx: Context, team) -> None:
    sue, pat, _ = team
    yes = make_family(ctx, pat)
    no = make_family(ctx, pat, "FAM-002", "Leo",
                     scopes=(ConsentScope.SHARED_REVIEW, ConsentScope.SUPERVISION))
    clips = []
    for fam, video in ((yes, "sample_a_gaze_and_smiles.mp4"), (yes, "sample_b_turns.mp4"),
                       (no, "sample_c_fuss_and_soothe.mp4")):
        clip = make_clip(ctx, pat, fam, SAMPLES / video)
        ready(ctx, clip.id)
        add_event(ctx, pat, clip.id, "C01", 1000)
        clips.append(clip)
    plan = assign_double_coding(ctx, sue, share=0.5, seed=3)
    assert plan.eligible == (clips[0].id, clips[1].id)
    assert plan.skipped_no_consent == (clips[2].id,)
    assert len(plan.chosen) == 1 and plan.chosen[0].coder == "sam"
    assert plan.chosen[0].role == CodingRole.SECOND
    # already double-coded clips are not chosen again; the seed decides which clip
    again = assign_double_coding(ctx, sue, share=1.0, seed=3)
    assert {a.clip_id for a in again.chosen} == {clips[0].id, clips[1].id} - \
        {plan.chosen[0].clip_id}
    with pytest.raises(NotAllowedError):
        assign_double_coding(ctx, pat)
    with pytest.raises(InputError, match="between 0 and 1"):
        assign_double_coding(ctx, sue, share=20)


def test_second_coder_is_blind_until_both_are_done(ctx: Context, team) -> None:
    sue, pat, sam = team
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family, SAMPLES / "sample_a_gaze_and_smiles.mp4")
    ready(ctx, clip.id)
    import_clip_events(ctx, pat, clip.id, SAMPLES / "sample_a_gaze_and_smiles.events.json",
                       coder="pat")
    plan = assign_double_coding(ctx, sue, share=1.0)
    assert [a.coder for a in plan.chosen] == ["sam"]
    # sam may code this clip (not the family's other clips) and sees only his events
    assert list_events(ctx, sam, clip.id) == []
    import_clip_events(ctx, sam, clip.id,
                       SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json", coder="sam")
    assert {e.coder for e in list_events(ctx, sam, clip.id)} == {"sam"}
    assert {e.coder for e in list_events(ctx, pat, clip.id)} == {"pat"}  # blind both ways
    assert {e.coder for e in list_events(ctx, sue, clip.id)} == {"pat", "sam"}
    other = make_clip(ctx, pat, family, SAMPLES / "sample_b_turns.mp4")
    with pytest.raises(NotAllowedError):
        list_events(ctx, sam, other.id)
    mark_done(ctx, sam, clip.id)
    assert team_agreement(ctx, sue) == []  # pat is not done yet
    assert {e.coder for e in list_events(ctx, sam, clip.id)} == {"sam"}
    mark_done(ctx, pat, clip.id)
    assert {e.coder for e in list_events(ctx, sam, clip.id)} == {"pat", "sam"}
    pairs = team_agreement(ctx, sue)
    assert [(p.coder_a, p.coder_b) for p in pairs] == [("pat", "sam")]
    frame = agreement_frame(pairs)
    assert frame.loc[0, "date"] == date.today() and frame.loc[0, "event_kappa"] > 0.6
    assert pairs[0].report.detection.unmatched_a == 1


def test_second_coder_consent_withdrawn_blocks_assignment(ctx: Context, team) -> None:
    sue, pat, _ = team
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    ready(ctx, clip.id)
    add_event(ctx, pat, clip.id, "C01", 100)
    record_consent(ctx, pat, family.code, ConsentScope.SECOND_CODER, False, date.today(),
                   "changed their mind")
    plan = assign_double_coding(ctx, sue)
    assert plan.chosen == () and plan.skipped_no_consent == (clip.id,)


def test_report_files_state_the_parameters(ctx: Context, team, tmp_path: Path) -> None:
    import shutil
    import subprocess

    from attune.interchange.reports import write_agreement_csv, write_agreement_pdf

    sue, pat, sam = team
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family, SAMPLES / "sample_a_gaze_and_smiles.mp4")
    ready(ctx, clip.id)
    import_clip_events(ctx, pat, clip.id, SAMPLES / "sample_a_gaze_and_smiles.events.json",
                       coder="pat")
    assign_double_coding(ctx, sue, share=1.0)
    import_clip_events(ctx, sam, clip.id,
                       SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json", coder="sam")
    mark_done(ctx, pat, clip.id)
    mark_done(ctx, sam, clip.id)
    pairs = team_agreement(ctx, sue, tolerance_ms=800)
    csv = write_agreement_csv(agreement_frame(pairs), tmp_path / "a.csv",
                              {"event matching tolerance (ms)": 800})
    assert csv.read_text().startswith("# event matching tolerance (ms): 800\n")
    pdf = write_agreement_pdf([("Clip 1: pat and sam", pairs[0].report)], tmp_path / "a.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftotext"), "make test installs poppler-utils"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "at most 0.8 s apart (the tolerance)" in text and "sampling step" in text
    assert "tolerance_ms" not in text and "{" not in text
    assert "only pat" in text  # the missed subtle cue is listed


def test_a_group_calibrates_on_one_gold_clip(ctx: Context, team) -> None:
    from attune.services.supervision import clip_group_agreement, set_gold_coder

    sue, pat, sam = team
    tia = make_user(ctx, "tia", supervisor="sue")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family, SAMPLES / "sample_a_gaze_and_smiles.mp4")
    ready(ctx, clip.id)
    import_clip_events(ctx, pat, clip.id, SAMPLES / "sample_a_gaze_and_smiles.events.json",
                       coder="pat")
    set_gold_coder(ctx, sue, clip.id, "pat")
    with ctx.db.transaction("sue") as tx:
        for trainee in ("sam", "tia"):
            tx.assign_coder(clip.id, trainee, CodingRole.SECOND)
    import_clip_events(ctx, sam, clip.id,
                       SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json", coder="sam")
    for code, at_ms in (("C01", 1300), ("C02", 4000), ("C05", 20_000)):
        add_event(ctx, tia, clip.id, code, at_ms)
    mark_done(ctx, pat, clip.id)
    with pytest.raises(InputError, match="two coders or more"):
        clip_group_agreement(ctx, sue, clip.id)
    mark_done(ctx, sam, clip.id)
    mark_done(ctx, tia, clip.id)
    with pytest.raises(NotAllowedError):
        clip_group_agreement(ctx, pat, clip.id)
    group = clip_group_agreement(ctx, sue, clip.id)
    assert group.gold == "pat" and group.coders == ("pat", "sam", "tia")
    assert set(group.versus_gold) == {"sam", "tia"}
    pair = {(p.coder_a, p.coder_b): p for p in team_agreement(ctx, sue)}[("pat", "sam")]
    assert group.versus_gold["sam"].event_kappa.value == pytest.approx(
        pair.report.event_kappa.value)
    assert group.fleiss_kappa.value is not None and group.alpha.value is not None
    assert group.marked["tia"] == 3


def test_a_calibration_session_scores_each_code_against_the_pass_line(ctx: Context,
                                                                       team) -> None:
    from attune.services.supervision import (
        calibration_results,
        calibrations,
        create_calibration,
        set_gold_coder,
    )

    sue, pat, sam = team
    make_user(ctx, "tia", supervisor="sue")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family, SAMPLES / "sample_a_gaze_and_smiles.mp4")
    ready(ctx, clip.id)
    import_clip_events(ctx, pat, clip.id, SAMPLES / "sample_a_gaze_and_smiles.events.json",
                       coder="pat")
    with pytest.raises(InputError, match="no gold coding yet"):
        create_calibration(ctx, sue, "Spring", [clip.id], ["sam", "tia"], 70)
    set_gold_coder(ctx, sue, clip.id, "pat")
    with pytest.raises(InputError, match="pass line"):
        create_calibration(ctx, sue, "Spring", [clip.id], ["sam"], 0)
    with pytest.raises(InputError, match="made the gold coding"):
        create_calibration(ctx, sue, "Spring", [clip.id], ["pat"], 70)
    with pytest.raises(NotAllowedError):
        create_calibration(ctx, pat, "Spring", [clip.id], ["sam"], 70)
    session = create_calibration(ctx, sue, "Spring", [clip.id], ["sam", "tia"], 70)
    assert calibrations(ctx, sue) == [session]
    assert session.trainees == ("sam", "tia") and session.pass_line_percent == 70
    # the trainees code blind: sam sees only his own events until both are done
    import_clip_events(ctx, sam, clip.id,
                       SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json", coder="sam")
    assert {e.coder for e in list_events(ctx, sam, clip.id)} == {"sam"}
    mark_done(ctx, pat, clip.id)
    mark_done(ctx, sam, clip.id)
    results = {r.trainee: r for r in calibration_results(ctx, sue, session.id)}
    assert results["tia"].report is None and results["tia"].passed is None
    sam_result = results["sam"]
    assert sam_result.clips_done == sam_result.clips == 1
    per_code = sam_result.per_code.set_index("code")
    assert not per_code.loc["C07", "passed"]  # only the gold coder marked it
    assert per_code.loc["C01", "passed"]
    assert sam_result.passed is False
    with pytest.raises(InputError, match="no calibration session"):
        calibration_results(ctx, sue, session.id + 99)


def test_calibration_needs_the_training_consent(ctx: Context, team) -> None:
    from attune.services.access import ConsentRefused
    from attune.services.supervision import create_calibration

    sue, pat, _ = team
    family = make_family(ctx, pat, "FAM-009", "Ada",
                         scopes=(ConsentScope.SHARED_REVIEW, ConsentScope.SUPERVISION,
                                 ConsentScope.SECOND_CODER))
    clip = make_clip(ctx, pat, family)
    ready(ctx, clip.id)
    with ctx.db.transaction("sue") as tx:  # an earlier gold coding, made before
        tx.assign_coder(clip.id, "sue", CodingRole.GOLD)
    with pytest.raises(ConsentRefused):
        create_calibration(ctx, sue, "Spring", [clip.id], ["sam"], 70)
    with ctx.db.transaction("x") as tx:
        assert tx.calibrations("sue") == []  # nothing half made


def test_icc_across_a_pairs_clips_says_how_many_more_are_needed(ctx: Context, team) -> None:
    from attune.services.supervision import pair_icc

    sue, pat, sam = team
    family = make_family(ctx, pat)
    assert pair_icc(ctx, sue) == []
    clip = make_clip(ctx, pat, family, SAMPLES / "sample_a_gaze_and_smiles.mp4")
    ready(ctx, clip.id)
    import_clip_events(ctx, pat, clip.id, SAMPLES / "sample_a_gaze_and_smiles.events.json",
                       coder="pat")
    assign_double_coding(ctx, sue, share=1.0)
    import_clip_events(ctx, sam, clip.id,
                       SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json", coder="sam")
    mark_done(ctx, pat, clip.id)
    assert pair_icc(ctx, sue) == []  # sam is not done: nothing to compare yet
    mark_done(ctx, sam, clip.id)
    [pair] = pair_icc(ctx, sue)
    assert (pair.coder_a, pair.coder_b, pair.clip_ids) == ("pat", "sam", (clip.id,))
    by = {m.measure: m for m in pair.measures}
    assert set(by) == {"cues per minute", "attuned responses per minute",
                       "median latency of attuned responses (s)"}
    assert all(m.value is None and "so 4 more" in m.sentence for m in by.values())
    with pytest.raises(NotAllowedError):
        pair_icc(ctx, pat)


def test_the_supervisor_sees_marks_accepted_from_suggestions(ctx: Context, team,
                                                             tmp_path: Path) -> None:
    import subprocess

    from attune.core.scheme import EventKind
    from attune.core.suggestions import Suggestion
    from attune.services.suggestions import accept_suggestion, list_suggestions
    from attune.services.supervision import suggestion_line, write_agreement_report

    sue, pat, sam = team
    other = make_user(ctx, "ola", Role.SUPERVISOR)
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family, SAMPLES / "sample_a_gaze_and_smiles.mp4")
    ready(ctx, clip.id)
    import_clip_events(ctx, pat, clip.id, SAMPLES / "sample_a_gaze_and_smiles.events.json",
                       coder="pat")
    with ctx.db.transaction("worker") as tx:  # as the analysis stores them
        tx.replace_suggestions(clip.id, [Suggestion(EventKind.CUE, "C03", 26_000, 26_500, 80),
                                         Suggestion(EventKind.CUE, "C16", 28_000, 29_000, 70)])
    first = list_suggestions(ctx, pat, clip.id)[0]
    accept_suggestion(ctx, pat, int(first.id or 0))
    assign_double_coding(ctx, sue, share=1.0)
    import_clip_events(ctx, sam, clip.id,
                       SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json", coder="sam")
    mark_done(ctx, pat, clip.id)
    mark_done(ctx, sam, clip.id)
    (pair,) = team_agreement(ctx, sue)
    assert pair.from_suggestions == (1, 0)
    assert pair.marks == (len(list_events(ctx, sue, clip.id, coder="pat")),
                          len(list_events(ctx, sue, clip.id, coder="sam")))
    # the accepted mark is pat's own, compared with sam's as any of pat's marks; the
    # suggestion still pending is nowhere in the agreement
    a_events = pair.report.detection.matched + pair.report.detection.unmatched_a
    assert a_events == pair.marks[0]
    line = suggestion_line(pair)
    assert f"pat 1 of {pair.marks[0]}, sam none of {pair.marks[1]}" in line
    row = agreement_frame([pair]).iloc[0]
    assert (row["suggested_a"], row["suggested_b"]) == (1, 0)
    pdf = write_agreement_report([pair], tmp_path / "a.pdf")
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Marks accepted from suggested marks: pat 1 of" in text
    # through the gate: a supervisor outside the team sees no pair, so no count
    assert team_agreement(ctx, other) == []
