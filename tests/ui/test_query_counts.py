"""The N+1 guard: a page's SQL statements do not grow with the caseload.

Each page is opened (its reads are then cached per account and data version,
``attune.ui.cache``) and run again; the statements of that run are counted with
SQLAlchemy's ``before_cursor_execute`` hook, with one family and then with three (about
20 clips and 3,500 events each, ``attune demo --caseload``). A page whose count grows with
the families or clips it lists fails. Also: the cache never gives one account's results
to another, and a change (every change is audited) is seen at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event
from streamlit.testing.v1 import AppTest

from attune.core.accounts import User
from attune.services import Context
from attune.services.caseload import load_caseload
from attune.services.families import visible_families
from attune.ui.cache import cached, kept
from attune.ui.context import shared_context

App = Callable[..., AppTest]
PAGES = (("pat", "my_work.py"), ("pat", "families.py"), ("pat", "consent.py"),
         ("pat", "reels.py"), ("pat", "tallies.py"), ("pat", "my_supervision.py"),
         ("sue", "families.py"),
         ("sue", "supervision.py"), ("sue", "tallies.py"), ("parent", "parent_view.py"),
         ("admin", "accounts.py"))


def _users(ctx: Context) -> dict[str, User]:
    with ctx.db.transaction("test") as tx:
        return {u.username: u for u in tx.list_users()}


def _counts(ctx: Context, app: App) -> dict[tuple[str, str], int]:
    users = _users(ctx)
    engine = shared_context().db.engine
    out = {}
    for who, page in PAGES:
        at = app(users[who], page)
        at.run()  # the first view reads and caches
        assert not at.exception, (who, page, at.exception)
        seen: list[str] = []

        def tick(_conn: object, _cursor: object, statement: str, *_: object,
                 seen: list[str] = seen) -> None:
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", tick)
        try:
            at.run()  # the page seen again: reruns are what a user waits for most
        finally:
            event.remove(engine, "before_cursor_execute", tick)
        assert not at.exception, (who, page, at.exception)
        out[(who, page)] = len(seen)
    return out


@pytest.mark.slow
def test_no_page_asks_more_of_the_database_as_the_caseload_grows(ctx: Context,
                                                                  app: App) -> None:
    load_caseload(ctx, 1, media=False)
    small = _counts(ctx, app)
    load_caseload(ctx, 3, media=False)
    large = _counts(ctx, app)
    grown = {page: (small[page], large[page]) for page in small
             if large[page] > small[page]}
    assert not grown, f"statements per page run grew from 1 to 3 families: {grown}"
    # a few: the session, the data's version and what is not worth caching (every page,
    # Supervision's calibration reads too, is under this cap)
    assert max(large.values()) <= 30, large


@pytest.mark.parametrize("cache", [cached, kept], ids=["copied", "kept"])
def test_the_cache_is_per_account_and_sees_every_change(ctx: Context, cache: Any) -> None:
    load_caseload(ctx, 2, media=False)
    users = _users(ctx)
    calls: list[str] = []

    def families(ctx: Context, user: User) -> list[str]:
        calls.append(user.username)
        return [f.code for f in visible_families(ctx, user)]

    pat, bea = users["pat"], users["bea"]  # CL-001 is pat's, CL-002 is sam's: neither bea's
    first, again = cache(ctx, pat, families), cache(ctx, pat, families)
    assert first == again == ["CL-001"] and calls == ["pat"]
    # kept hands every run the same object (nothing to unpickle); cached, a copy each time
    assert (first is again) == (cache is kept)
    assert cache(ctx, bea, families) == []  # never pat's answer
    assert calls == ["pat", "bea"]
    from attune.services.families import add_family

    add_family(ctx, bea, "CL-900", "Zoe", None)  # a change: audited, so a new version
    assert cache(ctx, bea, families) == ["CL-900"]
    assert cache(ctx, pat, families) == ["CL-001"]
    assert calls == ["pat", "bea", "bea", "pat"]
    with ctx.db.transaction("pat") as tx:  # a look (e.g. a film watched) changes nothing
        tx.audit("serve-media", "clip", 1)
    assert cache(ctx, pat, families) == ["CL-001"]
    assert calls == ["pat", "bea", "bea", "pat"]
