"""AppTest fixtures: the app (``streamlit_app.py``) run against the test's migrated
database, as a given user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from attune.core.accounts import User
from attune.services import Context
from attune.services.tokens import SESSIONS
from attune.ui.context import reset_contexts
from attune.ui.session import SESSION_KEY, USER_KEY

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
PAGES = APP.parent / "app_pages"


@pytest.fixture
def app(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """``app(user, page=None, **query)``: an AppTest of the whole app, signed in as
    ``user`` (or nobody), opened on ``page`` (a file in app_pages) with query params."""
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("ATTUNE_DATABASE_URL", ctx.settings.database_url)
    monkeypatch.setenv("ATTUNE_MEDIA_DIR", str(ctx.settings.media_dir))
    monkeypatch.setenv("ATTUNE_SECRET_KEY", ctx.settings.secret_key)

    def make(user: User | None = None, page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        if user is not None:
            at.session_state[USER_KEY] = user
            at.session_state[SESSION_KEY] = SESSIONS.start(ctx, user.id)
        for key, value in query.items():
            at.query_params[key] = value
        if page is not None:
            at.switch_page(f"app_pages/{page}")
        return at

    yield make
    reset_contexts()


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab ``label`` of the keyed tabs ``key`` (a page that lays out only its
    open tab, as a click on it would) and run the page."""
    at.session_state[key] = label
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page says, as one string (to look for messages)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error", "text"):
        parts += [str(getattr(e, "value", "")) for e in at.get(kind)]
    return "\n".join(parts)
