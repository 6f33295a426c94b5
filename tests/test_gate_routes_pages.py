"""The gate's matrix over the /api/* routes and the pages (issue: "one gate").

Every person of tests/gate_world.py (and no session at all) asks every route (media,
upload, the timeline's outbox) and every page that shows a family's material for one clip
or its family; the answer expected is read from the policy table
(tests/gate_world.expected). A refusal holds none of the family's data: not the baby's
name, an event's note, nor the processed copy's bytes; a blind coder's outbox answer
holds only their own marks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from attune.core.policy import Action, Relation
from attune.services.tokens import (
    SESSIONS,
    media_token,
    outbox_token,
    session_token,
    upload_token,
)
from attune.ui.context import reset_contexts
from attune.ui.outbox import OUTBOX_PATH
from attune.ui.routes import SESSION_COOKIE, build_routes
from attune.ui.session import SESSION_KEY, USER_KEY
from tests.gate_world import CELLS, World, cell, expected, no_secrets, world_fixture
from tests.paths import SAMPLE_VIDEO

world = world_fixture()
pg_world = world_fixture(postgresql=True)
WHO = [(who, clip) for who, clip, *_ in CELLS] + [(None, "A1")]  # None: no session


@pytest.fixture(scope="module")
def queued(world: World) -> Iterator[list[int]]:
    """Uploads are queued, not processed (no worker here)."""
    mp = pytest.MonkeyPatch()
    out: list[int] = []
    mp.setattr("attune.jobs.enqueue_ingest", lambda settings, clip_id, job_id: out.append(clip_id))
    yield out
    mp.undo()


def _client(w: World) -> TestClient:
    return TestClient(Starlette(routes=build_routes(lambda: w.ctx)))


def _signed_in(w: World, client: TestClient, who: str | None) -> tuple[int, str]:
    client.cookies.clear()
    if who is None:
        return 0, ""
    user = w.users[who]
    sid = SESSIONS.start(w.ctx, user.id)
    client.cookies.set(SESSION_COOKIE, session_token(w.ctx.settings.secret_key, user.id, sid))
    return user.id, sid


def _route_cell(w: World, who: str | None, clip: str, route: str) -> None:
    client = _client(w)
    uid, sid = _signed_in(w, client, who)
    secret = w.ctx.settings.secret_key
    clip_id = w.clips[clip]
    rels, scopes = (cell(who, clip)[2], cell(who, clip)[3]) if who else (frozenset(), frozenset())
    if route == "media":
        # a link made for this person's own sign-in (nobody's: a forged one)
        token = media_token(secret, uid, sid, "proxy", clip_id, "proxy.mp4") if who \
            else "forged.token"
        answer = client.get(f"/api/media/proxy/{clip_id}/proxy.mp4?t={token}")
        allowed = expected(Action.VIEW_CLIP, rels, scopes)
        if allowed:
            assert answer.status_code == 200 and answer.content.endswith(b"a processed copy")
        else:
            assert answer.status_code == 403, answer.text
            no_secrets(w, clip, answer.text)
    elif route == "outbox":  # the timeline saving marks: an exchange that changes nothing
        token = outbox_token(secret, uid, sid, clip_id) if who else "forged.token"
        answer = client.post(f"{OUTBOX_PATH}?t={token}",
                             json={"page": "p1", "tab": "matrix", "items": [], "have": None},
                             headers={"Origin": str(client.base_url)})
        allowed = expected(Action.CODE_CLIP, rels, scopes)
        if allowed:
            assert answer.status_code == 200, answer.text
            coders = {row["o"] for row in answer.json()["events"]}
            assert coders <= {who}, f"{who} codes {clip} and was sent {coders}'s marks"
        else:
            assert answer.status_code == 403, answer.text
            no_secrets(w, clip, answer.text)
    else:  # upload to the clip's family
        token = upload_token(secret, uid, sid, w.family_of(clip)) if who else "forged.token"
        answer = client.post(f"/api/upload?t={token}&name=visit.mp4",
                             content=SAMPLE_VIDEO.read_bytes(),
                             headers={"Content-Type": "application/octet-stream"})
        allowed = expected(Action.UPLOAD, rels, scopes)
        if allowed:
            assert answer.status_code == 200, answer.text
        else:
            assert answer.status_code == 403, answer.text
            no_secrets(w, clip, answer.text)
            assert w.family_of(clip) not in answer.text


ROUTES = ("media", "upload", "outbox")


@pytest.mark.parametrize(("who", "clip", "route"),
                         [pytest.param(w, c, r, id=f"{w}-{c}-{r}") for w, c in WHO
                          for r in ROUTES])
def test_matrix_routes(world: World, queued: list[int], who: str | None, clip: str,
                       route: str) -> None:
    _route_cell(world, who, clip, route)


@pytest.mark.parametrize(("who", "clip", "route"),
                         [pytest.param(w, c, r, id=f"{w}-{c}-{r}") for w, c in WHO
                          for r in ROUTES])
def test_matrix_routes_postgresql(pg_world: World, who: str | None, clip: str,
                                  route: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("attune.jobs.enqueue_ingest", lambda settings, c, j: None)
    _route_cell(pg_world, who, clip, route)


# ------------------------------------------------------------------ pages
APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "streamlit_app.py")
#: page -> (what it shows, the query naming the clip or its family)
PAGES: dict[str, tuple[Action, str]] = {
    "workspace.py": (Action.VIEW_CLIP, "clip"),
    "tallies.py": (Action.VIEW_CLIP, "family"),
    "goals.py": (Action.SEE_GOALS, "family"),
    "search.py": (Action.VIEW_CLIP, "family"),
    "reels.py": (Action.MAKE_REEL, "family"),
    "consent.py": (Action.MANAGE_RECORD, "family"),
    "upload.py": (Action.UPLOAD, "family"),
    "families.py": (Action.SEE_FAMILY, ""),
    "my_work.py": (Action.CODE_CLIP, ""),
    "supervision.py": (Action.ASSIGN_CODERS, ""),
    "my_supervision.py": (Action.LIST_IN_PORTFOLIO, ""),  # one's own log and portfolio
    "parent_view.py": (Action.WATCH_REEL, ""),
}


def _everything(at: AppTest) -> str:
    """All the page holds, custom components' data included (their protos)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            out.append(str(getattr(child, "proto", "")))
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def _page_cells(w: World, who: str | None, clip: str,
                monkeypatch: pytest.MonkeyPatch) -> int:
    for key, value in {"ATTUNE_DATA_DIR": str(w.settings.data_dir),
                       "ATTUNE_DATABASE_URL": w.settings.database_url,
                       "ATTUNE_MEDIA_DIR": str(w.settings.media_dir),
                       "ATTUNE_SECRET_KEY": w.settings.secret_key}.items():
        monkeypatch.setenv(key, value)
    rels, scopes, blind = (cell(who, clip)[2:]) if who else (frozenset(), frozenset(), False)
    at = AppTest.from_file(APP, default_timeout=60)
    if who is not None:
        at.session_state[USER_KEY] = w.users[who]
        at.session_state[SESSION_KEY] = SESSIONS.start(w.ctx, w.users[who].id)
    cells = 0
    try:
        for page, (action, query) in PAGES.items():
            at.query_params.clear()
            if query:
                at.query_params[query] = str(w.clips[clip]) if query == "clip" \
                    else w.family_of(clip)
            try:
                at.switch_page(f"app_pages/{page}")
            except ValueError:  # not even routable (no session: only the sign-in page)
                assert who is None
            at.run()
            assert not at.exception, (who, page, at.exception)
            shown = _everything(at)
            cells += 1
            allowed = expected(action, rels, scopes)
            if page == "goals.py" and Relation.PARENT in rels:
                allowed = False  # a parent reads the goals' words on their own page only
            if query and allowed:
                assert "Not allowed" not in shown, (who, page)
                if blind and page == "workspace.py":  # the other coders' events: never
                    for other in {"pat", "sam", "tia"} - {who}:
                        assert f"note-{clip}-{other}" not in shown
                    assert f"note-{clip}-{who}" in shown
            if who is None:
                assert "Sign in" in shown
            if not allowed:
                no_secrets(w, clip, shown,
                           record=not expected(Action.SEE_FAMILY, rels, scopes))
    finally:
        reset_contexts()
    return cells


@pytest.mark.slow
@pytest.mark.parametrize(("who", "clip"), [pytest.param(w, c, id=f"{w}-{c}") for w, c in WHO])
def test_matrix_pages(world: World, who: str | None, clip: str,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert _page_cells(world, who, clip, monkeypatch) == len(PAGES)


@pytest.mark.slow
@pytest.mark.parametrize(("who", "clip"), [pytest.param(w, c, id=f"{w}-{c}") for w, c in WHO])
def test_matrix_pages_postgresql(pg_world: World, who: str | None, clip: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert _page_cells(pg_world, who, clip, monkeypatch) == len(PAGES)
