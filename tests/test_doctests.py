"""Every example written in a docstring of attune runs and holds (the statistics' worked
examples, the formatters, the practice's rules)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import attune

MODULES = sorted(m.name for m in pkgutil.walk_packages(attune.__path__, "attune.")
                 if ".migrations" not in m.name and m.name != "attune.__main__")
WITH_EXAMPLES = [name for name in MODULES
                 if doctest.DocTestFinder().find(importlib.import_module(name))
                 and any(t.examples for t in
                         doctest.DocTestFinder().find(importlib.import_module(name)))]


def test_the_modules_with_examples_are_found() -> None:
    assert {"attune.core.practice", "attune.core.spans", "attune.analysis.sentences",
            "attune.core.pronouns"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
