"""The services context shared by the pages and the routes of one server process.

Opened on first use (never at import) from the ``ATTUNE_*`` settings, and opened again
when those change (tests point the app at a fresh data folder per test)."""

from __future__ import annotations

import os
import sys
import threading

from attune.config import SETTINGS, Settings
from attune.jobs import open_context
from attune.services import Context

# Parked on ``sys`` so that a Streamlit file-watcher reload of this module (it evicts the
# app's modules when a source file changes) does not open a second set of connections.
_lock: threading.Lock = sys.__dict__.setdefault("_attune_contexts_lock", threading.Lock())
_contexts: dict[tuple[str, ...], Context] = sys.__dict__.setdefault("_attune_contexts", {})


def _env_key() -> tuple[str, ...]:
    return tuple(os.environ.get(spec.env, "") for spec in SETTINGS)


def shared_context() -> Context:
    key = _env_key()
    with _lock:
        ctx = _contexts.get(key)
        if ctx is None:
            ctx = _contexts[key] = open_context(Settings.from_env())
            _warn_if_open(ctx.settings)
        return ctx


def _warn_if_open(settings: Settings) -> None:
    """Once per server process: say what of the data others could read (server log)."""
    import logging

    from attune.services.permissions import check_permissions, permission_warning

    warning = permission_warning(check_permissions(settings))
    if warning:
        logging.getLogger("attune.app").warning(warning)


def reset_contexts() -> None:
    """Close every opened context (tests)."""
    with _lock:
        for ctx in _contexts.values():
            ctx.close()
        _contexts.clear()
