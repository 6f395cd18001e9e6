"""The XLA:CPU-friendly conv lowerings equal lax.conv_general_dilated (forward with few
input channels, and the filter gradient by im2col) for every layout and window setting."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import tapeflow as tf
from tapeflow.ops import conv_lowering as L

RNG = np.random.default_rng(9)
SPEC = {(1, False): ("NWC", "WIO", "NWC"), (2, False): ("NHWC", "HWIO", "NHWC"),
        (3, False): ("NDHWC", "DHWIO", "NDHWC"), (1, True): ("NCW", "WIO", "NCW"),
        (2, True): ("NCHW", "HWIO", "NCHW"), (3, True): ("NCDHW", "DHWIO", "NCDHW")}

CASES = [  # spatial, kernel, cin, strides, dilations, padding, channels_first
    ((9,), (3,), 2, (2,), (1,), "SAME", False),
    ((8,), (2,), 1, (1,), (3,), [[0, 0], [4, 1], [0, 0]], False),
    ((7, 6), (3, 2), 3, (2, 1), (1, 1), "SAME", False),
    ((7, 6), (3, 3), 1, (1, 1), (2, 2), "VALID", True),
    ((6, 7), (2, 4), 4, (3, 2), (1, 1), "SAME", True),
    ((4, 5, 4), (2, 3, 2), 2, (1, 2, 1), (1, 1, 1), "SAME", False),
    ((4, 4, 5), (2, 2, 2), 3, (1, 1, 1), (1, 2, 1), "VALID", True),
]


def _ref(x, w, strides, dilations, padding, n, cf):
    if not isinstance(padding, str):
        padding = [tuple(p) for p in (padding[2:] if cf else padding[1:-1])]
    return lax.conv_general_dilated(x, w, strides, padding, rhs_dilation=dilations,
                                    dimension_numbers=SPEC[(n, cf)])


@pytest.mark.parametrize("spatial,kernel,cin,strides,dilations,padding,cf", CASES)
def test_fast_lowerings_equal_lax(spatial, kernel, cin, strides, dilations, padding, cf):
    n = len(spatial)
    shape = (2, cin) + spatial if cf else (2,) + spatial + (cin,)
    x = RNG.standard_normal(shape).astype("float32")
    w = RNG.standard_normal(kernel + (cin, 3)).astype("float32")
    fmt = SPEC[(n, cf)][0]
    y = tf.nn.convolution(x, w, strides=list(strides), padding=padding, data_format=fmt,
                          dilations=list(dilations))
    ref = _ref(x, w, strides, dilations, padding, n, cf)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-5, atol=1e-5)
    probe = RNG.standard_normal(ref.shape).astype("float32")
    wt = tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch(wt)
        loss = tf.reduce_sum(tf.nn.convolution(x, wt, strides=list(strides), padding=padding,
                                               data_format=fmt, dilations=list(dilations))
                             * probe)
    want = jax.grad(lambda v: jnp.sum(_ref(x, v, strides, dilations, padding, n, cf) * probe))(w)
    np.testing.assert_allclose(tape.gradient(loss, wt).numpy(), want, rtol=1e-4, atol=1e-4)


def test_each_case_takes_the_fast_path_and_large_cases_do_not():
    attrs = {"n": 2, "cf": False, "groups": 1, "w_shape": (3, 3, 1, 8)}
    x = jnp.zeros((2, 8, 8, 1)), jnp.zeros((3, 3, 1, 8))
    assert L.use_forward_few_channels(x[0], x[1], attrs)
    assert L.use_filter_grad_im2col(x[0], jnp.zeros((2, 6, 6, 8)), attrs)
    many = jnp.zeros((3, 3, 64, 8))
    assert not L.use_forward_few_channels(jnp.zeros((2, 8, 8, 64)), many,
                                          dict(attrs, w_shape=(3, 3, 64, 8)))
    big = jax.ShapeDtypeStruct((256, 200, 200, 64), jnp.float32)
    assert not L.use_filter_grad_im2col(big, jax.ShapeDtypeStruct((256, 198, 198, 8),
                                                                   jnp.float32),
                                        dict(attrs, w_shape=(3, 3, 64, 8)))
    assert not L.use_filter_grad_im2col(x[0].astype(jnp.bfloat16), jnp.zeros((2, 6, 6, 8)),
                                        attrs)


@pytest.mark.parametrize("shape,ksize,padding,data_format", [
    ((2, 6, 7, 3), 2, "VALID", "NHWC"),
    ((2, 5, 5, 2), (2, 3), "SAME", "NHWC"),
    ((1, 3, 7, 5), 3, "SAME", "NCHW"),
    ((2, 9, 2), 3, "VALID", "NWC"),
    ((1, 4, 5, 3, 2), 2, "SAME", "NDHWC"),
])
def test_non_overlapping_max_pool_grad_equals_select_and_scatter(shape, ksize, padding,
                                                                   data_format):
    from tapeflow.framework.jax_compat import select_and_scatter_add
    from tapeflow.ops import pool_lowering, pool_ops
    x = RNG.standard_normal(shape).astype("float32")
    x.reshape(-1)[::3] = 0.5  # ties: the first maximum in row-major order gets the gradient
    xt = tf.constant(x)
    a = pool_ops._pool_attrs(xt, ksize, ksize, padding, data_format, len(shape) - 2, "MaxPool")
    assert pool_lowering.use_non_overlapping(xt._value, a)
    y = tf.nn.max_pool(xt, ksize, ksize, padding, data_format=data_format)
    g = RNG.standard_normal(y.shape).astype("float32")
    got = pool_lowering.max_pool_grad_non_overlapping(jnp.asarray(x), jnp.asarray(g), a)
    want = select_and_scatter_add(jnp.asarray(g), jnp.asarray(x), lax.ge_p, a["window"],
                                  a["strides"], a["pads"])
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(tf.nn.max_pool(xt, ksize, ksize, padding,
                                            data_format=data_format) * g)
    np.testing.assert_array_equal(tape.gradient(loss, xt).numpy(), np.asarray(want))
