"""Fixtures for interchange tests: real files, a hand-built document, a comparison key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from interchange_samples import events_key_of, make_document

from attune.interchange.model import EventsDocument
from tests.paths import TEST_DATA


@pytest.fixture(scope="session")
def test_data() -> Path:
    """``tests/data``: the real files (ELAN, BORIS) copied into the repository."""
    if not TEST_DATA.is_dir():
        pytest.fail(f"the real test material is missing at {TEST_DATA}")
    return TEST_DATA


@pytest.fixture
def document() -> EventsDocument:
    return make_document()


@pytest.fixture
def events_key() -> Callable[[EventsDocument], list[tuple[Any, ...]]]:
    """Comparable content of a document: ids, coders, kinds, codes, times, links, notes."""
    return events_key_of
