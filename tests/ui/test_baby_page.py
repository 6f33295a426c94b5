"""The Families page sets the baby's name and how words for the parent speak of them."""

from __future__ import annotations

from attune.core.accounts import Role
from attune.core.pronouns import Pronoun
from attune.services import Context
from attune.services.families import get_family
from tests.factories import make_user


def test_the_families_page_sets_the_pronoun(ctx: Context, app) -> None:  # type: ignore[no-untyped-def]
    pat = make_user(ctx, "pat", Role.PRACTITIONER)
    at = app(pat, "families.py")
    at.run()
    at.text_input(key="add_family_code").input("FAM-9")
    at.text_input(key="add_family_baby").input("Leo")
    at.selectbox(key="add_family_pronoun").select(Pronoun.HE)
    at.button(key="add_family_submit").click().run()
    assert not at.exception
    assert get_family(ctx, pat, "FAM-9").pronoun == Pronoun.HE
    at.button(key="manage_FAM-9").click().run()
    at.text_input(key="baby_name_FAM-9").input("Lea")
    at.selectbox(key="baby_pronoun_FAM-9").select(Pronoun.SHE)
    at.button(key="baby_save_FAM-9").click().run()
    assert not at.exception
    family = get_family(ctx, pat, "FAM-9")
    assert (family.baby_name, family.pronoun) == ("Lea", Pronoun.SHE)
