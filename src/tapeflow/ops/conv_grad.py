"""Gradient rules of convolutions and pooling; each is itself a tapeflow op.

The three conv primitives are bilinear, so they close under differentiation:
    ConvND(x, w)               -> dx = BackpropInput(g, w),  dw = BackpropFilter(x, g)
    BackpropInput(dy, w)       -> d dy = ConvND(g, w),       dw = BackpropFilter(g, dy)
    BackpropFilter(x, dy)      -> dx = BackpropInput(dy, g), d dy = ConvND(x, g)
Pooling: MaxPool -> MaxPoolGrad -> MaxPoolGradGrad -> MaxPoolGrad ...,
AvgPool <-> AvgPoolGrad.
"""
from ..framework.gradient_registry import RegisterGradient
from . import conv_ops as C
from . import pool_ops as P


def _conv(op, g):
    x, w = op.inputs
    return (C.backprop_input_raw(g, w, op.attrs), C.backprop_filter_raw(x, g, op.attrs))


def _backprop_input(op, g):
    dy, w = op.inputs
    return C.conv_raw(g, w, op.attrs), C.backprop_filter_raw(g, dy, op.attrs)


def _backprop_filter(op, g):
    x, dy = op.inputs
    return C.backprop_input_raw(dy, g, op.attrs), C.conv_raw(x, g, op.attrs)


for _n in (1, 2, 3):
    RegisterGradient(f"Conv{_n}D")(_conv)
    RegisterGradient(f"Conv{_n}DBackpropInput")(_backprop_input)
    RegisterGradient(f"Conv{_n}DBackpropFilter")(_backprop_filter)


@RegisterGradient("MaxPool")
def _max_pool(op, g):
    return P.max_pool_grad_raw(op.inputs[0], g, op.attrs)


@RegisterGradient("MaxPoolGrad")
def _max_pool_grad(op, g):  # linear in the incoming gradient; piecewise constant in x
    x = op.inputs[0]
    return None, P.max_pool_grad_grad_raw(x, g, op.attrs)


@RegisterGradient("MaxPoolGradGrad")
def _max_pool_grad_grad(op, g):
    x = op.inputs[0]
    return None, P.max_pool_grad_raw(x, g, op.attrs)


@RegisterGradient("AvgPool")
def _avg_pool(op, g):
    return P.avg_pool_grad_raw(g, op.attrs)


@RegisterGradient("AvgPoolGrad")
def _avg_pool_grad(op, g):
    return P.avg_pool_raw(g, op.attrs)
