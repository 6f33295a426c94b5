"""Setting up an installation (``attune init``) and the demo data (``attune demo``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from attune.core.accounts import Role
from attune.core.coding import CodingRole
from attune.core.consent import ConsentScope
from attune.core.pronouns import Pronoun
from attune.errors import NotFoundError
from attune.services import Context
from attune.services.accounts import hash_password
from attune.services.schemes import install_default_scheme

SAMPLE_CLIPS = Path(__file__).resolve().parents[2] / "sample_clips"
DEMO_FAMILY = "DEMO-01"
DEMO_PASSWORD = "attune-demo"
# (username, role, display name, supervisor)
DEMO_ACCOUNTS: tuple[tuple[str, Role, str, str | None], ...] = (
    ("admin", Role.ADMIN, "Administrator", None),
    ("sue", Role.SUPERVISOR, "Sue (supervisor)", None),
    ("pat", Role.PRACTITIONER, "Pat (practitioner)", "sue"),
    ("sam", Role.PRACTITIONER, "Sam (second coder)", "sue"),
    ("parent", Role.PARENT, "Maya's parent", None),
)
# who codes in the demo: the sample clips' true events become pat's, the second coder's
# file becomes sam's
DEMO_CODERS = {"truth": "pat", "coder2": "sam"}


def initialise(ctx: Context) -> dict[str, Any]:
    """Migrations are run by ``Context.open(migrate=True)``; install the default scheme."""
    with ctx.db.transaction("system") as tx:
        install_default_scheme(tx)
        schemes = [f"{s.name} v{s.version}" for s in tx.list_schemes()]
    ctx.media.root.mkdir(parents=True, exist_ok=True)
    return {"data_dir": str(ctx.settings.data_dir), "schemes": schemes}


def ensure_demo_accounts(ctx: Context) -> list[dict[str, str]]:
    """Initialise, and add the demo accounts that are missing; returns them all."""
    initialise(ctx)
    hashed = hash_password(DEMO_PASSWORD)
    with ctx.db.transaction("system") as tx:
        known = {u.username for u in tx.list_users()}
        for username, role, name, supervisor in DEMO_ACCOUNTS:
            if username not in known:
                tx.add_user(username, name, role, hashed, supervisor)
    return [{"username": u, "password": DEMO_PASSWORD, "role": str(r)}
            for u, r, _, _ in DEMO_ACCOUNTS]


def load_demo(ctx: Context, *, ingest: bool = True) -> dict[str, Any]:
    """Load the demo (again): accounts, a family with every consent, one session, the
    sample clips and both coders' events. Safe to run twice: an existing demo is kept."""
    accounts = ensure_demo_accounts(ctx)
    with ctx.db.transaction("pat") as tx:
        try:
            family = tx.get_family(DEMO_FAMILY)
        except NotFoundError:
            family = tx.add_family(DEMO_FAMILY, "Maya", "2026-05", Pronoun.SHE)
            tx.assign_practitioner(DEMO_FAMILY, "pat")
            tx.assign_practitioner(DEMO_FAMILY, "sam")
            tx.link_parent(DEMO_FAMILY, "parent")
            consented_on = date.today() - timedelta(days=14)
            for scope in ConsentScope:
                tx.record_consent(family.id, scope, True, consented_on,
                                  "Demo: signed form in the family file")
        existing = tx.clips_for_family(family.id)
    clip_ids = [c.id for c in existing]
    if not existing:
        clip_ids = _load_sample_clips(ctx, family.id)
    if ingest:
        from attune.services.ingest import ingest_now

        for clip_id in clip_ids:
            ingest_now(ctx, clip_id)
    return {"family": DEMO_FAMILY, "baby": "Maya", "clips": clip_ids, "accounts": accounts}


def _load_sample_clips(ctx: Context, family_id: int) -> list[int]:
    from attune.interchange.events_json import read_events_json

    clip_ids = []
    videos = sorted(SAMPLE_CLIPS.glob("*.mp4"))
    for day_offset, video in enumerate(videos):
        held_on = date.today() - timedelta(days=7 * (len(videos) - day_offset))
        sha, size = ctx.media.store_file(video)
        with ctx.db.transaction("pat") as tx:
            session = tx.add_session(family_id, held_on, "pat", f"Demo visit {day_offset + 1}")
            clip = tx.add_clip(session.id, video.name, sha, size, ConsentScope.SHARED_REVIEW)
            for events_file in sorted(video.parent.glob(video.stem + ".*events.json")):
                doc = read_events_json(events_file)
                events = [replace(e, coder=DEMO_CODERS.get(e.coder, e.coder))
                          for e in doc.events]
                links = {i: e.answers_id - 1 for i, e in enumerate(events)
                         if e.answers_id is not None}
                for coder in {e.coder for e in events}:
                    idx = [i for i, e in enumerate(events) if e.coder == coder]
                    local = {old: new for new, old in enumerate(idx)}
                    tx.add_events(clip.id, [events[i] for i in idx],
                                  links={local[i]: local[j] for i, j in links.items()
                                         if i in local and j in local})
                    # the demo's double-coded clip: sam coded it blind, both are done
                    role = CodingRole.PRIMARY if coder == "pat" else CodingRole.SECOND
                    tx.assign_coder(clip.id, coder, role)
                    tx.mark_coding_done(clip.id, coder)
        clip_ids.append(clip.id)
    return clip_ids
