"""Dependencies point inward (docs/architecture.md): read every module's imports with
``ast``, those inside functions too."""

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
        assert layer == "media" or rel in {"reels/render.py", "reels/handout.py",
                                           "reels/smartcut.py"}, \
            f"{rel} imports av/cv2 outside attune/media and reels/render.py, smartcut.py, " \
            "handout.py"
    if "streamlit" in top:
        assert layer == "ui", f"{rel} imports streamlit outside attune/ui"
    if layer in {"media", "analysis", "interchange", "detect"}:
        assert not attune_deps & {"storage", "services", "ui", "cli", "jobs"}, \
            f"{rel} reaches outward: {attune_deps}"
    if rel == "reels/plan.py" or rel == "reels/propose.py":
        assert attune_deps <= {"core", "errors"}, f"{rel} must stay pure"
    if layer == "storage":
        assert not attune_deps & {"services", "ui", "cli", "media", "jobs"}


#: The floors, lowest first: a module imports from its own floor or the floors below.
#: ``attune`` itself (``import attune``, for the version) and its basic modules are floor 0.
FLOORS: dict[str, int] = {
    "attune": 0, "core": 0, "errors": 0, "config": 0, "fileio": 0, "schemas": 0,
    "schemes": 0,
    "storage": 1, "media": 1, "analysis": 1, "reels": 1, "interchange": 1, "detect": 1,
    "services": 2,
    "ui": 3, "app_pages": 3, "cli": 3, "jobs": 3, "__main__": 3,
}
#: Beside the floors: what a floor's packages must not import from their neighbours.
FORBIDDEN: dict[str, set[str]] = {
    "services": {"jobs", "ui", "cli"},  # the jobs reach services through services.queue
    "ui": {"cli", "storage"},  # the app hands the jobs' queue to the services (ui/context)
    "app_pages": {"cli", "jobs", "storage"},
    "jobs": {"ui", "cli"},
}
PAGES = sorted((REPO / "app_pages").glob("*.py"))
UI = sorted((PKG / "ui").rglob("*.py")) + PAGES


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(REPO).with_suffix("").parts)
    return name.removesuffix(".__init__")


MODULES = {module_name(p): p for p in ALL}


def attune_imports(path: Path) -> set[str]:
    """The attune modules ``path`` imports (``from attune.x import y`` counts as
    ``attune.x.y`` when that is a module, else as ``attune.x``), anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found - {module_name(path)}


def floor_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "attune":
        return parts[0]  # app_pages
    return parts[1] if len(parts) > 1 else "attune"


@pytest.mark.parametrize("path", ALL + PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_nothing_imports_upward(path: Path) -> None:
    here = floor_of(module_name(path))
    for module in sorted(attune_imports(path)):
        there = floor_of(module)
        assert FLOORS[there] <= FLOORS[here], \
            f"{module_name(path)} (floor {here}) imports {module}, a floor above it"
        assert there not in FORBIDDEN.get(here, set()), \
            f"{module_name(path)} must not import {module}"


@pytest.mark.parametrize("path", UI, ids=lambda p: str(p.relative_to(REPO)))
def test_the_ui_goes_through_services(path: Path) -> None:
    """Pages and attune/ui open no transaction and decide no access: the services do."""
    rel = path.relative_to(REPO).as_posix()
    gate = {"decide_access", "require_access", "decide_reel", "require_reel"}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names]
            assert not [n for n in names if n.startswith("attune.storage")], \
                f"{rel}:{node.lineno} imports attune.storage"
            assert not gate & {a.name for a in node.names}, \
                f"{rel}:{node.lineno} imports the gate; ask a service instead"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr != "transaction", \
                f"{rel}:{node.lineno} opens a transaction; move it into a service"
        if isinstance(node, ast.Name):
            assert node.id != "tx", f"{rel}:{node.lineno} works on a transaction"


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (as a path that returns to its start), or []."""
    state: dict[str, int] = {}  # 1: on the path being explored, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    """No circle among attune's modules, counting the imports inside functions (an
    import hidden in a function is still a circle, only one that fails later)."""
    graph = {name: attune_imports(path) for name, path in MODULES.items()}
    cycle = find_cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


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
#: them (docs/design.md: one place for each rule).
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
