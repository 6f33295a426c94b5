"""Fixtures of the analysis tests."""

from __future__ import annotations

import pytest

from attune.core.scheme import Scheme
from attune.schemes import default_scheme


@pytest.fixture
def scheme() -> Scheme:
    return default_scheme()
