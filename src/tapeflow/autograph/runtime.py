"""The `ag__` namespace that converted code calls (see transformer.py).

>>> import tapeflow.autograph.runtime as ag__
>>> ag__.not_(False)
True
"""
from .conversion import converted_call
from .loops import for_stmt, range_or_call, while_stmt
from .operators import (Undefined, UndefinedReturnValue, and_, assert_stmt, if_exp, if_stmt,
                        not_, or_, print_, retval)

__all__ = ["converted_call", "range_or_call", "for_stmt", "while_stmt", "if_stmt", "if_exp",
           "and_", "or_", "not_", "assert_stmt", "Undefined", "UndefinedReturnValue", "retval",
           "print_"]
