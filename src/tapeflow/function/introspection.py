"""What a ConcreteFunction shows of its trace: signature, outputs and a graph view.

`graph.get_operations()` lists the primitives of the traced program (jax's
jaxpr equations of the compiled `(variables, args) -> (outputs, new values)`
function), the tapeflow counterpart of a TF graph's operations.

>>> import tapeflow as tf
>>> f = tf.function(lambda x: tf.sin(x) * 2.0)
>>> c = f.get_concrete_function(tf.TensorSpec([2], tf.float32))
>>> "sin" in [op.type for op in c.graph.get_operations()]
True
"""
import jax
import jax.numpy as jnp

from .. import nest
from .tensor_spec import TensorSpec, check_against
from .signatures import arg_names, pretty_signature

__all__ = ["Introspection", "Graph", "Operation"]


class Operation:
    """One primitive of a traced program: `.name`, `.type`, `.inputs`/`.outputs` shapes."""

    def __init__(self, name, type_, inputs, outputs):
        self.name, self.type, self.inputs, self.outputs = name, type_, inputs, outputs

    def __repr__(self):
        return f"<tapeflow trace op {self.name!r} type={self.type}>"


class Graph:
    """The traced program of a ConcreteFunction (`ConcreteFunction.graph`)."""

    def __init__(self, concrete):
        self._concrete = concrete
        self._jaxpr = None

    def _program(self):
        if self._jaxpr is None:
            self._jaxpr = self._concrete._jaxpr()
        return self._jaxpr

    def get_operations(self):
        """The primitives of the program, in order (nested control flow as one op each)."""
        eqns = self._program().jaxpr.eqns
        return [Operation(f"{e.primitive.name}_{i}", e.primitive.name,
                          [getattr(v, "aval", v) for v in e.invars],
                          [getattr(v, "aval", v) for v in e.outvars])
                for i, e in enumerate(eqns)]

    def as_graph_def(self):
        """The program as text (jaxpr): tapeflow has no GraphDef protos."""
        return str(self._program())

    @property
    def inputs(self):
        return list(self._program().jaxpr.invars)

    @property
    def outputs(self):
        return list(self._program().jaxpr.outvars)


class Introspection:
    """ConcreteFunction's signature, outputs and graph (mixed into ConcreteFunction)."""

    _specs = None  # (args, kwargs) of TensorSpecs for a concrete function not yet traced

    @property
    def structured_input_signature(self):
        """(args, kwargs) with TensorSpecs for tensor arguments, as TF gives them."""
        if self._specs is not None:
            return self._specs
        return getattr(self._entry, "input_signature", None)

    @property
    def inputs(self):
        return [x for x in nest.flatten(self.structured_input_signature)
                if isinstance(x, TensorSpec)]

    @property
    def outputs(self):
        out = self.structured_outputs
        return [x for x in nest.flatten(out) if hasattr(x, "shape")]

    @property
    def graph(self):
        g = self.__dict__.get("_graph")
        if g is None:
            g = self._graph = Graph(self)
        return g

    @property
    def name(self):
        return self._function._name

    def pretty_printed_signature(self, verbose=True):
        args, kwargs = self.structured_input_signature or ((), {})
        names = arg_names(self._function._python_fn, len(args))
        return pretty_signature(self._function._name, names, (args, kwargs),
                                self._output_specs())

    def _output_specs(self):
        out = getattr(self._entry, "out_struct", None) if self._entry is not None else None
        return nest.map_structure(
            lambda x: TensorSpec(x.shape, x.dtype) if hasattr(x, "shape") and
            hasattr(x, "dtype") else x, out)

    def _check_args(self, args, kwargs):
        """Arguments converted to the concrete signature's specs (TypeError otherwise)."""
        if self.structured_input_signature is None:
            return args, kwargs
        spec_args, spec_kwargs = self.structured_input_signature
        name = self._function._name
        if len(args) != len(spec_args):
            raise TypeError(f"ConcreteFunction {name} takes {len(spec_args)} positional "
                            f"argument(s), got {len(args)}.")
        out = []
        for i, (s, a) in enumerate(zip(spec_args, args)):
            out.append(nest.map_structure(
                lambda sp, v: check_against(sp, v, name, i) if isinstance(sp, TensorSpec)
                else v, s, a) if isinstance(s, (TensorSpec, list, tuple, dict)) else a)
        return tuple(out), kwargs

    def _jaxpr(self):
        entry = self._entry
        if entry is None or entry.jitted is None:
            raise ValueError(f"ConcreteFunction {self._function._name} has no traced program "
                             f"yet (its signature has unknown dimensions); call it first.")
        specs = [x for x in nest.flatten(self.structured_input_signature)
                 if isinstance(x, TensorSpec)]
        args = [jnp.zeros(s.shape.as_list(), s.dtype._np) for s in specs]
        w = [v._value for v in entry.w_vars]
        r = [v._value for v in entry.r_vars]
        saved = [(v, v._value) for v in entry.known]
        try:
            closed = jax.make_jaxpr(entry.jitted)(*w, *r, *args)
            eqns = closed.jaxpr.eqns
            if len(eqns) == 1 and "jaxpr" in eqns[0].params:  # the jit wrapper: look inside
                return eqns[0].params["jaxpr"]
            return closed
        finally:
            for v, val in saved:
                v._swap_value(val)
