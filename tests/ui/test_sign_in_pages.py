"""Organisation sign-in (OIDC) in the app, with AppTest's own logged-in user
(``AppTest.user`` is what ``st.user`` reads; ``st.logout()`` clears it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from attune.errors import AuthError
from attune.services import Context
from attune.services.accounts import organisation_username
from attune.services.tokens import SESSIONS
from attune.ui.session import COOKIE_KEY, LOGOUT_DUE_KEY, SESSION_KEY, USER_KEY
from tests.factories import make_user
from tests.ui.conftest import texts

App = Callable[..., AppTest]
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "attune", "client_secret": "s",
        "server_metadata_url": "https://id.example/.well-known/openid-configuration"}


def _organisation_app(app: App, identity: dict[str, object]) -> AppTest:
    at = app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **identity}
    return at


def test_organisation_sign_in_then_sign_out_signs_out_of_both(ctx: Context, app: App) -> None:
    make_user(ctx, "pat@example.org")
    at = _organisation_app(app, {"email": "pat@example.org", "email_verified": True})
    at.run()
    assert not at.exception
    assert at.session_state[USER_KEY].username == "pat@example.org"
    del at.session_state[COOKIE_KEY]  # the browser kept the sign-in cookie
    at.run()
    assert "My work" in texts(at)
    at.switch_page("app_pages/sign_out.py")
    at.run()
    assert not at.exception
    assert USER_KEY not in at.session_state
    # first the browser drops attune's cookie; meanwhile nobody is signed back in
    assert at.session_state[COOKIE_KEY]["then"] == "logout"
    assert "Signing you out of your organisation account" in texts(at)
    _browser_cleared_the_cookie(at)
    assert not at.exception
    assert at.user.get("is_logged_in") is False  # then st.logout() was called
    assert USER_KEY not in at.session_state
    at.run()  # the next page does not sign the person straight back in
    assert USER_KEY not in at.session_state
    assert at.button(key="sign_in_oidc")


def _browser_cleared_the_cookie(at: AppTest) -> None:
    """What the cookie component's answer does (AppTest runs no components)."""
    del at.session_state[COOKIE_KEY]
    at.session_state[LOGOUT_DUE_KEY] = True
    at.run()


def test_the_idle_limit_ends_the_organisation_identity_too(ctx: Context, app: App) -> None:
    """Streamlit's identity cookie outlives attune's sign-in: after the idle limit the
    next page must not sign the person straight back in with it."""
    make_user(ctx, "pat@example.org")
    at = _organisation_app(app, {"email": "pat@example.org", "email_verified": True})
    at.run()
    del at.session_state[COOKIE_KEY]
    at.run()
    SESSIONS.end(ctx, at.session_state[SESSION_KEY])  # as the idle limit does
    at.run()
    assert USER_KEY not in at.session_state
    assert "without activity" in texts(at)
    assert at.session_state[COOKIE_KEY]["then"] == "logout"
    _browser_cleared_the_cookie(at)
    assert at.user.get("is_logged_in") is False
    at.run()
    assert USER_KEY not in at.session_state and at.button(key="sign_in_oidc")


def test_an_unverified_organisation_email_is_refused(ctx: Context, app: App) -> None:
    make_user(ctx, "pat@example.org")
    at = _organisation_app(app, {"email": "pat@example.org", "email_verified": False})
    at.run()
    assert not at.exception
    assert USER_KEY not in at.session_state
    assert "has not confirmed the e-mail address" in at.error[0].value
    assert at.button(key="sign_out_oidc")
    with ctx.db.transaction("x") as tx:
        assert any(e.action == "sign-in-refused" and e.detail.get("via") == "oidc"
                   for e in tx.audit_entries())


@pytest.mark.parametrize(("identity", "expected"), [
    ({"email": "a@b.org", "email_verified": True}, "a@b.org"),
    ({"email": "a@b.org", "email_verified": "true"}, "a@b.org"),
    ({"email": "a@b.org", "email_verified": False}, None),
    ({"email": "a@b.org"}, None),  # a provider that does not say: refused
    ({"email_verified": True}, None),
])
def test_organisation_username(identity: dict[str, object], expected: str | None) -> None:
    if expected is None:
        with pytest.raises(AuthError):
            organisation_username(identity)
    else:
        assert organisation_username(identity) == expected
