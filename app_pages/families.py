from __future__ import annotations

from collections.abc import Callable
from datetime import date

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
from attune.ui.families import (
    FamilyRow,
    account_names,
    family_summary,
    family_table,
    people_line,
)
from attune.ui.paging import one_page
from attune.ui.session import get_context, page_user

FAMILIES_A_PAGE = 10
MANAGING = "families_manage"  # the code of the family whose dialog is open
DONE = "families_done"  # what the dialog's last action did, said once it has closed

user = page_user({Role.PRACTITIONER, Role.SUPERVISOR}, "use the Families page")
ctx = get_context()
st.title("Families" if user.role == Role.PRACTITIONER else "Families of your team")
if said := st.session_state.pop(DONE, None):
    st.success(said)

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


def open_family(code: str) -> None:
    st.session_state[MANAGING] = code


def close_family() -> None:
    st.session_state.pop(MANAGING, None)


def done(message: str) -> None:
    """Close the dialog and say on the page what was done."""
    close_family()
    st.session_state[DONE] = message
    st.rerun()


def attempt(action: Callable[[], object], said: str) -> None:
    """Do ``action``; on success close the dialog saying ``said``, else show the error
    in the dialog (what was entered stays)."""
    try:
        action()
    except AttuneError as exc:
        st.error(str(exc))
    else:
        done(said)


def go_to(page: str, code: str) -> None:
    close_family()  # back on this page, the dialog is closed
    st.switch_page(page, query_params={"family": code})


# Each family is a few lines and one button; the controls for a family are in a dialog
# opened by its button (a page of families, each with its controls laid out, was slow).
for row in one_page(rows, "families_page", FAMILIES_A_PAGE, "families"):
    f = row.family
    with st.container(border=True, key=f"family_{f.code}"):
        if not row.can_edit:  # a supervisor reads their team's families
            st.markdown(family_summary(row))
            continue
        said, control = st.columns([4, 1], vertical_alignment="center")
        said.markdown(family_summary(row))
        control.button(f"Manage {f.code}", key=f"manage_{f.code}", icon=":material/edit:",
                       on_click=open_family, args=(f.code,),
                       help="Assign a practitioner, link a parent, end the involvement, "
                            "the baby's details, consent and upload")


def manage(row: FamilyRow, practitioners: list[str], parents: list[str]) -> None:
    """What a practitioner can do for one family (in a dialog of its own)."""
    f = row.family
    st.caption(people_line(f))
    links = st.container(horizontal=True)
    if links.button("Consent", icon=":material/verified_user:", key=f"to_consent_{f.code}",
                       help="Record or withdraw this family's consent"):
        go_to("app_pages/consent.py", f.code)
    if links.button("Upload a clip", icon=":material/upload:", key=f"to_upload_{f.code}"):
        go_to("app_pages/upload.py", f.code)
    st.markdown("**People and involvement**")
    c1, c2, c3 = st.columns(3)
    who = c1.selectbox("Practitioner", practitioners, key=f"assign_who_{f.code}")
    if c1.button("Assign", key=f"assign_{f.code}") and who:
        attempt(lambda: assign_practitioner(ctx, user, f.code, who),
                f"{who} now works with family {f.code}.")
    parent = c2.selectbox("Parent account", parents, key=f"link_who_{f.code}")
    if c2.button("Link parent", key=f"link_{f.code}") and parent:
        attempt(lambda: link_parent(ctx, user, f.code, parent),
                f"{parent}'s account is linked to family {f.code}.")
    day: date | None = c3.date_input("Involvement ended on", value=None,
                                     key=f"end_day_{f.code}")
    if c3.button("End involvement", key=f"end_{f.code}", disabled=day is None):
        attempt(lambda: end_involvement(ctx, user, f.code, day),
                f"Involvement with family {f.code} ended on {day}.")
    st.markdown("**The baby**")
    b1, b2 = st.columns(2)
    new_name = b1.text_input("Baby's first name or nickname", value=f.baby_name,
                             key=f"baby_name_{f.code}")
    new_pronoun = b2.selectbox(
        "Words for the baby", list(PRONOUN_CHOICES),
        index=list(PRONOUN_CHOICES).index(f.pronoun),
        format_func=PRONOUN_CHOICES.__getitem__, key=f"baby_pronoun_{f.code}")
    if st.button("Save the baby's details", key=f"baby_save_{f.code}"):
        attempt(lambda: set_baby(ctx, user, f.code, new_name, new_pronoun),
                f"The baby's details for family {f.code} are saved.")


if (managing := st.session_state.get(MANAGING)) is not None:
    chosen = next((r for r in rows if r.family.code == managing and r.can_edit), None)
    if chosen is None:  # gone, or no longer theirs to manage
        close_family()
    else:
        f = chosen.family
        st.dialog(f"Family {f.code} · {f.baby_name}", width="large",
                  on_dismiss=close_family)(manage)(
            chosen, cached(ctx, user, account_names, Role.PRACTITIONER),
            cached(ctx, user, account_names, Role.PARENT))
