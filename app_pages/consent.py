from __future__ import annotations

from datetime import date

import streamlit as st

from attune.core.accounts import Role
from attune.core.consent import ConsentScope
from attune.errors import AttuneError
from attune.services.consent import consents, plan_withdrawal, record_consent, withdraw_consent
from attune.ui.cache import cached
from attune.ui.consent import consent_rows, scope_label, withdrawable
from attune.ui.families import editable_codes
from attune.ui.session import get_context, page_user

user = page_user({Role.PRACTITIONER}, "record consent")
ctx = get_context()
st.title("Consent")
asked = st.query_params.get("family")
if asked is not None:  # opened for one family: only its consent is read
    code = asked
else:
    codes = cached(ctx, user, editable_codes)
    if not codes:
        st.info("No families yet. Add a family on the Families page first.")
        st.stop()
    code = st.selectbox("Family", codes, key="consent_family")
try:
    decisions = cached(ctx, user, consents, code)
except AttuneError as exc:
    st.error(str(exc))
    st.stop()
today = date.today()
st.subheader(f"Family {code}")
st.dataframe(consent_rows(decisions, today), hide_index=True, key="consent_table",
             column_order=("scope", "state", "decided on", "evidence", "what it allows",
                           "withdrawn on", "keep until", "recorded by"),
             column_config={"what it allows": st.column_config.TextColumn(width="large")})

with st.form("record_consent", clear_on_submit=True):
    st.markdown("**Record a decision**")
    scope = st.selectbox("Scope", list(ConsentScope), format_func=scope_label,
                         key="consent_scope")
    c1, c2, c3 = st.columns(3)
    granted = c1.radio("Decision", ["granted", "declined"], horizontal=True,
                       key="consent_decision") == "granted"
    decided_on = c2.date_input("Decided on", value=today, max_value=today, key="consent_date")
    retain = c3.date_input("Keep until (optional)", value=None, key="consent_retain")
    evidence = st.text_input("Evidence", placeholder="e.g. signed form, filed 2026-11-20",
                             key="consent_evidence")
    if st.form_submit_button("Record", type="primary", key="consent_record"):
        if not evidence.strip():
            st.error("Say where the evidence of this decision is (e.g. the signed form).")
        else:
            try:
                record_consent(ctx, user, code, scope, granted, decided_on, evidence.strip(),
                               retain_until=retain)
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.rerun()

st.markdown("**Withdraw consent**")
granted_scopes = withdrawable(decisions, today)
if not granted_scopes:
    st.caption("Nothing to withdraw: no consent is in force.")
else:
    scope_out = st.selectbox("Scope to withdraw", granted_scopes, format_func=scope_label,
                             key="withdraw_scope")
    try:
        plan = cached(ctx, user, plan_withdrawal, code, scope_out)
    except AttuneError as exc:
        st.error(str(exc))
        st.stop()
    st.warning(plan.describe(), icon=":material/warning:")
    sure = st.checkbox("I have checked what will be deleted, and the family has withdrawn "
                       "this consent.", key="withdraw_sure")
    typed = st.text_input(f"Type the family code ({code}) to confirm", key="withdraw_code")
    if st.button("Withdraw consent", type="primary", key="withdraw_confirm",
                 disabled=not (sure and typed.strip() == code)):
        try:
            with st.spinner("Withdrawing and deleting…"):
                done = withdraw_consent(ctx, user, code, scope_out)
        except AttuneError as exc:
            st.error(str(exc))
        else:
            st.session_state["withdraw_done"] = (
                f"'{scope_out}' consent withdrawn: {len(done.clips)} clip(s) and "
                f"{len(done.reel_ids)} reel(s) deleted.")
            for k in ("withdraw_sure", "withdraw_code"):
                st.session_state.pop(k, None)
            st.rerun()
if done_msg := st.session_state.pop("withdraw_done", None):
    st.success(done_msg)
