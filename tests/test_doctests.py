"""The examples in the pure libraries' docstrings are run, so documentation that lies fails the suite."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

#: The libraries that import no Django: their modules can be imported and their examples run anywhere.
PURE_LIBRARIES = ("mrz", "epassport", "screening", "stay", "paxlst")


def _modules() -> list[str]:
    names = []
    for library in PURE_LIBRARIES:
        package = importlib.import_module(f"openbmis.{library}")
        names.append(package.__name__)
        names += [m.name for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
    return sorted(names)


def test_the_libraries_have_examples() -> None:
    """Guards the discovery below: a broken walk would make every doctest vacuously pass."""
    finder = doctest.DocTestFinder()
    examples = sum(len(t.examples) for name in _modules() for t in finder.find(importlib.import_module(name)))
    assert examples >= 5


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert failures == 0, f"{failures} docstring example(s) of {name} fail (run python -m doctest -v on it)"
