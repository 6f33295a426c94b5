"""What ``streamlit_app.py`` runs: the routes for ``st.App``, and per script run the
sign-in check and the pages of the signed-in user's role (``st.navigation``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from starlette.routing import BaseRoute

from attune.core.accounts import Role, User
from attune.ui.context import shared_context
from attune.ui.review import ENDED_KEY, REVIEW_CSS, review_mode
from attune.ui.routes import build_routes
from attune.ui.session import SESSION_KEY, cookie_pending, restore_session, sync_cookie

PAGES_DIR = "app_pages"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str


SIGN_IN = PageSpec("sign_in.py", "Sign in", ":material/login:")
MY_WORK = PageSpec("my_work.py", "My work", ":material/assignment:")
FAMILIES = PageSpec("families.py", "Families", ":material/family_restroom:")
CONSENT = PageSpec("consent.py", "Consent", ":material/verified_user:")
UPLOAD = PageSpec("upload.py", "Upload", ":material/upload:")
SCHEME = PageSpec("scheme.py", "Coding scheme", ":material/label:")
WORKSPACE = PageSpec("workspace.py", "Workspace", ":material/timeline:")
PARENT = PageSpec("parent_view.py", "Your film", ":material/movie:")
REELS = PageSpec("reels.py", "Reels", ":material/movie_edit:")
TALLIES = PageSpec("tallies.py", "Tallies", ":material/bar_chart:")
GOALS = PageSpec("goals.py", "Goals and visits", ":material/flag:")
SEARCH = PageSpec("search.py", "Search", ":material/search:")
SUPERVISION = PageSpec("supervision.py", "Supervision", ":material/fact_check:")
MY_SUPERVISION = PageSpec("my_supervision.py", "My supervision", ":material/school:")
ACCOUNTS = PageSpec("accounts.py", "Accounts", ":material/manage_accounts:")
SIGN_OUT = PageSpec("sign_out.py", "Sign out", ":material/logout:")

#: The pages of each role, the first being the landing page. The workspace page is
#: listed only once its file exists (another issue's work).
ROLE_PAGES: dict[Role, tuple[PageSpec, ...]] = {
    Role.PRACTITIONER: (MY_WORK, FAMILIES, GOALS, CONSENT, UPLOAD, SCHEME, WORKSPACE, REELS,
                        TALLIES, SEARCH, MY_SUPERVISION),
    Role.SUPERVISOR: (FAMILIES, GOALS, SUPERVISION, TALLIES, WORKSPACE, SCHEME, SEARCH),
    Role.PARENT: (PARENT,),
    Role.ADMIN: (ACCOUNTS,),
}


def app_routes() -> list[BaseRoute]:
    """Our Starlette routes (media, upload, sign-in cookie) for ``st.App``."""
    return build_routes(shared_context)


def pages_for(user: User | None, root: Path) -> list[PageSpec]:
    """The pages in ``user``'s menu (the first is their landing page)."""
    if user is None:
        return [SIGN_IN]
    specs = [p for p in ROLE_PAGES[user.role] if (root / PAGES_DIR / p.file).exists()]
    return [*specs, SIGN_OUT]


#: Pages that check the role themselves (``page_user``): opened by someone else they say
#: "Not allowed" and the refusal is audited, so they are routable for every signed-in
#: user (only their own pages are in the menu). Other pages are routable only for the
#: roles that have them; elsewhere Streamlit answers "page not found".
GUARDED = (MY_WORK, FAMILIES, CONSENT, UPLOAD, SCHEME, PARENT, ACCOUNTS, TALLIES, SUPERVISION,
           REELS, GOALS, SEARCH, MY_SUPERVISION)


def routable_for(user: User | None, root: Path) -> list[PageSpec]:
    menu = pages_for(user, root)
    if user is None:
        return menu
    return [*menu, *(p for p in GUARDED if p not in menu)]


def run_app(main_script: str) -> None:
    """One script run of the app: check who is signed in, then run their page."""
    st.set_page_config(page_title="attune", page_icon="🌱", layout="wide")
    root = Path(main_script).resolve().parent
    user = restore_session()
    sync_cookie()
    if user is not None and cookie_pending():
        # just signed in: wait (one short round trip) for the browser to keep the
        # sign-in cookie, which every media and upload URL needs; its answer reruns
        st.caption("Signing you in…")
        st.stop()
    ctx = shared_context()
    if review_mode(ctx, st.session_state, user, st.session_state.get(SESSION_KEY)) is not None:
        # session mode (attune.ui.review): the parent view of one reel and nothing else
        st.html(REVIEW_CSS)
        st.navigation([st.Page(f"{PAGES_DIR}/{PARENT.file}", title=PARENT.title,
                               icon=PARENT.icon, default=True)], position="hidden").run()
        return
    menu = pages_for(user, root)
    # URL paths come from the file names (/consent, /my_work): AppTest's switch_page
    # finds pages the same way
    pages = {s: st.Page(f"{PAGES_DIR}/{s.file}", title=s.title, icon=s.icon, default=(i == 0))
             for i, s in enumerate(routable_for(user, root))}
    if user is None:
        st.navigation(list(pages.values()), position="hidden").run()
        return
    with st.sidebar:
        for spec in menu:
            st.page_link(pages[spec], label=spec.title, icon=spec.icon)
        st.divider()
        st.caption(f"Signed in as **{user.display_name}** · {user.username}")
    nav = st.navigation(list(pages.values()), position="hidden")
    ended = st.session_state.pop(ENDED_KEY, None)
    if ended is not None:
        # a shared review has just ended on the parent's page (the page this browser is
        # still on): back to the practitioner's reels for that family, not "Not allowed"
        back = REELS if REELS in menu else menu[0]
        st.switch_page(pages[back], query_params={"family": ended}
                       if back == REELS and ended else None)
    nav.run()
