"""A reel's title reaches the parent on its first card: it goes through the words check
like every caption, and a language the check cannot read needs a colleague's reading."""

from __future__ import annotations

import pytest

from attune.errors import InputError
from attune.services import Context
from attune.services.reels import check_title, create_reel, propose, rename_reel
from tests.factories import coded_sample


def test_a_judging_title_is_refused_with_a_rewording() -> None:
    with pytest.raises(InputError, match=r"words to avoid with parents.*try:"):
        check_title("The moments you missed, but Maya didn't give up")
    assert check_title("Maya and you: moments that worked") is False


def test_a_title_the_check_cannot_read_needs_a_colleague() -> None:
    welsh = "Eiliadau arbennig gyda Maya a chi heddiw yn y tŷ"
    with pytest.raises(InputError, match="colleague"):
        check_title(welsh)
    assert check_title(welsh, read_with_colleague=True) is True


@pytest.mark.slow
def test_the_services_check_titles_and_audit_a_colleagues_reading(ctx: Context) -> None:
    pat, _, family, clip = coded_sample(ctx)
    from attune.services.reels import accept_proposal

    moment = accept_proposal(ctx, pat, clip.id, propose(ctx, pat, clip.id)[0])
    with pytest.raises(InputError):
        create_reel(ctx, pat, family.code, [moment.id], "You finally noticed her!")
    reel = create_reel(ctx, pat, family.code, [moment.id], "Maya and you")
    with pytest.raises(InputError):
        rename_reel(ctx, pat, reel.id, "Good job, at last")
    welsh = "Eiliadau arbennig gyda Maya a chi heddiw yn y tŷ"
    with pytest.raises(InputError, match="colleague"):
        rename_reel(ctx, pat, reel.id, welsh)
    renamed = rename_reel(ctx, pat, reel.id, welsh, read_with_colleague=True)
    assert renamed.title == welsh
    with ctx.db.transaction("test") as tx:
        actions = [e.action for e in tx.audit_entries(object_type="reel", object_id=reel.id)]
    assert "title-read-by-colleague" in actions
