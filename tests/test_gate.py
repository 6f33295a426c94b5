"""The one gate (services/access + core/policy): a role x action x object matrix whose
expected answers come from the policy table, and a test for each reproduced leak.

The world (tests/gate_world.py) is built once per module on SQLite (and once on
PostgreSQL when ATTUNE_TEST_DATABASE_URL is set). A refused cell raises NotAllowedError
(or exits 2) and its message holds none of the family's data.

Cells: services 12 people-and-clips x 8 uses = 96; commands 13 (no account too) x 6 = 78;
with tests/test_gate_routes_pages.py (routes 13 x 2 = 26, pages 13 x 9 = 117) that is 317
on each database, and tests/test_cli_roles.py adds every command x 6 accounts (294)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from attune.core.accounts import Role, User
from attune.core.coding import CodingRole
from attune.core.consent import ConsentScope
from attune.core.policy import Action, Relation
from attune.errors import ConsentError, MediaError, NotAllowedError, NotFoundError
from attune.services import Context
from attune.services.analysis import clip_contingency, clip_tallies, family_tallies
from attune.services.clips import get_clip
from attune.services.consent import record_consent, withdraw_consent
from attune.services.events import add_event, list_events
from attune.services.exchange import export_clip_events
from attune.services.families import assign_practitioner
from attune.services.reels import propose
from attune.services.suggestions import list_suggestions
from attune.services.supervision import assign_double_coding, my_assignments, set_gold_coder
from attune.ui.routes import media_file
from attune.ui.workspace import Workspace
from tests.factories import make_clip, make_family, make_user
from tests.gate_world import (
    CELLS,
    DAY,
    NO_SUPERVISION,
    World,
    cell,
    expected,
    no_secrets,
    world_fixture,
)

world = world_fixture()
pg_world = world_fixture(postgresql=True)


Call = Callable[[World, User, int], Any]


def _media(w: World, user: User, clip_id: int) -> Any:
    try:
        return media_file(w.ctx, user, "proxy", clip_id, "proxy.mp4")
    except NotAllowedError:
        raise
    except Exception:  # allowed: the file is simply not made in this world
        return "allowed"


def _export(w: World, user: User, clip_id: int) -> Any:
    out = w.settings.data_dir / f"export-{user.username}-{clip_id}.json"
    export_clip_events(w.ctx, user, clip_id, out)
    return [e["coder"] for e in json.loads(out.read_text())["events"]]


def _family_tally(w: World, user: User, clip_id: int) -> Any:
    code = {v: k for k, v in w.clips.items()}[clip_id]
    return family_tallies(w.ctx, user, "FAM-" + code[0])


SERVICE_ACTIONS: dict[str, tuple[Action, Call]] = {
    "clip info": (Action.VIEW_CLIP, lambda w, u, c: get_clip(w.ctx, u, c)),
    "events list": (Action.VIEW_CLIP, lambda w, u, c: [e.coder for e in
                                                       list_events(w.ctx, u, c)]),
    "events export": (Action.VIEW_CLIP, _export),
    "clip tally": (Action.VIEW_CLIP, lambda w, u, c: clip_tallies(w.ctx, u, c)),
    "clip beyond chance": (Action.VIEW_CLIP, lambda w, u, c: clip_contingency(w.ctx, u, c)),
    "family tally": (Action.VIEW_CLIP, _family_tally),
    "media route": (Action.VIEW_CLIP, _media),
    "propose moments": (Action.MAKE_REEL, lambda w, u, c: propose(w.ctx, u, c)),
    "suggestions": (Action.USE_SUGGESTIONS, lambda w, u, c: list_suggestions(w.ctx, u, c)),
}


def _cells() -> list[Any]:
    return [pytest.param(who, clip, name, id=f"{who}-{clip}-{name}")
            for who, clip, *_ in CELLS for name in SERVICE_ACTIONS]


def _run_cell(w: World, who: str, clip: str, name: str) -> None:
    _, _, rels, scopes, blind = cell(who, clip)
    action, call = SERVICE_ACTIONS[name]
    user, clip_id = w.users[who], w.clips[clip]
    if name == "family tally" and Relation.SECOND_CODER in rels:
        rels = frozenset()  # the family's record is not theirs: only the one clip
    if expected(action, rels, scopes):
        answer = call(w, user, clip_id)
        if blind and name in ("events list", "events export"):
            assert set(answer) <= {who}, f"{who} is blind on {clip} but saw {answer}"
        if name == "propose moments" and blind:
            assert answer == []  # never from the other coder's events
    else:
        with pytest.raises(NotAllowedError) as err:
            call(w, user, clip_id)  # refused: nothing is returned
        no_secrets(w, clip, str(err.value))


@pytest.mark.parametrize(("who", "clip", "name"), _cells())
def test_matrix_services(world: World, who: str, clip: str, name: str) -> None:
    _run_cell(world, who, clip, name)


@pytest.mark.parametrize(("who", "clip", "name"), _cells())
def test_matrix_services_postgresql(pg_world: World, who: str, clip: str, name: str) -> None:
    _run_cell(pg_world, who, clip, name)


#: command -> (its arguments for the clip, the action, about the family rather than the clip)
CLI_ACTIONS: dict[str, tuple[Callable[[World, str], list[str]], Action, bool]] = {
    "clip info": (lambda w, c: ["clip", "info", str(w.clips[c])], Action.VIEW_CLIP, False),
    "events list": (lambda w, c: ["events", "list", str(w.clips[c])], Action.VIEW_CLIP,
                    False),
    "events export": (lambda w, c: ["events", "export", str(w.clips[c]),
                                    str(w.settings.data_dir / f"cli-{c}.csv")],
                      Action.VIEW_CLIP, False),
    "tally": (lambda w, c: ["tally", "--family", w.family_of(c)], Action.VIEW_CLIP, True),
    "reel propose": (lambda w, c: ["reel", "propose", str(w.clips[c])], Action.MAKE_REEL,
                     False),
    "agreement": (lambda w, c: ["agreement", "--clip", str(w.clips[c]), "--coders", "pat,sam"],
                  Action.VIEW_CLIP, False),  # blind: refused (it would show the other coder)
}
CLI_WHO = [(who, clip) for who, clip, *_ in CELLS] + [(None, "A1")]  # None: no --as


CLI_CELLS = [pytest.param(who, clip, name, id=f"{who}-{clip}-{name}")
             for who, clip in CLI_WHO for name in CLI_ACTIONS]


@pytest.mark.parametrize(("who", "clip", "name"), CLI_CELLS)
def test_matrix_cli(world: World, monkeypatch: pytest.MonkeyPatch, who: str | None,
                    clip: str, name: str) -> None:
    _cli_cell(world, monkeypatch, who, clip, name)


@pytest.mark.parametrize(("who", "clip", "name"), CLI_CELLS)
def test_matrix_cli_postgresql(pg_world: World, monkeypatch: pytest.MonkeyPatch,
                               who: str | None, clip: str, name: str) -> None:
    _cli_cell(pg_world, monkeypatch, who, clip, name)


def _cli_cell(world: World, monkeypatch: pytest.MonkeyPatch, who: str | None, clip: str,
              name: str) -> None:
    from attune.cli import main

    rels, scopes, blind = cell(who, clip)[2:] if who else (frozenset(), frozenset(), False)
    args, action, of_family = CLI_ACTIONS[name]
    if of_family and Relation.SECOND_CODER in rels:
        rels = frozenset()  # the family's record is not theirs: only the one clip
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(world.settings.data_dir))
    monkeypatch.setenv("ATTUNE_DATABASE_URL", world.settings.database_url)
    monkeypatch.delenv("ATTUNE_USER", raising=False)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args(world, clip), *(["--as", who] if who else [])])
    allowed = who is not None and expected(action, rels, scopes) and \
        not (name == "agreement" and blind)
    if allowed:
        assert code == 0, err.getvalue()
        if blind and name == "events list":
            other = "sam" if who == "pat" else "pat"
            assert other not in out.getvalue() and f"note-{clip}-{other}" not in out.getvalue()
    else:
        assert code == 2 and out.getvalue() == "", err.getvalue()
        assert ("Not allowed" if who else "--as") in err.getvalue()
        no_secrets(world, clip, err.getvalue())


def test_no_session_gets_no_media(world: World) -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from attune.ui.routes import build_routes

    client = TestClient(Starlette(routes=build_routes(lambda: world.ctx)))
    answer = client.get(f"/api/media/proxy/{world.clips['A1']}/proxy.mp4")
    assert answer.status_code == 403 and not answer.content.startswith(b"\x00")


# ------------------------------------------------------------------ reproductions
def test_refusal_names_the_missing_consent_in_plain_words(world: World) -> None:
    with pytest.raises(ConsentError) as err:
        list_events(world.ctx, world.users["sue"], world.clips["N1"])
    msg = str(err.value)
    assert "Supervision consent for this family is not recorded" in msg
    assert "Consent page" in msg and "supervision_" not in msg and "shared_review" not in msg


def test_gold_coder_must_be_in_the_team_and_have_training_consent(world: World) -> None:
    ctx, sue = world.ctx, world.users["sue"]
    with pytest.raises(NotAllowedError, match="not a practitioner of your team"):
        set_gold_coder(ctx, sue, world.clips["A1"], "nat")
    with pytest.raises(NotAllowedError):
        list_events(ctx, world.users["nat"], world.clips["A1"])  # nothing was given
    plan = assign_double_coding(ctx, sue, share=1.0, family="FAM-W")
    assert not plan.chosen  # second_coder withdrawn: no clip of FAM-W is given out


def test_assign_refuses_coders_outside_the_team(world: World) -> None:
    with pytest.raises(NotAllowedError, match="nat is not a practitioner of your team"):
        assign_double_coding(world.ctx, world.users["sue"], share=1.0, coders=["pat", "nat"])


def test_gold_needs_training_consent(ctx: Context) -> None:
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", Role.PRACTITIONER, "sue")
    make_user(ctx, "sam", Role.PRACTITIONER, "sue")
    fam = make_family(ctx, pat, "FAM-T",
                      scopes=(ConsentScope.SHARED_REVIEW, ConsentScope.SUPERVISION))
    clip = make_clip(ctx, pat, fam)
    record_consent(ctx, pat, "FAM-T", ConsentScope.TRAINING, False, DAY)
    with pytest.raises(ConsentError, match="Training consent for this family was declined"):
        set_gold_coder(ctx, sue, clip.id, "sam")
    with pytest.raises(NotAllowedError):
        get_clip(ctx, make_user(ctx, "eve", Role.PRACTITIONER, "sue"), clip.id)


def test_withdrawing_second_coder_ends_the_second_coders_access(ctx: Context) -> None:
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", Role.PRACTITIONER, "sue")
    sam = make_user(ctx, "sam", Role.PRACTITIONER, "sue")
    fam = make_family(ctx, pat, "FAM-S")
    clip = make_clip(ctx, pat, fam)
    add_event(ctx, pat, clip.id, "C01", 100)
    _assign(ctx, sue, clip.id)  # (the clip is not processed: assigned directly)
    assert list_events(ctx, sam, clip.id) == []  # blind, but in
    add_event(ctx, sam, clip.id, "C01", 150)
    from attune.services.consent import plan_withdrawal
    said = plan_withdrawal(ctx, pat, "FAM-S", ConsentScope.SECOND_CODER).describe()
    assert "ends 1 assignment(s) to code a clip as second coder" in said  # shown first
    withdraw_consent(ctx, pat, "FAM-S", ConsentScope.SECOND_CODER)
    for use in (lambda: list_events(ctx, sam, clip.id),
                lambda: add_event(ctx, sam, clip.id, "C01", 200),
                lambda: media_file(ctx, sam, "proxy", clip.id, "proxy.mp4")):
        with pytest.raises(NotAllowedError):
            use()
    assert my_assignments(ctx, sam) == []
    with ctx.db.transaction("test") as tx:  # the assignment row ended, not just hidden
        assert [a.coder for a in tx.assignments(clip_id=clip.id)] == ["pat"]
        ended = [e for e in tx.audit_entries() if e.action == "assignment-ended"]
    assert ended and ended[-1].detail["events_deleted"] == 1
    # the second coding made under the withdrawn consent went with it
    assert {e.coder for e in list_events(ctx, pat, clip.id)} == {"pat"}


def test_adding_an_event_asks_the_gate_before_the_scheme(ctx: Context) -> None:
    """Someone refused hears 'not allowed' whatever code they try: a code check first
    would tell them which codes the clip's scheme has."""
    pat = make_user(ctx, "pat")
    eve = make_user(ctx, "eve")
    clip = make_clip(ctx, pat, make_family(ctx, pat, "FAM-G"))
    for code in ("C01", "NOT-A-CODE"):
        with pytest.raises(NotAllowedError):
            add_event(ctx, eve, clip.id, code, 100)
    from attune.errors import InputError
    with pytest.raises(InputError):  # the family's practitioner still hears about the code
        add_event(ctx, pat, clip.id, "NOT-A-CODE", 100)


def test_clip_withdrawal_under_a_family_consent_deletes_the_clip(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    fam = make_family(ctx, pat, "FAM-C")
    keep, gone = make_clip(ctx, pat, fam), make_clip(ctx, pat, fam)
    done = withdraw_consent(ctx, pat, "FAM-C", ConsentScope.SHARED_REVIEW, clip_id=gone.id)
    assert [c.id for c in done.clips] == [gone.id]
    from attune.errors import NotFoundError
    with pytest.raises(NotFoundError):
        get_clip(ctx, pat, gone.id)
    assert get_clip(ctx, pat, keep.id).id == keep.id  # the family's consent stays


def test_clip_level_decline_stops_the_proxy(ctx: Context) -> None:
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", Role.PRACTITIONER, "sue")
    fam = make_family(ctx, pat, "FAM-D")
    clip = make_clip(ctx, pat, fam)
    folder = ctx.media.clip_dir(clip.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "proxy.mp4").write_bytes(b"video")
    assert media_file(ctx, sue, "proxy", clip.id, "proxy.mp4").exists()
    record_consent(ctx, pat, "FAM-D", ConsentScope.SUPERVISION, False, date.today(),
                   clip_id=clip.id)
    with pytest.raises(ConsentError, match="Supervision consent for this clip was declined"):
        media_file(ctx, sue, "proxy", clip.id, "proxy.mp4")
    shutil.rmtree(folder)


def test_blind_second_coder_in_the_family_sees_no_first_coding(ctx: Context) -> None:
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", Role.PRACTITIONER, "sue")
    sam = make_user(ctx, "sam", Role.PRACTITIONER, "sue")
    fam = make_family(ctx, pat, "FAM-S")
    assign_practitioner(ctx, pat, "FAM-S", "sam")  # sam works with the family too
    clip = make_clip(ctx, pat, fam)
    first = add_event(ctx, pat, clip.id, "C01", 100)
    for ms in (300, 600, 900):
        add_event(ctx, pat, clip.id, "R01", ms)
    _assign(ctx, sue, clip.id)
    tallies = family_tallies(ctx, sam, "FAM-S")
    assert tallies.empty or not tallies.filter(like="cue").fillna(0).to_numpy().any()
    assert propose(ctx, sam, clip.id) == []
    # recode: the answer is the same whether the guess is right or wrong
    ws = Workspace(clip.id, "sam")
    right = ws.apply(ctx, sam, [{"cid": "a", "op": "recode", "id": first.id, "code": "C01"}])
    wrong = ws.apply(ctx, sam, [{"cid": "b", "op": "recode", "id": first.id, "code": "C02"}])
    assert not right[0]["ok"] and not wrong[0]["ok"]
    assert right[0]["error"] == wrong[0]["error"]


def _assign(ctx: Context, supervisor: User, clip_id: int) -> None:
    with ctx.db.transaction(supervisor.username) as tx:
        tx.assign_coder(clip_id, "pat", CodingRole.PRIMARY)
        tx.assign_coder(clip_id, "sam", CodingRole.SECOND)


def test_the_upload_list_asks_the_gate(ctx: Context) -> None:
    """The Upload page's list of a family's clips: only for someone who may upload to
    that family (another practitioner typing its code in the address gets nothing)."""
    from attune.services.ingest import uploaded_clips

    pat, sam = make_user(ctx, "pat"), make_user(ctx, "sam")
    family = make_family(ctx, pat, "FAM-UP")
    clip = make_clip(ctx, pat, family)
    assert [c.id for c, _ in uploaded_clips(ctx, pat, "FAM-UP")] == [clip.id]
    with pytest.raises(NotAllowedError):
        uploaded_clips(ctx, sam, "FAM-UP")


def test_processed_clips_lists_only_clips_the_person_may_open(ctx: Context) -> None:
    """The list of a family's processed clips (the Tallies page) asks the gate for each
    clip: a practitioner of another family, or a supervisor without supervision consent,
    gets an empty list, not the clips."""
    from attune.core.clip import ClipStatus
    from attune.services.families import processed_clips

    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", Role.PRACTITIONER, "sue")
    oli = make_user(ctx, "oli")
    fam = make_family(ctx, pat, "FAM-P", scopes=NO_SUPERVISION)
    clip = make_clip(ctx, pat, fam)
    with ctx.db.transaction("test") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=1000)
    assert [c.id for c, _ in processed_clips(ctx, pat, fam)] == [clip.id]
    assert processed_clips(ctx, oli, fam) == []
    assert processed_clips(ctx, sue, fam) == []


def test_refusals_name_no_family_clip_or_reel(world: World) -> None:
    """A refusal says "this family", "this clip": someone without access does not learn
    a family's code or a clip's number from it (the audit keeps them)."""
    from attune.services.families import sessions

    for use in (lambda: get_clip(world.ctx, world.users["oli"], world.clips["A1"]),
                lambda: sessions(world.ctx, world.users["nat"], "FAM-A"),
                lambda: list_events(world.ctx, world.users["dad"], world.clips["A1"])):
        with pytest.raises(NotAllowedError) as err:
            use()
        msg = str(err.value)
        assert "FAM-A" not in msg and str(world.clips["A1"]) not in msg, msg
        assert "this clip" in msg or "this family" in msg, msg
        assert err.value.detail  # the audit's record still says which


@pytest.mark.parametrize("how", ["declined for the clip", "withdrawn (clip deleted)"])
def test_consent_ended_while_processing_leaves_nothing(ctx: Context, how: str) -> None:
    """A job running when consent ends stops before it writes, and keeps nothing: no
    processed copy, no temporary file; the job is failed with the reason."""
    from attune.core.jobs import JobStatus
    from attune.services.ingest import queue_job, run_ingest

    pat = make_user(ctx, "pat")
    fam = make_family(ctx, pat, "FAM-J")
    clip = make_clip(ctx, pat, fam)
    job = queue_job(ctx, clip.id)
    ended: list[str] = []

    def progress(stage: str, fraction: float) -> None:
        if ended:
            return
        ended.append(stage)
        if how.startswith("declined"):
            record_consent(ctx, pat, "FAM-J", ConsentScope.SHARED_REVIEW, False, date.today(),
                           clip_id=clip.id)
        else:
            withdraw_consent(ctx, pat, "FAM-J", ConsentScope.SHARED_REVIEW)

    with pytest.raises((NotAllowedError, NotFoundError, MediaError)):
        run_ingest(ctx, clip.id, job.id, progress)
    assert ended  # consent ended half-way through
    assert not ctx.media.clip_dir(clip.id).exists()
    with ctx.db.transaction("test") as tx:
        last = tx.latest_job("ingest", clip.id)
    if how.startswith("declined"):
        assert last is not None and last.id == job.id and last.status == JobStatus.FAILED
        assert "Shared review consent for this clip was declined" in last.error
    else:  # the clip's jobs went with it
        assert last is None


# ------------------------------------------------- the accreditation portfolio's actions
PORTFOLIO_CELLS = [pytest.param(who, clip, action, id=f"{who}-{clip}-{action.name}")
                   for who, clip, *_ in CELLS
                   for action in (Action.SUPERVISED_CYCLE, Action.LIST_IN_PORTFOLIO)]


def _portfolio_cell(w: World, who: str, clip: str, action: Action) -> None:
    from attune.services.access import decide_access

    _, _, rels, scopes, _ = cell(who, clip)
    with w.ctx.db.transaction(who) as tx:
        found = tx.get_clip(w.clips[clip])
        allowed = decide_access(tx, w.users[who], action, found.family_id).allowed
    assert allowed == expected(action, rels - {Relation.SECOND_CODER}, scopes)


@pytest.mark.parametrize(("who", "clip", "action"), PORTFOLIO_CELLS)
def test_matrix_portfolio_actions(world: World, who: str, clip: str, action: Action) -> None:
    _portfolio_cell(world, who, clip, action)


@pytest.mark.parametrize(("who", "clip", "action"), PORTFOLIO_CELLS)
def test_matrix_portfolio_actions_postgresql(pg_world: World, who: str, clip: str,
                                             action: Action) -> None:
    _portfolio_cell(pg_world, who, clip, action)
