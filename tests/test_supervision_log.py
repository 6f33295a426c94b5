"""The supervision log and the accreditation portfolio: sessions logged by a supervisor
for their team, clips and reels named only when the gate lets the supervisor open them,
and a portfolio that names a family only when its consent covers supervision and
training (others are counted, never named). The PDF's text is read with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from attune.core.accounts import Role
from attune.core.consent import ConsentScope
from attune.errors import ConsentError, InputError, NotAllowedError
from attune.services import Context
from attune.services.events import add_event
from attune.services.supervision import mark_done
from attune.services.supervision_log import (
    log_supervision,
    portfolio,
    portfolio_pdf,
    reel_choices,
    supervision_log,
    supervision_log_entries,
)
from tests.factories import make_clip, make_family, make_user

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
NO_TRAINING = (ConsentScope.SHARED_REVIEW, ConsentScope.SUPERVISION,
               ConsentScope.SECOND_CODER)
NO_SUPERVISION = (ConsentScope.SHARED_REVIEW, ConsentScope.TRAINING)


@pytest.fixture
def world(ctx: Context):  # type: ignore[no-untyped-def]
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    nat = make_user(ctx, "nat")  # not in sue's team
    named = make_family(ctx, pat, "FAM-001", "Maya")
    untrained = make_family(ctx, pat, "FAM-002", "Leo", NO_TRAINING)
    unsupervised = make_family(ctx, pat, "FAM-003", "Ada", NO_SUPERVISION)
    clips = {f.code: make_clip(ctx, pat, f) for f in (named, untrained, unsupervised)}
    return sue, pat, nat, clips


def test_a_session_is_logged_for_the_team_with_clips_the_supervisor_may_open(
        ctx: Context, world) -> None:
    sue, pat, nat, clips = world
    day = date.today() - timedelta(days=2)
    logged = log_supervision(ctx, sue, "pat", day, 90,
                             [clips["FAM-001"].id, clips["FAM-002"].id],
                             notes="Watched the feeding clip together.",
                             actions="Code two more visits; bring the next reel.")
    assert (logged.practitioner, logged.held_on, logged.minutes) == ("pat", day, 90)
    assert logged.clip_ids == tuple(sorted([clips["FAM-001"].id, clips["FAM-002"].id]))
    assert supervision_log(ctx, sue) == [logged]
    assert supervision_log(ctx, pat) == [logged]  # the practitioner reads their own
    with pytest.raises(NotAllowedError):
        supervision_log(ctx, nat, "pat")
    # FAM-003 gave no supervision consent: its clip cannot be named, and nothing is saved
    with pytest.raises(ConsentError, match="Supervision consent"):
        log_supervision(ctx, sue, "pat", day, 60, [clips["FAM-001"].id, clips["FAM-003"].id])
    with pytest.raises(NotAllowedError, match="not a practitioner of your team"):
        log_supervision(ctx, sue, "nat", day, 60)
    with pytest.raises(NotAllowedError):
        log_supervision(ctx, pat, "pat", day, 60)
    with pytest.raises(InputError, match="in the future"):
        log_supervision(ctx, sue, "pat", date.today() + timedelta(days=1), 60)
    with pytest.raises(InputError, match="between 1 and 480 minutes"):
        log_supervision(ctx, sue, "pat", day, 0)
    assert supervision_log(ctx, sue) == [logged]


def test_the_portfolio_names_only_families_whose_consent_covers_it(ctx: Context,
                                                                   world) -> None:
    sue, pat, _, clips = world
    log_supervision(ctx, sue, "pat", date.today(), 75,
                    [clips["FAM-001"].id, clips["FAM-002"].id], notes="First session.")
    made = portfolio(ctx, sue, "pat")
    assert [f.code for f in made.families] == ["FAM-001"]
    assert made.families[0].visits == 1 and made.families[0].clips == 1
    assert (made.unnamed_families, made.unnamed_visits) == (2, 2)
    assert made.sessions[0].session.clip_ids == (clips["FAM-001"].id,)  # not FAM-002
    assert made.unnamed_items == 1 and made.minutes == 75
    assert "2 other families are counted in the totals but not named" in \
        made.consent_sentence()
    # the practitioner makes their own: the gate names the same families for them
    own = portfolio(ctx, pat, "pat")
    assert [f.code for f in own.families] == ["FAM-001"] and own.unnamed_families == 2
    assert own.own and own.made_by == "pat" and own.supervisors == ("sue",)
    assert own.sessions[0].session.clip_ids == (clips["FAM-001"].id,)
    assert own.sessions[0].watched == made.sessions[0].watched
    with pytest.raises(NotAllowedError, match="their own portfolio only"):
        portfolio(ctx, pat, "nat")  # another practitioner's: never
    with pytest.raises(NotAllowedError):
        portfolio(ctx, make_user(ctx, "mum", Role.PARENT), "pat")


def test_the_portfolio_pdf_reads_as_words(ctx: Context, world, tmp_path: Path) -> None:
    sue, pat, _, clips = world
    clip = clips["FAM-001"]
    sam = make_user(ctx, "sam", supervisor="sue")
    from attune.services.supervision import assign_double_coding

    add_event(ctx, pat, clip.id, "C01", 200)
    add_event(ctx, pat, clip.id, "C05", 700)
    with ctx.db.transaction("system") as tx:
        from attune.core.clip import ClipStatus

        tx.set_clip_media(clip.id, status=ClipStatus.READY)
    assign_double_coding(ctx, sue, share=1.0, family="FAM-001")
    add_event(ctx, sam, clip.id, "C01", 300)
    add_event(ctx, sam, clip.id, "C05", 650)
    mark_done(ctx, pat, clip.id)
    mark_done(ctx, sam, clip.id)
    log_supervision(ctx, sue, "pat", date.today(), 135, [clip.id],
                    notes="Looked at the pauses.", actions="Try waiting longer.")
    out = tmp_path / "portfolio.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    portfolio_pdf(ctx, sue, "pat", out)
    assert shutil.which("pdftotext"), "make test installs poppler-utils (pdftotext)"
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    shutil.copy(out, ARTIFACTS / "portfolio.pdf")  # look at it
    assert "Accreditation portfolio: pat" in flat
    assert "A family is named here only when its consent covers supervision and training" \
        in flat
    assert "FAM-001" in flat and "FAM-002" not in flat and "FAM-003" not in flat
    assert "1 supervision session with sue, 2 h 15 min in all." in flat
    assert "Looked at the pauses." in flat and "Try waiting longer." in flat
    assert "Agreement over time" in flat and "sam double-coding 1.00 green" in flat
    assert "No event kappa to chart" not in flat  # a value, so a line is drawn
    for header in ("filmed visits", "shared reviews", "next steps agreed", "compared with"):
        assert header in flat
    assert "_" not in flat and "None" not in flat and "{" not in flat


def _shared_reel(ctx: Context, pat, family, title: str) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.transaction(pat.username) as tx:
        reel = tx.add_reel(family.id, title, [])
        tx.share_reel(reel.id, "shared.mp4", {"moments": []})
    return reel.id


def test_reels_watched_are_named_in_words(ctx: Context, world) -> None:
    """The log names the reels (shared reviews) watched as the CLI can, in words: the
    family, the reel's title and the day it was shared; only reels the supervisor may
    watch are offered (FAM-003 gave no supervision consent)."""
    sue, pat, _, clips = world
    with ctx.db.transaction("test") as tx:
        fams = {f.code: f for f in tx.list_families()}
    maya = _shared_reel(ctx, pat, fams["FAM-001"], "Maya and you")
    ada = _shared_reel(ctx, pat, fams["FAM-003"], "Ada's smiles")
    with ctx.db.transaction(pat.username) as tx:
        draft = tx.add_reel(fams["FAM-001"].id, "Not made yet", []).id
    offered = reel_choices(ctx, sue)
    today = date.today()
    assert offered == {maya: f'FAM-001 · reel "Maya and you" · shared {today.day} '
                             f'{today:%b %Y}'}  # not FAM-003's, not a draft
    assert draft not in offered and ada not in offered
    with pytest.raises(ConsentError):
        log_supervision(ctx, sue, "pat", today, 30, reel_ids=[ada])
    logged = log_supervision(ctx, sue, "pat", today, 45, [clips["FAM-001"].id], [maya])
    assert logged.reel_ids == (maya,)
    for reader in (sue, pat):
        [entry] = supervision_log_entries(ctx, reader)
        assert entry.watched[1] == offered[maya]
        assert entry.watched[0].startswith("FAM-001 · Clip ")
        assert "visit of" in entry.watched[0]
    with pytest.raises(NotAllowedError):
        reel_choices(ctx, pat)


def test_a_practitioner_makes_their_own_portfolio_pdf(ctx: Context, world,
                                                      tmp_path: Path) -> None:
    """The practitioner's own portfolio: every session logged for them (two
    supervisors), their own agreement and calibration, and the same consent rule."""
    sue, pat, _, clips = world
    kim = make_user(ctx, "kim", Role.SUPERVISOR)
    with ctx.db.transaction("test") as tx:
        fams = {f.code: f for f in tx.list_families()}
    reel = _shared_reel(ctx, pat, fams["FAM-001"], "Maya and you")
    log_supervision(ctx, sue, "pat", date.today() - timedelta(days=7), 60,
                    [clips["FAM-001"].id, clips["FAM-002"].id], [reel],
                    notes="The feeding clip.")
    with ctx.db.transaction("test") as tx:  # pat moves to kim's team
        from attune.storage.models import UserRecord

        tx._user_rec("pat").supervisor_id = tx._user_rec("kim").id
        assert isinstance(tx._user_rec("pat"), UserRecord)
    log_supervision(ctx, kim, "pat", date.today(), 30, notes="First with kim.")
    own = portfolio(ctx, pat, "pat")
    assert own.supervisors == ("kim", "sue") and own.minutes == 90
    assert own.unnamed_items == 1  # FAM-002's clip: not named, not listed
    assert [e.session.supervisor for e in own.sessions] == ["sue", "kim"]
    assert len(portfolio(ctx, kim, "pat").sessions) == 1  # a supervisor's: their own
    out = tmp_path / "own.pdf"
    portfolio_pdf(ctx, pat, "pat", out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(out, ARTIFACTS / "portfolio-own.pdf")
    assert "by pat (their own, with every session logged for them)" in flat
    assert "2 supervision sessions with kim and sue, 1 h 30 min in all." in flat
    assert 'reel "Maya and you"' in flat and "FAM-001 · Clip" in flat
    assert "FAM-002" not in flat and "FAM-003" not in flat
    assert "_" not in flat and "None" not in flat and "{" not in flat
