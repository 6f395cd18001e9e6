"""Learning-rate schedules (tf.keras.optimizers.schedules), step -> learning rate.

Every schedule is written with tapeflow ops on the step tensor, so it works
eagerly and inside a compiled train step.

>>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> round(float(s(10)), 6)
0.05
"""
import math

import tapeflow as tf

__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
           "PolynomialDecay", "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts",
           "serialize", "deserialize"]


def _f(x, dtype=tf.float32):
    t = tf.convert_to_tensor(x)
    return tf.cast(t, dtype)


class LearningRateSchedule:
    """Base: `__call__(step)` returns the learning rate for that step."""

    def __call__(self, step):
        raise TypeError(f"{type(self).__name__} must implement `__call__(step)`.")

    def get_config(self):
        raise TypeError(f"{type(self).__name__} must implement `get_config`.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _StepDecay(LearningRateSchedule):
    """Shared by the schedules of (lr0, decay_steps, decay_rate, staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _progress(self, step):
        """step / decay_steps, floored when `staircase`."""
        p = _f(step) / _f(self.decay_steps)
        return tf.math.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """lr * decay_rate ** (step / decay_steps), floored when `staircase`.

    >>> round(float(ExponentialDecay(1.0, 2, 0.5, staircase=True)(3)), 4)
    0.5
    """

    def __call__(self, step):
        return _f(self.initial_learning_rate) * tf.pow(_f(self.decay_rate), self._progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[i] while boundaries[i-1] < step <= boundaries[i].

    >>> s = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    >>> [round(float(s(k)), 2) for k in (10, 11, 21)]
    [1.0, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name=None):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of "
                             f"values. Received: boundaries={boundaries} of length "
                             f"{len(boundaries)}, and values={values} of length {len(values)}.")
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step):
        s = _f(step, tf.float64)
        out = _f(self.values[-1])
        for b, v in reversed(list(zip(self.boundaries, self.values[:-1]))):
            out = tf.where(s <= _f(b, tf.float64), _f(v), out)
        return out

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """(lr0 - lr_end) * (1 - step / decay_steps) ** power + lr_end, optionally cycling."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False, name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        s = _f(step)
        steps = _f(self.decay_steps)
        if self.cycle:
            mult = tf.where(tf.equal(s, 0.0), tf.ones_like(s), tf.math.ceil(s / steps))
            steps = steps * mult
        else:
            s = tf.minimum(s, steps)
        frac = 1.0 - s / steps
        lr0, lr1 = _f(self.initial_learning_rate), _f(self.end_learning_rate)
        return (lr0 - lr1) * tf.pow(frac, _f(self.power)) + lr1

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(_StepDecay):
    """lr / (1 + decay_rate * step / decay_steps)."""

    def __call__(self, step):
        return _f(self.initial_learning_rate) / (1.0 + _f(self.decay_rate) * self._progress(step))


def _cosine(frac, alpha):
    decayed = 0.5 * (1.0 + tf.cos(math.pi * frac))
    return (1.0 - alpha) * decayed + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay from lr0 (or warmup_target after a linear warmup) to alpha * lr."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None,
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        s = _f(step)
        lr0 = _f(self.initial_learning_rate)
        ws = _f(self.warmup_steps)
        frac = tf.minimum(tf.maximum(s - ws, 0.0), _f(self.decay_steps)) / _f(self.decay_steps)
        if self.warmup_target is None:
            return lr0 * _cosine(frac, _f(self.alpha))
        target = _f(self.warmup_target)
        warm = lr0 + (target - lr0) * (s / tf.maximum(ws, 1.0))
        return tf.where(s < ws, warm, target * _cosine(frac, _f(self.alpha)))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR: cosine decay restarted every period, periods growing by t_mul, peaks by m_mul."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name=None):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        frac = _f(step) / _f(self.first_decay_steps)
        t_mul, m_mul = float(self._t_mul), float(self._m_mul)
        if t_mul == 1.0:
            i_restart = tf.math.floor(frac)
            frac = frac - i_restart
        else:
            i_restart = tf.math.floor(tf.math.log(1.0 - frac * (1.0 - t_mul)) / math.log(t_mul))
            sum_r = (1.0 - tf.pow(_f(t_mul), i_restart)) / (1.0 - t_mul)
            frac = (frac - sum_r) / tf.pow(_f(t_mul), i_restart)
        m_fac = tf.pow(_f(m_mul), i_restart)
        decayed = 0.5 * m_fac * (1.0 + tf.cos(math.pi * frac))
        return _f(self.initial_learning_rate) * ((1.0 - self.alpha) * decayed + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


def serialize(schedule):
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config, custom_objects=None):
    table = {c.__name__: c for c in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
                                     InverseTimeDecay, CosineDecay, CosineDecayRestarts)}
    table.update(custom_objects or {})
    name = config["class_name"]
    if name not in table:
        raise ValueError(f"Unknown learning rate schedule: '{name}'.")
    return table[name].from_config(config["config"])
