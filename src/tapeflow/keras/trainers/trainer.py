"""Trainer mixin: keras.Model inherits compile / fit / evaluate / predict from here.

The default train step (forward, loss, gradients, optimizer update, metric
updates) runs as ONE compiled program through `tapeflow.function`, with model,
optimizer and metric Variables threaded through as state; `steps_per_execution`
batches run per call; `run_eagerly=True` runs the same Python step eagerly.

The default train/test steps also run padded (`_masked_step`): a short batch
takes the full batch's program and the real rows count alone (see
keras/_row_mask.py). Models whose steps can't: user `train_step`/`test_step`/
`compute_loss`/`compute_metrics`, stateful layers, layers adding losses or
metrics from their inputs, custom Metric classes, a loss without one value per
sample — compile one program per batch length instead (at most 4 kept).
"""
import collections
import contextlib
import warnings

import numpy as np

import tapeflow as tf

from ... import nest
from ...ragged import bucketing
from .. import _row_mask
from .. import optimizers as optimizers_mod
from ..callbacks.callback import CallbackList, to_python_logs
from ..metrics.metric import RESULTS as _METRIC_RESULTS
from ..metrics.metric import Mean
from ..mixed_precision.loss_scale_optimizer import LossScaleOptimizer
from . import data_adapter as da
from . import padding
from .compile_utils import LossesContainer, MetricsContainer
from .execution import groups as _groups
from .execution import make_step_function
from ..distribution import distribution

__all__ = ["Trainer", "flatten_metrics_in_order"]


def flatten_metrics_in_order(logs, metrics_names):
    """Logs dict -> list in `metrics_names` order (a single value if only one)."""
    results = [logs[n] for n in metrics_names if n in logs]
    results += [logs[k] for k in sorted(logs) if k not in metrics_names]
    return results[0] if len(results) == 1 else results


def _batches(data, k):
    """One epoch's batches; in-memory arrays are gathered k batches at a time."""
    return data.epoch_batches(k) if isinstance(data, da.ArrayData) else data.epoch_batches()


def _run_groups(fn, data, k, cbs, mode, batch_hooks):
    """Runs one epoch's batches k at a time; yields each call's logs.

    Batch hooks get the index of a group's first step before it runs and of its
    last step after (one call per group with steps_per_execution, as tf.keras).
    """
    begin, end = getattr(cbs, f"on_{mode}_batch_begin"), getattr(cbs, f"on_{mode}_batch_end")
    step = 0
    full = getattr(data, "batch_size", None) if getattr(fn, "pads", False) else None
    for group in _groups(_batches(data, k), k):
        if batch_hooks:
            begin(step)
        logs = fn(group, full) if full else fn(group)
        step += len(group)
        if batch_hooks:
            end(step - 1, logs)
        yield logs


def _draws_output_shapes(model):
    """True (with one warning) when a layer draws its training output shape per call
    (RandomHeight/RandomWidth): no XLA program holds that, so fit's steps run eagerly."""
    names = [layer.name for layer in model._flatten_layers()
             if getattr(layer, "_draws_output_shape", False)]
    if names:
        warnings.warn(f"Model {model.name}: layers {names} draw their output shape on every "
                      "training call, which a compiled step cannot hold; fit runs its train "
                      "steps eagerly (evaluate/predict stay compiled).", stacklevel=3)
    return bool(names)


def _distribution_of(model):
    """The tf.distribute strategy (or keras.distribution) compile runs under, else None."""
    try:
        weights = model.weights
    except ValueError:  # not built yet
        weights = []
    if tf.distribute.has_strategy():
        strategy = tf.distribute.get_strategy()
        for v in weights:
            if getattr(v, "_distribute_strategy", None) is not strategy:
                raise ValueError(
                    f"Variable ({v.name}) was not created in the distribution strategy scope "
                    f"of ({type(strategy).__name__}). It is most likely because the model or "
                    "some layers were created outside the strategy's scope: create the model "
                    "and call compile() inside the same `with strategy.scope():` block.")
        return strategy
    if distribution() is not None:
        return distribution()
    for v in weights:
        strategy = getattr(v, "_distribute_strategy", None)
        if strategy is not None:
            return strategy
    return None


def _concat_outputs(*xs):
    """One predict output from its batches (ragged outputs stay ragged, as tf.keras)."""
    if isinstance(xs[0], tf.RaggedTensor):
        return bucketing.concat_rows(xs)
    return np.concatenate([np.asarray(v) for v in xs])


class Trainer:
    """compile/fit/evaluate/predict and the overridable train/test/predict steps."""

    # -- compile -------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=None,
                jit_compile=None, pss_evaluation_shards=0, **kwargs):
        """Configures the model for training (see tf.keras.Model.compile).

        Accepted for TF compatibility and ignored: `jit_compile` (every step is
        compiled by XLA anyway), `pss_evaluation_shards` (no parameter servers)
        and `experimental_steps_per_execution` (use `steps_per_execution`).
        """
        kwargs.pop("experimental_steps_per_execution", None)
        if kwargs:
            raise TypeError(f"Invalid keyword argument(s) in `compile()`: {tuple(kwargs)}. "
                            "Valid keyword arguments are: optimizer, loss, metrics, "
                            "loss_weights, weighted_metrics, run_eagerly, steps_per_execution, "
                            "jit_compile, pss_evaluation_shards.")
        self.optimizer = optimizers_mod.get(optimizer)
        policy = getattr(self, "dtype_policy", None)
        if policy is not None and policy.name == "mixed_float16" and \
                not isinstance(self.optimizer, LossScaleOptimizer):
            self.optimizer = LossScaleOptimizer(self.optimizer)  # as tf.keras does
        self.loss = loss
        names = self._trainer_output_names()
        self.compiled_loss = LossesContainer(loss, loss_weights, output_names=names)
        self.compiled_metrics = MetricsContainer(metrics, weighted_metrics, output_names=names)
        self._run_eagerly = run_eagerly
        self._steps_per_execution = int(steps_per_execution or 1)
        self._jit_compile = jit_compile
        self._compile_args = {"loss": loss, "metrics": metrics, "loss_weights": loss_weights,
                              "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
                              "steps_per_execution": steps_per_execution,
                              "jit_compile": jit_compile}
        self._distribution_strategy = _distribution_of(self)
        self._is_compiled = True
        self.train_function = self.test_function = self.predict_function = None
        self.stop_training = False

    def _trainer_output_names(self):
        try:
            names = getattr(self, "output_names", None)
        except (AttributeError, TypeError, ValueError):
            names = None
        return list(names) if names else None

    @property
    def run_eagerly(self):
        return bool(getattr(self, "_run_eagerly", False))

    @run_eagerly.setter
    def run_eagerly(self, value):
        object.__setattr__(self, "_run_eagerly", value)
        self.train_function = self.test_function = self.predict_function = None

    @property
    def distribute_strategy(self):
        return None

    def _assert_compile_was_called(self):
        if not getattr(self, "_is_compiled", False):
            raise RuntimeError("You must compile your model before training/testing. Use "
                               "`model.compile(optimizer, loss)`.")

    # -- metrics -------------------------------------------------------------
    @property
    def metrics(self):
        """Compiled loss/metric trackers, add_metric means, then metrics of the layers."""
        out = []
        if getattr(self, "_is_compiled", False):
            out += self.compiled_loss.metrics + self.compiled_metrics.metrics
        out += list(self.__dict__.get("_added_metrics", {}).values())
        try:
            out += super().metrics
        except AttributeError:
            pass
        seen, unique = set(), []
        for m in out:
            if id(m) not in seen:
                seen.add(id(m))
                unique.append(m)
        return unique

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """{name: result} for every metric in `self.metrics`."""
        logs = {}
        for m in self.metrics:
            r = m.result()
            if isinstance(r, dict):
                logs.update(r)
            else:
                logs[m.name] = r
        return logs

    def _update_added_metrics(self):
        gather = getattr(self, "_gather_metric_values", None)
        if gather is None:
            return
        added = self.__dict__.get("_added_metrics")
        if added is None:
            added = {}
            object.__setattr__(self, "_added_metrics", added)
        for name, value in gather():
            if _METRIC_RESULTS.get(id(value)) is value:
                continue  # the result of a tracked Metric's __call__: already counted
            if name not in added:
                added[name] = Mean(name=name)
            added[name].update_state(value)

    # -- steps ---------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        """Compiled loss plus the model's `losses` (add_loss, regularizers)."""
        return self.compiled_loss(y, y_pred, sample_weight,
                                  regularization_losses=list(getattr(self, "losses", [])))

    def compute_metrics(self, x, y, y_pred, sample_weight):
        """Updates compiled metrics and returns `get_metrics_result()`."""
        self.compiled_metrics.update_state(y, y_pred, sample_weight,
                                           losses=getattr(self.compiled_loss, "_losses", None))
        self._update_added_metrics()
        return self.get_metrics_result()

    def _validate_target_and_loss(self, y, loss):
        if y is None and self.loss is not None and not isinstance(self.loss, dict) and \
                getattr(self.compiled_loss, "_user_losses", None) is not None:
            raise ValueError("Target data is missing. Your model was compiled with "
                             f"loss={self.loss}, and therefore expects target data to be "
                             "provided in `fit()`.")
        if loss is None:
            raise ValueError("No loss found. You may have forgotten to provide a `loss` "
                             "argument in the `compile()` method.")

    def train_step(self, data):
        """One optimization step on `data`; returns the metrics dict."""
        x, y, sample_weight = da.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        self._validate_target_and_loss(y, loss)
        self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """Loss and metric updates on `data` without training."""
        x, y, sample_weight = da.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        self.compute_loss(x, y, y_pred, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = da.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _masked_step(self, data, n, training):
        """The default train/test step on a padded batch whose first `n` rows are real."""
        x, y, sample_weight = da.unpack_x_y_sample_weight(data)
        with _row_mask.scope(n, padding.rows(data)) as rows:
            with tf.GradientTape() if training else contextlib.nullcontext() as tape:
                y_pred = self(x, training=training)
                self._require_row_wise_losses()
                loss = self.compiled_loss(y, y_pred, sample_weight, rows=rows,
                                          regularization_losses=list(self.losses))
            if training:
                self._validate_target_and_loss(y, loss)
                self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
            self.compiled_metrics.update_state(
                y, y_pred, sample_weight, losses=getattr(self.compiled_loss, "_losses", None),
                rows=rows)
        return self.get_metrics_result()

    def _require_row_wise_losses(self):
        """CannotMask when the forward added losses/metrics from its inputs (they would
        include the padded rows)."""
        for layer in self._flatten_layers():
            if layer._losses or layer._metric_values:
                raise _row_mask.CannotMask(f"layer {layer.name!r} adds losses or metrics "
                                           "from its inputs")

    def _masked_step_function(self, training):
        """`fn(batch, n)` for padded batches, or None when the steps must see real rows."""
        cls = type(self)
        names = ("train_step" if training else "test_step", "compute_loss", "compute_metrics")
        if self.run_eagerly or getattr(self, "_distribution_strategy", None) is not None or \
                any(getattr(cls, n) is not getattr(Trainer, n) for n in names):
            return None
        if any(getattr(layer, "stateful", False) for layer in self._flatten_layers()):
            return None  # state rows carry from batch to batch
        return lambda data, n: self._masked_step(data, n, training)

    def _worker_input(self, x):
        """A tf.data input auto-sharded for this worker under a multi-worker strategy (its
        AutoShardPolicy, as TF; distribute/multi_worker.py), else `x`."""
        strategy = getattr(self, "_distribution_strategy", None)
        return strategy._keras_input(x) if hasattr(strategy, "_keras_input") else x

    # -- step functions --------------------------------------------------------
    def _make_function(self, step, masked_step=None):
        k = getattr(self, "_steps_per_execution", 1)
        strategy = getattr(self, "_distribution_strategy", None)
        if strategy is None:
            return make_step_function(step, self.run_eagerly, k, masked_step=masked_step)
        fn = make_step_function(step, self.run_eagerly, k, shard=strategy.shard_batch)
        fetchable = getattr(strategy, "_fetchable", lambda outputs: outputs)  # multi-process

        def call(batches):  # new variables (slots, metrics) are the strategy's too
            with strategy.scope():
                return fetchable(fn(batches))
        call.single, call.looped = getattr(fn, "single", None), getattr(fn, "looped", None)
        return call

    def make_train_function(self, force=False):
        if getattr(self, "train_function", None) is None or force:
            self.train_function = self._make_function(self.train_step,
                                                      self._masked_step_function(True))
            if not self.run_eagerly and _draws_output_shapes(self):
                self.train_function = make_step_function(self.train_step, True)
        return self.train_function

    def make_test_function(self, force=False):
        if getattr(self, "test_function", None) is None or force:
            self.test_function = self._make_function(self.test_step,
                                                     self._masked_step_function(False))
        return self.test_function

    def make_predict_function(self, force=False):
        if getattr(self, "predict_function", None) is None or force:
            self.predict_function = self._make_function(self.predict_step)
        return self.predict_function

    # -- fit -------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, max_queue_size=10, workers=1,
            use_multiprocessing=False):
        """Trains for `epochs` epochs; returns the History callback.

        `max_queue_size`, `workers` and `use_multiprocessing` are accepted for TF
        compatibility and ignored: batches come from one thread (tapeflow.data
        pipelines prefetch on their own with `Dataset.prefetch`).
        """
        self._assert_compile_was_called()
        verbose = 1 if verbose == "auto" else verbose
        if validation_split and validation_data is None:
            (x, y, sample_weight), val = da.train_validation_split((x, y, sample_weight),
                                                                   validation_split)
            validation_data = tuple(v for v in val if v is not None) if val[2] is not None \
                else (val[0], val[1])
        data = da.make_data(self._worker_input(x), y, sample_weight, batch_size,
                            steps_per_epoch, shuffle, class_weight)
        val_data = self._validation_data(validation_data, validation_batch_size or batch_size,
                                         validation_steps)
        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=data.cardinality())
        self.stop_training = False
        if getattr(cbs, "_history", None) is not None:
            self.history = cbs._history
        fn = self.make_train_function()
        k = getattr(self, "_steps_per_execution", 1)
        batch_hooks = cbs.wants_batch_hooks("train")
        self._fit_data = data  # BackupAndRestore saves and restores its position
        cbs.on_train_begin()
        for c in cbs:
            if getattr(c, "_restored_epoch", None) is not None:
                initial_epoch = max(initial_epoch, c._restored_epoch)
        training_logs = None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            logs = None
            for logs in _run_groups(fn, data, k, cbs, "train", batch_hooks):
                if self.stop_training:
                    break
            if logs is None:
                raise ValueError("Unexpected result of `train_function` (Empty logs): the "
                                 "training data yielded no batch. Check that `x` is not "
                                 "empty and that `steps_per_epoch` does not exceed the "
                                 "number of batches the dataset has.")
            epoch_logs = dict(to_python_logs(logs))
            if val_data is not None and self._should_eval(epoch, validation_freq):
                val_logs = self._run_evaluate(val_data, cbs, k)
                epoch_logs.update({"val_" + n: v for n, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        if getattr(self.optimizer, "use_ema", False):
            self.optimizer.finalize_variable_values(self.trainable_variables)
        cbs.on_train_end(logs=training_logs)
        self._fit_data = None
        return self.history

    @staticmethod
    def _should_eval(epoch, freq):
        if isinstance(freq, int):
            return (epoch + 1) % freq == 0
        return epoch + 1 in freq

    def _validation_data(self, validation_data, batch_size, steps):
        if validation_data is None:
            return None
        if isinstance(validation_data, (tuple, list)) and da.is_array_data(validation_data):
            vx, vy, vsw = da.unpack_x_y_sample_weight(tuple(validation_data))
            return da.make_data(vx, vy, vsw, batch_size, steps)
        return da.make_data(self._worker_input(validation_data), steps=steps)

    # -- evaluate / predict ------------------------------------------------------
    def _run_evaluate(self, data, cbs, k=1):
        fn = self.make_test_function()
        self.reset_metrics()
        batch_hooks = cbs.wants_batch_hooks("test")
        cbs.on_test_begin()
        last = collections.deque(_run_groups(fn, data, k, cbs, "test", batch_hooks), maxlen=1)
        logs = last[0] if last else None
        logs = to_python_logs(logs if logs is not None else self.get_metrics_result())
        cbs.on_test_end(logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, max_queue_size=10, workers=1,
                 use_multiprocessing=False, return_dict=False, **kwargs):
        """Loss and metric values on the data (a list, a scalar, or a dict)."""
        self._assert_compile_was_called()
        verbose = 1 if verbose == "auto" else verbose
        data = da.make_data(self._worker_input(x), y, sample_weight, batch_size, steps)
        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=data.cardinality())
        logs = self._run_evaluate(data, cbs, getattr(self, "_steps_per_execution", 1))
        if return_dict:
            return logs
        return flatten_metrics_in_order(logs, self.metrics_names)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None,
                max_queue_size=10, workers=1, use_multiprocessing=False):
        """Model outputs for `x`, concatenated over batches as NumPy arrays."""
        verbose = 1 if verbose == "auto" else verbose
        data = da.make_data(self._worker_input(x), None, None, batch_size, steps)
        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=data.cardinality())
        fn = self.make_predict_function()
        cbs.on_predict_begin()
        outputs = []
        full = getattr(data, "batch_size", None)  # arrays: batch_size; datasets: 1st batch
        for step, batch in enumerate(data.epoch_batches()):
            cbs.on_predict_batch_begin(step)
            packed = da.pack_x_y_sample_weight(*batch)
            full = full or padding.rows(packed)
            out = self._predict_padded(fn, packed, full)
            outputs.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
        if not outputs:
            raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs): "
                             "the input data yielded no batch. Check that `x` is not empty "
                             "and that `steps` does not exceed the number of batches.")
        cbs.on_predict_end()
        return nest.map_structure(_concat_outputs, *outputs)

    def _predict_padded(self, fn, packed, full):
        """Runs a short batch through the full batch's program (one compile per size)."""
        padded = padding.pad_rows(packed, full) if full else None
        if padded is not None:
            out = padding.cut_rows(fn((padded[0],)), padded[1], full)
            if out is not None:
                return out
        return fn((packed,))

    # -- single batches ----------------------------------------------------------
    def _single(self, fn, x, y, sample_weight, reset, return_dict):
        if reset:
            self.reset_metrics()
        logs = to_python_logs(fn((da.pack_x_y_sample_weight(x, y, sample_weight),)))
        return logs if return_dict else flatten_metrics_in_order(logs, self.metrics_names)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics=True, return_dict=False):
        """One gradient update on one batch."""
        self._assert_compile_was_called()
        x, y, sample_weight = da.apply_class_weight(x, y, sample_weight, class_weight)
        return self._single(self.make_train_function(), x, y, sample_weight, reset_metrics,
                            return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True,
                      return_dict=False):
        """Loss and metrics on one batch, without training."""
        self._assert_compile_was_called()
        return self._single(self.make_test_function(), x, y, sample_weight, reset_metrics,
                            return_dict)

    def predict_on_batch(self, x):
        """Model outputs for one batch, as NumPy."""
        out = self.make_predict_function()((da.pack_x_y_sample_weight(x),))
        return nest.map_structure(lambda v: np.asarray(v), out)
