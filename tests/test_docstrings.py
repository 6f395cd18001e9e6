"""Every `>>>` example in tapeflow's docstrings runs, one test per module.

Examples are written to be self-contained (they import what they use, e.g.
`import tapeflow as tf`); the module's own names are visible too, as with
`python -m doctest`. NumPy output is compared with whitespace normalized.
"""
import doctest
import importlib
import pkgutil

import pytest

import tapeflow

MODULES = sorted(m.name for m in pkgutil.walk_packages(tapeflow.__path__, "tapeflow.")
                 if not m.name.startswith("tapeflow.examples."))


def _examples(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [t for t in finder.find(module) if t.examples]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    failures = []
    for test in _examples(module):
        runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)


def test_the_collector_finds_the_examples():
    import tapeflow.framework.tensor as tensor_module
    assert "tapeflow.framework.tensor" in MODULES and "tapeflow.keras.layers.layer" in MODULES
    assert sum(len(t.examples) for t in _examples(tensor_module)) >= 3
