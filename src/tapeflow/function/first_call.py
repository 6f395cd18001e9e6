"""Variables whose initial value depends on a function's arguments.

`tf.Variable(tf.zeros_like(x))` on the first call of a tf.function: the
initial value is only known from the call's arguments. TF initializes such
variables inside the first call; tapeflow runs that first call eagerly (its
variables get concrete initial values and every effect of the call happens
once, as in TF), and traces the function on the next call, when creating
variables is no longer allowed (TF's singleton-variable ValueError).

>>> import tapeflow as tf
>>> state = {}
>>> @tf.function
... def acc(x):
...     if "v" not in state:
...         state["v"] = tf.Variable(tf.zeros_like(x))
...     state["v"].assign_add(x)
...     return state["v"].read_value()
>>> acc(tf.constant([1.0, 2.0])).numpy().tolist(), acc(tf.constant([1.0, 2.0])).numpy().tolist()
([1.0, 2.0], [2.0, 4.0])
"""

__all__ = ["ArgumentDependentInit", "run_first_call_eagerly"]


class ArgumentDependentInit(Exception):
    """Raised inside the first trace when a new variable's initial value is traced."""


def run_first_call_eagerly(entry, arg_vals):
    """Runs the call eagerly; returns (output values, []) as a traced call would."""
    f = entry.function
    args, kwargs = entry._rebuild(arg_vals)
    result = f._traced_fn()(*args, **kwargs)
    f._created_any = True  # later traces may not create variables
    outs = entry._split_outputs(result)
    entry.out_vars = []
    return outs, []
