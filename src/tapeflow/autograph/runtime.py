"""The `ag__` namespace that converted code calls (see transformer.py).

>>> import tapeflow.autograph.runtime as ag__
>>> ag__.not_(False)
True
"""
from .conversion import converted_call
from .loops import for_stmt, range_or_call, while_stmt
from .operators import (Undefined, UndefinedReturnValue, and_, assert_stmt, if_exp, if_stmt,
                        not_, or_, retval)

__all__ = ["converted_call", "range_or_call", "for_stmt", "while_stmt", "if_stmt", "if_exp",
           "and_", "or_", "not_", "assert_stmt", "Undefined", "UndefinedReturnValue", "retval",
           "print_"]


def print_(*objects, sep=" ", end="\n", file=None, flush=False):
    """`print` with Feature.BUILTIN_FUNCTIONS on: tf.print when any argument is a tensor."""
    from ..framework.tensor import Tensor
    from ..framework.variables import Variable
    if any(isinstance(o, (Tensor, Variable)) for o in objects):
        from ..function.printing import print as tf_print
        import sys
        return tf_print(*objects, sep=sep, end=end, output_stream=file or sys.stdout)
    return print(*objects, sep=sep, end=end, file=file, flush=flush)



