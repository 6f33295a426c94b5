"""Families, their practitioners and parents, and sessions (visits)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from attune.core.accounts import Role, User
from attune.core.clip import Clip, ClipStatus
from attune.core.family import Family, Session
from attune.core.pronouns import Pronoun
from attune.errors import InputError
from attune.services import Context
from attune.services.access import (
    Action,
    decide_access,
    decide_many,
    family_ids_for,
    require_access,
    require_role,
)

FAMILY_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")
BIRTH_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def add_family(ctx: Context, actor: User, code: str, baby_name: str,
               birth_month: str | None = None,
               pronoun: Pronoun | str = Pronoun.THEY) -> Family:
    """Families are pseudonymous: a code and the baby's first name or nickname at most.
    ``pronoun`` is how captions and sentences for the parent speak of the baby."""
    require_role(ctx, actor, {Role.PRACTITIONER, Role.SUPERVISOR, Role.ADMIN}, "add a family")
    if not FAMILY_CODE.match(code):
        raise InputError("A family code needs 2-40 letters, digits, '-' or '_' (e.g. FAM-014). "
                         "Use a code, never the family's surname.")
    baby_name = _checked_baby_name(baby_name)
    pronoun = _checked_pronoun(pronoun)
    if birth_month and not BIRTH_MONTH.match(birth_month):
        raise InputError(f"Birth month {birth_month!r} should look like 2026-03 (year-month).")
    with ctx.db.transaction(actor.username) as tx:
        family = tx.add_family(code, baby_name, birth_month or None, pronoun)
        if actor.role == Role.PRACTITIONER:
            tx.assign_practitioner(code, actor.username)
            family = tx.get_family(code)
        return family


def _checked_baby_name(baby_name: str) -> str:
    baby_name = baby_name.strip()
    if not baby_name or len(baby_name) > 40 or len(baby_name.split()) > 2:
        raise InputError("Give the baby's first name or a nickname only (at most 40 "
                         "characters), so that the record stays pseudonymous.")
    return baby_name


def _checked_pronoun(pronoun: Pronoun | str) -> Pronoun:
    try:
        return Pronoun(pronoun)
    except ValueError:
        raise InputError(f"{pronoun!r} is not one of she, he or they: choose how the "
                         "captions speak of the baby.") from None


def set_baby(ctx: Context, actor: User, code: str, baby_name: str,
             pronoun: Pronoun | str) -> Family:
    """Change the baby's name or nickname and how words for the parent speak of them.
    Captions already written keep their words; new proposals and sentences use these."""
    baby_name = _checked_baby_name(baby_name)
    pronoun = _checked_pronoun(pronoun)
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.MANAGE_RECORD, family, what=f"change family {code}")
        return tx.set_baby(code, baby_name, pronoun)


def visible_families(ctx: Context, actor: User) -> list[Family]:
    with ctx.db.transaction(actor.username) as tx:
        ids = family_ids_for(tx, actor)
        return [f for f in tx.list_families() if f.id in ids]


def get_family(ctx: Context, actor: User, code: str,
               action: Action = Action.SEE_FAMILY) -> Family:
    """The family's record (admins see it, not its clips, to assign people)."""
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, action, family, what=f"open family {code}")
        return family


@dataclass(frozen=True)
class FamilyClips:
    """A family the actor may see, the clips of it they may open, and whether they may
    run it (assign people, link a parent, end involvement)."""

    family: Family
    clips: list[Clip]
    can_run: bool


def families_with_clips(ctx: Context, actor: User) -> list[FamilyClips]:
    """Every family ``actor`` may see (by code), with :func:`family_clips` and
    :func:`may_run_family` of each: the gate asked for all of them at once."""
    with ctx.db.transaction(actor.username) as tx:
        ids = family_ids_for(tx, actor)
        families = [f for f in tx.list_families() if f.id in ids]
        clips = tx.clips_of_families([f.id for f in families])
        items = [(f, c) for f in families for c in clips[f.id]]
        may_view = decide_many(tx, actor, Action.VIEW_CLIP, items)
        viewable = {c.id for (_, c), d in zip(items, may_view, strict=True) if d.allowed}
        may_run = decide_many(tx, actor, Action.RUN_FAMILY, [(f, None) for f in families])
        return [FamilyClips(f, [c for c in clips[f.id] if c.id in viewable], run.allowed)
                for f, run in zip(families, may_run, strict=True)]


def family_clips(ctx: Context, actor: User, family: Family) -> list[Clip]:
    """The family's clips that ``actor`` may open (none without the consent their use
    needs, e.g. supervision for a supervisor)."""
    with ctx.db.transaction(actor.username) as tx:
        clips = tx.clips_for_family(family.id)
        decisions = decide_many(tx, actor, Action.VIEW_CLIP, [(family, c) for c in clips])
        return [c for c, d in zip(clips, decisions, strict=True) if d.allowed]


def may_run_family(ctx: Context, actor: User, family: Family) -> bool:
    """Whether ``actor`` may assign people to ``family``, link a parent, end involvement."""
    with ctx.db.transaction(actor.username) as tx:
        return decide_access(tx, actor, Action.RUN_FAMILY, family).allowed


def editable_family_codes(ctx: Context, actor: User) -> list[str]:
    """The codes of the families ``actor`` may record consent for and upload to."""
    with ctx.db.transaction(actor.username) as tx:
        ids = family_ids_for(tx, actor)
        families = [f for f in tx.list_families() if f.id in ids]
        decisions = decide_many(tx, actor, Action.MANAGE_RECORD, [(f, None) for f in families])
        return [f.code for f, d in zip(families, decisions, strict=True) if d.allowed]


def processed_clips(ctx: Context, actor: User, family: Family
                    ) -> list[tuple[Clip, Session]]:
    """The family's processed clips (with a length) that ``actor`` may open, each with
    its session, as stored (the gate is asked for each clip: nothing for someone who may
    not open them)."""
    with ctx.db.transaction(actor.username) as tx:
        by_id = {s.id: s for s in tx.sessions_for_family(family.id)}
        ready = [c for c in tx.clips_for_family(family.id)
                 if c.status == ClipStatus.READY and c.duration_ms]
        decisions = decide_many(tx, actor, Action.VIEW_CLIP, [(family, c) for c in ready])
        return [(c, by_id[c.session_id]) for c, d in zip(ready, decisions, strict=True)
                if d.allowed]


def assign_practitioner(ctx: Context, actor: User, code: str, username: str) -> None:
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.RUN_FAMILY, family,
                       what=f"assign people to family {code}")
        tx.assign_practitioner(code, username)


def link_parent(ctx: Context, actor: User, code: str, username: str) -> None:
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.RUN_FAMILY, family,
                       what=f"link a parent to family {code}")
        tx.link_parent(code, username)


def end_involvement(ctx: Context, actor: User, code: str, ended_on: date | None) -> None:
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.RUN_FAMILY, family, what=f"change family {code}")
        tx.set_involvement_end(code, ended_on)


def add_session(ctx: Context, actor: User, code: str, held_on: date, note: str = "") -> Session:
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.MANAGE_RECORD, family,
                       what=f"add a session to family {code}")
        return tx.add_session(family.id, held_on, actor.username, note)


def sessions(ctx: Context, actor: User, code: str) -> list[Session]:
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.SEE_FAMILY, family,
                       what=f"see family {code}'s sessions")
        return tx.sessions_for_family(family.id)
