"""Adaptive per-coordinate optimizers: RMSprop, Adagrad, Adadelta (TF 2.15 rules).

>>> import tapeflow as tf
>>> v = tf.Variable(1.0)
>>> _ = Adagrad(learning_rate=0.1).apply_gradients([(tf.constant(1.0), v)])
>>> round(float(v), 5)  # 1 - 0.1 * 1 / sqrt(0.1 + 1 + 1e-7)
0.90465
"""
import tapeflow as tf

from .adam import _base_kwargs
from .optimizer import Optimizer

__all__ = ["RMSprop", "Adagrad", "Adadelta"]


class RMSprop(Optimizer):
    """v = rho v + (1 - rho) g^2; var -= lr g / sqrt(v [- mg^2] + eps) (with momentum)."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07,
                 centered=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=100, jit_compile=True, name="RMSprop", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build(self, var_list):
        super().build(var_list)
        for v in var_list:
            self.add_variable_from_reference(v, "velocity")
            if self.momentum > 0:
                self.add_variable_from_reference(v, "momentum")
            if self.centered:
                self.add_variable_from_reference(v, "average_gradient")

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        rho = self.rho
        vel = self.get_slot(variable, "velocity")
        vel.assign(rho * vel.value() + (1.0 - rho) * tf.square(gradient))
        den = vel.value()
        if self.centered:
            avg = self.get_slot(variable, "average_gradient")
            avg.assign(rho * avg.value() + (1.0 - rho) * gradient)
            den = den - tf.square(avg.value())
        inc = lr * gradient / tf.sqrt(den + self.epsilon)
        if self.momentum > 0:
            mom = self.get_slot(variable, "momentum")
            mom.assign(self.momentum * mom.value() + inc)
            variable.assign_sub(mom.value())
        else:
            variable.assign_sub(inc)

    def get_config(self):
        config = super().get_config()
        config.update(rho=self.rho, momentum=self.momentum, epsilon=self.epsilon,
                      centered=self.centered)
        return config


class Adagrad(Optimizer):
    """acc += g^2; var -= lr g / sqrt(acc + eps)."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-07,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 jit_compile=True, name="Adagrad", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        super().build(var_list)
        for v in var_list:
            init = tf.ones(list(v.shape), v.dtype) * self.initial_accumulator_value
            self.add_variable_from_reference(v, "accumulator", initial_value=init)

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        acc = self.get_slot(variable, "accumulator")
        acc.assign_add(gradient * gradient)
        variable.assign_sub(lr * gradient / tf.sqrt(acc.value() + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(initial_accumulator_value=self.initial_accumulator_value,
                      epsilon=self.epsilon)
        return config


class Adadelta(Optimizer):
    """Adadelta: steps scaled by rms(accumulated deltas) / rms(accumulated grads)."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-07, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, jit_compile=True,
                 name="Adadelta", **kwargs):
        super().__init__(name=name, learning_rate=learning_rate, **_base_kwargs(locals()),
                         **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def build(self, var_list):
        super().build(var_list)
        for v in var_list:
            self.add_variable_from_reference(v, "accumulated_grad")
            self.add_variable_from_reference(v, "accumulated_delta_var")

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        rho, eps = self.rho, self.epsilon
        ag = self.get_slot(variable, "accumulated_grad")
        ad = self.get_slot(variable, "accumulated_delta_var")
        ag.assign(rho * ag.value() + (1.0 - rho) * gradient * gradient)
        delta = -tf.sqrt(ad.value() + eps) * gradient / tf.sqrt(ag.value() + eps)
        ad.assign(rho * ad.value() + (1.0 - rho) * delta * delta)
        variable.assign_add(lr * delta)

    def get_config(self):
        config = super().get_config()
        config.update(rho=self.rho, epsilon=self.epsilon)
        return config
