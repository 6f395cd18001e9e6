"""The axes a normalization layer normalizes over, as sorted non-negative ints.

>>> normalized_axes(-1, 3)
[2]
>>> normalized_axes([1, -1], 4)
[1, 3]
"""

__all__ = ["normalized_axes"]


def normalized_axes(axis, rank):
    """`axis` (an int or a list of ints, negatives counted from the end) for `rank` dims."""
    axes = axis if isinstance(axis, list) else [axis]
    return sorted(a % rank for a in axes)
