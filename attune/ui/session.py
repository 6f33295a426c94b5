"""Signing in and out, and who is signed in (one browser session).

After a password is accepted the user is kept in ``st.session_state`` and a signed
session token (``attune.services.tokens``) is handed to the browser: a tiny component
POSTs it to ``/api/session``, which sets it as an HttpOnly, SameSite=Strict cookie. A
browser refresh starts a new Streamlit session; ``restore_session`` then reads the
cookie from ``st.context.cookies``, checks the signature, that the session is live (not
idle for ``Settings.idle_minutes``, not signed out) and that the account is still
switched on. Every script run notes activity; a run after the idle limit signs out.

Media and upload URLs are made for this sign-in session (``attune.ui.media``): they open
only with the cookie of that session, while it is live.

Organisation sign-in (OIDC, ``st.login``): the identity's e-mail must be an attune
username and the provider must have verified it (``organisation_username``). Streamlit
keeps the organisation identity in a cookie of its own, which outlives attune's sign-in:
whenever attune's sign-in ends in a browser that holds one (signing out, the idle limit,
a sign-out elsewhere, a new password, a switched-off account), the identity is dropped
too (``st.logout``), or the next page would sign the person straight back in. That
happens in two steps: first the browser clears attune's own (now dead) cookie, then
``st.logout`` runs, so that a later organisation sign-in is not met by the dead cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from attune.core.accounts import Role, User
from attune.errors import AttuneError, AuthError, NotAllowedError, NotFoundError
from attune.services import Context
from attune.services.access import require_role
from attune.services.accounts import (
    account_by_id,
    client_address,
    sign_in,
    sign_in_with_organisation,
)
from attune.services.tokens import SESSIONS, TokenError, read_session_token, session_token
from attune.ui.context import shared_context
from attune.ui.routes import SESSION_COOKIE

USER_KEY = "attune_user"
SESSION_KEY = "attune_session_id"
COOKIE_KEY = "attune_cookie_action"
NOTICE_KEY = "attune_notice"
#: Set once the dead sign-in cookie is cleared: drop the organisation identity next.
LOGOUT_DUE_KEY = "attune_organisation_logout_due"

_COOKIE_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  if (!data || !data.action) { return; }
  // parentElement may be a shadow root (no dataset): keep state on a child node
  let box = parentElement.querySelector('div.attune-cookie');
  if (!box) {
    box = document.createElement('div');
    box.className = 'attune-cookie';
    parentElement.appendChild(box);
  }
  const key = data.action + ':' + (data.nonce || '');
  if (box.dataset.done === key) { return; }
  box.dataset.done = key;
  const url = data.action === 'set' ? '/api/session' : '/api/signout';
  fetch(url, {method: 'POST', credentials: 'same-origin',
               headers: {'Content-Type': 'application/json'},
               body: JSON.stringify({token: data.token || ''})})
    .then((r) => setTriggerValue('done', {action: data.action, status: r.status}))
    .catch(() => setTriggerValue('done', {action: data.action, status: 0}));
}
"""
_cookie_component: Any = None


def get_context() -> Context:
    """The services context of this server process (opened on first use)."""
    return shared_context()


def current_user() -> User | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None


def _forget() -> None:
    sid = st.session_state.pop(SESSION_KEY, None)
    if isinstance(sid, str):
        SESSIONS.end(get_context(), sid)
    st.session_state.pop(USER_KEY, None)


def _switched_off(ctx: Context, user_id: int) -> bool:
    """Whether the account is gone or switched off (which the sign-out notice says)."""
    try:
        return not account_by_id(ctx, user_id).active
    except NotFoundError:
        return True


def _live_account(ctx: Context, session_id: str | None, user_id: int,
                  idle_s: float) -> User | None:
    """The account as it is now when ``session_id`` is a live sign-in of it and the
    account is active (the activity noted), else None: the routes' sign-in check
    (:meth:`~attune.services.tokens.SessionRegistry.account_if_live`, one transaction)."""
    try:
        user, live = SESSIONS.account_if_live(ctx, session_id, user_id, idle_s,
                                              activity=True)
    except NotFoundError:
        return None
    return user if live and user.active else None


def start_session(ctx: Context, user: User) -> None:
    """Keep ``user`` signed in here, and ask the browser to keep the cookie."""
    _forget()
    sid = SESSIONS.start(ctx, user.id)
    st.session_state[USER_KEY] = user
    st.session_state[SESSION_KEY] = sid
    st.session_state[COOKIE_KEY] = {
        "action": "set", "nonce": sid,
        "token": session_token(ctx.settings.secret_key, user.id, sid)}


def _clear_cookie() -> None:
    """Ask the browser to drop attune's sign-in cookie; when an organisation identity is
    kept here too, drop that as soon as the cookie is gone (the module doc)."""
    action: dict[str, Any] = {"action": "clear", "nonce": secrets.token_hex(8)}
    if organisation_identity():
        action["then"] = "logout"
    st.session_state[COOKIE_KEY] = action


def organisation_identity() -> bool:
    """True when this browser holds an organisation (OIDC) identity."""
    return oidc_configured() and bool(st.user.get("is_logged_in", False))


def organisation_logout_pending() -> bool:
    action = st.session_state.get(COOKIE_KEY)
    return bool(st.session_state.get(LOGOUT_DUE_KEY)) or (
        isinstance(action, dict) and action.get("then") == "logout")


def restore_session() -> User | None:
    """Who is signed in, at the start of every script run (see the module doc)."""
    if st.session_state.pop(LOGOUT_DUE_KEY, False) and organisation_identity():
        st.logout()  # attune's sign-in ended here: so does the organisation identity
    ctx = get_context()
    idle_s = ctx.settings.idle_minutes * 60
    user = current_user()
    sid = st.session_state.get(SESSION_KEY)
    if user is not None:
        fresh = _live_account(ctx, sid if isinstance(sid, str) else None, user.id, idle_s)
        if fresh is not None:
            st.session_state[USER_KEY] = fresh
            return fresh
        switched_off = _switched_off(ctx, user.id)
        _forget()
        _clear_cookie()
        st.session_state[NOTICE_KEY] = (
            "Your account was switched off; ask an administrator." if switched_off else
            f"You were signed out after {ctx.settings.idle_minutes} minutes without "
            "activity, a sign-out in another window, or a change of password. Sign in "
            "again to go on.")
        return None
    token = st.context.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        claim = read_session_token(ctx.settings.secret_key, token)
    except TokenError:
        return None
    fresh = _live_account(ctx, claim.session_id, claim.user_id, idle_s)
    if fresh is None:
        # signed out, idle too long, a new password or switched off
        if organisation_identity() and not organisation_logout_pending():
            _clear_cookie()
        return None
    st.session_state[USER_KEY] = fresh
    st.session_state[SESSION_KEY] = claim.session_id
    return fresh


def cookie_pending() -> bool:
    """True while the browser has not yet answered the request to set the sign-in
    cookie: media URLs would be refused until it has (they need that cookie)."""
    action = st.session_state.get(COOKIE_KEY)
    return isinstance(action, dict) and action.get("action") == "set"


def sync_cookie() -> None:
    """Let the browser set or clear the sign-in cookie when that is due."""
    global _cookie_component
    action = st.session_state.get(COOKIE_KEY)
    if not isinstance(action, dict):
        return
    if _cookie_component is None:
        _cookie_component = st.components.v2.component("attune_cookie", js=_COOKIE_JS)

    def done() -> None:
        finished = st.session_state.pop(COOKIE_KEY, None)
        if isinstance(finished, dict) and finished.get("then") == "logout":
            st.session_state[LOGOUT_DUE_KEY] = True

    # a fresh key per action (a new component instance runs the request once); keys
    # must not contain "__", so the nonce is hashed
    nonce = hashlib.sha256(str(action.get("nonce", "")).encode()).hexdigest()[:16]
    _cookie_component(key=f"attune_cookie_{nonce}", data=action, on_done_change=done,
                      height=0)


def sign_in_form() -> None:
    """The password form; on success the user is signed in for this browser."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    with st.form("sign_in"):
        username = st.text_input("Username", key="sign_in_username",
                                 autocomplete="username")
        password = st.text_input("Password", type="password", key="sign_in_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary", key="sign_in_submit")
    if submitted:
        ctx = get_context()
        try:
            user = sign_in(ctx, username.strip(), password, this_address())
        except AttuneError as exc:
            st.error(str(exc))
        else:
            start_session(ctx, user)
            st.rerun()
    oidc_sign_in()


def this_address() -> str:
    """The browser's address as sign-in throttling counts it (``client_address``)."""
    headers = st.context.headers
    forwarded = headers.get("X-Forwarded-For") if headers is not None else None
    return client_address(st.context.ip_address, forwarded,
                          get_context().settings.trust_proxy)


def oidc_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (st.login)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def oidc_sign_in() -> None:
    """Offer the organisation's sign-in (OIDC) where it is configured; an account whose
    username is the person's email address is signed in."""
    if not oidc_configured():
        return
    st.divider()
    if organisation_logout_pending():
        st.caption("Signing you out of your organisation account…")
        return
    if not st.user.get("is_logged_in", False):
        st.button("Sign in with your organisation account", key="sign_in_oidc",
                  on_click=st.login)
        return
    ctx = get_context()
    try:
        email, user = sign_in_with_organisation(ctx, st.user.to_dict())  # audited
    except AuthError as exc:
        st.error(str(exc))
        st.button("Sign out of the organisation account", key="sign_out_oidc",
                  on_click=st.logout)
        return
    if user is None:
        st.warning(f"You are signed in to your organisation as {email}, and that is not "
                   "linked to an attune account. Ask an administrator to add an account "
                   "whose username is your email address.")
        st.button("Sign out of the organisation account", key="sign_out_oidc",
                  on_click=st.logout)
        return
    start_session(ctx, user)
    st.rerun()


def sign_out() -> None:
    """Sign out of attune here (the sign-in session ends: its media links stop working),
    and out of the organisation account when signed in with it."""
    _forget()
    _clear_cookie()  # and then the organisation identity, if there is one


def page_user(roles: set[Role], what: str) -> User:
    """The signed-in user if their role may use this page; otherwise say "Not allowed"
    (the refusal is audited by the service) and stop the page."""
    user = current_user()
    if user is None:
        st.error("Not allowed: sign in first.")
        st.stop()
    try:
        require_role(get_context(), user, roles, what)
    except NotAllowedError as exc:
        st.error(str(exc))
        st.stop()
    return user
