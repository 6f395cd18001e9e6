"""SGD with optional (Nesterov) momentum, TF 2.15 update rule.

>>> import tapeflow as tf
>>> v = tf.Variable(1.0)
>>> opt = SGD(learning_rate=0.1, momentum=0.9)
>>> _ = opt.apply_gradients([(tf.constant(1.0), v)])
>>> _ = opt.apply_gradients([(tf.constant(1.0), v)])
>>> round(float(v), 4)  # 1 - 0.1 - (0.1 + 0.09)
0.71
"""
from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """m = momentum * m - lr * g; var += m (or momentum * m - lr * g when nesterov)."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, jit_compile=True,
                 name="SGD", **kwargs):
        super().__init__(name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, learning_rate=learning_rate, **kwargs)
        if isinstance(momentum, (int, float)) and not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be between [0, 1]. Received: momentum={momentum}")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, var_list):
        super().build(var_list)
        if self.momentum:
            for v in var_list:
                self.add_variable_from_reference(v, "m")

    def update_step(self, gradient, variable):
        lr = self._lr(variable)
        if not self.momentum:
            variable.assign_add(-gradient * lr)
            return
        m = self.get_slot(variable, "m")
        mom = self.momentum
        m.assign(-gradient * lr + m.value() * mom)
        if self.nesterov:
            variable.assign_add(-gradient * lr + m.value() * mom)
        else:
            variable.assign_add(m.value())

    def get_config(self):
        config = super().get_config()
        config.update(momentum=self.momentum, nesterov=self.nesterov)
        return config
