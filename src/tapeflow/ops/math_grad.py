"""Gradient rules of math_ops, one per op type, written with tapeflow ops.

Rules return gradients in the output's (broadcast) shape; the engine sums
them back to each input's shape. `op.inputs`/`op.outputs` are Tensors.
"""
import numpy as np

from ..framework.gradient_registry import NotDifferentiable, RegisterGradient
from . import array_ops as A
from . import elementwise_ops as E
from . import logic_ops
from . import math_ops as M


@RegisterGradient("AddV2")
def _add(op, g):  # d(x+y) = dx + dy
    return g, g


@RegisterGradient("Sub")
def _sub(op, g):
    return g, M.negative(g)


def _c(t):
    """conj(t) for complex t (TF's convention for complex gradients), else t."""
    return E.conj(t) if t.dtype.is_complex else t


@RegisterGradient("Mul")
def _mul(op, g):  # d(xy) = y dx + x dy
    x, y = op.inputs
    return M.multiply(g, _c(y)), M.multiply(g, _c(x))


@RegisterGradient("RealDiv")
def _div(op, g):  # d(x/y) = dx/y - x dy/y^2
    x, y = op.inputs
    return (M.realdiv(g, _c(y)),
            M.negative(M.realdiv(M.multiply(g, _c(op.outputs[0])), _c(y))))


@RegisterGradient("Pow")
def _pow(op, g):  # d(x^y) = y x^(y-1) dx + x^y log(x) dy
    x, y = op.inputs
    z = op.outputs[0]
    gx = M.multiply(g, M.multiply(y, M.pow(x, M.subtract(y, A.ones_like(y)))))
    safe_x = A.where(logic_ops.greater(x, A.zeros_like(x)), x, A.ones_like(x))
    gy = M.multiply(g, M.multiply(z, A.where(logic_ops.greater(x, A.zeros_like(x)), M.log(safe_x),
                                             A.zeros_like(x))))
    return gx, gy


@RegisterGradient("Maximum")
def _maximum(op, g):  # ties send the gradient to x, as TF does
    x, y = op.inputs
    mask = logic_ops.greater_equal(x, y)
    zero = A.zeros_like(g)
    return A.where(mask, g, zero), A.where(mask, zero, g)


@RegisterGradient("Minimum")
def _minimum(op, g):
    x, y = op.inputs
    mask = logic_ops.less_equal(x, y)
    zero = A.zeros_like(g)
    return A.where(mask, g, zero), A.where(mask, zero, g)


@RegisterGradient("SquaredDifference")
def _sqdiff(op, g):  # d(x-y)^2 = 2(x-y)(dx - dy)
    x, y = op.inputs
    d = M.multiply(M.multiply(g, 2.0), M.subtract(x, y))
    return d, M.negative(d)


@RegisterGradient("AddN")
def _add_n(op, g):
    return [g] * len(op.inputs)


@RegisterGradient("Neg")
def _neg(op, g):
    return M.negative(g)


@RegisterGradient("Square")
def _square(op, g):  # 2x
    return M.multiply(g, M.multiply(_c(op.inputs[0]), 2.0))


@RegisterGradient("Abs")
def _abs(op, g):
    x = op.inputs[0]
    if x.dtype.is_complex:  # |z|' = z / |z| (0 at z = 0)
        zero = A.zeros_like(g)
        return E.divide_no_nan(M.multiply(E.complex(g, zero), x),
                               E.complex(op.outputs[0], zero))
    return M.multiply(g, M.sign(x))


@RegisterGradient("Sqrt")
def _sqrt(op, g):  # 1 / (2 sqrt(x))
    return M.realdiv(M.multiply(g, 0.5), _c(op.outputs[0]))


@RegisterGradient("Rsqrt")
def _rsqrt(op, g):  # -y^3 / 2
    y = op.outputs[0]
    return M.multiply(g, _c(M.multiply(M.multiply(y, M.square(y)), -0.5)))


@RegisterGradient("Exp")
def _exp(op, g):
    return M.multiply(g, _c(op.outputs[0]))


@RegisterGradient("Expm1")
def _expm1(op, g):
    return M.multiply(g, _c(M.exp(op.inputs[0])))


@RegisterGradient("Log")
def _log(op, g):  # 1/x
    return M.realdiv(g, _c(op.inputs[0]))


@RegisterGradient("Log1p")
def _log1p(op, g):  # 1/(1+x)
    return M.realdiv(g, _c(M.add(op.inputs[0], 1.0)))


@RegisterGradient("Sin")
def _sin(op, g):
    return M.multiply(g, _c(M.cos(op.inputs[0])))


@RegisterGradient("Cos")
def _cos(op, g):
    return M.negative(M.multiply(g, _c(M.sin(op.inputs[0]))))


@RegisterGradient("Tan")
def _tan(op, g):  # 1 + tan^2
    return M.multiply(g, _c(M.add(M.square(op.outputs[0]), 1.0)))


@RegisterGradient("Asin")
def _asin(op, g):  # 1/sqrt(1-x^2)
    return M.multiply(g, _c(M.rsqrt(M.subtract(1.0, M.square(op.inputs[0])))))


@RegisterGradient("Acos")
def _acos(op, g):
    return M.negative(M.multiply(g, _c(M.rsqrt(M.subtract(1.0, M.square(op.inputs[0]))))))


@RegisterGradient("Atan")
def _atan(op, g):  # 1/(1+x^2)
    return M.realdiv(g, _c(M.add(M.square(op.inputs[0]), 1.0)))


@RegisterGradient("Sinh")
def _sinh(op, g):
    return M.multiply(g, _c(M.cosh(op.inputs[0])))


@RegisterGradient("Cosh")
def _cosh(op, g):
    return M.multiply(g, _c(M.sinh(op.inputs[0])))


@RegisterGradient("Tanh")
def _tanh(op, g):  # 1 - y^2
    return M.multiply(g, _c(M.subtract(1.0, M.square(op.outputs[0]))))


@RegisterGradient("Asinh")
def _asinh(op, g):  # 1/sqrt(x^2+1)
    return M.multiply(g, _c(M.rsqrt(M.add(M.square(op.inputs[0]), 1.0))))


@RegisterGradient("Acosh")
def _acosh(op, g):  # 1/sinh(y) (= 1/sqrt(x^2-1) for real x, right branch for complex)
    return M.realdiv(g, _c(M.sinh(op.outputs[0])))


@RegisterGradient("Atanh")
def _atanh(op, g):  # 1/(1-x^2)
    return M.realdiv(g, _c(M.subtract(1.0, M.square(op.inputs[0]))))


@RegisterGradient("Sigmoid")
def _sigmoid(op, g):  # y(1-y)
    y = op.outputs[0]
    return M.multiply(g, _c(M.multiply(y, M.subtract(1.0, y))))


@RegisterGradient("Reciprocal")
def _reciprocal(op, g):  # -y^2
    return M.negative(M.multiply(g, _c(M.square(op.outputs[0]))))


@RegisterGradient("Cast")
def _cast(op, g):
    src = op.inputs[0].dtype
    if not (src.is_floating or src.is_complex):
        return None
    return M.cast(g, src)


for _t in ("Sign", "Floor", "Ceil", "Round", "FloorDiv"):
    NotDifferentiable(_t)


@RegisterGradient("FloorMod")  # d(x - floor(x/y) y) = dx - floor(x/y) dy
def _floormod(op, g):
    x, y = op.inputs
    return g, M.negative(M.multiply(g, M.floordiv(x, y)))


def _restore_reduced(g, op):
    """Reshapes a reduction's gradient so it broadcasts against the input."""
    x = op.inputs[0]
    if op.attrs["keepdims"]:
        return g
    shape = [1 if i in op.attrs["axis"] else d for i, d in enumerate(x.shape.as_list())]
    return A.reshape(g, shape)


@RegisterGradient("Sum")
def _sum(op, g):
    return A.broadcast_to(_restore_reduced(g, op), A.shape(op.inputs[0]))


@RegisterGradient("Mean")
def _mean(op, g):
    x = op.inputs[0]
    n = int(np.prod([x.shape[a] for a in op.attrs["axis"]])) if op.attrs["axis"] else 1
    return A.broadcast_to(M.realdiv(_restore_reduced(g, op), float(max(n, 1))), A.shape(x))


def _minmax_grad(op, g):  # gradient split evenly between tied extrema, as TF
    x = op.inputs[0]
    y = _restore_reduced(op.outputs[0], op)
    g = _restore_reduced(g, op)
    eq = M.cast(logic_ops.equal(x, y), x.dtype)
    count = M.reduce_sum(eq, axis=list(op.attrs["axis"]), keepdims=True)
    return M.multiply(M.realdiv(eq, count), g)


RegisterGradient("Max")(_minmax_grad)
RegisterGradient("Min")(_minmax_grad)


@RegisterGradient("Prod")
def _prod(op, g):  # prod / x (x != 0); zero entries handled by exclusive products
    x = op.inputs[0]
    axes = list(op.attrs["axis"])
    g = _restore_reduced(g, op)
    # exclusive product over the reduced axes, computed on flattened reduced dims
    perm = [i for i in range(x.ndim) if i not in axes] + axes
    xt = A.transpose(x, perm)
    kept = [xt.shape[i] for i in range(x.ndim - len(axes))]
    flat = A.reshape(xt, kept + [-1])
    left = M.cumprod(flat, axis=-1, exclusive=True)
    right = M.cumprod(flat, axis=-1, exclusive=True, reverse=True)
    ex = A.reshape(M.multiply(left, right), [xt.shape[i] for i in range(x.ndim)])
    inv = [0] * x.ndim
    for i, p in enumerate(perm):
        inv[p] = i
    return M.multiply(g, A.transpose(ex, inv))


@RegisterGradient("MatMul")
def _matmul(op, g):  # dA = g B^T, dB = A^T g (with the forward transposes undone)
    a, b = op.inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    if a.dtype.is_complex:
        return _complex_matmul(op, g)
    if not ta and not tb:
        ga = M.matmul(g, b, transpose_b=True)
        gb = M.matmul(a, g, transpose_a=True)
    elif not ta and tb:
        ga = M.matmul(g, b)
        gb = M.matmul(g, a, transpose_a=True)
    elif ta and not tb:
        ga = M.matmul(b, g, transpose_b=True)
        gb = M.matmul(a, g)
    else:
        ga = M.matmul(b, g, transpose_a=True, transpose_b=True)
        gb = M.matmul(g, a, transpose_a=True, transpose_b=True)
    return _sum_batch(ga, a), _sum_batch(gb, b)


def _apply(t, transpose, conj):
    """t, t^T or t^H (the forward flags) on the two innermost dims."""
    if transpose:
        perm = list(range(t.ndim - 2)) + [t.ndim - 1, t.ndim - 2]
        t = A.transpose(t, perm)
    return E.conj(t) if conj else t


def _complex_matmul(op, g):  # with A', B' the flagged inputs: dA' = g B'^H, dB' = A'^H g
    a, b = op.inputs
    at = op.attrs
    ap = _apply(a, at["transpose_a"], at["conj_a"])
    bp = _apply(b, at["transpose_b"], at["conj_b"])
    ga = M.matmul(g, bp, adjoint_b=True)
    gb = M.matmul(ap, g, adjoint_a=True)
    ga = _apply(ga, at["transpose_a"], at["conj_a"])  # the flags are their own inverses
    gb = _apply(gb, at["transpose_b"], at["conj_b"])
    return _sum_batch(ga, a), _sum_batch(gb, b)


def _sum_batch(g, x):
    """Batched matmul broadcasts leading dims; sum them back for x."""
    extra = g.ndim - x.ndim
    if extra > 0:
        g = M.reduce_sum(g, axis=list(range(extra)))
    axes = [i for i in range(x.ndim - 2) if x.shape[i] == 1 and g.shape[i] != 1]
    if axes:
        g = M.reduce_sum(g, axis=axes, keepdims=True)
    return g


@RegisterGradient("Cumsum")
def _cumsum(op, g):  # reverse cumulative sum of g
    return M.cumsum(g, axis=op.attrs["axis"], exclusive=op.attrs["exclusive"],
                    reverse=not op.attrs["reverse"])


@RegisterGradient("Cumprod")
def _cumprod(op, g):  # sum over later outputs of g*y/x (nonzero x)
    x, y = op.inputs[0], op.outputs[0]
    a = op.attrs
    return M.realdiv(M.cumsum(M.multiply(g, y), axis=a["axis"], exclusive=a["exclusive"],
                              reverse=not a["reverse"]), x)
