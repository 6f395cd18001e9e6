"""Progbar: the tf.keras progress bar (`keras.utils.Progbar`).

On a terminal the bar redraws in place (carriage return); otherwise only the
finished line is written. Final line format (TF 2):

    938/938 [==============================] - 1s 1ms/step - loss: 0.3958

>>> import io, sys
>>> bar = Progbar(2, stream=io.StringIO(), dynamic=False)
>>> bar.update(2, values=[("loss", 0.5)])
>>> bar.stream.getvalue().split(" - ")[0]
'2/2 [==============================]'
"""
import os
import sys
import time

import numpy as np

__all__ = ["Progbar"]


def _is_dynamic(stream):
    return (hasattr(stream, "isatty") and stream.isatty()) or "ipykernel" in sys.modules \
        or "PYCHARM_HOSTED" in os.environ


def format_time(seconds_per_unit, unit_name):
    """' 1ms/step'-style text, as tf.keras prints it."""
    t = seconds_per_unit
    if t >= 1 or t == 0:
        return f" {t:.0f}s/{unit_name}"
    if t >= 1e-3:
        return f" {t * 1e3:.0f}ms/{unit_name}"
    return f" {t * 1e6:.0f}us/{unit_name}"


def format_value(v):
    """' 0.3958' for ordinary values, ' 1.0000e-04' for tiny ones (TF's rule)."""
    return f" {v:.4f}" if abs(v) > 1e-3 else f" {v:.4e}"


class Progbar:
    """Displays a progress bar.

    Args: target (total steps, or None if unknown), width, verbose (1: bar,
    2: one line at the end), interval (min seconds between redraws),
    stateful_metrics (names shown as-is instead of averaged), unit_name.
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step", stream=None, dynamic=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self.stream = stream if stream is not None else sys.stdout
        self._dynamic_display = _is_dynamic(self.stream) if dynamic is None else dynamic
        self._total_width = 0
        self._seen_so_far = 0
        self._values = {}
        self._values_order = []
        self._start = time.time()
        self._last_update = 0
        self._time_after_first_step = None
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end = None

    def _write(self, text):
        self.stream.write(text)
        self.stream.flush()

    def _accumulate(self, current, values):
        for k, v in values or []:
            if k not in self._values_order:
                self._values_order.append(k)
            v = float(np.mean(np.asarray(v)))
            if k in self.stateful_metrics:
                self._values[k] = [v, 1]
                continue
            base = max(current - self._seen_so_far, 1)
            if k not in self._values:
                self._values[k] = [v * base, base]
            else:
                self._values[k][0] += v * base
                self._values[k][1] += base
        self._seen_so_far = current

    def _metrics_text(self):
        text = ""
        for k in self._values_order:
            total, count = self._values[k]
            text += f" - {k}:" + format_value(total / max(1, count))
        return text

    def _step_time(self, current, now):
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per = (now - self._time_after_first_step) / (current - 1)
        else:
            per = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per

    def _bar(self, current):
        if self.target is None:
            return "%7d/Unknown" % current
        digits = int(np.log10(self.target)) + 1 if self.target > 0 else 1
        bar = ("%" + str(digits) + "d/%d [") % (current, self.target)
        filled = int(self.width * (float(current) / self.target if self.target else 1.0))
        if filled > 0:
            bar += "=" * (filled - 1) + (">" if current < self.target else "=")
        return bar + "." * (self.width - filled) + "]"

    def update(self, current, values=None, finalize=None):
        """Moves the bar to `current`; `values` is a list of (name, value)."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._accumulate(current, values)
        now = time.time()
        if self.target is not None and current >= self.target:
            self._time_at_epoch_end = now
        per = self._step_time(current, now)
        if self.verbose == 1:
            self._update_bar(current, now, per, finalize)
        elif self.verbose == 2 and finalize:
            self._update_line(current, now, per)
        self._last_update = now

    def _update_bar(self, current, now, per, finalize):
        if now - self._last_update < self.interval and not finalize:
            return
        if not self._dynamic_display and not finalize:
            return
        prev = self._total_width
        bar = self._bar(current)
        if self.target is None or finalize:
            info = f" - {now - self._start:.0f}s" + format_time(per, self.unit_name)
        else:
            eta = per * (self.target - current)
            if eta > 3600:
                eta_text = "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
            elif eta > 60:
                eta_text = "%d:%02d" % (eta // 60, eta % 60)
            else:
                eta_text = "%ds" % eta
            info = f" - ETA: {eta_text}"
        info += self._metrics_text()
        self._total_width = len(bar) + len(info)
        if prev > self._total_width:
            info += " " * (prev - self._total_width)
        prefix = "\r" if self._dynamic_display else ""
        self._write(prefix + bar + info + ("\n" if finalize else ""))

    def _update_line(self, current, now, per):
        if self.target is not None:
            digits = int(np.log10(self.target)) + 1 if self.target > 0 else 1
            count = ("%" + str(digits) + "d/%d") % (current, self.target)
        else:
            count = "%d/Unknown" % current
        info = f"{count} - {now - self._start:.0f}s" + self._metrics_text()
        if self._time_at_epoch_end is not None and self.target:
            epoch_time = self._time_at_epoch_end - self._time_at_epoch_start
            info += " -" + format_time(epoch_time, "epoch")
            info += " -" + format_time(epoch_time / self.target, self.unit_name)
            self._time_at_epoch_start = now
            self._time_at_epoch_end = None
        self._write(info + "\n")

    def add(self, n, values=None):
        """Advances the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)
