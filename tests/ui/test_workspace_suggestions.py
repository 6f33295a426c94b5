"""The Suggested lane's messages through the workspace, as the timeline sends them: accept
(an event of the coder, undoable), accept as another code, reject, a resend applied once;
the lane only for the family's practitioner while suggestions wait."""

from __future__ import annotations

import uuid
from typing import Any

from attune.core.accounts import Role
from attune.core.consent import ConsentScope
from attune.core.suggestions import SuggestionStatus
from attune.services import Context
from attune.services.events import list_events
from attune.services.ingest import ingest_now
from attune.services.suggestions import (
    analyse_clip,
    events_from_suggestions,
    list_suggestions,
)
from attune.ui.workspace import Workspace, build_view
from tests.factories import make_clip, make_family, make_user
from tests.paths import REPO

SAMPLE_B = REPO / "sample_clips" / "sample_b_turns.mp4"


def msg(op: str, **kw: Any) -> dict[str, Any]:
    return {"cid": uuid.uuid4().hex, "page": "p", "seq": 1, "op": op, **kw}


def test_decisions_through_the_workspace(ctx: Context) -> None:
    make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    family = make_family(ctx, pat, scopes=(ConsentScope.SHARED_REVIEW,
                                           ConsentScope.SUPERVISION))
    clip = make_clip(ctx, pat, family, SAMPLE_B)
    clip = ingest_now(ctx, clip.id)
    view = build_view(ctx, pat, clip, read_only=False, coders=["pat"])
    assert "suggested" not in [lane["kind"] for lane in view["lanes"]]  # not analysed yet
    analyse_clip(ctx, pat, clip.id)
    view = build_view(ctx, pat, clip, read_only=False, coders=["pat"])
    assert [lane["id"] for lane in view["lanes"]] == ["cue:pat", "response:pat", "suggested",
                                                      "reaction:pat", "moment"]
    rows = view["suggestions"]
    cues = [r for r in rows if r["k"] == "cue"]
    replies = [r for r in rows if r["k"] == "response"]
    assert len(cues) >= 3 and replies and all(r["g"] for r in replies)

    ws = Workspace(clip.id, "pat")
    accept = msg("accept", sid=cues[0]["id"])
    as_other = msg("accept", sid=cues[1]["id"], code="C02")
    reject = msg("reject", sid=cues[2]["id"])
    wrong_kind = msg("accept", sid=replies[0]["id"], code="C03")
    results = ws.apply(ctx, pat, [accept, as_other, reject, wrong_kind])
    assert [r["ok"] for r in results] == [True, True, True, False]
    assert [r.get("sid") for r in results[:3]] == [cues[0]["id"], cues[1]["id"], cues[2]["id"]]
    events = list_events(ctx, pat, clip.id)
    assert sorted((e.code, e.start_ms) for e in events) == sorted(
        [(cues[0]["c"], cues[0]["s"]), ("C02", cues[1]["s"])])
    # a resend (the answer was lost) is applied once
    assert ws.apply(ctx, pat, [accept, reject]) == []
    again = Workspace(clip.id, "pat")  # a new server process, the browser replays
    replayed = again.apply(ctx, pat, [{**accept, "replay": True}, {**reject, "replay": True}])
    assert [r["ok"] for r in replayed] == [True, True]
    assert len(list_events(ctx, pat, clip.id)) == 2
    # undo takes back the last accepted mark (the decision itself stays on record)
    ws.apply(ctx, pat, [msg("undo")])
    assert [e.code for e in list_events(ctx, pat, clip.id)] == [cues[0]["c"]]
    assert events_from_suggestions(ctx, pat, clip.id) == {"pat": 1}  # the undone one not
    left = {s.id for s in list_suggestions(ctx, pat, clip.id)}
    assert not left & {cues[0]["id"], cues[1]["id"], cues[2]["id"]}
    decided = {s.id: s.status for s in list_suggestions(ctx, pat, clip.id, None)}
    assert decided[cues[2]["id"]] == SuggestionStatus.REJECTED
    # a supervisor opening the clip sees no Suggested lane and no suggestions
    with ctx.db.transaction("test") as tx:
        sue = tx.get_user("sue")
    seen = build_view(ctx, sue, clip, read_only=True, coders=["pat"])
    assert seen["suggestions"] == [] and "suggested" not in [x["kind"] for x in seen["lanes"]]
