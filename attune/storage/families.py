"""Families, their consent decisions and their visits (sessions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import CompoundSelect, literal_column, select, union_all

from attune.core.accounts import Role
from attune.core.consent import ConsentDecision, ConsentScope
from attune.core.family import Family, Session
from attune.core.pronouns import Pronoun
from attune.errors import InputError, NotFoundError
from attune.storage.accounts import Accounts
from attune.storage.models import (
    ConsentRecord,
    FamilyParentRecord,
    FamilyPractitionerRecord,
    FamilyRecord,
    SessionRecord,
    UserRecord,
)
from attune.storage.txbase import utcnow


class Families(Accounts):
    def add_family(self, code: str, baby_name: str, birth_month: str | None = None,
                   pronoun: Pronoun = Pronoun.THEY) -> Family:
        if self.orm.scalar(select(FamilyRecord.id).where(FamilyRecord.code == code)):
            raise InputError(f"A family with code {code!r} already exists; "
                             "choose another code.")
        rec = FamilyRecord(code=code, baby_name=baby_name, birth_month=birth_month,
                           pronoun=str(pronoun), created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "family", rec.id, {"code": code})
        return self._family(rec)

    def _family_rec(self, code: str) -> FamilyRecord:
        rec = self.orm.scalar(select(FamilyRecord).where(FamilyRecord.code == code))
        if rec is None:
            raise NotFoundError(f"There is no family with code {code!r}. "
                                "List families with `attune family list`.")
        return rec

    def _family(self, rec: FamilyRecord) -> Family:
        return self._families([rec])[0]

    def _families(self, recs: Sequence[FamilyRecord]) -> list[Family]:
        """Families with their practitioners and parents, in one query for all."""
        ids = [r.id for r in recs]
        people: dict[tuple[str, int], list[str]] = {}
        both: CompoundSelect[str, int, str] = union_all(*(
            select(literal_column(f"'{kind}'").label("kind"), link.family_id.label("family_id"),
                   UserRecord.username.label("username"))
            .join(UserRecord, link.user_id == UserRecord.id).where(link.family_id.in_(ids))
            for kind, link in (("practitioner", FamilyPractitionerRecord),
                               ("parent", FamilyParentRecord))))
        for kind, family_id, username in self.orm.execute(
                both.order_by(both.selected_columns.username)):
            people.setdefault((kind, family_id), []).append(username)
        return [Family(rec.id, rec.code, rec.baby_name, rec.birth_month,
                       rec.involvement_ended_on,
                       tuple(people.get(("practitioner", rec.id), ())),
                       tuple(people.get(("parent", rec.id), ())), Pronoun(rec.pronoun))
                for rec in recs]

    def set_baby(self, code: str, baby_name: str, pronoun: Pronoun) -> Family:
        """Change how the family's baby is named and spoken of."""
        rec = self._family_rec(code)
        before = {"baby_name": rec.baby_name, "pronoun": rec.pronoun}
        rec.baby_name, rec.pronoun = baby_name, str(pronoun)
        self.audit("change-baby", "family", rec.id,
                   {"before": before, "after": {"baby_name": baby_name,
                                                "pronoun": str(pronoun)}})
        return self._family(rec)

    def get_family(self, code: str) -> Family:
        return self._family(self._family_rec(code))

    def family_by_id(self, family_id: int) -> Family:
        rec = self.orm.get(FamilyRecord, family_id)
        if rec is None:
            raise NotFoundError(f"There is no family with id {family_id}.")
        return self._family(rec)

    def list_families(self) -> list[Family]:
        return self._families(list(
            self.orm.scalars(select(FamilyRecord).order_by(FamilyRecord.code))))

    def families_by_ids(self, family_ids: Sequence[int]) -> dict[int, Family]:
        """The families of ``family_ids`` (those that exist), by id, in a few queries."""
        if not family_ids:
            return {}
        recs = list(self.orm.scalars(select(FamilyRecord)
                                     .where(FamilyRecord.id.in_(set(family_ids)))))
        return {f.id: f for f in self._families(recs)}

    def assign_practitioner(self, code: str, username: str) -> None:
        fam, user = self._family_rec(code), self._user_rec(username)
        if user.role not in (Role.PRACTITIONER, Role.SUPERVISOR):
            raise InputError(f"{username} is a {user.role}, not a practitioner; only "
                             "practitioners and supervisors can be assigned to a family.")
        if self.orm.get(FamilyPractitionerRecord, (fam.id, user.id)) is None:
            self.orm.add(FamilyPractitionerRecord(family_id=fam.id, user_id=user.id))
            self.audit("assign-practitioner", "family", fam.id, {"username": username})

    def unassign_practitioner(self, code: str, username: str) -> None:
        fam, user = self._family_rec(code), self._user_rec(username)
        rec = self.orm.get(FamilyPractitionerRecord, (fam.id, user.id))
        if rec is not None:
            self.orm.delete(rec)
            self.audit("unassign-practitioner", "family", fam.id, {"username": username})

    def link_parent(self, code: str, username: str) -> None:
        fam, user = self._family_rec(code), self._user_rec(username)
        if user.role != Role.PARENT:
            raise InputError(f"{username} is a {user.role} account; link a parent account.")
        if self.orm.get(FamilyParentRecord, (fam.id, user.id)) is None:
            self.orm.add(FamilyParentRecord(family_id=fam.id, user_id=user.id))
            self.audit("link-parent", "family", fam.id, {"username": username})

    def set_involvement_end(self, code: str, ended_on: date | None) -> None:
        rec = self._family_rec(code)
        rec.involvement_ended_on = ended_on
        self.audit("set-involvement-end", "family", rec.id,
                   {"ended_on": ended_on.isoformat() if ended_on else None})

    def delete_family(self, code: str) -> None:
        rec = self._family_rec(code)
        self.orm.delete(rec)
        self.audit("delete", "family", rec.id, {"code": code})

    def record_consent(self, family_id: int, scope: ConsentScope, granted: bool,
                       decided_on: date, evidence: str = "", clip_id: int | None = None,
                       retain_until: date | None = None) -> ConsentDecision:
        recorder = self._user_rec(self.actor)
        rec = ConsentRecord(family_id=family_id, clip_id=clip_id, scope=str(scope),
                            granted=granted, decided_on=decided_on, recorded_by=recorder.id,
                            evidence=evidence, retain_until=retain_until, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("consent-record", "consent", rec.id,
                   {"family_id": family_id, "clip_id": clip_id, "scope": str(scope),
                    "granted": granted, "decided_on": decided_on.isoformat(),
                    "retain_until": retain_until.isoformat() if retain_until else None})
        return self._consent(rec)

    def _consent(self, rec: ConsentRecord, names: dict[int, str] | None = None
                 ) -> ConsentDecision:
        if names is None:
            recorder = self.orm.get(UserRecord, rec.recorded_by)
            recorded_by = recorder.username if recorder else ""
        else:
            recorded_by = names.get(rec.recorded_by, "")
        return ConsentDecision(
            family_id=rec.family_id, scope=ConsentScope(rec.scope), granted=rec.granted,
            decided_on=rec.decided_on, clip_id=rec.clip_id, retain_until=rec.retain_until,
            withdrawn_on=rec.withdrawn_on, id=rec.id, recorded_by=recorded_by,
            evidence=rec.evidence)

    def _usernames(self, user_ids: set[int]) -> dict[int, str]:
        """Usernames by id, in one query."""
        if not user_ids:
            return {}
        return {uid: name for uid, name in self.orm.execute(
            select(UserRecord.id, UserRecord.username).where(UserRecord.id.in_(user_ids)))}

    def consents_for_family(self, family_id: int) -> list[ConsentDecision]:
        return self.consents_for_families([family_id])[family_id]

    def consents_for_families(self, family_ids: Sequence[int]
                              ) -> dict[int, list[ConsentDecision]]:
        """Each family's consent decisions (oldest record first), in two queries."""
        out: dict[int, list[ConsentDecision]] = {fid: [] for fid in family_ids}
        if not family_ids:
            return out
        rows = list(self.orm.execute(  # the recorders' names in the same query
            select(ConsentRecord, UserRecord.username)
            .outerjoin(UserRecord, UserRecord.id == ConsentRecord.recorded_by)
            .where(ConsentRecord.family_id.in_(set(family_ids)))
            .order_by(ConsentRecord.id)))
        names = {rec.recorded_by: name for rec, name in rows if name is not None}
        for rec, _ in rows:
            out[rec.family_id].append(self._consent(rec, names))
        return out

    def withdraw_consent(self, family_id: int, scope: ConsentScope, on: date,
                         clip_id: int | None = None) -> list[ConsentDecision]:
        """Mark every granted, unwithdrawn decision of this scope (for the family, or for
        one clip) as withdrawn on ``on``. Returns what was withdrawn."""
        q = select(ConsentRecord).where(
            ConsentRecord.family_id == family_id, ConsentRecord.scope == str(scope),
            ConsentRecord.granted.is_(True), ConsentRecord.withdrawn_on.is_(None))
        if clip_id is not None:
            q = q.where(ConsentRecord.clip_id == clip_id)
        withdrawer = self._user_rec(self.actor)
        changed = []
        for rec in self.orm.scalars(q):
            rec.withdrawn_on = on
            rec.withdrawn_by = withdrawer.id
            changed.append(self._consent(rec))
            self.audit("consent-withdraw", "consent", rec.id,
                       {"family_id": family_id, "clip_id": rec.clip_id, "scope": str(scope),
                        "withdrawn_on": on.isoformat()})
        return changed

    def add_session(self, family_id: int, held_on: date, practitioner: str,
                    note: str = "") -> Session:
        user = self._user_rec(practitioner)
        rec = SessionRecord(family_id=family_id, held_on=held_on, practitioner_id=user.id,
                            note=note)
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "session", rec.id, {"family_id": family_id,
                                                 "held_on": held_on.isoformat()})
        return Session(rec.id, family_id, held_on, practitioner, note)

    def get_session(self, session_id: int) -> Session:
        rec = self.orm.get(SessionRecord, session_id)
        if rec is None:
            raise NotFoundError(f"There is no session with id {session_id}.")
        return self._session(rec)

    def _session(self, rec: SessionRecord) -> Session:
        user = self.orm.get(UserRecord, rec.practitioner_id)
        return Session(rec.id, rec.family_id, rec.held_on, user.username if user else "",
                       rec.note)

    def sessions_for_family(self, family_id: int) -> list[Session]:
        return self.sessions_of_families([family_id])[family_id]

    def sessions_of_families(self, family_ids: Sequence[int]) -> dict[int, list[Session]]:
        """Each family's sessions (visits), oldest first, in two queries."""
        out: dict[int, list[Session]] = {fid: [] for fid in family_ids}
        if not family_ids:
            return out
        recs = list(self.orm.scalars(
            select(SessionRecord).where(SessionRecord.family_id.in_(set(family_ids)))
            .order_by(SessionRecord.held_on, SessionRecord.id)))
        names = self._usernames({r.practitioner_id for r in recs})
        for rec in recs:
            out[rec.family_id].append(Session(rec.id, rec.family_id, rec.held_on,
                                              names.get(rec.practitioner_id, ""), rec.note))
        return out

    def find_session(self, family_id: int, held_on: date) -> Session | None:
        rec = self.orm.scalar(select(SessionRecord).where(
            SessionRecord.family_id == family_id, SessionRecord.held_on == held_on)
            .order_by(SessionRecord.id))
        return self._session(rec) if rec else None

