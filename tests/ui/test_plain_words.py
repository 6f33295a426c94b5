"""Words on screen are for practitioners and parents: every page, opened as each role on
the demo, says nothing in developers' words (identifiers, query strings, file or section
references), and what a parent sees has none of the words docs/practice.md §6 keeps from parents."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from attune.core.accounts import User
from attune.core.clip import ClipStatus
from attune.core.words import check_caption
from attune.services import Context
from attune.services.demo import DEMO_FAMILY, load_demo

App = Callable[..., AppTest]
DURATIONS_MS = (30_000, 25_000, 35_000)

#: Developers' words: snake_case identifiers, query strings, file and section references.
DEVELOPER_WORDS = {
    "an identifier": re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"),
    "a query string": re.compile(r"\?[a-z_]+="),
    "a file name": re.compile(r"\b[\w-]+\.(md|py|json|toml)\b"),
    "a section reference": re.compile(r"§|\bDOMAIN\b|\bDESIGN\b|\bsection \d"),
    "a raw parameter": re.compile(r"=None\b|\{'|\bIQR\b|\bE/D/X\b"),
}
#: Words a parent never reads (docs/practice.md §6), as whole words.
PARENT_NEVER = re.compile(
    r"\b(should|but|missed|failed|ignored|didn't|wrong|poor|contingent|latency|score|"
    r"percent|disengagement|valence|potent|cue|cues)\b|%", re.IGNORECASE)

PAGES = {
    "pat": ["my_work.py", "families.py", "consent.py", "upload.py", "workspace.py",
            "tallies.py", "reels.py", "scheme.py", "goals.py", "my_supervision.py"],
    "sue": ["my_work.py", "families.py", "workspace.py", "tallies.py", "supervision.py",
            "goals.py"],
    "parent": ["parent_view.py"],
    "admin": ["accounts.py"],
}
QUERY = {"consent.py": {"family": DEMO_FAMILY}, "upload.py": {"family": DEMO_FAMILY},
         "workspace.py": {"clip": "1"}, "tallies.py": {"family": DEMO_FAMILY},
         "reels.py": {"family": DEMO_FAMILY}, "goals.py": {"family": DEMO_FAMILY}}


@pytest.fixture
def demo(ctx: Context) -> dict[str, User]:
    info = load_demo(ctx, ingest=False)
    with ctx.db.transaction("test") as tx:
        for clip_id, ms in zip(info["clips"], DURATIONS_MS, strict=True):
            tx.set_clip_media(clip_id, status=ClipStatus.READY, duration_ms=ms)
        return {u: tx.get_user(u) for u in ("pat", "sam", "sue", "parent", "admin")}


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
    found = developer_words(said)
    assert not found, "\n".join(found)


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
           "min_overlap=None", "IQR 0.4 s"]
    assert len(developer_words(bad)) >= len(bad)
    assert developer_words(["Share the film with the parent", "Visit of 2026-11-01",
                            ":green-badge[green] agreement",
                            "[Open](/workspace?clip=3&t=5900)"]) == []
