"""Adam family: Adam (amsgrad), AdamW, Adamax, Nadam — TF 2.15 update rules.

>>> import tapeflow as tf
>>> v = tf.Variable(1.0)
>>> _ = Adam(learning_rate=0.1).apply_gradients([(tf.constant(2.0), v)])
>>> round(float(v), 5)  # first Adam step moves by ~lr
0.9
"""
import tapeflow as tf

from .optimizer import Optimizer

__all__ = ["Adam", "AdamW", "Adamax", "Nadam"]

_BASE = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "ema_momentum",
         "ema_overwrite_frequency", "jit_compile")


def _base_kwargs(local):
    return {k: local[k] for k in _BASE}


class Adam(Optimizer):
    """m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
    var -= m * lr * sqrt(1 - b2^t) / (1 - b1^t) / (sqrt(v) + eps)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, jit_compile=True, name="Adam", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def build(self, var_list):
        super().build(var_list)
        for v in var_list:
            self.add_variable_from_reference(v, "m")
            self.add_variable_from_reference(v, "v")
            if self.amsgrad:
                self.add_variable_from_reference(v, "vhat")

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        t = self._step(variable)
        b1, b2 = tf.cast(self.beta_1, variable.dtype), tf.cast(self.beta_2, variable.dtype)
        alpha = lr * tf.sqrt(1.0 - tf.pow(b2, t)) / (1.0 - tf.pow(b1, t))
        m, v = self.get_slot(variable, "m"), self.get_slot(variable, "v")
        m.assign_add((gradient - m.value()) * (1.0 - b1))
        v.assign_add((tf.square(gradient) - v.value()) * (1.0 - b2))
        vv = v.value()
        if self.amsgrad:
            vhat = self.get_slot(variable, "vhat")
            vhat.assign(tf.maximum(vhat.value(), vv))
            vv = vhat.value()
        variable.assign_sub((m.value() * alpha) / (tf.sqrt(vv) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon,
                      amsgrad=self.amsgrad)
        return config


class AdamW(Adam):
    """Adam with decoupled weight decay (var -= var * wd * lr before each update)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-07, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, jit_compile=True, name="AdamW", **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name,
                         **_base_kwargs(locals()), **kwargs)


class Adamax(Optimizer):
    """Adam on the infinity norm: u = max(b2 * u, |g|); var -= lr * m / ((1 - b1^t)(u + eps))."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 jit_compile=True, name="Adamax", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, var_list):
        super().build(var_list)
        for v in var_list:
            self.add_variable_from_reference(v, "m")
            self.add_variable_from_reference(v, "u")

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        t = self._step(variable)
        b1 = tf.cast(self.beta_1, variable.dtype)
        m, u = self.get_slot(variable, "m"), self.get_slot(variable, "u")
        m.assign_add((gradient - m.value()) * (1.0 - b1))
        u.assign(tf.maximum(self.beta_2 * u.value(), tf.abs(gradient)))
        variable.assign_sub((lr * m.value()) /
                            ((1.0 - tf.pow(b1, t)) * (u.value() + self.epsilon)))

    def get_config(self):
        config = super().get_config()
        config.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return config


class Nadam(Optimizer):
    """Adam with Nesterov momentum and TF's momentum schedule (decay 0.96)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 jit_compile=True, name="Nadam", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self._u_product = None

    def build(self, var_list):
        super().build(var_list)
        if self._u_product is None:
            self._u_product = tf.Variable(1.0, name="u_product", trainable=False)
            self._variables.append(self._u_product)
        for v in var_list:
            self.add_variable_from_reference(v, "m")
            self.add_variable_from_reference(v, "v")

    def _prepare_step(self, variables):
        t = tf.cast(self.iterations.value() + 1, tf.float32)
        u_t = self.beta_1 * (1.0 - 0.5 * tf.pow(tf.constant(0.96), t))
        self._u_product.assign(self._u_product.value() * u_t)

    def update_step(self, gradient, variable):
        dt = variable.dtype
        lr = self._lr(variable)
        t, t1 = self._step(variable, 1), self._step(variable, 2)
        b1, b2 = tf.cast(self.beta_1, dt), tf.cast(self.beta_2, dt)
        decay = tf.cast(0.96, dt)
        u_t = b1 * (1.0 - 0.5 * tf.pow(decay, t))
        u_t1 = b1 * (1.0 - 0.5 * tf.pow(decay, t1))
        u_prod = tf.cast(self._u_product.value(), dt)
        u_prod1 = u_prod * u_t1
        m, v = self.get_slot(variable, "m"), self.get_slot(variable, "v")
        m.assign_add((gradient - m.value()) * (1.0 - b1))
        v.assign_add((tf.square(gradient) - v.value()) * (1.0 - b2))
        m_hat = u_t1 * m.value() / (1.0 - u_prod1) + (1.0 - u_t) * gradient / (1.0 - u_prod)
        v_hat = v.value() / (1.0 - tf.pow(b2, t))
        variable.assign_sub((m_hat * lr) / (tf.sqrt(v_hat) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return config
