"""Ftrl, Lion and Adafactor (TF 2.15 update rules).

>>> import tapeflow as tf
>>> v = tf.Variable(1.0)
>>> _ = Lion(learning_rate=0.1).apply_gradients([(tf.constant(3.0), v)])
>>> round(float(v), 5)  # var -= lr * sign(...)
0.9
"""
import tapeflow as tf

from .adam import _base_kwargs
from .optimizer import Optimizer

__all__ = ["Ftrl", "Lion", "Adafactor"]


class Ftrl(Optimizer):
    """Follow-the-regularized-leader with L1/L2 (and shrinkage) regularization."""

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, jit_compile=True, name="Ftrl", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        if initial_accumulator_value < 0.0:
            raise ValueError("`initial_accumulator_value` needs to be positive or zero. "
                             f"Received: initial_accumulator_value={initial_accumulator_value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        super().build(var_list)
        for v in var_list:
            init = tf.ones(list(v.shape), v.dtype) * self.initial_accumulator_value
            self.add_variable_from_reference(v, "accumulator", initial_value=init)
            self.add_variable_from_reference(v, "linear")

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        p = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        acc, lin = self.get_slot(variable, "accumulator"), self.get_slot(variable, "linear")
        a = acc.value()
        g = gradient + 2.0 * self.l2_shrinkage_regularization_strength * variable.value()
        new_a = a + tf.square(gradient)
        lin.assign_add(g - (tf.pow(new_a, p) - tf.pow(a, p)) / lr * variable.value())
        quad = tf.pow(new_a, p) / lr + 2.0 * l2
        ln = lin.value()
        variable.assign((tf.clip_by_value(ln, -l1, l1) - ln) / quad)
        acc.assign(new_a)

    def get_config(self):
        config = super().get_config()
        config.update(learning_rate_power=self.learning_rate_power,
                      initial_accumulator_value=self.initial_accumulator_value,
                      l1_regularization_strength=self.l1_regularization_strength,
                      l2_regularization_strength=self.l2_regularization_strength,
                      l2_shrinkage_regularization_strength=self.l2_shrinkage_regularization_strength,
                      beta=self.beta)
        return config


class Lion(Optimizer):
    """var -= lr * sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g."""

    def __init__(self, learning_rate=0.0001, beta_1=0.9, beta_2=0.99, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, jit_compile=True,
                 name="Lion", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(f"Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                             f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1, self.beta_2 = beta_1, beta_2

    def build(self, var_list):
        super().build(var_list)
        for v in var_list:
            self.add_variable_from_reference(v, "m")

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        m = self.get_slot(variable, "m")
        mm = m.value()
        variable.assign_sub(lr * tf.sign(mm * self.beta_1 + gradient * (1.0 - self.beta_1)))
        m.assign(mm * self.beta_2 + gradient * (1.0 - self.beta_2))

    def get_config(self):
        config = super().get_config()
        config.update(beta_1=self.beta_1, beta_2=self.beta_2)
        return config


def _rms(x):
    return tf.sqrt(tf.reduce_mean(tf.square(x)))


class Adafactor(Optimizer):
    """Adafactor: factored second moments for rank >= 2 variables, relative step sizes."""

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30,
                 epsilon_2=1e-3, clip_threshold=1.0, relative_step=True, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, jit_compile=True,
                 name="Adafactor", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        self.beta_2_decay, self.epsilon_1, self.epsilon_2 = beta_2_decay, epsilon_1, epsilon_2
        self.clip_threshold, self.relative_step = clip_threshold, relative_step

    def build(self, var_list):
        super().build(var_list)
        for v in var_list:
            shape = list(v.shape)
            if len(shape) >= 2:
                self.add_variable_from_reference(v, "r", shape=shape[:-1])
                self.add_variable_from_reference(v, "c", shape=shape[:-2] + shape[-1:])
            self.add_variable_from_reference(v, "v")

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        t = self._step(variable)
        if self.relative_step and not callable(self._learning_rate):
            lr = tf.minimum(lr, 1.0 / tf.sqrt(t))
        rho = tf.minimum(lr, 1.0 / tf.sqrt(t))
        alpha = tf.maximum(tf.cast(self.epsilon_2, variable.dtype),
                           _rms(variable.value())) * rho
        g2 = tf.square(gradient) + self.epsilon_1
        b2 = 1.0 - tf.pow(t, tf.cast(self.beta_2_decay, variable.dtype))
        v = self.get_slot(variable, "v")
        if len(variable.shape) >= 2:
            r, c = self.get_slot(variable, "r"), self.get_slot(variable, "c")
            r.assign(b2 * r.value() + (1.0 - b2) * tf.reduce_mean(g2, axis=-1))
            c.assign(b2 * c.value() + (1.0 - b2) * tf.reduce_mean(g2, axis=-2))
            rr = r.value()
            v.assign(tf.expand_dims(rr / tf.reduce_mean(rr, axis=-1, keepdims=True), -1) *
                     tf.expand_dims(c.value(), -2))
        else:
            v.assign(b2 * v.value() + (1.0 - b2) * g2)
        u = gradient / tf.sqrt(v.value())
        u_hat = u / tf.maximum(1.0, _rms(u) / self.clip_threshold)
        variable.assign_add(-alpha * u_hat)

    def get_config(self):
        config = super().get_config()
        config.update(beta_2_decay=self.beta_2_decay, epsilon_1=self.epsilon_1,
                      epsilon_2=self.epsilon_2, clip_threshold=self.clip_threshold,
                      relative_step=self.relative_step)
        return config
