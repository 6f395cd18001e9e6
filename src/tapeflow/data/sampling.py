"""Mixing datasets: `sample_from_datasets` (random by weights) and
`choose_from_datasets` (by an index dataset).

>>> a, b = tf.data.Dataset.from_tensors(1).repeat(2), tf.data.Dataset.from_tensors(2).repeat(2)
>>> [int(v) for v in tf.data.Dataset.choose_from_datasets([a, b], tf.data.Dataset.range(2).repeat(2))]
[1, 2, 1, 2]
"""
import numpy as np

from ..framework import errors
from . import structure
from .pipeline import INFINITE, UNKNOWN, Node
from .shuffle import _resolve_seed

__all__ = ["SampleDataset", "ChooseDataset"]


def _check(datasets):
    datasets = list(datasets)
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    spec = datasets[0].element_spec
    for d in datasets[1:]:
        if structure.flat(d.element_spec) and [s.dtype for s in structure.flat(d.element_spec)] \
                != [s.dtype for s in structure.flat(spec)]:
            raise TypeError(f"Incompatible dataset elements: {spec} vs. {d.element_spec}")
    return datasets


class ChooseDataset(Node):
    """Element i comes from `datasets[choice[i]]`."""

    def __init__(self, datasets, choices, stop_on_empty):
        self._ds = _check(datasets)
        self._choices = choices
        self._stop = stop_on_empty

    def _inputs(self):
        return self._ds

    def _compute_spec(self):
        return self._ds[0].element_spec

    def _card(self):
        return self._choices._card() if self._choices._card() == INFINITE else UNKNOWN

    def _elements(self):
        its = [d._elements() for d in self._ds]
        for c in self._choices._elements():
            k = int(c)
            if not 0 <= k < len(its):
                raise errors.invalid_argument(f"Selector index out of range: {k} not in "
                                              f"[0, {len(its)}).")
            elem = next(its[k], None)
            if elem is None:
                if self._stop:
                    return
                continue
            yield elem


class SampleDataset(Node):
    """Each element from a dataset drawn at random with probabilities `weights`."""

    def __init__(self, datasets, weights, seed, stop_on_empty):
        self._ds = _check(datasets)
        w = np.full(len(self._ds), 1.0 / len(self._ds)) if weights is None else np.asarray(
            structure.to_numpy_leaf(weights), dtype=np.float64)
        if w.shape != (len(self._ds),):
            raise ValueError(f"Invalid `weights`: expected {len(self._ds)} weights, got "
                             f"shape {w.shape}.")
        self._w = w / w.sum()
        seed = _resolve_seed(seed)
        self._seed = seed
        self._stop = stop_on_empty

    def _inputs(self):
        return self._ds

    def _compute_spec(self):
        return self._ds[0].element_spec

    def _card(self):
        cards = [d._card() for d in self._ds]
        return INFINITE if all(c == INFINITE for c in cards) else UNKNOWN

    def _elements(self):
        rng = np.random.default_rng(self._seed)
        its = [d._elements() for d in self._ds]
        w = self._w.copy()
        while w.sum() > 0:
            k = int(rng.choice(len(its), p=w / w.sum()))
            elem = next(its[k], None)
            if elem is None:
                if self._stop:
                    return
                w[k] = 0.0
                continue
            yield elem




