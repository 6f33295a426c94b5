"""Dependencies point inward (DESIGN.md): read every module's imports with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PKG = REPO / "attune"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(sub: str) -> list[Path]:
    return sorted((PKG / sub).rglob("*.py")) if (PKG / sub).is_dir() else [PKG / sub]


def layer_of(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


ALL = sorted(p for p in PKG.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(REPO)))
def test_layering(path: Path) -> None:
    imported = imports_of(path)
    attune_deps = {m.split(".")[1] for m in imported if m.startswith("attune.")}
    top = {m.split(".")[0] for m in imported}
    layer = layer_of(path)
    rel = path.relative_to(PKG).as_posix()
    if layer == "core":
        assert attune_deps <= {"core", "errors"}, f"core imports {attune_deps}"
        assert not top & {"sqlalchemy", "av", "cv2", "streamlit", "pandas"}
    if "sqlalchemy" in top or "alembic" in top:
        assert layer == "storage", f"{rel} imports sqlalchemy outside attune/storage"
    if {"av", "cv2"} & top:
        assert layer == "media" or rel in {"reels/render.py", "reels/handout.py"}, \
            f"{rel} imports av/cv2 outside attune/media and reels/render.py"
    if "streamlit" in top:
        assert layer == "ui", f"{rel} imports streamlit outside attune/ui"
    if layer in {"media", "analysis", "interchange"}:
        assert not attune_deps & {"storage", "services", "ui", "cli", "jobs"}, \
            f"{rel} reaches outward: {attune_deps}"
    if rel == "reels/plan.py" or rel == "reels/propose.py":
        assert attune_deps <= {"core", "errors"}, f"{rel} must stay pure"
    if layer == "storage":
        assert not attune_deps & {"services", "ui", "cli", "media", "jobs"}


def test_pages_do_not_import_the_entry_script() -> None:
    for page in (REPO / "app_pages").glob("*.py"):
        assert "streamlit_app" not in imports_of(page), page


def test_no_import_time_side_effects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing every module creates no data folder, database or key file."""
    import importlib

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))
    for path in ALL:
        rel = path.relative_to(REPO).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith("__main__"):
            continue
        importlib.import_module(name)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ the media layout
#: The modules allowed to spell a media file's name: the names, and the store that places
#: them (DESIGN.md: one place for each rule).
LAYOUT_OWNERS = {"media/layout.py", "services/mediastore.py"}


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """Every string literal of the module's code (f-string parts too), docstrings left out:
    a docstring may say what a file is called, only code decides it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant):
            docstrings.add(id(node.body[0].value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_media_file_names_are_spelled_only_by_the_media_store() -> None:
    """A media file's name (``"reel.mp4"``, ``"proxy.mp4"``, a ``.vtt``, a shared copy's
    ``shared-…``) appears in code only in attune/media/layout.py and the media store; every
    other module asks ``ctx.media`` (or the layout's functions) where a file is."""
    from attune.media import layout

    names = {*layout.CLIP_FILES.values(), *layout.REEL_FILES.values(), "captions.vtt"}
    found = []
    for path in ALL:
        rel = path.relative_to(PKG).as_posix()
        if rel in LAYOUT_OWNERS:
            continue
        for line, text in _code_strings(path):
            if (any(text.endswith(n) for n in names) or text.endswith(".vtt")
                    or text.startswith(layout.SHARED_PREFIX)):
                found.append(f"{rel}:{line}: {text!r}")
    assert not found, "ask attune.services.mediastore.MediaStore instead:\n" + "\n".join(found)
