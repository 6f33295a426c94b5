"""Words on screen are for practitioners and parents: every page, opened as each role on
the demo, says nothing in developers' words (identifiers, query strings, file or section
references), and what a parent sees has none of the words docs/practice.md §6 keeps from parents."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from attune.core.accounts import User
from attune.core.words import check_caption
from attune.services import Context
from attune.services.demo import DEMO_FAMILY
from attune.ui import supervision as sup
from tests.factories import demo_users, demo_without_video

from .conftest import open_tab

App = Callable[..., AppTest]

#: Developers' words: snake_case identifiers, query strings, file and section references.
DEVELOPER_WORDS = {
    "an identifier": re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"),
    "a query string": re.compile(r"\?[a-z_]+="),
    "a file name": re.compile(r"\b[\w-]+\.(md|py|json|toml|mp4|mov|m4v|mkv|avi|webm|3gp|"
                              r"mts|vtt|wav)\b", re.IGNORECASE),
    "a video editor's word": re.compile(r"\bkey ?frames?\b", re.IGNORECASE),
    "a section reference": re.compile(r"§|\bDOMAIN\b|\bDESIGN\b|\bsection \d"),
    "a raw parameter": re.compile(r"=None\b|\{'|\bIQR\b|\bE/D/X\b"),
}
#: Words a parent never reads (docs/practice.md §6), as whole words.
PARENT_NEVER = re.compile(
    r"\b(should|but|missed|failed|ignored|didn't|wrong|poor|contingent|latency|score|"
    r"percent|disengagement|valence|potent|cue|cues)\b|%", re.IGNORECASE)

PAGES = {
    "pat": ["my_work.py", "families.py", "consent.py", "upload.py", "workspace.py",
            "tallies.py", "reels.py", "scheme.py", "goals.py", "search.py",
            "my_supervision.py"],
    "sue": ["my_work.py", "families.py", "workspace.py", "tallies.py", "supervision.py",
            "goals.py", "search.py", "scheme.py"],
    "parent": ["parent_view.py"],
    "admin": ["accounts.py"],
}
#: Pages that lay out only their open tab: each tab is opened and read.
LAZY_TABS = {"supervision.py": {"sup_tab": sup.TABS}}
#: Buttons that open a dialog (a family's controls): each is clicked and the dialog read.
DIALOGS = {("pat", "families.py"): [f"manage_{DEMO_FAMILY}"]}
QUERY = {"consent.py": {"family": DEMO_FAMILY}, "upload.py": {"family": DEMO_FAMILY},
         "workspace.py": {"clip": "1"}, "tallies.py": {"family": DEMO_FAMILY},
         "reels.py": {"family": DEMO_FAMILY}, "goals.py": {"family": DEMO_FAMILY}}


@pytest.fixture
def demo(ctx: Context) -> dict[str, User]:
    demo_without_video(ctx)
    return demo_users(ctx, "pat", "sam", "sue", "parent", "admin")


def on_screen(at: AppTest) -> list[str]:
    """Everything a person reads on the page: text, labels, help, options, headers."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error", "text", "exception"):
        out += [str(getattr(e, "value", "")) for e in at.get(kind)]
    for kind in ("button", "download_button", "selectbox", "multiselect", "radio",
                 "text_input", "text_area", "number_input", "date_input", "toggle",
                 "checkbox", "slider", "select_slider", "expander", "tab", "metric",
                 "page_link", "segmented_control", "pills"):
        for e in at.get(kind):
            for attr in ("label", "help", "placeholder"):
                value = getattr(e, attr, None)
                if value:
                    out.append(str(value))
            options = getattr(e, "options", None)
            if options:
                out += [str(o) for o in options]
    for df in at.dataframe:
        out += [str(c) for c in df.value.columns]
        out += [str(v) for v in df.value.to_numpy().ravel()
                if isinstance(v, str) and any(ch.isalpha() for ch in v)]
    return [t for t in out if t.strip()]


def developer_words(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        # Markdown links and Streamlit's colour and icon directives are not words.
        readable = re.sub(r"\]\([^)]*\)|:[a-z]+-?[a-z]*\[|:material/[a-z_]+:", " ", text)
        found += [f"{what}: {m.group(0)!r} in {text[:80]!r}"
                  for what, rx in DEVELOPER_WORDS.items() for m in rx.finditer(readable)]
    return found


@pytest.mark.parametrize(("who", "page"), [(w, p) for w, ps in PAGES.items() for p in ps])
def test_pages_speak_in_peoples_words(demo: dict[str, User], app: App, who: str,
                                      page: str) -> None:
    at = app(demo[who], page, **QUERY.get(page, {}))
    at.run()
    assert not at.exception, at.exception
    said = on_screen(at)
    assert said
    for key, labels in LAZY_TABS.get(page, {}).items():  # only the open tab is laid out
        for label in labels:
            open_tab(at, key, label)
            assert not at.exception, (label, at.exception)
            said += on_screen(at)
    for key in DIALOGS.get((who, page), []):
        before = len(at.button)
        at.button(key=key).click().run()
        assert not at.exception, (key, at.exception)
        assert len(at.button) > before, f"{key} opened nothing"
        said += on_screen(at)
    found = developer_words(said)
    assert not found, "\n".join(found)


def test_the_sign_in_page_speaks_in_peoples_words(app: App) -> None:
    at = app()
    at.run()
    assert not at.exception, at.exception
    said = on_screen(at)
    assert said and not developer_words(said), developer_words(said)


@pytest.fixture
def shared_film(ctx: Context) -> tuple[User, User, str]:
    """A real clip with a rendered reel shared with the parent, and a chosen moment whose
    caption the check flags: the Reels page and the parent's film with something on them
    (the demo above has no processed clip and no reel)."""
    from attune.services.reels import add_moment, create_reel, render_now, share_reel
    from tests.factories import coded_sample

    pat, mum, family, clip = coded_sample(ctx)
    m1 = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back, and Maya smiled too.",
                    key_ms=1600)
    m2 = add_moment(ctx, pat, clip.id, 8000, 12_000, "You waited, and she had her turn.")
    reel = create_reel(ctx, pat, family.code, [m1.id, m2.id], "Maya and you")
    render_now(ctx, pat, reel.id)
    share_reel(ctx, pat, reel.id)
    add_moment(ctx, pat, clip.id, 14_000, 18_000, "You finally waited, but she cried.")
    return pat, mum, family.code


def shown_html(at: AppTest) -> list[str]:
    """The text of the page's st.html blocks (the parent's captions and questions)."""
    return [re.sub(r"<[^>]+>", " ", e.proto.body) for e in at.get("html")
            if "<style" not in e.proto.body]


@pytest.mark.slow
def test_a_reels_page_with_moments_and_the_parents_film_speak_in_peoples_words(
        shared_film: tuple[User, User, str], app: App) -> None:
    pat, mum, code = shared_film
    at = app(pat, "reels.py", family=code)
    at.run()
    assert not at.exception, at.exception
    said = on_screen(at)
    assert any("Moment 3" in t for t in said)  # the moments step is on the page too
    found = developer_words(said)
    assert not found, "\n".join(found)

    at = app(mum, "parent_view.py")
    at.run()
    assert not at.exception, at.exception
    said = on_screen(at) + shown_html(at)
    assert any("You waited, and she had her turn." in t for t in said)
    found = developer_words(said)
    assert not found, "\n".join(found)
    assert [(m.group(0), t) for t in said for m in PARENT_NEVER.finditer(t)] == []
    assert [t for t in said if check_caption(t.replace("Maya", "Baby")).verdict != "ok"] == []


def test_the_parent_reads_no_word_kept_from_parents(demo: dict[str, User], app: App) -> None:
    at = app(demo["parent"], "parent_view.py")
    at.run()
    said = on_screen(at)
    found = [(m.group(0), t) for t in said for m in PARENT_NEVER.finditer(t)]
    assert found == []
    # and everything on it passes the words check that captions and titles go through
    flagged = [(t, check_caption(t.replace("Maya", "Baby")).verdict) for t in said
               if check_caption(t.replace("Maya", "Baby")).verdict != "ok"]
    assert flagged == []


def test_the_questions_put_to_parents_pass_the_words_check() -> None:
    from attune.ui.review import QUESTIONS

    assert QUESTIONS
    assert [q for q in QUESTIONS if check_caption(q).verdict != "ok"] == []


def test_a_parent_watching_the_tallies_reads_only_parent_words(demo: dict[str, User],
                                                               app: App) -> None:
    at = app(demo["pat"], "tallies.py", family=DEMO_FAMILY)
    at.run()
    at.toggle(key="tallies_parent_view").set_value(True).run()
    assert not at.exception
    said = [t for t in on_screen(at)]
    found = developer_words(said)
    assert not found, "\n".join(found)
    # The page's own controls (family, clip, window) stay for the practitioner; what the
    # figures, table, chart and sentences say is for the parent.
    shown = [t for t in said if not t.startswith(("Family", "Clip", "Answer window",
                                                  "A parent is watching", "Shows only",
                                                  "Re-apply", "Descriptive counts", "Open clip"))]
    found = [(m.group(0), t) for t in shown for m in PARENT_NEVER.finditer(t)]
    assert found == []


def test_the_scanner_catches_what_it_should() -> None:
    bad = ["needs `?clip=ID`", "'shared_review' consent", "see DOMAIN.md section 4",
           "min_overlap=None", "IQR 0.4 s", "Clip 1 · sample_a_gaze_and_smiles.mp4",
           "Pause on the key frame"]
    assert len(developer_words(bad)) >= len(bad)
    assert developer_words(["Share the film with the parent", "Visit of 2026-11-01",
                            ":green-badge[green] agreement",
                            "[Open](/workspace?clip=3&t=5900)"]) == []
