"""One traced specialization of a tapeflow.function: a jax.jit over a pure function.

The pure function is `(written_vals, read_vals, arg_vals) -> (outs, new_vals)`:
while it traces, every known Variable's `_value` is its tracer input, and the
values of the variables it assigned come back as outputs. Variables touched
but not known yet are found through `variables.HOOKS` and the trace is redone
with them (`Retrace`); nothing is compiled before a trace succeeds.
"""
import re
import time
import traceback

import jax
import numpy as np

from .. import nest
from ..framework import recording
from ..framework.tensor import SymbolicTensorError, Tensor, convert_to_tensor
from ..framework.variables import HOOKS, Variable
from ..framework.context import STACK, TraceContext, init_scope, staged
from .memory import donatable_buffers as _donatable
from .memory import fresh_copy as _copy
from .fast_call import flat_jit, invoke
from .first_call import ArgumentDependentInit, run_first_call_eagerly
from .memory import release_freed_memory
from .signatures import is_host_value
from .single_trace import STAGED, trace_once
from .tensor_spec import TensorSpec

_SINGLETON = ("tf.function only supports singleton tf.Variables created on the first call. "
              "Make sure the tf.Variable is only created once or created outside "
              "tf.function (this function tried to create a new variable on a later trace).")
_DYN = object()  # marks a tensor output among static (Python) outputs
_TRIM_AFTER_S = 0.05  # a first call this slow compiled a real program: trim after it


class Retrace(Exception):
    """Raised inside a trace that touched variables it was not given as state."""


class _KeepBuffers(Retrace):
    """The program checks assertions at run time: a failed one aborts it, so it must not
    consume (donate) the variables' buffers — they keep their values, as in TF."""


class _Unstage(Retrace):
    """A new variable's initial value came from a staged variable: redo, unstaged."""


class _Creator:
    def __init__(self, ctx):
        self.ctx = ctx

    def lift_initial_value(self, value):
        if not self.ctx.allow_creation:
            raise ValueError(_SINGLETON)
        if callable(value) and not isinstance(value, Tensor):
            with init_scope():
                return value()
        return value

    def traced_initial_value(self):
        """Called when an initial value is traced: computed from staged variables, the
        trace is redone with their concrete values; otherwise it is the caller's error."""
        if self.ctx.stage_unknown:
            raise _Unstage()
        raise ArgumentDependentInit()  # depends on the arguments: run this call eagerly

    def created(self, var):
        self.ctx.created.append(var)
        self.ctx.remember(var)
        if self.ctx.stage_unknown:
            _stage(var)


def _stage(var):
    """Makes a variable met mid-trace hold a traced copy of its value.

    Such a trace is redone with the variable as an input, so nothing computed
    from it is kept; staging it only stops jax from evaluating (and compiling
    one tiny program per op and shape for) everything computed from it.
    """
    val = var._value
    if isinstance(val, jax.Array) and not isinstance(val, jax.core.Tracer):
        STAGED[id(val)] = var  # a recorded first trace rewires it as an input
        with staged():
            var._swap_value(jax.lax.optimization_barrier(val))


def _donate():
    return True  # every jax backend used here (CPU, GPU) honours donation


class Entry:
    """A traced specialization: its variables, its jitted program, its outputs."""

    def __init__(self, function, template):
        self.function = function
        self.template = strip(template)  # (args, kwargs) with tensors replaced by SLOT
        self.known = []
        self.written = []  # indices into `known` passed as donated buffers
        self.out_struct = None
        self.out_static = None
        self.jitted = None
        self.runs_eagerly = False  # set when its trace met a shape drawn per call
        self.backward = None
        self.keep_pre = False  # keep the RNG inputs of each call (for gradient replay)
        self.rng_pre = []

    # -- tracing -------------------------------------------------------------
    def _pure(self, known, written_idx, allow_creation, run, stage_unknown=True):
        fn = self.function._traced_fn()
        known_ids = {id(v): i for i, v in enumerate(known)}
        wset = set(written_idx)
        rest_idx = [i for i in range(len(known)) if i not in wset]

        def pure(w_vals, r_vals, arg_vals):
            ctx = TraceContext(allow_creation)
            ctx.known = known
            ctx.stage_unknown = stage_unknown
            for i, val in list(zip(written_idx, w_vals)) + list(zip(rest_idx, r_vals)):
                v = known[i]
                ctx.remember(v)
                v._swap_value(val)
            writes = run["writes"] = set()
            dwrites = run["dwrites"] = set()

            def access(var, kind):
                i = known_ids.get(id(var))
                if i is not None:
                    if kind == "write":
                        writes.add(i)
                    return
                if kind == "write":
                    dwrites.add(id(var))
                if id(var) not in ctx.concrete:
                    ctx.remember(var)
                    ctx.discovered.append(var)
                    if stage_unknown:
                        _stage(var)
                if ctx.cf_depth:
                    raise Retrace()

            saved = (HOOKS.access, HOOKS.creator, recording.STATE.tapes)
            HOOKS.access, HOOKS.creator = access, _Creator(ctx)
            recording.STATE.tapes = []
            STACK.traces.append(ctx)
            run["ctx"] = ctx
            try:
                args, kwargs = self._rebuild(arg_vals)
                try:
                    with jax.ensure_compile_time_eval():  # static shapes stay concrete
                        result = fn(*args, **kwargs)
                except Retrace:
                    raise
                except Exception as e:
                    if ctx.discovered or ctx.created:
                        raise Retrace() from None
                    if isinstance(e, SymbolicTensorError):
                        raise _with_user_line(e) from None
                    raise
                outs = self._split_outputs(result)
                if run.get("donating") and getattr(ctx, "runtime_checks", False):
                    raise _KeepBuffers()
                if (ctx.discovered or ctx.created) and not run.get("reuse"):
                    raise Retrace()
                order = sorted(wset | writes)
                run["order"] = order
                run["complete"] = True
                if run.get("reuse"):  # single_trace.py: new variables' values come out too
                    return outs, [known[i]._value for i in order], \
                        [v._value for v in ctx.discovered + ctx.created]
                return outs, [known[i]._value for i in order]
            finally:
                STACK.traces.pop()
                HOOKS.access, HOOKS.creator, recording.STATE.tapes = saved
                ctx.restore()
        return pure

    def _rebuild(self, arg_vals):
        args, kwargs = self.template
        leaves = nest.flatten((args, kwargs), expand_composites="function")
        it = iter(arg_vals)
        new = [Tensor(next(it)) if x is SLOT else x for x in leaves]
        return nest.pack_sequence_as((args, kwargs), new, expand_composites="function")

    def _split_outputs(self, result):
        flat = nest.flatten(result, expand_composites="function")
        static, dyn = [], []
        for x in flat:
            if (isinstance(x, (Tensor, Variable)) or isinstance(x, jax.Array)) and \
                    not is_host_value(x):  # string tensors come back as static values
                dyn.append(convert_to_tensor(x)._value)
                static.append(_DYN)
            else:
                static.append(x)
        self.out_struct, self.out_static = result, static
        self.single = len(static) == 1 and static[0] is _DYN and not nest.is_nested(result)
        return dyn

    def trace(self, arg_vals):
        """Traces (and compiles on first call) until the variable set is complete."""
        f = self.function
        known = list(f._state_vars)
        written = [i for i, v in enumerate(known) if id(v) in f._written_ids]
        stage = True  # variables met mid-trace hold traced copies (see `_stage`)
        once = None if known else trace_once(  # first trace: record once, rewire
            self, known, written, not f._traced_once and not f._created_any, arg_vals,
            _donate() and not f._read_only and not f._checks)
        if once is not None and len(once) == 2:  # it created variables: trace again
            known, written = once
        elif once is not None:
            res, jitted, known, written, run = once
            self.install(known, written, jitted, run, written)
            return res
        for _ in range(8):
            allow = not f._traced_once and not f._created_any
            run = {}
            pure = self._pure(known, written, allow, run, stage)
            donate = _donate() and not f._read_only and not f._checks
            run["donating"] = donate and bool(written)
            jitted = flat_jit(pure, len(written), len(known) - len(written), donate)
            w_vars, r_vars = _partition(known, written)
            try:
                self._keep_rng(w_vars + r_vars)
                t0 = time.perf_counter()
                res = invoke(jitted, _donatable(w_vars) if donate else
                             [v._value for v in w_vars], [v._value for v in r_vars], arg_vals)
                if time.perf_counter() - t0 > _TRIM_AFTER_S:
                    release_freed_memory()  # the compiler's scratch memory, back to the OS
            except _KeepBuffers:
                f._checks = True
                continue
            except _Unstage:
                stage = False
                continue
            except ArgumentDependentInit:
                return run_first_call_eagerly(self, arg_vals)
            except Retrace:
                ctx = run["ctx"]
                f._created_any |= bool(ctx.created)
                wids = {id(known[i]) for i in run.get("writes", ())} | run.get("dwrites", set())
                for v in ctx.discovered + ctx.created:
                    if all(v is not k for k in known):
                        known.append(v)
                if donate:  # guess the written set from this attempt: saves a retrace
                    written = [i for i, v in enumerate(known) if id(v) in wids]
                continue
            except Exception:
                if run.get("complete") and not (donate and run["order"] != written):
                    # traced and compiled, failed while running (a failed assertion):
                    # later calls run this program, as TF keeps the concrete function
                    self.install(known, written, jitted, run, run["order"])
                raise
            if donate and run["order"] != written:
                written = run["order"]  # retrace once so the written buffers are donated
                continue
            self.install(known, written, jitted, run, run["order"])
            return res
        raise RuntimeError("tapeflow.function: the set of variables kept changing while "
                           "tracing; create variables once, outside later calls.")

    def install(self, known, written, jitted, run, out_order):
        """Makes `jitted` this entry's program: its variables, the written ones donated."""
        self.known, self.written, self.jitted, self._run = known, written, jitted, run
        self.w_vars, self.r_vars = _partition(known, written)
        self.out_vars = [known[i] for i in out_order]
        self.function._note_state(known, self.out_vars)
        self.function._forget_prepared()  # prepared calls of an earlier program are stale

    def _keep_rng(self, variables):
        """Copies the RNG states' input values (donation deletes them) for gradient replay."""
        if self.keep_pre:
            self.rng_pre = [(v, _copy(v._value)) for v in variables
                            if getattr(v, "_tapeflow_rng", False)]

    # -- calling ---------------------------------------------------------------
    def call_values(self, arg_vals):
        """Runs the compiled program; writes back variable values; returns output values."""
        if self.jitted is None:
            outs, new = self.trace(arg_vals)
        else:
            if self.keep_pre:
                self._keep_rng(self.w_vars + self.r_vars)
            try:
                outs, new = invoke(self.jitted, _donatable(self.w_vars),
                                   [v._value for v in self.r_vars], arg_vals)
            except Retrace:  # jax retraced for new shapes and met new variables
                ctx = self._run["ctx"]
                self.function._note_state(ctx.discovered + ctx.created)
                self.jitted = None
                outs, new = self.trace(arg_vals)
        if not self.function._read_only:
            for v, val in zip(self.out_vars, new):
                v._swap_value(val)
        return outs

    def pack(self, out_vals):
        if self.single:
            return _wrap(out_vals[0])
        it = iter(out_vals)
        leaves = [_wrap(next(it)) if s is _DYN else s for s in self.out_static]
        return nest.pack_sequence_as(self.out_struct, leaves, expand_composites="function")


class _Slot:
    def __repr__(self):
        return "<tensor argument>"


SLOT = _Slot()


def strip(template):
    """(args, kwargs) with every tensor argument replaced by SLOT (keeps no buffers alive)."""
    leaves = nest.flatten(template, expand_composites="function")
    return nest.pack_sequence_as(
        template, [SLOT if _is_dynamic(x) or isinstance(x, TensorSpec) else x for x in leaves],
        expand_composites="function")


def _partition(known, written):
    ws = set(written)
    return [known[i] for i in written], [v for i, v in enumerate(known) if i not in ws]


def _with_user_line(err):
    """The same error, naming the innermost frame of user code in its traceback."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if "/tapeflow/" not in f.filename.replace("\\", "/")
              and "/jax/" not in f.filename.replace("\\", "/")]
    msg = str(err)
    if frames:
        f = frames[-1]
        where = f"(at {f.filename}:{f.lineno}: `{f.line}`)"
        msg = re.sub(r"\(at .*?`\)", lambda m: where, msg, count=1) if "(at " in msg else \
            f"{msg} {where}"
    new = SymbolicTensorError(msg)
    return new


def _wrap(v):
    return Tensor._from_host(v)


def _is_dynamic(x):
    if is_host_value(x) or (isinstance(x, np.ndarray) and x.dtype.kind in "OSU"):
        return False  # strings: static arguments (function/signatures.py)
    return isinstance(x, (Tensor, jax.Array, np.ndarray))
