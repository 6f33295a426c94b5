"""``POST /api/outbox``: the timeline's changes saved without a Streamlit rerun. The route
runs for real in Starlette's test client: it stores each message once, answers with the
acknowledgements and the changed events, keeps undo on the server, survives a server
restart (a replayed outbox stores nothing twice), and refuses, storing nothing, whoever
the page would refuse: no sign-in cookie, another origin, a parent, a practitioner of
another family, and a blind second coder aiming at the first coder's mark."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from attune.core.accounts import Role, User
from attune.core.clip import ClipStatus
from attune.core.coding import CodingRole
from attune.core.policy import Action
from attune.services import Context, access
from attune.services.clips import get_clip
from attune.services.events import add_event, list_events
from attune.services.families import link_parent
from attune.services.tokens import SESSIONS, outbox_token, session_token
from attune.ui import outbox as outbox_module
from attune.ui.outbox import OUTBOX_PATH, Workspaces, exchange, outbox_url
from attune.ui.routes import SESSION_COOKIE, build_routes
from attune.ui.workspace import build_view
from tests.factories import age_session, make_clip, make_family, make_user


@pytest.fixture
def world(ctx: Context) -> dict[str, Any]:
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    sam = make_user(ctx, "sam", supervisor="sue")  # will be the blind second coder
    kim = make_user(ctx, "kim")  # a practitioner of another family
    mum = make_user(ctx, "mum", Role.PARENT)
    family = make_family(ctx, pat, "FAM-A")
    make_family(ctx, kim, "FAM-K")
    link_parent(ctx, pat, "FAM-A", "mum")
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("system") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=10_000,
                          media={"proxy_fps": "25/1", "proxy_frame_count": 250,
                                 "proxy_duration_ms": 10_000})
    first = add_event(ctx, pat, clip.id, "C01", 1000)
    return {"sue": sue, "pat": pat, "sam": sam, "kim": kim, "mum": mum, "clip": clip.id,
            "first": first}


@pytest.fixture
def client(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(outbox_module, "WORKSPACES", Workspaces())  # this test's own
    with TestClient(Starlette(routes=build_routes(lambda: ctx)),
                    base_url="http://127.0.0.1:8501") as c:
        yield c


def sign_in(ctx: Context, client: TestClient, user: User) -> str:
    """``user``'s sign-in cookie on ``client``; the sign-in session id."""
    sid = SESSIONS.start(ctx, user.id)
    client.cookies.set(SESSION_COOKIE, session_token(ctx.settings.secret_key, user.id, sid))
    return sid


def create(cid: str, seq: int, code: str, start_ms: int, **more: Any) -> dict[str, Any]:
    return {"cid": cid, "page": "p1", "seq": seq, "op": "create", "code": code,
            "start_ms": start_ms, "end_ms": start_ms, **more}


def post(client: TestClient, url: str, items: list[dict[str, Any]], *, tab: str = "tab-1",
         have: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(url, json={"page": "p1", "tab": tab, "items": items, "have": have},
                       headers={"Origin": "http://127.0.0.1:8501", **headers})


def everything(ctx: Context, clip_id: int) -> list[tuple[str, str, int, int, int]]:
    """Every event of the clip, deleted or not (as the system sees them)."""
    with ctx.db.transaction("system") as tx:
        return sorted((e.coder, e.code, e.start_ms, e.end_ms, e.version)
                      for e in tx.list_events(clip_id, None, True))


def refusals(ctx: Context) -> int:
    with ctx.db.transaction("system") as tx:
        return sum(1 for e in tx.audit_entries(object_type="access")
                   if e.action == "not-allowed")


def test_marks_are_stored_once_acknowledged_undone_and_shown_after_a_rerun(
        ctx: Context, client: TestClient, world: dict[str, Any]) -> None:
    pat, clip = world["pat"], world["clip"]
    url = outbox_url(ctx, pat, clip, sign_in(ctx, client, pat))
    mark = create("m1", 1, "C02", 2000)
    answer = post(client, url, [mark])
    assert answer.status_code == 200, answer.text
    assert "no-store" in answer.headers["cache-control"]
    # the answer closes its connection: the app server leaves Nagle's algorithm on, and
    # the body would wait for the browser's delayed acknowledgement (routes.OUTBOX_HEADERS)
    assert answer.headers["connection"] == "close"
    body = answer.json()
    ack = body["acks"]["m1"]
    assert ack["ok"] and ack["event_id"]
    # the first answer of a page carries all the coder's events, with their revision
    assert {(r["c"], r["s"]) for r in body["events"]} == {("C01", 1000), ("C02", 2000)}
    have = body["events_rev"]

    # the same outbox again (the answer was lost): stored once, acknowledged again
    again = post(client, url, [mark], have=have).json()
    assert again["acks"]["m1"] == ack
    assert again["events_delta"]["rows"] == []
    assert [e.code for e in list_events(ctx, pat, clip)] == ["C01", "C02"]

    # a response answering the new cue, then undo on the server
    response = create("m2", 2, "R04", 2400)
    delta = post(client, url, [response], have=have).json()["events_delta"]
    (row,) = delta["rows"]
    assert (row["c"], row["a"], row["lat"]) == ("R04", ack["event_id"], 400)
    undone = post(client, url, [{"cid": "m3", "page": "p1", "seq": 3, "op": "undo"}],
                  have={"epoch": delta["epoch"], "rev": delta["rev"]}).json()
    assert undone["acks"]["m3"]["ok"]
    assert undone["events_delta"]["removed"] == [row["id"]]
    assert [e.code for e in list_events(ctx, pat, clip)] == ["C01", "C02"]

    # the page's rerun (the fragment's exchange, same tab) and a fresh page both show them
    ws = outbox_module.WORKSPACES.get(clip, "pat", "tab-1")
    shown = build_view(ctx, pat, get_clip(ctx, pat, clip), read_only=False,
                       coders=["pat"], exchanged=exchange(ctx, pat, ws, [], None))
    assert {(r["c"], r["s"]) for r in shown["events"]} == {("C01", 1000), ("C02", 2000)}
    fresh = build_view(ctx, pat, get_clip(ctx, pat, clip), read_only=False, coders=["pat"])
    assert {(r["c"], r["s"]) for r in fresh["events"]} == {("C01", 1000), ("C02", 2000)}


def test_a_killed_server_loses_nothing_and_doubles_nothing(
        ctx: Context, client: TestClient, world: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser keeps its outbox until acknowledged: after a restart (no workspace
    remembers anything) it replays it; what was stored before the crash is found, the
    rest is stored, nothing twice."""
    pat, clip = world["pat"], world["clip"]
    url = outbox_url(ctx, pat, clip, sign_in(ctx, client, pat))
    stored = create("k1", 1, "C03", 3000)
    assert post(client, url, [stored]).json()["acks"]["k1"]["ok"]
    # the server dies before the browser hears back; a new process starts
    monkeypatch.setattr(outbox_module, "WORKSPACES", Workspaces())
    replay = [{**stored, "replay": True}, create("k2", 2, "C04", 4000, replay=True)]
    answer = post(client, url, replay, tab="tab-1").json()
    assert answer["acks"]["k1"]["ok"] and answer["acks"]["k2"]["ok"]
    assert sorted((e.code, e.start_ms) for e in list_events(ctx, pat, clip)) == [
        ("C01", 1000), ("C03", 3000), ("C04", 4000)]


def test_the_outbox_token_opens_only_its_own_sign_in_and_clip(
        ctx: Context, client: TestClient, world: dict[str, Any]) -> None:
    pat, clip = world["pat"], world["clip"]
    before, audited = everything(ctx, clip), refusals(ctx)
    sid = sign_in(ctx, client, pat)
    url = outbox_url(ctx, pat, clip, sid)
    mark = [create("x1", 1, "C05", 5000)]
    # no sign-in cookie (a copied link, another browser)
    client.cookies.clear()
    no_cookie = post(client, url, mark)
    assert no_cookie.status_code == 403 and "signed in" in no_cookie.json()["error"]
    # another sign-in of pat's (the token names the sign-in it was made in)
    sign_in(ctx, client, pat)
    assert post(client, url, mark).status_code == 403
    client.cookies.set(SESSION_COOKIE, session_token(ctx.settings.secret_key, pat.id, sid))
    # a forged token, no token, a token for another purpose
    forged = outbox_token("not the key" * 4, pat.id, sid, clip)
    assert post(client, f"{OUTBOX_PATH}?t={forged}", mark).status_code == 403
    assert post(client, OUTBOX_PATH, mark).status_code == 403
    # from another origin, or as a form a page elsewhere could send without asking
    assert post(client, url, mark, Origin="https://evil.example").status_code == 403
    as_form = client.post(url, content=b'{"tab": "t", "items": []}',
                          headers={"Content-Type": "text/plain"})
    assert as_form.status_code == 403
    # not JSON, or no tab
    bad = client.post(url, content=b"{", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    assert client.post(url, json={"items": mark}).status_code == 400
    assert everything(ctx, clip) == before
    assert refusals(ctx) == audited + 2  # the two sign-in refusals are audited
    # and with all in order, it saves
    assert post(client, url, mark).json()["acks"]["x1"]["ok"]


@pytest.mark.parametrize("who", ["mum", "kim", "sue"])
def test_whoever_may_not_code_the_clip_is_refused_and_nothing_stored(
        ctx: Context, client: TestClient, world: dict[str, Any], who: str) -> None:
    """A parent of the family, a practitioner of another family, a supervisor (who only
    looks): even with a genuine token of their own sign-in, the gate refuses."""
    user, clip = world[who], world["clip"]
    before, audited = everything(ctx, clip), refusals(ctx)
    url = outbox_url(ctx, user, clip, sign_in(ctx, client, user))
    first = world["first"]
    answer = post(client, url, [create("p1", 1, "C02", 2000),
                                {"cid": "p2", "page": "p1", "seq": 2, "op": "delete",
                                 "id": first.id, "version": first.version}])
    assert answer.status_code == 403
    assert answer.json()["error"].startswith("Not allowed")
    assert "acks" not in answer.json() and "events" not in answer.json()
    assert everything(ctx, clip) == before
    assert refusals(ctx) == audited + 1


def test_a_blind_second_coder_cannot_touch_or_probe_the_first_coders_marks(
        ctx: Context, client: TestClient, world: dict[str, Any]) -> None:
    sam, clip, first = world["sam"], world["clip"], world["first"]
    with ctx.db.transaction("sue") as tx:
        tx.assign_coder(clip, "pat", CodingRole.PRIMARY)
        tx.assign_coder(clip, "sam", CodingRole.SECOND)
    before = everything(ctx, clip)
    url = outbox_url(ctx, sam, clip, sign_in(ctx, client, sam))
    aimed = [{"cid": f"b{i}", "page": "p1", "seq": i, "id": first.id, "version": first.version,
              **op} for i, op in enumerate([
                  {"op": "recode", "code": "C01"},  # a right guess of pat's code ...
                  {"op": "recode", "code": "C02"},  # ... and a wrong one
                  {"op": "move", "start_ms": 1040, "end_ms": 1040},
                  {"op": "note", "note": "mine now"},
                  {"op": "delete"}], start=1)]
    answer = post(client, url, aimed)
    assert answer.status_code == 200  # sam codes this clip: each change is refused
    body = answer.json()
    results = [body["acks"][m["cid"]] for m in aimed]
    assert not any(r["ok"] for r in results)
    assert len({r["error"] for r in results}) == 1  # the same answer whatever the guess
    assert "C01" not in results[0]["error"]
    assert everything(ctx, clip) == before  # nothing stored
    # sam's own events only, never pat's
    assert all(r["o"] == "sam" for r in body["events"])
    # and sam's own marks are saved as usual
    own = post(client, url, [create("s1", 9, "C02", 2000)]).json()
    assert own["acks"]["s1"]["ok"]
    assert {e.coder for e in list_events(ctx, sam, clip)} == {"sam"}


def test_saving_from_the_timeline_keeps_the_sign_in_from_going_idle(
        ctx: Context, client: TestClient, world: dict[str, Any]) -> None:
    """Marks saved through the route are the person's work: a practitioner coding for
    longer than the idle limit without a page rerun stays signed in; a sign-in already
    idle past the limit is not revived by a save."""
    pat, clip = world["pat"], world["clip"]
    idle_s = ctx.settings.idle_minutes * 60
    sid = sign_in(ctx, client, pat)
    url = outbox_url(ctx, pat, clip, sid)
    age_session(ctx, sid, idle_s - 60)  # a minute before the limit
    assert post(client, url, [create("a1", 1, "C05", 5000)]).json()["acks"]["a1"]["ok"]
    assert SESSIONS.is_live(ctx, sid, 120)  # the save was noted as activity
    age_session(ctx, sid, idle_s + 60)  # past the limit: signed out, the save refused
    late = post(client, url, [create("a2", 2, "C05", 6000)])
    assert late.status_code == 403
    assert not SESSIONS.is_live(ctx, sid, idle_s)
    assert [e for e in everything(ctx, clip) if e[2] == 6000] == []


def test_an_outbox_of_many_marks_asks_the_gate_once_per_question(
        ctx: Context, client: TestClient, world: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten marks in one request: the route's "may pat code this clip?" is the permission
    each mark uses (the gate is asked again in the next request, where a family's
    practitioner who left is refused)."""
    pat, clip = world["pat"], world["clip"]
    url = outbox_url(ctx, pat, clip, sign_in(ctx, client, pat))
    asked: list[tuple[str, Action]] = []
    real = access._decide_access

    def counted(tx: Any, user: Any, action: Action, *args: Any, **kw: Any) -> Any:
        asked.append((user.username, action))
        return real(tx, user, action, *args, **kw)

    monkeypatch.setattr(access, "_decide_access", counted)
    marks = [create(f"n{i}", i + 1, "C02", 2000 + 40 * i) for i in range(10)]
    answer = post(client, url, marks).json()
    assert all(answer["acks"][m["cid"]]["ok"] for m in marks)
    assert len(everything(ctx, clip)) == 11
    assert sorted(asked) == [("pat", Action.CODE_CLIP), ("pat", Action.VIEW_CLIP)]

    with ctx.db.transaction("system") as tx:  # pat leaves the family
        tx.unassign_practitioner("FAM-A", "pat")
    refused = post(client, url, [create("n10", 11, "C02", 3000)])
    assert refused.status_code == 403
    assert len(everything(ctx, clip)) == 11
