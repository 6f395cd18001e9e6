"""Every `>>>` example in tapeflow's docstrings runs, one test per module.

Examples see the module's own names (as with `python -m doctest`) and `tf`
(tapeflow), as TF's doctests do; anything else they import themselves. NumPy output is compared with whitespace normalized.
"""
import doctest
import importlib
import pathlib

import numpy as np
import pytest

import tapeflow

ROOT = pathlib.Path(tapeflow.__file__).parent
# Every module file (found on disk, so a package that fails to import fails its tests
# instead of silently dropping out of the list); the main-job scripts are not modules.
MODULES = sorted(
    ".".join(("tapeflow",) + p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for p in ROOT.rglob("*.py") if "examples" not in p.relative_to(ROOT).parts[:1])


def _examples(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [t for t in finder.find(module) if t.examples]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    failures = []
    # NumPy 1.x scalar reprs (`10.0`, not `np.float32(10.0)`), as the TF docs print them
    with np.printoptions(legacy="1.25"):
        for test in _examples(module):
            test.globs.setdefault("tf", tapeflow)  # as TF's doctests: `tf` is always there
            runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)


def test_the_collector_finds_the_examples():
    import tapeflow.framework.tensor as tensor_module
    assert "tapeflow.framework.tensor" in MODULES and "tapeflow.keras.layers.layer" in MODULES
    assert sum(len(t.examples) for t in _examples(tensor_module)) >= 3
