"""The examples in the engine's docstrings run and give what they show."""

import doctest
import importlib
import pkgutil

import pytest

import voisins.matching

MODULES = [
    importlib.import_module(f"voisins.matching.{info.name}")
    for info in pkgutil.iter_modules(voisins.matching.__path__)
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_its_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
