"""attune: highlight reels of attuned moments between parents and babies.

The package is layered (see ``tests/test_architecture.py``): ``core`` is pure domain;
``storage``, ``media``, ``analysis``, ``reels.plan`` and ``interchange`` build on it;
``services`` join them; ``ui`` and the app's pages sit on top.
"""

__version__ = "0.1.0"
