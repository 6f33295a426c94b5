"""What pages show, cached per signed-in account and data version (``st.cache_data``).

``cached(ctx, user, fn, *args)`` calls ``fn(ctx, user, *args)`` at most once per data
version (:func:`attune.services.audit.data_version`: every change is audited, so the
newest audit entry that is not a look changes with the data), per account, per day
(consent can lapse with the date) and per arguments. The account is part of every key:
one person's results are never given to another, and the gate's answers (which depend on
who asks) are cached only for the one who asked. Use it for reads whose cost grows with
the caseload; never for anything that writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import streamlit as st

from attune.core.accounts import User
from attune.services import Context
from attune.services.audit import data_version

T = TypeVar("T")


@st.cache_data(max_entries=512, show_spinner=False)
def _call(version: tuple[int, str], day: str, who: tuple[int, str, str, bool], name: str,
          args: tuple[Any, ...], _compute: Callable[[], Any]) -> Any:
    return _compute()


def _who(user: User) -> tuple[int, str, str, bool]:
    return (user.id, user.username, str(user.role), user.active)


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def cached(ctx: Context, user: User, fn: Callable[..., T], *args: Any) -> T:
    """``fn(ctx, user, *args)``, cached for ``user`` at this data version."""
    result: T = _call(data_version(ctx), date.today().isoformat(), _who(user), _name(fn),
                      args, lambda: fn(ctx, user, *args))
    return result
