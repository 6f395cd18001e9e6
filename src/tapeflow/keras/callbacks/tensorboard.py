"""TensorBoard: event files TensorBoard reads, written as TF 2's tf.keras writes them.

`log_dir/train` gets `epoch_<metric>` scalars (step = epoch), `batch_<metric>`
every `update_freq` batches (step = batches trained so far), weight histograms
(and images) every `histogram_freq` epochs and the model's conceptual graph;
`log_dir/validation` gets `epoch_<metric>` for the `val_` logs and
`evaluation_<metric>_vs_iterations` (step = optimizer iterations).
`profile_batch` records a JAX profiler trace into `log_dir/train/plugins/profile`.
Events are written with the `tensorboard` package's event writer
(`pip install tensorboard`).

>>> cb = TensorBoard(log_dir="./logs/tensorboard")  # doctest: +SKIP
>>> model.fit(x, y, epochs=10, callbacks=[cb])  # doctest: +SKIP
"""
import os
import time

import numpy as np

from ...summary.event_writer import EventWriter as _Writer
from ...summary.event_writer import tensorboard_modules
from .callback import Callback
from ..optimizers.schedules import LearningRateSchedule

__all__ = ["TensorBoard"]


def _weight_images(w):
    """A weight as TF's TensorBoard callback shows it: [k, h, w, 1] images."""
    w = np.asarray(w, np.float64)
    if w.ndim == 1:
        return w.reshape(1, 1, -1, 1)
    if w.ndim == 2:
        if w.shape[0] > w.shape[1]:
            w = w.T
        return w.reshape(1, w.shape[0], w.shape[1], 1)
    if w.ndim in (3, 4):  # conv kernels: one image per output filter
        return np.moveaxis(w.reshape(-1, w.shape[-2], w.shape[-1]), -1, 0)[..., None]
    return None


def _profile_range(profile_batch):
    if isinstance(profile_batch, str):
        profile_batch = [int(p) for p in profile_batch.split(",")]
    if isinstance(profile_batch, int):
        profile_batch = (profile_batch, profile_batch)
    try:
        start, stop = (int(p) for p in profile_batch)
    except (TypeError, ValueError):
        start = stop = -1
    if start < 0 or stop < start:
        raise ValueError("profile_batch must be a non-negative integer or a tuple of two "
                         f"non-negative integers (start, stop) with start <= stop. "
                         f"Received: profile_batch={profile_batch!r}")
    return start, stop


class TensorBoard(Callback):
    """Logs metrics, weight histograms, the model graph and profiles for TensorBoard."""

    _supports_tf_logs = True  # values are read (synced) only when written

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None, **kwargs):
        super().__init__()
        tensorboard_modules()  # fail at construction when tensorboard is missing
        if embeddings_freq:
            raise NotImplementedError("TensorBoard(embeddings_freq=...) is not supported: "
                                      "tapeflow writes no projector checkpoints. Received: "
                                      f"embeddings_freq={embeddings_freq!r}")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError("update_freq must be 'epoch', 'batch' or a positive integer. "
                             f"Received: update_freq={update_freq!r}")
        if histogram_freq < 0:
            raise ValueError(f"histogram_freq must be >= 0. Received: "
                             f"histogram_freq={histogram_freq}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq)
        self.write_graph, self.write_images = write_graph, write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self._profile = (0, 0) if not profile_batch else _profile_range(profile_batch)
        self._writers = {}
        self._global_batch = 0
        self._epoch_batches = 0
        self._profiling = False

    def _implements(self, mode):
        """Batch hooks only when batches are logged or profiled (fit skips them otherwise)."""
        return mode == "train" and (self.update_freq != "epoch" or bool(self._profile[1]))

    # -- writers ---------------------------------------------------------------
    def _writer(self, run):
        w = self._writers.get(run)
        if w is None:
            w = self._writers[run] = _Writer(os.path.join(self.log_dir, run))
        return w

    def _close(self):
        for w in self._writers.values():
            w.close()
        self._writers = {}

    # -- fit -----------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_batch = 0
        train = self._writer("train")
        if self.write_graph:
            try:
                config = self.model.to_json()
            except (NotImplementedError, TypeError, ValueError):
                config = None  # subclassed models have no config to draw
            if config is not None:
                train.keras_model(config)
                train.flush()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start, self._epoch_batches = time.perf_counter(), 0

    def on_train_batch_begin(self, batch, logs=None):
        start, stop = self._profile
        if stop and not self._profiling and self._global_batch + 1 >= start:
            import jax
            jax.profiler.start_trace(os.path.join(self.log_dir, "train"))
            self._profiling = True

    def on_train_batch_end(self, batch, logs=None):
        done = batch + 1 - self._epoch_batches  # steps in this call (steps_per_execution)
        self._epoch_batches = batch + 1
        before, self._global_batch = self._global_batch, self._global_batch + done
        if self.update_freq != "epoch" and logs:
            f = self.update_freq
            if self._global_batch // f > before // f:
                w = self._writer("train")
                for name, value in logs.items():
                    w.scalar("batch_" + name, value, self._global_batch)
        if self._profiling and self._global_batch >= self._profile[1]:
            self._stop_profile()

    def _stop_profile(self):
        import jax
        jax.profiler.stop_trace()
        self._profiling = False
        self._profile = (0, 0)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        lr = self._scheduled_lr()
        if lr is not None:
            train["learning_rate"] = lr
        if self.write_steps_per_second:
            secs = time.perf_counter() - self._epoch_start
            train["steps_per_second"] = self._epoch_batches / secs if secs > 0 else 0.0
        w = self._writer("train")
        for name, value in train.items():
            w.scalar("epoch_" + name, value, epoch)
        if val:
            v = self._writer("validation")
            for name, value in val.items():
                v.scalar("epoch_" + name, value, epoch)
            v.flush()
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(w, epoch)
        w.flush()

    def _scheduled_lr(self):
        opt = getattr(self.model, "optimizer", None)
        sched = getattr(opt, "_learning_rate", None)
        if isinstance(sched, LearningRateSchedule):
            return float(sched(opt.iterations))
        return None

    def _log_weights(self, w, epoch):
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.name.replace(":", "_")
                value = np.asarray(weight.numpy())
                w.histogram(name + "/histogram", value, epoch)
                if self.write_images:
                    images = _weight_images(value)
                    if images is not None:
                        w.image(name + "/image", images, epoch)

    def on_test_end(self, logs=None):
        opt = getattr(self.model, "optimizer", None)
        if not logs or opt is None or not hasattr(opt, "iterations"):
            return
        v = self._writer("validation")
        step = int(opt.iterations.numpy())
        for name, value in logs.items():
            v.scalar("evaluation_" + name + "_vs_iterations", value, step)
        v.flush()

    def on_train_end(self, logs=None):
        if self._profiling:
            self._stop_profile()
        self._close()
