from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from attune.core.accounts import Role
from attune.core.consent import ConsentScope
from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.errors import (
    AuthError,
    ConflictError,
    ConsentError,
    InputError,
    MediaError,
    NotAllowedError,
)
from attune.services import Context
from attune.services.accounts import sign_in
from attune.services.clips import store_clip
from attune.services.consent import plan_withdrawal, withdraw_consent
from attune.services.events import add_event, delete_event, list_events, restore_event, update_event
from attune.services.families import add_family, end_involvement, visible_families
from attune.services.retention import run_retention
from attune.storage.models import Base
from tests.factories import PASSWORD, REAL_VIDEO, make_clip, make_family, make_user


def test_models_and_migrations_agree(ctx: Context) -> None:
    with ctx.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(
            conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models differ from migrations; add an Alembic revision: {diff}"


def test_audit_chain_detects_changed_removed_and_truncated(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    make_family(ctx, pat)
    with ctx.db.transaction("x") as tx:
        report = tx.verify_audit_chain()
        entries = tx.audit_entries()
    assert report.ok and report.entries == len(entries) > 5
    victim = entries[len(entries) // 2]
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :i"),
                     {"i": victim.id})
    with ctx.db.transaction("x") as tx:
        bad = tx.verify_audit_chain()
    assert not bad.ok and bad.entry_id == victim.id and "changed" in bad.problem
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = :a WHERE id = :i"),
                     {"a": victim.actor, "i": victim.id})
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": victim.id})
    with ctx.db.transaction("x") as tx:
        assert "removed" in tx.verify_audit_chain().problem
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id >= :i"), {"i": victim.id})
    with ctx.db.transaction("x") as tx:
        report = tx.verify_audit_chain()
    assert not report.ok and "newest" in report.problem


def test_event_history_conflict_and_reversible_delete(ctx: Context, tmp_path: Path) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    cue = add_event(ctx, pat, clip.id, "C02", 500)
    response = add_event(ctx, pat, clip.id, "R04", 900)
    assert response.answers_id == cue.id  # linked to the most recent open cue
    moved = update_event(ctx, pat, cue.id, cue.version, start_ms=400, end_ms=400)
    assert moved.version == cue.version + 1
    # a second editor who read the old version gets a conflict, never a silent overwrite
    with pytest.raises(ConflictError, match="changed by someone else"):
        update_event(ctx, pat, cue.id, cue.version, note="late edit")
    deleted = delete_event(ctx, pat, moved.id, moved.version)
    assert deleted.deleted_at is not None
    assert [e.id for e in list_events(ctx, pat, clip.id)] == [response.id]
    restore_event(ctx, pat, cue.id)
    assert len(list_events(ctx, pat, clip.id)) == 2
    with ctx.db.transaction("pat") as tx:
        history = tx.event_history(cue.id)
    assert [h.action for h in history] == ["create", "update", "delete", "restore"]
    assert history[1].before["start_ms"] == 500 and history[1].after["start_ms"] == 400
    assert history[1].actor == "pat"


def test_bad_event_input(ctx: Context, tmp_path: Path) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    with pytest.raises(InputError, match="Z99"):
        add_event(ctx, pat, clip.id, "Z99", 100)
    with pytest.raises(ValueError):
        add_event(ctx, pat, clip.id, "C01", 500, 100)
    with ctx.db.transaction("pat") as tx:
        assert tx.list_events(clip.id) == []


def test_upload_needs_consent_and_stores_once(ctx: Context, tmp_path: Path) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat, scopes=(ConsentScope.SUPERVISION,))
    f = tmp_path / "visit.mp4"
    f.write_bytes(REAL_VIDEO.read_bytes())
    with pytest.raises(ConsentError, match=r"Shared review consent .* not recorded"):
        store_clip(ctx, pat, family.code, f, f.name)
    assert not ctx.media.originals.exists() or not any(ctx.media.originals.rglob("*.*"))
    from attune.services.consent import record_consent

    record_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW, True, date.today())
    a = store_clip(ctx, pat, family.code, f, f.name)
    b = store_clip(ctx, pat, family.code, f, "again.mp4")
    assert a.sha256 == b.sha256
    assert [p for p in ctx.media.originals.rglob("*") if p.is_file()] == \
        [ctx.media.original_path(a.sha256)]


@pytest.mark.parametrize("content", [b"", b"not a video at all", "truncated"])
def test_upload_of_a_broken_file_keeps_nothing(ctx: Context, tmp_path: Path,
                                               content: bytes | str) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    good = make_clip(ctx, pat, family)
    f = tmp_path / "broken.mp4"
    f.write_bytes(REAL_VIDEO.read_bytes()[:3000] if content == "truncated" else content)
    with pytest.raises((MediaError, InputError), match=r"broken\.mp4"):
        store_clip(ctx, pat, family.code, f, f.name)
    files = [p for p in ctx.media.root.rglob("*") if p.is_file()]
    assert files == [ctx.media.original_path(good.sha256)]  # what was saved is still there
    with ctx.db.transaction("x") as tx:
        assert [c.id for c in tx.clips_for_family(family.id)] == [good.id]


def test_withdrawal_leaves_no_file_and_no_row(ctx: Context, tmp_path: Path) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    add_event(ctx, pat, clip.id, "C01", 1000)
    derived = ctx.media.clip_dir(clip.id)
    derived.mkdir(parents=True)
    (derived / "proxy.mp4").write_bytes(b"proxy")
    with ctx.db.transaction("pat") as tx:
        moment = tx.add_moment(clip.id, 0, 5000, "You smiled back.")
        tx.add_reel(family.id, "Maya's reel", [moment.id])
    plan = plan_withdrawal(ctx, pat, family.code, ConsentScope.SHARED_REVIEW)
    assert [c.id for c in plan.clips] == [clip.id] and plan.files == 2
    assert "deletes at once" in plan.describe()
    withdraw_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW)
    assert not derived.exists()
    assert not ctx.media.original_path(clip.sha256).exists()
    leftovers = [p for p in ctx.media.root.rglob("*") if p.is_file()]
    assert leftovers == []
    with ctx.db.engine.connect() as conn:
        for table in ("clips", "events", "event_changes", "moments", "reels", "reel_moments"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
    with ctx.db.transaction("x") as tx:
        tomb = tx.audit_entries(object_type="clip", object_id=clip.id, limit=1)[0]
        assert tx.verify_audit_chain().ok
    assert tomb.action == "delete" and tomb.detail["sha256"] == clip.sha256
    assert "v.mp4" not in str(tomb.detail)  # nothing of the content, not even the name


def test_failed_withdrawal_keeps_everything(ctx: Context, tmp_path: Path) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat, scopes=(ConsentScope.SUPERVISION,))
    # no shared_review consent to withdraw: nothing may be deleted
    with pytest.raises(InputError, match="no training consent in force"):
        withdraw_consent(ctx, pat, family.code, ConsentScope.TRAINING)


def test_retention_deletes_after_two_months(ctx: Context, tmp_path: Path) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    end = date.today() - timedelta(days=30)
    end_involvement(ctx, pat, family.code, end)
    admin = make_user(ctx, "admin", Role.ADMIN)  # retention is an administrator's to run
    assert run_retention(ctx, admin, dry_run=True) == []  # not yet two months
    later = date.today() + timedelta(days=40)
    items = run_retention(ctx, admin, later, dry_run=True)
    assert [i.clip_ids for i in items] == [(clip.id,)]
    with ctx.db.transaction("x") as tx:
        assert tx.get_clip(clip.id)  # dry run deleted nothing
    run_retention(ctx, admin, later)
    with ctx.db.transaction("x") as tx:
        assert tx.clips_for_family(family.id) == []
    assert not ctx.media.original_path(clip.sha256).exists()


def test_sign_in_lockout(ctx: Context) -> None:
    make_user(ctx, "pat")
    assert sign_in(ctx, "pat", PASSWORD).username == "pat"
    for _ in range(4):
        with pytest.raises(AuthError, match="do not match"):
            sign_in(ctx, "pat", "wrong password")
    with pytest.raises(AuthError, match="locked for 15 minutes"):
        sign_in(ctx, "pat", "wrong password")
    with pytest.raises(AuthError, match="locked"):
        sign_in(ctx, "pat", PASSWORD)  # even the right password waits
    with pytest.raises(AuthError, match="do not match"):
        sign_in(ctx, "nobody", PASSWORD)


def test_roles_and_assignments(ctx: Context, tmp_path: Path) -> None:
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    other = make_user(ctx, "olly")
    parent = make_user(ctx, "mum", Role.PARENT)
    family = make_family(ctx, pat)
    make_family(ctx, other, code="FAM-002", baby="Leo")
    assert [f.code for f in visible_families(ctx, pat)] == ["FAM-001"]
    assert [f.code for f in visible_families(ctx, sue)] == ["FAM-001"]  # her team's
    assert visible_families(ctx, parent) == []
    clip = make_clip(ctx, pat, family)
    with pytest.raises(NotAllowedError, match="Not allowed"):
        list_events(ctx, other, clip.id)
    with pytest.raises(NotAllowedError):
        add_event(ctx, sue, clip.id, "C01", 100)  # supervisors read, they do not code
    with pytest.raises(NotAllowedError):
        add_family(ctx, parent, "FAM-9", "Ava")
    with ctx.db.transaction("x") as tx:
        refusals = tx.audit_entries(object_type="access")
    assert {e.actor for e in refusals} == {"olly", "sue", "mum"}


def test_family_input_checks(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    with pytest.raises(InputError, match="code"):
        add_family(ctx, pat, "a b", "Maya")
    with pytest.raises(InputError, match="first name"):
        add_family(ctx, pat, "FAM-1", "Maya Jane Smith")
    with pytest.raises(InputError, match="2026-03"):
        add_family(ctx, pat, "FAM-1", "Maya", "March")
    add_family(ctx, pat, "FAM-1", "Maya")
    with pytest.raises(InputError, match="already exists"):
        add_family(ctx, pat, "FAM-1", "Maya")


def test_store_returns_dataclasses_only(ctx: Context, tmp_path: Path) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    with ctx.db.transaction("pat") as tx:
        clip = tx.add_clip(tx.add_session(family.id, date.today(), "pat").id, "x.mp4",
                           "0" * 64, 1, ConsentScope.SHARED_REVIEW)
        ev = tx.add_event(clip.id, Event(EventKind.CUE, "C01", 0, 0, coder="pat"))
    assert type(ev).__module__ == "attune.core.events"
    assert type(clip).__module__ == "attune.core.clip"
