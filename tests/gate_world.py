"""One world for the gate's matrix (tests/test_gate.py, tests/test_gate_routes_pages.py),
built once per test module on SQLite, and on PostgreSQL when ATTUNE_TEST_DATABASE_URL is
set.

People: ``sue`` supervises ``pat``, ``sam`` and ``tia``; ``ola`` supervises ``oli``; ``nat``
is a practitioner in no team; ``mum`` is FAM-A's parent, ``dad`` FAM-B's; ``admin``.
Families (all of pat's but FAM-B, oli's): FAM-A (every consent), FAM-N (no supervision
consent), FAM-W (second-coder consent withdrawn after sam coded), FAM-B (every consent).
Clips: A1 (sam second coder, blind: nobody done), A2 (sam second coder, both done), N1,
W1 (sam's assignment ended by the withdrawal), B1, and two gold clips of a calibration
(sam their gold coder, tia the trainee, blind: nobody done): A3, and A4 whose training
consent the family then declined for that clip. Every clip has a processed copy on disk
(a few bytes: what matters is whether it is served), and every event a note that must
never reach anyone who may not open the clip.

:data:`CELLS` are the matrix's rows: who, which clip, how they stand to it, the consent in
force for it, and whether they are blind on it; :func:`expected` reads the answer from the
policy table itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from attune.config import Settings
from attune.core.accounts import Role, User
from attune.core.clip import ClipStatus
from attune.core.coding import CodingRole
from attune.core.consent import ConsentScope
from attune.core.policy import POLICY, Action, Relation
from attune.jobs import open_context
from attune.services import Context
from attune.services.consent import record_consent, withdraw_consent
from attune.services.events import add_event
from attune.services.families import link_parent
from attune.services.schemes import install_default_scheme
from attune.services.supervision import create_calibration, set_gold_coder
from attune.storage.db import make_engine, migrate
from tests.conftest import PG_URL, drop_pg_database, new_pg_database, pg_url
from tests.factories import make_clip, make_family, make_user

ALL = tuple(ConsentScope)
NO_SUPERVISION = tuple(s for s in ConsentScope if s != ConsentScope.SUPERVISION)
DAY = date.today() - timedelta(days=3)
BABIES = {"FAM-A": "Aurelia", "FAM-N": "Nerys", "FAM-W": "Wilhelmina", "FAM-B": "Bartholomew"}
PROXY = b"\x00\x00\x00\x18ftypmp42 a processed copy"


@dataclass
class World:
    ctx: Context
    users: dict[str, User]
    clips: dict[str, int]
    settings: Settings

    def family_of(self, clip: str) -> str:
        return "FAM-" + clip[0]

    def secrets(self, clip: str, *, record: bool = True) -> list[str]:
        """What must not appear in an answer to someone refused ``clip`` (``record``:
        the family's record too, for someone who may not see it either)."""
        code = self.family_of(clip)
        return [*([BABIES[code]] if record else []), f"note-{clip}-pat", f"note-{clip}-sam",
                f"note-{clip}-oli", f"note-{clip}-tia", "a processed copy"]


def build(settings: Settings) -> World:
    ctx = open_context(settings)  # with the job queue, as the app opens it
    with ctx.db.transaction("system") as tx:
        install_default_scheme(tx)
    u = {n: make_user(ctx, n, r, s) for n, r, s in [
        ("sue", Role.SUPERVISOR, None), ("ola", Role.SUPERVISOR, None),
        ("pat", Role.PRACTITIONER, "sue"), ("sam", Role.PRACTITIONER, "sue"),
        ("tia", Role.PRACTITIONER, "sue"),
        ("oli", Role.PRACTITIONER, "ola"), ("nat", Role.PRACTITIONER, None),
        ("mum", Role.PARENT, None), ("dad", Role.PARENT, None)]}
    u["admin"] = make_user(ctx, "admin", Role.ADMIN)
    pat, oli = u["pat"], u["oli"]
    fam = {code: make_family(ctx, oli if code == "FAM-B" else pat, code, baby,
                             scopes=NO_SUPERVISION if code == "FAM-N" else ALL)
           for code, baby in BABIES.items()}
    link_parent(ctx, pat, "FAM-A", "mum")
    link_parent(ctx, oli, "FAM-B", "dad")
    clips = {key: make_clip(ctx, oli if key == "B1" else pat, fam["FAM-" + key[0]]).id
             for key in ("A1", "A2", "N1", "W1", "B1", "A3", "A4")}
    for key, cid in clips.items():
        coder = oli if key == "B1" else pat
        add_event(ctx, coder, cid, "C01", 100, note=f"note-{key}-{coder.username}")
        folder = ctx.media.clip_dir(cid)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "proxy.mp4").write_bytes(PROXY)
        with ctx.db.transaction("system") as tx:
            tx.set_clip_media(cid, status=ClipStatus.READY, duration_ms=1000)
    for key in ("A1", "A2", "W1"):
        with ctx.db.transaction("sue") as tx:
            tx.assign_coder(clips[key], "pat", CodingRole.PRIMARY)
            tx.assign_coder(clips[key], "sam", CodingRole.SECOND)
        add_event(ctx, u["sam"], clips[key], "C01", 120, note=f"note-{key}-sam")
    with ctx.db.transaction("pat") as tx:  # A2: both coders done
        tx.mark_coding_done(clips["A2"], "pat")
    with ctx.db.transaction("sam") as tx:
        tx.mark_coding_done(clips["A2"], "sam")
    withdraw_consent(ctx, pat, "FAM-W", ConsentScope.SECOND_CODER)
    for key in ("A3", "A4"):  # the calibration: sam's gold coding, tia codes blind
        set_gold_coder(ctx, u["sue"], clips[key], "sam")
        add_event(ctx, u["sam"], clips[key], "C01", 120, note=f"note-{key}-sam")
    create_calibration(ctx, u["sue"], "Spring", [clips["A3"], clips["A4"]], ["tia"], 70)
    for key in ("A3", "A4"):
        add_event(ctx, u["tia"], clips[key], "C01", 140, note=f"note-{key}-tia")
    record_consent(ctx, pat, "FAM-A", ConsentScope.TRAINING, False, date.today(),
                   "the parent said no for this visit", clip_id=clips["A4"])
    return World(ctx, u, clips, settings)


def _settings(root: Path, url: str) -> Settings:
    return Settings.from_env({"ATTUNE_DATA_DIR": str(root / "data"),
                              "ATTUNE_DATABASE_URL": url})


def world_fixture(*, postgresql: bool = False) -> Callable[..., Iterator[World]]:
    """A module-scoped fixture building the world (on PostgreSQL: skipped without
    ATTUNE_TEST_DATABASE_URL)."""

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
        root = tmp_path_factory.mktemp("gate_pg" if postgresql else "gate")
        if not postgresql:
            url = f"sqlite:///{root / 'attune.db'}"
            engine = make_engine(url)
            migrate(engine)
            engine.dispose()
            w = build(_settings(root, url))
            yield w
            w.ctx.close()
            return
        if not PG_URL:
            pytest.skip("ATTUNE_TEST_DATABASE_URL is not set")
        name = new_pg_database(prefix="attune_gate")
        url = pg_url(name)
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        w = build(_settings(root, url))
        yield w
        w.ctx.close()
        drop_pg_database(name)

    return fixture


# (who, clip, their relations to it, the consent scopes in force for it, blind?)
Cell = tuple[str, str, frozenset[Relation], frozenset[ConsentScope], bool]
CELLS: list[Cell] = [
    ("pat", "A1", frozenset({Relation.PRACTITIONER}), frozenset(ALL), True),  # own family
    ("oli", "A1", frozenset(), frozenset(ALL), False),  # another family
    ("nat", "A1", frozenset(), frozenset(ALL), False),  # in no team
    ("sam", "A1", frozenset({Relation.SECOND_CODER}), frozenset(ALL), True),  # blind
    ("sam", "A2", frozenset({Relation.SECOND_CODER}), frozenset(ALL), False),  # done
    ("sam", "W1", frozenset(),  # second_coder withdrawn: the assignment ended
     frozenset(ALL) - {ConsentScope.SECOND_CODER}, False),
    ("sue", "A1", frozenset({Relation.SUPERVISOR}), frozenset(ALL), False),  # own team
    ("sue", "N1", frozenset({Relation.SUPERVISOR}), frozenset(NO_SUPERVISION), False),
    ("ola", "A1", frozenset(), frozenset(ALL), False),  # another team
    ("mum", "A1", frozenset({Relation.PARENT}), frozenset(ALL), False),  # own family
    ("dad", "A1", frozenset(), frozenset(ALL), False),  # another family
    ("admin", "A1", frozenset({Relation.ADMIN}), frozenset(ALL), False),
    ("tia", "A3", frozenset({Relation.TRAINEE}), frozenset(ALL), True),  # a trainee, blind
    ("tia", "A4", frozenset({Relation.TRAINEE}),  # training declined for the clip
     frozenset(ALL) - {ConsentScope.TRAINING}, False),
]

#: Those who code a clip only because they were given it (never its family's record).
ASSIGNED = frozenset({Relation.SECOND_CODER, Relation.TRAINEE})


def cell(who: str, clip: str) -> Cell:
    return next(c for c in CELLS if c[:2] == (who, clip))


def expected(action: Action, rels: frozenset[Relation], scopes: frozenset[ConsentScope]
             ) -> bool:
    """What the policy table says, read directly (filmed under: shared review)."""
    for rule in POLICY:
        needs = rule.scopes(ConsentScope.SHARED_REVIEW)
        if rule.who in rels and action in rule.may and all(s in scopes for s in needs):
            return True
    return False


def no_secrets(w: World, clip: str, answer: str, *, record: bool = True) -> None:
    """A refused answer carries none of the family's data (``record``: nor its record)."""
    found = [s for s in w.secrets(clip, record=record) if s in answer]
    assert not found, f"refused, yet the answer holds {found}: {answer[:400]}"
