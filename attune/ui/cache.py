"""What pages show, cached per signed-in account and data version (``st.cache_data``).

``cached(ctx, user, fn, *args)`` calls ``fn(ctx, user, *args)`` at most once per data
version (:func:`attune.services.audit.data_version`: every change is audited, so the
newest audit entry that is not a look changes with the data), per account, per day
(consent can lapse with the date) and per arguments. The account is part of every key:
one person's results are never given to another, and the gate's answers (which depend on
who asks) are cached only for the one who asked. Use it for reads whose cost grows with
the caseload; never for anything that writes. The version is read once per script run
(:func:`run_version`), and again after a change made by this process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from attune.core.accounts import User
from attune.services import Context
from attune.services.audit import changes_made, data_version

T = TypeVar("T")


@st.cache_data(max_entries=512, show_spinner=False)
def _call(version: tuple[int, str], day: str, who: tuple[int, str, str, bool], name: str,
          args: tuple[Any, ...], _compute: Callable[[], Any]) -> Any:
    return _compute()


def _who(user: User) -> tuple[int, str, str, bool]:
    return (user.id, user.username, str(user.role), user.active)


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def run_version(ctx: Context) -> tuple[int, str]:
    """The data version, read once per script run: a page asks :func:`cached` for
    several things and each would read it again. Read anew when this process has made a
    change since (a button's change seen in the same run)."""
    run = get_script_run_ctx()
    if run is None:
        return data_version(ctx)
    # the run's cursors are a new dict each run: held here, it marks this run
    marker, made = run.cursors, changes_made(ctx)
    seen = getattr(run, _VERSION_ATTR, None)
    if seen is not None and seen[0] is marker and seen[1] == made and seen[2] is ctx:
        return seen[3]  # type: ignore[no-any-return]
    version = data_version(ctx)
    setattr(run, _VERSION_ATTR, (marker, made, ctx, version))
    return version


_VERSION_ATTR = "_attune_data_version"


def cached(ctx: Context, user: User, fn: Callable[..., T], *args: Any) -> T:
    """``fn(ctx, user, *args)``, cached for ``user`` at this data version (a copy each
    time)."""
    result: T = _call(run_version(ctx), date.today().isoformat(), _who(user), _name(fn),
                      args, lambda: fn(ctx, user, *args))
    return result


# few entries: each holds a large result as objects (an older data version's is dead weight)
@st.cache_resource(max_entries=16, show_spinner=False)
def _kept_call(version: tuple[int, str], day: str, who: tuple[int, str, str, bool],
               name: str, args: tuple[Any, ...], _compute: Callable[[], Any]) -> Any:
    return _compute()


def kept(ctx: Context, user: User, fn: Callable[..., T], *args: Any) -> T:
    """``fn(ctx, user, *args)`` as :func:`cached` (same keys: per account, data version,
    day and arguments) but not copied: every run of this account gets the same object.
    Only for results that no page changes (frozen records, lists and tables that are
    only shown)."""
    result: T = _kept_call(run_version(ctx), date.today().isoformat(), _who(user),
                           _name(fn), args, lambda: fn(ctx, user, *args))
    return result


@st.cache_data(max_entries=256, show_spinner=False)
def _built(name: str, data: Any, _build: Callable[[Any], Any]) -> Any:
    return _build(data)


def built(build: Callable[[Any], T], data: Any) -> T:
    """``build(data)`` (a chart of a table), made once per distinct table: the table is
    the key (hashed by its content), so nothing of one account's can reach another's
    view unless it is the same table."""
    result: T = _built(_name(build), data, build)
    return result



def cached_over(ctx: Context, user: User, read: Callable[..., Any], fn: Callable[..., T],
                key: Any, *args: Any) -> T:
    """``fn(ctx, user, key, *args, coding=read(ctx, user, key))``, cached as :func:`cached`,
    where what ``read`` returns is read once per data version for every figure a page
    makes from it (:func:`kept`): e.g. a family's coding, which its tallies, goal
    progress and contingency would each read again."""
    result: T = _call(run_version(ctx), date.today().isoformat(), _who(user),
                      f"{_name(fn)} over {_name(read)}", (key, *args),
                      lambda: fn(ctx, user, key, *args, coding=kept(ctx, user, read, key)))
    return result
