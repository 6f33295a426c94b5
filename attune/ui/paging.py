"""Lists that grow (families, coder pairs, disagreements) shown a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def pages_of(count: int, size: int) -> int:
    return max(1, -(-count // size))


def one_page(items: Sequence[T], key: str, size: int, noun: str) -> Sequence[T]:
    """The items of the page chosen in a small page picker (shown only when there is
    more than one page), with a line saying which ones are shown."""
    total = pages_of(len(items), size)
    if total == 1:
        return items
    c1, c2 = st.columns([1, 4], vertical_alignment="bottom")
    page = int(c1.number_input(f"Page (of {total})", 1, total, 1, key=key))
    first = (page - 1) * size
    shown = items[first:first + size]
    c2.caption(f"{noun.capitalize()} {first + 1} to {first + len(shown)} of {len(items)}")
    return shown
