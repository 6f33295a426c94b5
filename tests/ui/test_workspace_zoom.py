"""Zoom and pan in the workspace (issue 17 item 6): the player's framing kept as a
moment's crop through the same outbox messages as every change (op ``crop``), checked,
and sent back with the moments."""

from __future__ import annotations

from typing import Any

from attune.core.clip import ClipStatus
from attune.services.reels import add_moment
from attune.ui.timeline import script
from attune.ui.workspace import Workspace, build_view
from tests.factories import make_clip, make_family, make_user


def _msg(n: int, **fields: Any) -> dict[str, Any]:
    return {"cid": f"z{n}", "page": "p", "seq": n, "op": "crop", **fields}


def test_a_moments_framing_is_kept_through_the_outbox(ctx) -> None:  # type: ignore[no-untyped-def]
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("test") as tx:
        clip = tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=1000,
                                 media={"proxy_fps": "25"})
    moment = add_moment(ctx, pat, clip.id, 0, 800, "You looked at each other.")
    ws = Workspace(clip.id, "pat")
    face = {"x": 0.2, "y": 0.1, "w": 0.5, "h": 0.5}
    [ok] = ws.apply(ctx, pat, [_msg(1, moment_id=moment.id, crop=face)])
    assert ok["ok"] and ok["moment_id"] == moment.id
    view = build_view(ctx, pat, clip, read_only=False, coders=["pat"])
    assert view["moments"][0]["crop"] == face
    # a framing off the picture is refused, said, and the kept one stays
    [bad] = ws.apply(ctx, pat, [_msg(2, moment_id=moment.id,
                                     crop={"x": 0.9, "y": 0, "w": 0.5, "h": 0.5})])
    assert not bad["ok"] and "picture" in bad["error"]
    assert ws.take_notices()[0]["kind"] == "error"
    # sent twice (a resend): applied once
    assert ws.apply(ctx, pat, [_msg(2, moment_id=moment.id, crop=None)]) == []
    [whole] = ws.apply(ctx, pat, [_msg(3, moment_id=moment.id, crop=None)])
    assert whole["ok"]
    assert build_view(ctx, pat, clip, read_only=False, coders=["pat"])["moments"][0]["crop"] \
        is None
    # somebody else's workspace is not theirs to change
    sam = make_user(ctx, "sam")
    [refused] = ws.apply(ctx, sam, [_msg(4, moment_id=moment.id, crop=face)])
    assert not refused["ok"]


def test_the_component_script_carries_the_zoom() -> None:
    js = script()
    assert js.index("function attuneZoom") < js.index("attuneZoom(tl, el.video")


def test_the_workspace_page_says_the_clips_scheme_and_changes_it(ctx, app) -> None:  # type: ignore[no-untyped-def]
    import copy

    from attune.services.events import list_events
    from attune.services.schemes import save_scheme
    from attune.ui.timeline.page import COMPONENT_KEY

    pat = make_user(ctx, "pat")
    clip = make_clip(ctx, pat, make_family(ctx, pat))
    with ctx.db.transaction("test") as tx:
        clip = tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=1000,
                                 media={"proxy_fps": "25/1", "proxy_frame_count": 25,
                                        "proxy_duration_ms": 1000})
        doc = copy.deepcopy(tx.get_scheme("attuned-moments").document)
    doc["latency_windows_ms"]["E"] = 2000
    save_scheme(ctx, pat, doc)  # version 3 (attune ships 1 and 2), the newest: a new
    # clip codes with it
    at = app(pat, "workspace.py", clip=str(clip.id))
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="workspace_scheme").value == ("attuned-moments", 3)
    at.selectbox(key="workspace_scheme").set_value(("attuned-moments", 1))
    at.run()
    at.button(key="workspace_scheme_use").click()
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="workspace_scheme").value == ("attuned-moments", 1)
    mark = {"cid": "k1", "page": "p1", "seq": 1, "op": "create", "code": "C02",
            "start_ms": 400, "end_ms": 400}
    at.session_state[COMPONENT_KEY] = {"outbox": {"page": "p1", "items": [mark],
                                                  "have": None}}
    at.run()
    (event,) = list_events(ctx, pat, clip.id)
    assert event.scheme_version == 1
