"""`tf.nest`: flatten and rebuild nested structures of lists, tuples, dicts, namedtuples.

Dict keys are visited in sorted order, as TF does; None and tensors are leaves.
With `expand_composites=True`, composite tensors (RaggedTensor, SparseTensor:
objects with `_to_components()` / `_with_components(list)`) count as structures
of their component tensors.

>>> flatten({"b": 1, "a": (2, 3)})
[2, 3, 1]
>>> pack_sequence_as({"b": 0, "a": (0, 0)}, [7, 8, 9])
{'b': 9, 'a': (7, 8)}
"""
import collections.abc

__all__ = ["flatten", "pack_sequence_as", "map_structure", "is_nested", "assert_same_structure",
           "flatten_with_paths"]


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def is_nested(x):
    """True for lists, tuples, dicts (and mappings); strings and tensors are leaves."""
    return isinstance(x, (list, tuple, dict, collections.abc.Mapping)) and not isinstance(x, str)


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError:
        return list(d)


def _children(x):
    if isinstance(x, (dict, collections.abc.Mapping)):
        return [x[k] for k in _sorted_keys(x)]
    return list(x)


def _is_composite(x):
    return hasattr(x, "_to_components") and hasattr(x, "_with_components") and \
        not isinstance(x, type)


def _components(x, mode):
    """A composite's parts; tf.function (mode "function") keeps row partitions static."""
    if mode == "function" and hasattr(x, "_function_components"):
        return x._function_components()
    return x._to_components()


def flatten(structure, expand_composites=False):
    """Leaves of `structure`, depth first."""
    if not is_nested(structure) and not (expand_composites and _is_composite(structure)):
        return [structure]
    out = []

    def rec(s):
        if is_nested(s):
            for c in _children(s):
                rec(c)
        elif expand_composites and _is_composite(s):
            for c in _components(s, expand_composites):
                rec(c)
        else:
            out.append(s)
    rec(structure)
    return out


def _rebuild(template, children):
    if isinstance(template, (dict, collections.abc.Mapping)):
        keys = _sorted_keys(template)
        d = dict(zip(keys, children))
        res = type(template)((k, d[k]) for k in template) if not isinstance(
            template, collections.defaultdict) else collections.defaultdict(
                template.default_factory, ((k, d[k]) for k in template))
        return res
    if _is_namedtuple(template):
        return type(template)(*children)
    if isinstance(template, tuple):
        return tuple(children)
    if isinstance(template, list):
        return list(children)
    return type(template)(children)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """Inverse of flatten: puts the leaves of `flat_sequence` into `structure`'s shape."""
    flat_sequence = list(flat_sequence)
    if not is_nested(structure) and not (expand_composites and _is_composite(structure)):
        if len(flat_sequence) != 1:
            raise ValueError(f"Structure is a scalar but len(flat_sequence) == "
                             f"{len(flat_sequence)} > 1")
        return flat_sequence[0]
    pos = [0]

    def rec(s):
        if is_nested(s):
            return _rebuild(s, [rec(c) for c in _children(s)])
        if expand_composites and _is_composite(s):
            return s._with_components([rec(c) for c in _components(s, expand_composites)])
        i = pos[0]
        if i >= len(flat_sequence):
            raise ValueError("Could not pack sequence: structure has more leaves than "
                             f"flat_sequence ({len(flat_sequence)}).")
        pos[0] += 1
        return flat_sequence[i]

    res = rec(structure)
    if pos[0] != len(flat_sequence):
        raise ValueError(f"Could not pack sequence. Structure had {pos[0]} atoms, but "
                         f"flat_sequence had {len(flat_sequence)} items.")
    return res


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    def rec(a, b):
        if is_nested(a) != is_nested(b):
            raise ValueError(f"The two structures don't have the same nested structure.\n\n"
                             f"First structure: {nest1!r}\n\nSecond structure: {nest2!r}")
        if not is_nested(a):
            return
        if check_types and type(a) is not type(b) and not (
                isinstance(a, collections.abc.Mapping) and isinstance(b, collections.abc.Mapping)):
            raise TypeError(f"The two structures don't have the same sequence type. Input "
                            f"structure has type {type(a)}, while shallow structure has type "
                            f"{type(b)}.")
        if isinstance(a, collections.abc.Mapping) and _sorted_keys(a) != _sorted_keys(b):
            raise ValueError(f"The two dictionaries don't have the same set of keys: "
                             f"{_sorted_keys(a)} vs {_sorted_keys(b)}")
        ca, cb = _children(a), _children(b)
        if len(ca) != len(cb):
            raise ValueError(f"The two structures don't have the same number of elements. "
                             f"First structure: {nest1!r}, second structure: {nest2!r}")
        for x, y in zip(ca, cb):
            rec(x, y)
    rec(nest1, nest2)


def map_structure(func, *structure, check_types=True, expand_composites=False):
    """Applies `func` leafwise across structures of the same shape."""
    if not structure:
        raise ValueError("Must provide at least one structure")
    for s in structure[1:]:
        assert_same_structure(structure[0], s, check_types=check_types)
    flats = [flatten(s, expand_composites) for s in structure]
    return pack_sequence_as(structure[0], [func(*xs) for xs in zip(*flats)],
                            expand_composites=expand_composites)


def flatten_with_paths(structure):
    out = []

    def rec(s, path):
        if is_nested(s):
            keys = _sorted_keys(s) if isinstance(s, collections.abc.Mapping) else range(len(s))
            for k in keys:
                rec(s[k], path + (k,))
        else:
            out.append((path, s))
    rec(structure, ())
    return out
