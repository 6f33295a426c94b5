from __future__ import annotations

import streamlit as st

from attune.core.accounts import Role
from attune.core.jobs import JobKind
from attune.errors import AttuneError
from attune.services.accounts import add_user
from attune.services.admin import list_accounts, reset_password, set_active
from attune.services.nightly import nightly_status
from attune.ui.session import get_context, page_user

user = page_user({Role.ADMIN}, "manage accounts")
ctx = get_context()
st.title("Accounts")
for night in nightly_status(ctx, user):
    what = ("nightly backup" if night.kind == JobKind.BACKUP
            else "nightly deletion of media past its date")
    when = f"{night.last.updated_at:%Y-%m-%d %H:%M}" if night.last else ""
    if not night.set_up:
        st.warning(f"No {what} is set up yet: whoever runs the server sets the backup folder "
                   "and the public key it is encrypted to (the deployment guide says how).")
    elif night.failed and night.last:
        st.error(f"The {what} failed on {when}. {night.last.error}")
    elif night.last:
        st.caption(f"Last {what}: {when}, {night.last.stage}.")
accounts = list_accounts(ctx, user)
st.dataframe([{"username": u.username, "name": u.display_name, "role": str(u.role),
               "switched on": u.active,
               "locked until": u.locked_until.strftime("%Y-%m-%d %H:%M") if u.locked_until
               else ""} for u in accounts], hide_index=True, key="accounts_table")
names = [u.username for u in accounts]
supervisors = [u.username for u in accounts if u.role == Role.SUPERVISOR]

add, reset, switch = st.tabs(["Add an account", "Reset a password", "Switch off or on"])
with add, st.form("add_account", clear_on_submit=True):
    c1, c2 = st.columns(2)
    username = c1.text_input("Username", key="account_username")
    display = c2.text_input("Name shown", key="account_display")
    role = c1.selectbox("Role", list(Role), key="account_role")
    sup = c2.selectbox("Supervisor (practitioners)", ["", *supervisors], key="account_sup")
    password = st.text_input("First password (at least 8 characters)", type="password",
                             key="account_password")
    if st.form_submit_button("Add account", type="primary", key="account_add"):
        try:
            made = add_user(ctx, user.username, username, role, password, display, sup or None)
        except AttuneError as exc:
            st.error(str(exc))
        else:
            st.session_state["accounts_msg"] = f"Account {made.username} added."
            st.rerun()
with reset, st.form("reset_password", clear_on_submit=True):
    who = st.selectbox("Account", names, key="reset_who")
    new = st.text_input("New password", type="password", key="reset_password")
    if st.form_submit_button("Set password", key="reset_submit"):
        try:
            reset_password(ctx, user, who, new)
        except AttuneError as exc:
            st.error(str(exc))
        else:
            st.session_state["accounts_msg"] = f"New password set for {who}; any lock is lifted."
            st.rerun()
with switch:
    who = st.selectbox("Account", [n for n in names if n != user.username], key="switch_who")
    c1, c2 = st.columns(2)
    for label, active, col in (("Switch off", False, c1), ("Switch on", True, c2)):
        if col.button(label, key=f"switch_{'on' if active else 'off'}", disabled=not who):
            try:
                set_active(ctx, user, who, active)
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.session_state["accounts_msg"] = f"{who} is switched {'on' if active else 'off'}."
                st.rerun()
if msg := st.session_state.pop("accounts_msg", None):
    st.success(msg)
