"""LossScaleOptimizer: dynamic loss scaling for float16 training.

float16 gradients underflow; the loss is multiplied by a large scale before the
backward pass and the gradients divided by it after. Dynamically (the default) the
scale starts at `initial_scale` (2**15), is halved (down to 1) whenever a step's
gradients contain inf/NaN — that step is skipped, though `iterations` still
advances, as in tf.keras — and doubled after `dynamic_growth_steps` (2000)
consecutive finite steps. The skip is a select between the updated and the previous
values, so the same code runs eagerly and inside compiled `fit` steps.
Inside `strategy.run` the gradients are all-reduced BEFORE the finiteness check
(then checked and applied once, in `merge_call`), so all replicas skip or apply
the step together and the scale changes once per step, as in TF.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> opt = LossScaleOptimizer(keras.optimizers.SGD(1.0), initial_scale=8.0)
>>> v = tf.Variable(1.0)
>>> _ = opt.apply_gradients([(tf.constant(float("inf")), v)])
>>> float(v), float(opt.loss_scale)
(1.0, 4.0)
"""
import tapeflow as tf

from ...framework.replica_state import replicas_in_sync
from .. import optimizers
from ..optimizers.optimizer import Optimizer

__all__ = ["LossScaleOptimizer"]


class LossScaleOptimizer:
    """Wraps `inner_optimizer`; `minimize`/`apply_gradients` handle the loss scale."""

    def __init__(self, inner_optimizer, dynamic=True, initial_scale=None,
                 dynamic_growth_steps=None):
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer got an optimizer it can't wrap: "
                            f"Received: inner_optimizer={inner_optimizer!r} (expected a "
                            "keras.optimizers.Optimizer)")
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise TypeError("LossScaleOptimizer cannot wrap another LossScaleOptimizer.")
        if not dynamic:
            if initial_scale is None:
                raise ValueError('"initial_scale" must be specified if "dynamic" is False')
            if dynamic_growth_steps is not None:
                raise ValueError('"dynamic_growth_steps" must be None if "dynamic" is False, '
                                 f"but got: {dynamic_growth_steps}")
        initial_scale = 2.0 ** 15 if initial_scale is None else float(initial_scale)
        if initial_scale < 1:
            raise ValueError(f"initial_scale must be at least 1. Received: "
                             f"initial_scale={initial_scale}")
        growth = 2000 if dynamic_growth_steps is None else int(dynamic_growth_steps)
        if growth < 1:
            raise ValueError(f"dynamic_growth_steps must be at least 1. Received: "
                             f"dynamic_growth_steps={growth}")
        self.inner_optimizer = inner_optimizer
        self.dynamic = bool(dynamic)
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = growth if dynamic else None
        self._scale = tf.Variable(initial_scale, dtype=tf.float32, trainable=False,
                                  name="loss_scale")
        self._counter = tf.Variable(0, dtype=tf.int64, trainable=False,
                                    name="dynamic_counter")

    # -- the scale ---------------------------------------------------------
    @property
    def loss_scale(self):
        """The current loss scale (a float32 scalar tensor)."""
        return self._scale.value()

    @property
    def dynamic_counter(self):
        """Finite steps since the scale last changed (None when not dynamic)."""
        return self._counter.value() if self.dynamic else None

    def get_scaled_loss(self, loss):
        """`loss * loss_scale` (a callable stays a callable)."""
        if callable(loss) and not tf.is_tensor(loss):
            return lambda: self.get_scaled_loss(loss())
        loss = tf.convert_to_tensor(loss)
        return loss * tf.cast(self._scale.value(), loss.dtype)

    def get_unscaled_gradients(self, grads):
        """Each gradient divided by the loss scale (None stays None)."""
        inv = 1.0 / self._scale.value()
        return [None if g is None else tf.convert_to_tensor(g) * tf.cast(inv, g.dtype)
                for g in grads]

    # -- steps -------------------------------------------------------------
    def minimize(self, loss, var_list, tape=None):
        """Scales the loss (recorded on `tape`), unscales the gradients, applies them."""
        if tape is None:
            with tf.GradientTape() as tape:
                if callable(var_list):
                    var_list = var_list()
                scaled = self.get_scaled_loss(loss() if callable(loss) else loss)
        else:
            with tape:  # the scaling joins the recorded computation
                scaled = self.get_scaled_loss(loss() if callable(loss) else loss)
        if callable(var_list):
            var_list = var_list()
        grads = self.get_unscaled_gradients(tape.gradient(scaled, var_list))
        return self.apply_gradients(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, name=None, skip_gradients_aggregation=False,
                        **kwargs):
        """Applies the (unscaled) gradients if all are finite; updates the scale."""
        pairs = [(g, v) for g, v in grads_and_vars]
        kept = [(tf.convert_to_tensor(g), v) for g, v in pairs if g is not None]
        inner = self.inner_optimizer
        if replicas_in_sync() > 1 and kept:  # inside strategy.run
            return self._apply_across_replicas(kept, name, skip_gradients_aggregation)
        if not self.dynamic or not kept:
            return inner.apply_gradients(pairs)
        finite = tf.reduce_all(tf.stack([tf.reduce_all(tf.math.is_finite(g))
                                         for g, _ in kept]))
        variables = [v for _, v in kept]
        if not inner._built:  # slots must exist before their values are kept
            inner.build(variables)
        state = _dedupe(variables + inner.variables)
        before = [v.value() for v in state]
        inner.apply_gradients(kept)
        for v, old in zip(state, before):  # a skipped step keeps every previous value
            if v is not inner.iterations:
                v.assign(tf.where(finite, v.value(), old))
        self._update_scale(finite)
        return inner.iterations

    def _apply_across_replicas(self, kept, name, skip_gradients_aggregation):
        """All-reduces (SUM) the gradients first, then checks finiteness and applies ONCE
        in cross-replica context (merge_call): every replica skips or applies together."""
        replica = tf.distribute.get_replica_context()
        grads = [g for g, _ in kept]
        if not skip_gradients_aggregation:
            grads = replica.all_reduce(tf.distribute.ReduceOp.SUM, grads)
        variables = [v for _, v in kept]
        return replica.merge_call(
            lambda _: self.apply_gradients(zip(grads, variables), name,
                                           skip_gradients_aggregation=True))

    def _update_scale(self, finite):
        grown = self._counter.value() + 1
        grow = tf.logical_and(finite, grown >= self.dynamic_growth_steps)
        scale = self._scale.value()
        new_scale = tf.where(grow, scale * 2.0,
                             tf.where(finite, scale, tf.maximum(scale / 2.0, 1.0)))
        self._scale.assign(new_scale)
        self._counter.assign(tf.where(tf.logical_and(finite, tf.logical_not(grow)), grown,
                                      tf.zeros_like(grown)))

    # -- delegation --------------------------------------------------------
    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    lr = learning_rate

    @property
    def variables(self):
        return self.inner_optimizer.variables + [self._scale, self._counter]

    @property
    def name(self):
        return self.inner_optimizer.name

    def build(self, var_list):
        self.inner_optimizer.build(var_list)

    @property
    def use_ema(self):
        return self.inner_optimizer.use_ema

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {"inner_optimizer": optimizers.serialize(self.inner_optimizer),
                "dynamic": self.dynamic, "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["inner_optimizer"] = optimizers.deserialize(config["inner_optimizer"],
                                                           custom_objects=custom_objects)
        return cls(**config)


def _dedupe(variables):
    seen, out = set(), []
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out
