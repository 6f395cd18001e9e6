"""Each optimizer's update vs a NumPy transcription of TF 2.15's formula over several steps."""
import logging

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

O = keras.optimizers
rng = np.random.default_rng(0)
W0 = rng.normal(size=(3, 2)).astype("float32")
GRADS = [rng.normal(size=(3, 2)).astype("float32") for _ in range(4)]


def run(opt):
    v = tf.Variable(W0.copy())
    for g in GRADS:
        opt.apply_gradients([(tf.constant(g), v)])
    return v.numpy()


def ref_sgd(lr=0.01, mom=0.0, nesterov=False):
    w, m = W0.astype("float64"), 0
    for g in GRADS:
        if mom:
            m = -g * lr + m * mom
            w = w + (-g * lr + m * mom if nesterov else m)
        else:
            w = w - g * lr
    return w


def ref_adam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, wd=None):
    w, m, v, vh = W0.astype("float64"), 0, 0, 0
    for t, g in enumerate(GRADS, 1):
        if wd:
            w = w - w * wd * lr
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        vv = v
        if amsgrad:
            vh = np.maximum(vh, v)
            vv = vh
        w = w - m * alpha / (np.sqrt(vv) + eps)
    return w


def ref_adamax(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    w, m, u = W0.astype("float64"), 0, 0
    for t, g in enumerate(GRADS, 1):
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - b1 ** t) * (u + eps))
    return w


def ref_nadam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    w, m, v, up = W0.astype("float64"), 0, 0, 1.0
    for t, g in enumerate(GRADS, 1):
        ut = b1 * (1 - 0.5 * 0.96 ** t)
        ut1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        up = up * ut
        up1 = up * ut1
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        mh = ut1 * m / (1 - up1) + (1 - ut) * g / (1 - up)
        vh = v / (1 - b2 ** t)
        w = w - mh * lr / (np.sqrt(vh) + eps)
    return w


def ref_rmsprop(lr=0.001, rho=0.9, mom=0.0, eps=1e-7, centered=False):
    w, vel, mg, mo = W0.astype("float64"), 0, 0, 0
    for g in GRADS:
        vel = rho * vel + (1 - rho) * g * g
        den = vel
        if centered:
            mg = rho * mg + (1 - rho) * g
            den = vel - mg * mg
        inc = lr * g / np.sqrt(den + eps)
        if mom:
            mo = mom * mo + inc
            w = w - mo
        else:
            w = w - inc
    return w


def ref_adagrad(lr=0.001, init=0.1, eps=1e-7):
    w, acc = W0.astype("float64"), init
    for g in GRADS:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
    return w


def ref_adadelta(lr=0.001, rho=0.95, eps=1e-7):
    w, ag, ad = W0.astype("float64"), 0, 0
    for g in GRADS:
        ag = rho * ag + (1 - rho) * g * g
        d = -np.sqrt(ad + eps) * g / np.sqrt(ag + eps)
        ad = rho * ad + (1 - rho) * d * d
        w = w + lr * d
    return w


def ref_ftrl(lr=0.001, p=-0.5, init=0.1, l1=0.0, l2=0.0, l2s=0.0, beta=0.0):
    w, acc, lin = W0.astype("float64"), init, 0
    for g in GRADS:
        l2r = l2 + beta / (2 * lr)
        gg = g + 2 * l2s * w
        na = acc + g * g
        lin = lin + gg - (na ** -p - acc ** -p) / lr * w
        quad = na ** -p / lr + 2 * l2r
        w = (np.clip(lin, -l1, l1) - lin) / quad
        acc = na
    return w


def ref_lion(lr=0.0001, b1=0.9, b2=0.99):
    w, m = W0.astype("float64"), 0
    for g in GRADS:
        w = w - lr * np.sign(m * b1 + g * (1 - b1))
        m = m * b2 + g * (1 - b2)
    return w


def ref_adafactor(lr=0.001, decay=-0.8, e1=1e-30, e2=1e-3, clip=1.0):
    w, r, c = W0.astype("float64"), 0, 0
    rms = lambda x: np.sqrt(np.mean(x * x))  # noqa: E731
    for t, g in enumerate(GRADS, 1):
        lr_t = min(lr, 1 / np.sqrt(t))
        rho = min(lr_t, 1 / np.sqrt(t))
        alpha = max(e2, rms(w)) * rho
        g2 = g * g + e1
        b2 = 1 - t ** decay
        r = b2 * r + (1 - b2) * g2.mean(-1)
        c = b2 * c + (1 - b2) * g2.mean(-2)
        v = (r / r.mean(-1, keepdims=True))[:, None] * c[None, :]
        u = g / np.sqrt(v)
        w = w - alpha * u / max(1.0, rms(u) / clip)
    return w


CASES = [
    (lambda: O.SGD(), ref_sgd()),
    (lambda: O.SGD(0.1, momentum=0.9), ref_sgd(0.1, 0.9)),
    (lambda: O.SGD(0.1, momentum=0.9, nesterov=True), ref_sgd(0.1, 0.9, True)),
    (lambda: O.Adam(0.01), ref_adam(0.01)),
    (lambda: O.Adam(0.01, amsgrad=True), ref_adam(0.01, amsgrad=True)),
    (lambda: O.AdamW(0.01, weight_decay=0.1), ref_adam(0.01, wd=0.1)),
    (lambda: O.Adamax(0.01), ref_adamax(0.01)),
    (lambda: O.Nadam(0.01), ref_nadam(0.01)),
    (lambda: O.RMSprop(0.01), ref_rmsprop(0.01)),
    (lambda: O.RMSprop(0.01, momentum=0.5, centered=True), ref_rmsprop(0.01, mom=0.5,
                                                                       centered=True)),
    (lambda: O.Adagrad(0.1), ref_adagrad(0.1)),
    (lambda: O.Adadelta(1.0), ref_adadelta(1.0)),
    (lambda: O.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.1,
                    beta=0.5, l2_shrinkage_regularization_strength=0.05),
     ref_ftrl(0.1, l1=0.01, l2=0.1, beta=0.5, l2s=0.05)),
    (lambda: O.Lion(0.01), ref_lion(0.01)),
    (lambda: O.Adafactor(0.01), ref_adafactor(0.01)),
]


@pytest.mark.parametrize("make,ref", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_update_rule(make, ref):
    np.testing.assert_allclose(run(make()), ref, rtol=2e-5, atol=2e-6)


def test_iterations_slots_variables_and_none_grads(caplog):
    opt = O.Adam()
    a, b = tf.Variable([1.0, 2.0], name="a"), tf.Variable(3.0, name="b")
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        opt.apply_gradients(zip([tf.constant([1.0, 1.0]), None], [a, b]))
    assert "Gradients do not exist" in caplog.text and "b:0" in caplog.text
    assert int(opt.iterations) == 1
    assert len(opt.variables) == 3  # iterations + m + v of `a`
    assert float(b) == 3.0


def test_learning_rate_settable_schedule_and_clipping():
    opt = O.SGD(learning_rate=0.5)
    opt.learning_rate = 0.25
    v = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v) == pytest.approx(0.75)
    sched = O.schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    opt = O.SGD(learning_rate=sched)
    v = tf.Variable(0.0)
    for _ in range(3):
        opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v) == pytest.approx(-(1 + 0.5 + 0.25))
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1
    v = tf.Variable([0.0, 0.0])
    O.SGD(1.0, clipnorm=1.0).apply_gradients([(tf.constant([3.0, 4.0]), v)])
    np.testing.assert_allclose(v.numpy(), [-0.6, -0.8], rtol=1e-6)
    v = tf.Variable([0.0, 0.0])
    O.SGD(1.0, clipvalue=0.5).apply_gradients([(tf.constant([3.0, -0.2]), v)])
    np.testing.assert_allclose(v.numpy(), [-0.5, 0.2], rtol=1e-6)
    v, w = tf.Variable([0.0]), tf.Variable([0.0])
    O.SGD(1.0, global_clipnorm=1.0).apply_gradients(
        [(tf.constant([3.0]), v), (tf.constant([4.0]), w)])
    assert (float(v[0]), float(w[0])) == pytest.approx((-0.6, -0.8))
    with pytest.raises(ValueError, match="clipnorm"):
        O.SGD(clipnorm=1.0, global_clipnorm=1.0)


def test_minimize_ema_config_and_get():
    v = tf.Variable(3.0)
    opt = O.SGD(0.1)
    opt.minimize(lambda: v * v, [v])
    assert float(v) == pytest.approx(3.0 - 0.1 * 6.0)
    with tf.GradientTape() as tape:
        loss = v * v
    opt.minimize(loss, [v], tape=tape)
    assert int(opt.iterations) == 2
    v = tf.Variable(1.0)
    opt = O.SGD(1.0, use_ema=True, ema_momentum=0.5)
    opt.apply_gradients([(tf.constant(1.0), v)])  # v -> 0, average -> 0.5
    opt.finalize_variable_values([v])
    assert float(v) == pytest.approx(0.5)
    cfg = O.Adam(0.003, beta_1=0.8).get_config()
    again = O.Adam.from_config(cfg)
    assert again.beta_1 == 0.8 and float(again.learning_rate) == pytest.approx(0.003)
    assert isinstance(O.get("rmsprop"), O.RMSprop)
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        O.get("nope")


def test_schedules_vs_formulas():
    S = O.schedules
    pc = S.PiecewiseConstantDecay([3, 6], [1.0, 0.5, 0.1])
    assert [round(float(pc(s)), 3) for s in (0, 3, 4, 6, 7)] == [1.0, 1.0, 0.5, 0.5, 0.1]
    pd = S.PolynomialDecay(1.0, 10, end_learning_rate=0.1, power=2.0)
    assert float(pd(4)) == pytest.approx(0.9 * 0.6 ** 2 + 0.1, rel=1e-5)
    assert float(pd(20)) == pytest.approx(0.1, rel=1e-5)
    it = S.InverseTimeDecay(1.0, 2, 0.5)
    assert float(it(3)) == pytest.approx(1 / (1 + 0.5 * 1.5), rel=1e-5)
    cd = S.CosineDecay(1.0, 10, alpha=0.1)
    assert float(cd(5)) == pytest.approx(0.9 * 0.5 * (1 + np.cos(np.pi * 0.5)) + 0.1, rel=1e-5)
    wu = S.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    assert float(wu(2)) == pytest.approx(0.5, rel=1e-5)
    assert float(wu(4)) == pytest.approx(1.0, rel=1e-5)
    cr = S.CosineDecayRestarts(1.0, 4, t_mul=2.0, m_mul=0.5)
    # step 6 is in the second period (length 8, starting at 4): frac 2/8, peak 0.5
    assert float(cr(6)) == pytest.approx(0.5 * 0.5 * (1 + np.cos(np.pi * 0.25)), rel=1e-5)
    assert float(cr(2)) == pytest.approx(0.5 * (1 + np.cos(np.pi * 0.5)), rel=1e-5)
