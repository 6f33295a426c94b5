"""The app's shared state: the services context (one per server process) and the
signed-in user (one per browser session)."""

from __future__ import annotations

import streamlit as st

from attune.config import Settings
from attune.core.people import User
from attune.errors import AttuneError
from attune.services import Context
from attune.services.accounts import sign_in

USER_KEY = "attune_user"


@st.cache_resource
def get_context() -> Context:
    """Opened once per server process from the ATTUNE_* settings."""
    return Context.open(Settings.from_env())


def current_user() -> User | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None


def sign_in_form() -> None:
    """A sign-in form; on success the user is kept in the browser session."""
    with st.form("sign_in"):
        username = st.text_input("Username", key="sign_in_username")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            st.session_state[USER_KEY] = sign_in(get_context(), username.strip(), password)
        except AttuneError as exc:
            st.error(str(exc))
        else:
            st.rerun()


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)
