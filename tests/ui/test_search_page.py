"""The Search page: filters, the list of moments (each a link to its timeline moment), and
no page for a parent."""

from __future__ import annotations

from attune.services import Context
from tests.test_search import world  # noqa: F401  (the fixture)
from tests.ui.conftest import texts


def test_the_search_page(app, ctx: Context, world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    at = app(world["pat"], "search.py").run()
    assert not at.exception
    assert "Choose what to look for" in texts(at)
    at.selectbox(key="search_kind").set_value("Infant cues")
    at.selectbox(key="search_answered").set_value("Answered (attuned)")
    at.selectbox(key="search_period").set_value("This month")
    at.multiselect(key="search_bands").set_value(["prompt"])
    at.checkbox(key="search_subtle").check()
    at.button[0].click().run()
    assert not at.exception
    words = texts(at)
    assert "1 moment(s) in 2 clip(s)" in words
    assert "**C07** face brightens" in words and "how strongly: a little" in words
    # a link to a family's moments searches it as the page opens
    at = app(world["sue"], "search.py", family="FAM-A").run()
    assert not at.exception and "7 moment(s) in 2 clip(s)" in texts(at)
    # a parent has no Search page: refused and audited
    at = app(world["mum"], "search.py").run()
    assert "Not allowed" in texts(at)


def test_tallies_by_modifier_on_the_tallies_page(app, ctx: Context, world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    at = app(world["pat"], "tallies.py", family="FAM-A").run()
    assert not at.exception
    at.toggle(key="tallies_by_modifier").set_value(True).run()
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "modifier" in d.value.columns]
    assert set(zip(table["code"], table["modifier"], table["value"], strict=True)) == {
        ("C07", "how strongly", "a little"), ("R03", "how", "voice"),
        ("C02", "how strongly", "strongly"), ("C02", "who started", "the parent"),
        ("R04", "how", "face")}
