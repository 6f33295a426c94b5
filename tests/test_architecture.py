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
