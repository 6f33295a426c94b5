"""The baby's name and pronoun live on the family and reach every word for the parent:
proposed captions, sentences, the pages that set them."""

from __future__ import annotations

import re

import pytest

from attune.core.pronouns import Pronoun
from attune.errors import InputError, NotAllowedError
from attune.services import Context
from attune.services.families import add_family, get_family, set_baby
from attune.services.reels import propose
from tests.factories import coded_sample, make_user


def test_a_family_keeps_its_babys_pronoun(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    family = add_family(ctx, pat, "FAM-010", "Leo", None, "he")
    assert family.pronoun == Pronoun.HE
    assert get_family(ctx, pat, "FAM-010").pronoun == Pronoun.HE
    assert add_family(ctx, pat, "FAM-011", "Ari").pronoun == Pronoun.THEY  # until chosen
    with pytest.raises(InputError, match="she, he or they"):
        add_family(ctx, pat, "FAM-012", "Bo", None, "it")


def test_changing_the_baby_is_audited_and_needs_the_family(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    sam = make_user(ctx, "sam")
    add_family(ctx, pat, "FAM-010", "Leo", None, "he")
    changed = set_baby(ctx, pat, "FAM-010", "Lea", "she")
    assert (changed.baby_name, changed.pronoun) == ("Lea", Pronoun.SHE)
    with ctx.db.transaction("test") as tx:
        entry = tx.audit_entries(object_type="family")[0]
    assert entry.action == "change-baby" and entry.actor == "pat"
    assert entry.detail["before"] == {"baby_name": "Leo", "pronoun": "he"}
    with pytest.raises(NotAllowedError):
        set_baby(ctx, sam, "FAM-010", "Bob", "he")
    with pytest.raises(InputError):
        set_baby(ctx, pat, "FAM-010", "Leo Alexander Smith", "he")  # pseudonymous


@pytest.mark.slow
def test_proposed_captions_speak_of_the_baby_as_the_family_says(ctx: Context) -> None:
    pat, _, family, clip = coded_sample(ctx)
    set_baby(ctx, pat, family.code, "Leo", Pronoun.HE)
    captions = " ".join(p.caption for p in propose(ctx, pat, clip.id))
    assert captions and "Leo" in captions
    assert re.search(r"\b(he|him|his)\b", captions)
    assert not re.search(r"\b(she|her|hers)\b", captions), captions
    set_baby(ctx, pat, family.code, "Leo", Pronoun.THEY)
    captions = " ".join(p.caption for p in propose(ctx, pat, clip.id))
    assert not re.search(r"\b(she|her|he|him|his)\b", captions), captions
    assert "they was" not in captions
