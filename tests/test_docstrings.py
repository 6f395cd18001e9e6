"""Every `>>>` example in tapeflow's docstrings runs, one test per module.

Examples see the module's own names (as with `python -m doctest`) and `tf`
(tapeflow), as TF's doctests do; anything else they import themselves. NumPy output is compared with whitespace normalized.

Speed: the examples' cost is XLA compiling their many small programs (one per op
and shape), not running them. While the examples run, XLA executables go to
JAX's persistent compilation cache (TAPEFLOW_DOCTEST_JAX_CACHE, default a
folder in the temp dir; set it empty to turn the cache off), so a second run
loads them instead of compiling (~4x less CPU). Only these tests use the
cache: it is reset around them, so the compile-counting tests elsewhere in the
same worker see every compile. One test per module lets pytest-xdist spread them.
"""
import doctest
import importlib
import os
import pathlib
import tempfile

import jax
import numpy as np
import pytest
from jax.experimental.compilation_cache import compilation_cache

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


_CACHE_DIR = os.environ.get("TAPEFLOW_DOCTEST_JAX_CACHE",
                            os.path.join(tempfile.gettempdir(), "tapeflow-doctest-jax-cache"))
_CACHE_OPTIONS = {"jax_compilation_cache_dir": _CACHE_DIR,
                  "jax_persistent_cache_min_compile_time_secs": 0.0,
                  "jax_persistent_cache_min_entry_size_bytes": 0}


@pytest.fixture
def compilation_cache_on():
    """JAX's persistent compilation cache for the duration of one test, then off again."""
    if not _CACHE_DIR:
        yield
        return
    before = {k: getattr(jax.config, k) for k in _CACHE_OPTIONS}
    for k, v in _CACHE_OPTIONS.items():
        jax.config.update(k, v)
    compilation_cache.reset_cache()  # re-read the options at the next compile
    try:
        yield
    finally:
        for k, v in before.items():
            jax.config.update(k, v)
        compilation_cache.reset_cache()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, compilation_cache_on):
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
