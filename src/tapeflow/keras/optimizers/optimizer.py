"""Optimizer base class with TF 2.15 Keras semantics (tf.keras.optimizers.Optimizer).

State (iterations, learning rate, slots, EMA copies) lives in tf.Variables so a
compiled train step threads it through as explicit inputs and outputs.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> v = tf.Variable(1.0)
>>> opt = keras.optimizers.SGD(learning_rate=0.1)
>>> _ = opt.apply_gradients([(tf.constant(2.0), v)])
>>> round(float(v), 4), int(opt.iterations)
(0.8, 1)
"""
import logging

import tapeflow as tf

from ...framework.replica_state import replicas_in_sync
from ...train.checkpoint import notify_variables_created
from .schedules.learning_rate_schedule import LearningRateSchedule
from .schedules import learning_rate_schedule as _sched

__all__ = ["Optimizer"]

_log = logging.getLogger("tapeflow")


def _var_key(v):
    return id(v)


def _base_name(v):
    return v.name.rsplit(":", 1)[0]


class Optimizer:
    """Base optimizer: subclasses define `build(var_list)` and `update_step(grad, var)`.

    >>> class PlainSGD(Optimizer):
    ...     def update_step(self, gradient, variable):
    ...         variable.assign_sub(self._lr(variable) * gradient)
    >>> w = tf.Variable(1.0)
    >>> _ = PlainSGD(name="plain", learning_rate=0.5).apply_gradients([(tf.constant(1.0), w)])
    >>> float(w)
    0.5
    """

    def __init__(self, name, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, jit_compile=True, learning_rate=0.001,
                 **kwargs):
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        for k in ("decay",):
            kwargs.pop(k, None)
        kwargs.pop("is_legacy_optimizer", None)
        if kwargs:
            raise TypeError(f"{next(iter(kwargs))} is not a valid argument, kwargs should be "
                            "empty for `optimizer_experimental.Optimizer`.")
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError("At most one of `clipnorm` and `global_clipnorm` can be set. "
                             f"Received: clipnorm={clipnorm}, global_clipnorm={global_clipnorm}.")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError("`ema_momentum` must be in the range [0, 1]. "
                             f"Received: ema_momentum={ema_momentum}")
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.jit_compile = jit_compile
        self._variables = []
        self._index = {}
        self._slots = {}
        self._built = False
        self._exclude_wd_ids = set()
        self._exclude_wd_names = None
        self._current_lr = None
        self.iterations = tf.Variable(0, name="iteration", dtype=tf.int64, trainable=False)
        self._variables.append(self.iterations)
        self._learning_rate = self._build_learning_rate(learning_rate)

    # -- learning rate -------------------------------------------------------
    def _build_learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule):
            return learning_rate
        if callable(learning_rate) and not tf.is_tensor(learning_rate):
            return learning_rate
        return tf.Variable(float(learning_rate), name="learning_rate", dtype=tf.float32,
                           trainable=False)

    @property
    def learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule) or (callable(lr) and not tf.is_tensor(lr)):
            return lr(self.iterations) if isinstance(lr, LearningRateSchedule) else lr()
        return lr

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(self._learning_rate, LearningRateSchedule) or \
                isinstance(value, LearningRateSchedule):
            if isinstance(value, LearningRateSchedule) and \
                    isinstance(self._learning_rate, LearningRateSchedule):
                self._learning_rate = value
                return
            if isinstance(self._learning_rate, LearningRateSchedule):
                raise TypeError("This optimizer was created with a `LearningRateSchedule` "
                                "object as its `learning_rate` constructor argument, hence its "
                                "learning rate is not settable. If you need the learning rate "
                                "to be settable, you should instantiate the optimizer with a "
                                "float `learning_rate` argument.")
            self._learning_rate = value
            return
        self._learning_rate.assign(tf.cast(value, tf.float32))

    lr = learning_rate

    def _lr(self, variable):
        """The learning rate for this step, cast to the variable's dtype."""
        lr = self._current_lr if self._current_lr is not None else self.learning_rate
        lr = tf.convert_to_tensor(lr)
        return tf.cast(lr, variable.dtype)

    def _step(self, variable, offset=1):
        return tf.cast(self.iterations.value() + offset, variable.dtype)

    # -- variables ---------------------------------------------------------
    @property
    def variables(self):
        return list(self._variables)

    def add_variable(self, shape, dtype=None, initializer="zeros", name=None):
        init = tf.zeros(shape, dtype or tf.float32) if initializer == "zeros" else \
            tf.ones(shape, dtype or tf.float32) * 0.0 + initializer
        v = tf.Variable(init, name=name or "Variable", trainable=False)
        self._variables.append(v)
        notify_variables_created()  # deferred checkpoint restoration
        return v

    def add_variable_from_reference(self, model_variable, variable_name, shape=None,
                                    initial_value=None):
        """A slot shaped (and typed) like `model_variable`, zero-initialized by default."""
        shape = list(model_variable.shape) if shape is None else list(shape)
        value = tf.zeros(shape, model_variable.dtype) if initial_value is None else initial_value
        v = tf.Variable(value, name=f"{variable_name}/{_base_name(model_variable)}",
                        trainable=False)
        self._variables.append(v)
        self._slots.setdefault(_var_key(model_variable), {})[variable_name] = v
        notify_variables_created()  # deferred checkpoint restoration
        return v

    def get_slot(self, variable, name):
        return self._slots[_var_key(variable)][name]

    def build(self, var_list):
        """Creates slot variables for `var_list` (called once, before the first update)."""
        self._built = True
        for v in var_list:
            if _var_key(v) not in self._index:
                self._index[_var_key(v)] = len(self._index)
        if self.use_ema:
            self._ema = [self.add_variable_from_reference(v, "average", initial_value=v.value())
                         for v in var_list]

    def _var_index(self, variable):
        return self._index[_var_key(variable)]

    # -- gradients ---------------------------------------------------------
    def _clip(self, grads):
        if self.clipnorm is not None:
            grads = [tf.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            grads = tf.clip_by_global_norm(grads, self.global_clipnorm)[0]
        if self.clipvalue is not None:
            grads = [tf.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Variables (or name substrings) that weight decay must skip."""
        for v in var_list or []:
            self._exclude_wd_ids.add(_var_key(v))
        if var_names:
            self._exclude_wd_names = list(var_names)

    def _use_weight_decay(self, v):
        if _var_key(v) in self._exclude_wd_ids:
            return False
        names = self._exclude_wd_names or []
        return not any(n in v.name for n in names)

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        for v in variables:
            if self._use_weight_decay(v):
                v.assign_sub(v * tf.cast(self.weight_decay, v.dtype) * self._lr(v))

    def apply_gradients(self, grads_and_vars, name=None, skip_gradients_aggregation=False,
                        **kwargs):
        """Applies one update; `None` gradients are skipped with a warning."""
        pairs = list(grads_and_vars)
        kept = [(g, v) for g, v in pairs if g is not None]
        missing = [v.name for g, v in pairs if g is None]
        if missing:
            _log.warning("Gradients do not exist for variables %s when minimizing the loss. "
                         "If you're using `model.compile()`, did you forget to provide a "
                         "`loss` argument?", missing)
        if not kept:
            return self.iterations
        grads = [g if isinstance(g, tf.Tensor) else tf.convert_to_tensor(g) for g, _ in kept]
        variables = [v for _, v in kept]
        if replicas_in_sync() > 1:  # inside strategy.run: all-reduce, then one update
            replica = tf.distribute.get_replica_context()
            if not skip_gradients_aggregation:
                grads = replica.all_reduce(tf.distribute.ReduceOp.SUM, grads)
            return replica.merge_call(  # one update of the shared variables
                lambda _: self.apply_gradients(zip(grads, variables), name,
                                               skip_gradients_aggregation=True))
        if not self._built or any(_var_key(v) not in self._index for v in variables):
            self.build(variables)
        self._current_lr = None
        lr = tf.convert_to_tensor(self.learning_rate)
        self._current_lr = lr if isinstance(self.learning_rate, tf.Variable) else \
            tf.cast(lr, tf.float32)
        grads = self._clip(grads)
        self._apply_weight_decay(variables)
        self._prepare_step(variables)
        for g, v in zip(grads, variables):
            self.update_step(g, v)
        self._current_lr = None
        self.iterations.assign_add(1)
        if self.use_ema:
            self._update_ema(variables)
        return self.iterations

    def _prepare_step(self, variables):
        """Hook run once per step before the per-variable updates."""

    def update_step(self, gradient, variable):
        raise TypeError(f"{type(self).__name__} must implement `update_step`.")

    def minimize(self, loss, var_list, tape=None):
        """Computes gradients of `loss` for `var_list` and applies them."""
        if tape is None:
            if not callable(loss):
                raise ValueError("`tape` is required when a `Tensor` loss is passed. "
                                 f"Received: loss={loss}, tape={tape}.")
            with tf.GradientTape() as tape:
                if callable(var_list):
                    var_list = var_list()
                value = loss()
        else:
            value = loss() if callable(loss) else loss
        if callable(var_list):
            var_list = var_list()
        grads = tape.gradient(value, var_list)
        return self.apply_gradients(zip(grads, var_list))

    # -- EMA ---------------------------------------------------------------
    def _update_ema(self, variables):
        m = self.ema_momentum
        for v in variables:
            avg = self.get_slot(v, "average")
            avg.assign(m * avg.value() + (1.0 - m) * v.value())
        f = self.ema_overwrite_frequency
        if f:
            due = tf.equal(tf.math.floormod(self.iterations.value(), f), 0)
            for v in variables:
                v.assign(tf.where(due, self.get_slot(v, "average").value(), v.value()))

    def finalize_variable_values(self, var_list):
        """With use_ema, overwrites the variables with their moving averages."""
        if self.use_ema and self._built:
            for v in var_list:
                if _var_key(v) in self._slots and "average" in self._slots[_var_key(v)]:
                    v.assign(self.get_slot(v, "average"))

    # -- config ------------------------------------------------------------
    def _serialize_lr(self):
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return _sched.serialize(lr)
        if hasattr(lr, "numpy"):
            return float(lr.numpy())
        return lr

    def get_config(self):
        return {"name": self.name, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue, "use_ema": self.use_ema,
                "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "jit_compile": self.jit_compile, "is_legacy_optimizer": False,
                "learning_rate": self._serialize_lr()}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = _sched.deserialize(lr, custom_objects)
        config.pop("is_legacy_optimizer", None)
        return cls(**config)
