"""Suggested marks end to end through the services, on SQLite and PostgreSQL: a sample
clip's sound analysed, suggestions accepted (an ordinary, audited event of the person) and
rejected (still rejected after re-analysis), never counted before, never a parent's or a
supervisor's to see, gone with the clip; a clip with no sound gets a note, not a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune.core.accounts import Role
from attune.core.clip import ClipStatus
from attune.core.consent import ConsentScope
from attune.core.jobs import JobKind, JobStatus
from attune.core.scheme import EventKind
from attune.core.suggestions import SuggestionStatus
from attune.errors import InputError, NotAllowedError, StateError
from attune.services import Context
from attune.services.analysis import clip_tallies
from attune.services.consent import withdraw_consent
from attune.services.events import list_events
from attune.services.families import link_parent
from attune.services.ingest import ingest_now
from attune.services.suggestions import (
    NO_SOUND,
    accept_suggestion,
    analyse_clip,
    detection_job,
    events_from_suggestions,
    list_suggestions,
    reject_suggestion,
    run_detection,
)
from attune.storage.models import SuggestionRecord
from tests.factories import make_clip, make_family, make_user
from tests.paths import REPO, TEST_DATA

SAMPLE_C = REPO / "sample_clips" / "sample_c_fuss_and_soothe.mp4"
SAMPLE_B = REPO / "sample_clips" / "sample_b_turns.mp4"
NO_AUDIO = TEST_DATA / "video" / "hevc_854x480_noaudio.mp4"


def _ready(ctx: Context, path: Path) -> tuple:  # type: ignore[type-arg]
    make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    family = make_family(ctx, pat, scopes=(ConsentScope.SHARED_REVIEW,
                                           ConsentScope.SUPERVISION))
    clip = make_clip(ctx, pat, family, path)
    ingest_now(ctx, clip.id)
    return pat, family, clip


def test_suggest_accept_reject_and_reanalyse(ctx: Context) -> None:
    pat, family, clip = _ready(ctx, SAMPLE_C)
    result = analyse_clip(ctx, pat, clip.id)
    assert result.pending > 0 and result.note == ""
    pending = list_suggestions(ctx, pat, clip.id)
    assert len(pending) == result.pending
    # the true fussing of sample C starts at 2.0 s (the parent's voice soon over it): the
    # baby's voice is suggested there, and accepting it as C15 corrects the code
    fuss = next(s for s in pending if s.kind == EventKind.CUE
                and abs(s.start_ms - 2000) <= 1000)
    reply = next(s for s in pending if s.kind == EventKind.RESPONSE)
    assert reply.guess and reply.code  # a best guess, marked as such
    before = clip_tallies(ctx, pat, clip.id)
    assert list_events(ctx, pat, clip.id) == []  # suggestions are not events

    with pytest.raises(InputError):  # never under a code of another kind
        accept_suggestion(ctx, pat, int(fuss.id or 0), "R03")
    event = accept_suggestion(ctx, pat, int(fuss.id or 0), "c15")
    assert (event.coder, event.code, event.start_ms) == ("pat", "C15", fuss.start_ms)
    assert [e.id for e in list_events(ctx, pat, clip.id)] == [event.id]
    assert clip_tallies(ctx, pat, clip.id) != before  # now it counts
    with ctx.db.transaction("test") as tx:
        entries = tx.audit_entries(object_type="suggestion", object_id=fuss.id)
    assert [(a.action, a.actor) for a in entries] == [("accept-suggestion", "pat")]
    with pytest.raises(StateError):
        accept_suggestion(ctx, pat, int(fuss.id or 0))  # decided once
    # the parent's answer, accepted under its guessed code, answers the accepted cue
    answer = accept_suggestion(ctx, pat, int(reply.id or 0))
    assert answer.answers_id == event.id

    # decided ones stay decided when the clip is analysed again
    assert analyse_clip(ctx, pat, clip.id).pending == 0

    # rejected (sample B: coos answered by talk): stays rejected after re-analysis
    turns = make_clip(ctx, pat, family, SAMPLE_B)
    ingest_now(ctx, turns.id)
    analyse_clip(ctx, pat, turns.id)
    left = list_suggestions(ctx, pat, turns.id)
    assert len(left) >= 4
    rejected = reject_suggestion(ctx, pat, int(left[0].id or 0))
    assert rejected.status == SuggestionStatus.REJECTED
    again = analyse_clip(ctx, pat, turns.id)
    now = list_suggestions(ctx, pat, turns.id)
    assert again.pending == len(now) == len(left) - 1
    assert all(abs(s.start_ms - rejected.start_ms) > 1000 or s.kind != rejected.kind
               for s in now)
    every = list_suggestions(ctx, pat, turns.id, None)
    assert [s.status for s in every].count(SuggestionStatus.REJECTED) == 1
    assert list_events(ctx, pat, turns.id) == []  # a rejection makes no event

    # a supervisor sees how many events came from suggestions, not the suggestions;
    # the parent sees neither
    with ctx.db.transaction("test") as tx:
        sue = tx.get_user("sue")
    assert events_from_suggestions(ctx, sue, clip.id) == {"pat": 2}
    with pytest.raises(NotAllowedError):
        list_suggestions(ctx, sue, clip.id)
    parent = make_user(ctx, "mum", Role.PARENT)
    link_parent(ctx, pat, family.code, "mum")
    for call in (lambda: list_suggestions(ctx, parent, clip.id),
                 lambda: reject_suggestion(ctx, parent, int(now[0].id or 0)),
                 lambda: analyse_clip(ctx, parent, clip.id)):
        with pytest.raises(NotAllowedError):
            call()

    # withdrawing the consent the clip was filmed under deletes it and its suggestions
    withdraw_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW)
    with ctx.db.transaction("test") as tx:
        assert tx.orm.query(SuggestionRecord).count() == 0


def test_a_clip_without_sound_gets_a_note_not_a_failure(ctx: Context) -> None:
    pat, _, clip = _ready(ctx, NO_AUDIO)
    with ctx.db.transaction("system") as tx:
        job = tx.create_job(JobKind.DETECT, clip.id)
    result = run_detection(ctx, clip.id, job.id)
    assert result is not None and result.note == NO_SOUND and result.pending == 0
    done = detection_job(ctx, clip.id)
    assert done is not None and done.status == JobStatus.DONE
    with ctx.db.transaction("test") as tx:
        assert tx.get_clip(clip.id).status == ClipStatus.READY
    assert list_suggestions(ctx, pat, clip.id) == []


def test_a_silent_clip_with_a_clear_reach_gets_it_suggested(ctx: Context,
                                                             tmp_path: Path) -> None:
    from tests.motion_clips import make_clip

    video = make_clip(tmp_path / "reach.mp4", 9, 60, [(3.0, 3.8, 60, 140)])
    pat, _, clip = _ready(ctx, video)
    result = analyse_clip(ctx, pat, clip.id)
    assert result.note == NO_SOUND  # the plain note for the sound ...
    (reach,) = list_suggestions(ctx, pat, clip.id)  # ... and the movement all the same
    assert (reach.kind, reach.code, reach.guess) == (EventKind.CUE, "C04", True)
    assert abs(reach.start_ms - 3000) <= 1000 and "toward the middle" in reach.basis
    event = accept_suggestion(ctx, pat, int(reach.id or 0), "C05")  # turned, not reached
    assert (event.code, event.coder) == ("C05", "pat")


def test_a_decision_on_what_was_heard_leaves_what_was_seen_then(ctx: Context) -> None:
    """The practitioner rejects "a cry at 12 s": the same cry heard again stays rejected,
    but a reach seen in the picture at 12.4 s is another observation and is suggested;
    accepting a cry does not hide it either."""
    from attune.detect.motion import Movement, motion_suggestions
    from attune.detect.segments import Segment, Voice
    from attune.detect.suggest import suggestions_from

    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("system") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY)

    def heard(start_ms: int) -> list:  # type: ignore[type-arg]
        return suggestions_from([Segment(Voice.CRY, start_ms, start_ms + 4000, 0.8, 420.0)])

    seen = motion_suggestions([Movement(12_400, 13_200, -1, True, 0.2, 0.9)])
    with ctx.db.transaction("worker") as tx:  # as the analysis stores them
        tx.replace_suggestions(clip.id, heard(12_000))
    (cry,) = list_suggestions(ctx, pat, clip.id)
    assert (cry.code, cry.start_ms) == ("C16", 12_000)
    reject_suggestion(ctx, pat, int(cry.id or 0))

    with ctx.db.transaction("worker") as tx:  # analysed again: the cry, and now the reach
        assert tx.replace_suggestions(clip.id, heard(12_200) + seen) == 1
    (reach,) = list_suggestions(ctx, pat, clip.id)
    assert (reach.code, reach.start_ms, reach.source) == ("C04", 12_400, "picture")
    assert cry.source == "sound"

    # accepted, the cry is an event of pat's; the reach is still its own suggestion
    with ctx.db.transaction("worker") as tx:
        tx.replace_suggestions(clip.id, heard(30_000))
    fresh = next(s for s in list_suggestions(ctx, pat, clip.id) if s.start_ms == 30_000)
    accept_suggestion(ctx, pat, int(fresh.id or 0))
    with ctx.db.transaction("worker") as tx:
        tx.replace_suggestions(clip.id, heard(12_200) + heard(30_300) + seen
                               + motion_suggestions([Movement(30_500, 31_200, 1, False,
                                                              0.2, 0.9)]))
    assert [(s.code, s.start_ms) for s in list_suggestions(ctx, pat, clip.id)] == \
        [("C04", 12_400), ("C13", 30_500)]


def test_suggestions_stored_before_know_where_they_came_from(ctx: Context) -> None:
    """Migration 0017 reads the source of the suggestions stored before it from their
    plain words: those from the picture begin "a movement"."""
    from alembic import command
    from sqlalchemy import text

    from attune.detect.motion import Movement, motion_suggestions
    from attune.detect.segments import Segment, Voice
    from attune.detect.suggest import suggestions_from
    from attune.storage.db import alembic_config, migrate

    pat = make_user(ctx, "pat")
    clip = make_clip(ctx, pat, make_family(ctx, pat))
    with ctx.db.transaction("worker") as tx:
        tx.replace_suggestions(clip.id, suggestions_from(
            [Segment(Voice.CRY, 1000, 5000, 0.8, 420.0)])
            + motion_suggestions([Movement(8000, 8800, -1, False, 0.2, 0.9)]))
    command.downgrade(alembic_config(ctx.db.engine), "0016")
    with ctx.db.engine.connect() as conn:
        columns = conn.execute(text("SELECT * FROM suggestions")).keys()
    assert "source" not in columns
    migrate(ctx.db.engine)
    with ctx.db.engine.connect() as conn:
        rows = conn.execute(text("SELECT code, source FROM suggestions ORDER BY start_ms"))
        assert [tuple(r) for r in rows] == [("C16", "sound"), ("C13", "picture")]
