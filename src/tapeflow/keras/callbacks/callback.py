"""Callback base, CallbackList, History and ProgbarLogger (keras.callbacks).

>>> class Count(Callback):
...     def on_epoch_end(self, epoch, logs=None):
...         self.n = epoch + 1
>>> cbs = CallbackList([Count()])
>>> cbs.on_epoch_end(2, {})
>>> cbs.callbacks[0].n
3
"""
import numpy as np

from ..utils.progbar import Progbar

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "to_python_logs"]


def _to_py(v):
    if hasattr(v, "numpy"):
        a = v.numpy()
        return a.item() if np.ndim(a) == 0 else a
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return v.item()
    if isinstance(v, np.generic):
        return v.item()
    return v


def to_python_logs(logs):
    """Tensor values in `logs` -> Python floats (or NumPy arrays)."""
    if logs is None:
        return None
    return {k: _to_py(v) for k, v in logs.items()}


class Callback:
    """Base class: override any hook; `self.model` and `self.params` are set by fit."""

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = None
        self._supports_tf_logs = False

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_batch_begin(self, batch, logs=None):
        """Alias kept by TF: called by on_train_batch_begin."""

    def on_batch_end(self, batch, logs=None):
        """Alias kept by TF: called by on_train_batch_end."""

    def on_epoch_begin(self, epoch, logs=None):
        """Start of an epoch (training only)."""

    def on_epoch_end(self, epoch, logs=None):
        """End of an epoch; logs hold training and validation results."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Start of an evaluate() batch."""

    def on_test_batch_end(self, batch, logs=None):
        """End of an evaluate() batch."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Start of a predict() batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """End of a predict() batch."""

    def on_train_begin(self, logs=None):
        """Start of fit()."""

    def on_train_end(self, logs=None):
        """End of fit()."""

    def on_test_begin(self, logs=None):
        """Start of evaluate()."""

    def on_test_end(self, logs=None):
        """End of evaluate()."""

    def on_predict_begin(self, logs=None):
        """Start of predict()."""

    def on_predict_end(self, logs=None):
        """End of predict()."""

    def _implements(self, mode):
        """True if a batch hook for `mode` is overridden (else batch calls are skipped)."""
        names = {"train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin",
                           "on_batch_end"),
                 "test": ("on_test_batch_begin", "on_test_batch_end"),
                 "predict": ("on_predict_batch_begin", "on_predict_batch_end")}[mode]
        return any(getattr(type(self), n) is not getattr(Callback, n) for n in names)


class CallbackList:
    """Calls every hook on a list of callbacks, converting logs for those that need it."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        self.callbacks = list(callbacks or [])
        self._history = None
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger(count_mode="steps"))
        self.model = None
        self.params = {}
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for c in self.callbacks:
            c.set_params(params)

    def set_model(self, model):
        self.model = model
        for c in self.callbacks:
            c.set_model(model)

    def wants_batch_hooks(self, mode):
        return any(c._implements(mode) for c in self.callbacks)

    def _call(self, hook, args, logs):
        indexed = "batch" in hook or "epoch" in hook
        if indexed and len(args) > 1:
            args, logs = args[:1], args[1]
        elif not indexed and args:
            args, logs = (), args[0]
        logs = logs if logs is not None else {}
        py = None
        for c in self.callbacks:
            if getattr(c, "_supports_tf_logs", False):
                getattr(c, hook)(*args, logs=logs)
            else:
                if py is None:
                    py = to_python_logs(logs)
                getattr(c, hook)(*args, logs=py)

    def __getattr__(self, hook):
        if hook.startswith("on_"):
            return lambda *args, logs=None: self._call(hook, args, logs)
        raise AttributeError(hook)

    def __iter__(self):
        return iter(self.callbacks)


class History(Callback):
    """Records epoch logs in `history` (returned by fit)."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self


class ProgbarLogger(Callback):
    """Prints the progress bar during fit/evaluate/predict (verbose from the params)."""

    def __init__(self, count_mode="samples", stateful_metrics=None):
        super().__init__()
        self._supports_tf_logs = True
        if count_mode not in ("samples", "steps"):
            raise ValueError(f"Unknown `count_mode`: {count_mode}. "
                             'Expected values are ["samples", "steps"]')
        self.stateful_metrics = set(stateful_metrics or ())
        self.progbar = None
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_bar(self, target=None):
        self.progbar = Progbar(target=target, verbose=self.verbose, unit_name="step",
                               stateful_metrics=None)
        self._seen = 0

    def _update(self, step, logs, finalize=False):
        if not self.verbose or self.progbar is None:
            return
        self._seen = step
        bar = self.progbar
        if not finalize and self.verbose != 1:
            return
        import time
        if not finalize and (not bar._dynamic_display or
                             time.time() - bar._last_update < bar.interval):
            bar._seen_so_far = step
            return
        values = [(k, v) for k, v in to_python_logs(logs or {}).items()
                  if np.ndim(v) == 0]
        bar.stateful_metrics = {k for k, _ in values}
        bar.update(step, values, finalize=finalize)

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._new_bar(self.target)
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        steps = self._seen if self.target is None else self.target
        if self.progbar is not None and self.progbar.target is None:
            self.progbar.target = steps
        self._update(steps, logs, finalize=True)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new_bar(self.params.get("steps") if self.params else None)

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._update(batch + 1, logs)

    def on_test_end(self, logs=None):
        if not self._in_fit and self.progbar is not None:
            if self.progbar.target is None:
                self.progbar.target = self._seen
            self._update(self.progbar.target, logs, finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar(self.params.get("steps") if self.params else None)

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch + 1, {})

    def on_predict_end(self, logs=None):
        if self.progbar is not None:
            if self.progbar.target is None:
                self.progbar.target = self._seen
            self._update(self.progbar.target, {}, finalize=True)
