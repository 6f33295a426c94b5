"""The shared review (VIG; docs/practice.md §1, §7): the parent's view of their own reel, and
"session mode", in which a practitioner hands their screen to the parent.

Session mode is a flag of the browser session: once a practitioner starts it for one
family's reel, ``attune.ui.app`` offers only the parent view of that reel (no sidebar,
no other page), and leaving needs the practitioner's password
(:func:`attune.services.accounts.sign_in`: a wrong one is audited, and the usual number
of wrong ones locks the account). The flag is kept both in ``st.session_state`` and with
the sign-in session in the database, so that neither a browser refresh (a new Streamlit
session restored from the sign-in cookie) nor a server restart leaves the review.

What the parent sees is decided in :mod:`attune.services.parent_view` (only a shared
version, as it was shared); this module lays it out.

The player is a ``st.components.v2`` component: the ``<video>`` is built once and kept
across reruns (the reel's WebVTT track only when its picture carries no captions:
captions once, docs/practice.md §6); Python sends it
commands (seek and play, seek and pause) each with a fresh ``nonce``, so a command runs
once however often the script reruns. Nothing here but :func:`player` touches Streamlit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from attune.core.accounts import Role, User
from attune.core.family import Family
from attune.core.reel import Moment, Reflection
from attune.errors import AuthError
from attune.services import Context
from attune.services.accounts import sign_in
from attune.services.parent_view import SharedReel, shared_reel_family
from attune.services.tokens import SESSIONS

#: Questions from docs/practice.md §1 (VIG), asked when the film pauses on a moment's key frame.
QUESTIONS = (
    "What do you notice your baby doing here?",
    "What do you think your baby was feeling?",
    "What did you do that helped?",
)
REVIEW_KEY = "attune_review"
#: Set when a review has just ended: the app takes the practitioner back to their reels.
ENDED_KEY = "attune_review_ended"
COMMAND_KEY = "attune_review_command"
PLAYER_KEY = "attune_review_player"

@dataclass(frozen=True)
class ReviewMode:
    """A shared review in progress on a practitioner's screen."""

    family_code: str
    reel_id: int
    practitioner: str  # the username whose password ends it


def start_review(ctx: Context, state: Any, user: User, family_code: str,
                 reel_id: int, session_id: str | None) -> ReviewMode:
    """Hand this browser session over to the parent's view of ``reel_id``. The mode is
    kept with the sign-in session in the database: a refresh or a server restart does
    not end it, only the practitioner's password does."""
    if user.role not in (Role.PRACTITIONER, Role.SUPERVISOR):
        raise ValueError("only a practitioner starts a shared review")
    mode = ReviewMode(family_code, int(reel_id), user.username)
    state[REVIEW_KEY] = mode
    if session_id:
        SESSIONS.set_review(ctx, session_id, family_code, int(reel_id))
    return mode


def review_mode(ctx: Context, state: Any, user: User | None,
                session_id: str | None) -> ReviewMode | None:
    """The review this session is in, if any (only while its practitioner is signed in)."""
    mode = state.get(REVIEW_KEY)
    if not isinstance(mode, ReviewMode) and session_id and user is not None:
        stored = SESSIONS.review_of(ctx, session_id)
        if stored is not None:
            mode = ReviewMode(stored[0], stored[1], user.username)
            state[REVIEW_KEY] = mode
    if not isinstance(mode, ReviewMode) or user is None or user.username != mode.practitioner:
        return None
    return mode


def leave_review(ctx: Context, state: Any, user: User, password: str,
                 session_id: str | None) -> str | None:
    """End the review if ``password`` is the practitioner's; otherwise a calm message
    (``None`` when the review has ended)."""
    if not password:
        return "Type your password to finish the review."
    try:
        sign_in(ctx, user.username, password)
    except AuthError as exc:
        if "locked" in str(exc):
            return str(exc)
        return "That password did not match, so the review stays open. Try again."
    mode = state.pop(REVIEW_KEY, None)
    state.pop(COMMAND_KEY, None)
    state[ENDED_KEY] = mode.family_code if isinstance(mode, ReviewMode) else ""
    if session_id:
        SESSIONS.set_review(ctx, session_id, None, None)
    return None


# ------------------------------------------------------------------ moments of a reel
@dataclass(frozen=True)
class ReviewMoment:
    """A moment as the parent sees it: where it lies in the reel, and a question."""

    number: int
    moment: Moment
    reel_start_ms: int
    reel_end_ms: int
    key_reel_ms: int  # the key frame, in reel time
    question: str

    @property
    def caption(self) -> str:
        return self.moment.caption


def review_moments(starts: list[tuple[Moment, int]], reel_duration_ms: int | None,
                   end_card_ms: int = 0) -> list[ReviewMoment]:
    """The reel's moments with their spans in the reel (a moment runs until the next one
    starts, or until the end card) and their key frame in reel time."""
    out = []
    total = reel_duration_ms or 0
    for i, (moment, start) in enumerate(starts):
        if i + 1 < len(starts):
            end = starts[i + 1][1]
        else:
            end = max(start + (moment.end_ms - moment.start_ms), total - end_card_ms)
        offset = (moment.key_ms - moment.start_ms) if moment.key_ms is not None else \
            (moment.end_ms - moment.start_ms) // 2
        key = start + max(0, min(offset, moment.end_ms - moment.start_ms - 1))
        out.append(ReviewMoment(i + 1, moment, start, end, key,
                                QUESTIONS[i % len(QUESTIONS)]))
    return out


def moments_of_reel(shared: SharedReel) -> list[ReviewMoment]:
    """The shared version's moments, as they were when shared."""
    return review_moments(list(zip(shared.moments, shared.starts_ms, strict=True)),
                          shared.duration_ms, shared.end_card_ms)


def reel_family(ctx: Context, user: User, shared: SharedReel) -> Family:
    """The family of a reel ``user`` may already watch (``shared_reels``)."""
    return shared_reel_family(ctx, user, shared)


def reflections_by_moment(items: list[Reflection]) -> dict[int, list[Reflection]]:
    out: dict[int, list[Reflection]] = {}
    for r in sorted(items, key=lambda r: (r.recorded_at, r.id)):
        out.setdefault(r.moment_id, []).append(r)
    return out


# ------------------------------------------------------------------ player commands
def player_command(state: Any, op: str, at_ms: int,
                   until_ms: int | None = None) -> dict[str, Any]:
    """Queue a command for the player: ``play`` (seek to ``at_ms`` and play, pausing at
    ``until_ms``) or ``pause`` (seek to ``at_ms`` and hold the frame)."""
    if op not in ("play", "pause"):
        raise ValueError(f"unknown player command {op!r}")
    previous = state.get(COMMAND_KEY)
    nonce = (previous.get("nonce", 0) if isinstance(previous, dict) else 0) + 1
    command = {"op": op, "at_ms": int(at_ms), "until_ms": until_ms, "nonce": nonce}
    state[COMMAND_KEY] = command
    return command


_PLAYER_CSS = """
.attune-player { width: 100%; display: flex; justify-content: center; }
.attune-player video {
  width: 100%; max-height: 62vh; background: #1f1d1a; border-radius: 18px;
  box-shadow: 0 6px 24px rgba(60, 50, 40, 0.18);
  object-fit: contain; object-position: center top;
}
.attune-player video::cue {
  font-size: 14px; line-height: 1.3; background: rgba(38, 46, 58, 0.6); color: #fafafa;
}
"""

#: Room below the picture for the browser's own player controls (CSS pixels): a phone's
#: controls (buttons and the time bar) are about 60 px high.
CONTROLS_BAND_PX = 72

_PLAYER_JS = """
const CONTROLS_BAND_PX = @BAND@;
export default function(component) {
  const { data, parentElement, setStateValue } = component;
  if (!data || !data.src) { return; }
  // built once and kept across reruns: state lives on DOM nodes
  let box = parentElement.querySelector('div.attune-player');
  if (!box) {
    box = document.createElement('div');
    box.className = 'attune-player';
    const video = document.createElement('video');
    video.controls = true;
    // no "Download" in the browser's menu: the film in the app carries no captions in
    // its picture; the copy to keep (captions burned in, parent-copy consent asked) is
    // the page's own button
    video.setAttribute('controlslist', 'nodownload');
    video.preload = 'auto';
    video.playsInline = true;
    video.setAttribute('data-testid', 'attune-reel');
    box.appendChild(video);
    parentElement.appendChild(box);
  }
  const video = box.querySelector('video');
  if (!video.dataset.fitted) {
    // The browser's own controls lie over the bottom of the video element, where a
    // caption sits (on a phone they hide it whenever the film is paused): the
    // element is made a band taller than the picture, the picture sits at its top, and
    // the controls lie on the band below it.
    video.dataset.fitted = '1';
    const fit = () => {
      const vw = video.videoWidth, vh = video.videoHeight;
      if (!vw || !vh || !box.clientWidth) { return; }
      const band = CONTROLS_BAND_PX;
      const most = window.innerHeight * 0.62;
      let w = box.clientWidth, h = w * vh / vw;
      if (h + band > most) { h = Math.max(120, most - band); w = h * vw / vh; }
      video.style.width = Math.round(w) + 'px';
      video.style.height = Math.round(h + band) + 'px';
      video.style.maxHeight = 'none';
      // a caption track's letters as large as burned-in captions are drawn: a 16th of
      // the picture's height (attune.reels.render.caption_size_px), so that three lines
      // keep to the bottom quarter of the picture and off the faces
      let cueStyle = box.querySelector('style');
      if (!cueStyle) { cueStyle = document.createElement('style'); box.appendChild(cueStyle); }
      cueStyle.textContent = '.attune-player video::cue { font-size: ' +
        Math.max(12, Math.round(h / 16)) + 'px; }';
    };
    video.addEventListener('loadedmetadata', fit);
    window.addEventListener('resize', fit);
    if (video.readyState >= 1) { fit(); }
  }
  if (video.dataset.src !== data.src) {
    video.dataset.src = data.src;
    video.src = data.src;
    while (video.firstChild) { video.removeChild(video.firstChild); }
    if (data.vtt) {
      const track = document.createElement('track');
      track.kind = 'captions';
      track.srclang = data.lang || 'en';
      track.label = 'Captions';
      track.src = data.vtt;
      track.default = true;
      video.appendChild(track);
      track.addEventListener('load', () => {
        if (video.textTracks[0]) { video.textTracks[0].mode = 'showing'; }
      });
    }
  }
  video.ontimeupdate = () => {
    const until = Number(video.dataset.until || 0);
    if (until > 0 && video.currentTime * 1000 >= until) {
      video.dataset.until = '';
      video.pause();
    }
  };
  video.onpause = () => { setStateValue('position_ms', Math.round(video.currentTime * 1000)); };
  const cmd = data.command;
  if (cmd && String(cmd.nonce) !== video.dataset.nonce) {
    video.dataset.nonce = String(cmd.nonce);
    const run = () => {
      video.currentTime = cmd.at_ms / 1000;
      if (cmd.op === 'play') {
        video.dataset.until = cmd.until_ms ? String(cmd.until_ms) : '';
        const p = video.play();
        if (p && p.catch) { p.catch(() => {}); }
      } else {
        video.dataset.until = '';
        video.pause();
      }
    };
    if (video.readyState >= 1) { run(); }
    else { video.addEventListener('loadedmetadata', run, {once: true}); }
  }
}
""".replace("@BAND@", str(CONTROLS_BAND_PX))


@functools.cache
def _player() -> Callable[..., Any]:
    """Registered on first use, never at import."""
    import streamlit as st

    return st.components.v2.component(  # type: ignore[no-any-return]
        "attune_reel_player", css=_PLAYER_CSS, js=_PLAYER_JS)


def player(src: str, vtt: str | None, command: dict[str, Any] | None = None, *,
           key: str = PLAYER_KEY) -> Any:
    """Mount (or update) the reel player; the ``<video>`` survives reruns.

    ``vtt``: a WebVTT ``<track>``, shown, only for a picture that carries no captions of
    its own: a reel's film as rendered now (the smart cut, whose captions are burned in
    only in the copy that leaves the building). A film rendered before carries them in
    its picture: give ``None`` for it, or the captions show twice, and on a phone the two
    cover the baby's face (``attune.services.reels.film_captions_on_track`` and
    ``SharedReel.captions_track`` tell which)."""
    data = {"src": src, "vtt": vtt, "command": command}
    return _player()(key=key, data=data, default={"position_ms": 0},
                     on_position_ms_change=lambda: None, height="content")


#: The parent's page: large type, warm and calm colours, plenty of space.
PARENT_CSS = """<style>
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #fbf7f1; }
[data-testid="stMainBlockContainer"] { max-width: 1100px; padding-top: 2rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] textarea, [data-testid="stMain"] input { font-size: 1.3rem; }
[data-testid="stMain"] h1 { color: #4a3b2f; font-weight: 600; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { color: #5a4a3c; font-weight: 500; }
[data-testid="stMain"] button { min-height: 3.1rem; border-radius: 999px; }
[data-testid="stMain"] button p { font-size: 1.2rem; }
.attune-question { font-size: 1.9rem; line-height: 1.35; color: #4a3b2f; background: #f3e9dc;
  border-radius: 18px; padding: 1.1rem 1.5rem; margin: 0.4rem 0 0.8rem 0; }
.attune-caption { font-size: 1.45rem; line-height: 1.4; color: #3f3328; margin: 0.2rem 0; }
.attune-said { font-size: 1.2rem; color: #5a4a3c; font-style: italic; }
</style>"""

#: Session mode: no sidebar, no toolbar, nothing to click away to.
REVIEW_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stToolbar"], [data-testid="stMainMenu"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
</style>"""
