from __future__ import annotations

import streamlit as st

from attune.core.accounts import Role
from attune.core.pronouns import PRONOUN_CHOICES
from attune.errors import AttuneError
from attune.services.families import (
    add_family,
    assign_practitioner,
    end_involvement,
    link_parent,
    set_baby,
)
from attune.ui.cache import cached, kept
from attune.ui.families import account_names, clip_rows, family_table
from attune.ui.paging import one_page
from attune.ui.session import get_context, page_user

FAMILIES_A_PAGE = 10

user = page_user({Role.PRACTITIONER, Role.SUPERVISOR}, "use the Families page")
ctx = get_context()
st.title("Families" if user.role == Role.PRACTITIONER else "Families of your team")

rows = kept(ctx, user, family_table)
with st.expander("Add a family", expanded=not rows), st.form("add_family", clear_on_submit=True):
    st.caption("Families are pseudonymous: a code (never the surname) and the baby's first "
               "name or a nickname.")
    c1, c2, c3, c4 = st.columns(4)
    code = c1.text_input("Family code", placeholder="FAM-014", key="add_family_code")
    baby = c2.text_input("Baby's first name or nickname", key="add_family_baby")
    pronoun = c3.selectbox("Words for the baby", list(PRONOUN_CHOICES), index=2,
                           format_func=PRONOUN_CHOICES.__getitem__, key="add_family_pronoun",
                           help="How captions and sentences for the parent speak of the baby")
    month = c4.text_input("Birth month (optional)", placeholder="2026-03",
                          key="add_family_month")
    if st.form_submit_button("Add family", type="primary", key="add_family_submit"):
        try:
            family = add_family(ctx, user, code.strip(), baby, month.strip() or None, pronoun)
        except AttuneError as exc:
            st.error(str(exc))
        else:
            st.success(f"Family {family.code} added.")
            st.rerun()

if not rows:
    st.info("No families yet. Add the first family above; then record their consent.")
practitioners = cached(ctx, user, account_names, Role.PRACTITIONER)
parents = cached(ctx, user, account_names, Role.PARENT)
for row in one_page(rows, "families_page", FAMILIES_A_PAGE, "families"):
    f = row.family
    with st.container(border=True, key=f"family_{f.code}"):
        st.subheader(f"{f.code} · {f.baby_name}")
        ended = f" · involvement ended {f.involvement_ended_on}" if f.involvement_ended_on else ""
        st.caption(f"Practitioners: {', '.join(f.practitioners) or 'none'} · Parent accounts: "
                   f"{', '.join(f.parents) or 'none'}{ended}")
        if row.clips:
            st.dataframe(clip_rows(row.clips), hide_index=True, key=f"clips_{f.code}")
        else:
            st.write("No clips yet.")
        if not row.can_edit:
            continue
        links = st.columns(2)
        links[0].page_link("app_pages/consent.py", label="Consent",
                           icon=":material/verified_user:", query_params={"family": f.code})
        links[1].page_link("app_pages/upload.py", label="Upload a clip",
                           icon=":material/upload:", query_params={"family": f.code})
        with st.expander("People and involvement"):
            c1, c2, c3 = st.columns(3)
            who = c1.selectbox("Practitioner", practitioners, key=f"assign_who_{f.code}")
            if c1.button("Assign", key=f"assign_{f.code}") and who:
                try:
                    assign_practitioner(ctx, user, f.code, who)
                    st.rerun()
                except AttuneError as exc:
                    st.error(str(exc))
            parent = c2.selectbox("Parent account", parents, key=f"link_who_{f.code}")
            if c2.button("Link parent", key=f"link_{f.code}") and parent:
                try:
                    link_parent(ctx, user, f.code, parent)
                    st.rerun()
                except AttuneError as exc:
                    st.error(str(exc))
            day = c3.date_input("Involvement ended on", value=None, key=f"end_day_{f.code}")
            if c3.button("End involvement", key=f"end_{f.code}", disabled=day is None):
                try:
                    end_involvement(ctx, user, f.code, day)
                    st.rerun()
                except AttuneError as exc:
                    st.error(str(exc))
        with st.expander("The baby"):
            b1, b2 = st.columns(2)
            new_name = b1.text_input("Baby's first name or nickname", value=f.baby_name,
                                     key=f"baby_name_{f.code}")
            new_pronoun = b2.selectbox(
                "Words for the baby", list(PRONOUN_CHOICES),
                index=list(PRONOUN_CHOICES).index(f.pronoun),
                format_func=PRONOUN_CHOICES.__getitem__, key=f"baby_pronoun_{f.code}")
            if b1.button("Save the baby's details", key=f"baby_save_{f.code}"):
                try:
                    set_baby(ctx, user, f.code, new_name, new_pronoun)
                    st.rerun()
                except AttuneError as exc:
                    st.error(str(exc))
