"""What `compile()` builds: the loss container and the metrics container.

LossesContainer maps `loss=` (one loss, a list, or a dict keyed by output
name) onto the model's outputs, adds regularization losses and tracks the
running "loss" mean; MetricsContainer does the same for `metrics=` and
`weighted_metrics=`, resolving "accuracy" from label and output shapes as
tf.keras does.

Both take `rows` (keras/_row_mask.py) in a padded fit/evaluate step: losses
then sum over the real rows and divide by their count (SUM_OVER_BATCH_SIZE on
the unpadded batch), and every metric update weighs padded rows 0.
"""
import tapeflow as tf

from ... import nest
from .. import _row_mask
from .. import losses as losses_mod
from .. import metrics as metrics_mod
from ..losses import numerics as nx
from ..losses.loss import Loss, Reduction, compute_weighted_loss
from ..metrics.metric import Mean, MeanMetricWrapper, Metric

__all__ = ["LossesContainer", "MetricsContainer", "map_to_outputs"]


def _is_seq(x):
    return isinstance(x, (list, tuple))


def map_to_outputs(spec, output_names, what, broadcast):
    """`spec` (single / list / dict) -> list with one entry per output."""
    n = len(output_names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in output_names]
        if unknown:
            raise ValueError(f"Found unexpected {what} keys {unknown}. Expected keys: "
                             f"{list(output_names)} (the model's output names).")
        return [spec.get(name) for name in output_names]
    if _is_seq(spec) and (not broadcast or n > 1 and len(spec) == n and
                          all(_is_seq(s) or s is None for s in spec)):
        if len(spec) != n:
            raise ValueError(f"When passing a list as `{what}`, it should have one entry per "
                             f"model output. The model has {n} outputs, but you passed "
                             f"{what}={spec}")
        return list(spec)
    return [spec] * n


def _flat_outputs(y, output_names):
    if isinstance(y, dict):
        missing = [k for k in output_names if k not in y]
        if missing and len(output_names) > 1:
            raise ValueError(f"Missing data for outputs {missing}. Expected keys: "
                             f"{list(output_names)}")
        return [y.get(k) for k in output_names]
    if _is_seq(y) and len(output_names) > 1:
        return list(y)
    if _is_seq(y) and len(y) == 1 and len(output_names) == 1:
        return [y[0]]
    return [y]


def _loss_name(loss):
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", "loss")


def _batch_size(y_pred):
    """The batch size as a float32 scalar (1.0 for a scalar output); static when known."""
    if isinstance(y_pred, tf.RaggedTensor):
        return tf.constant(float(y_pred.shape[0]))
    y_pred = tf.convert_to_tensor(y_pred)
    if not nx.rank(y_pred):
        return tf.constant(1.0)
    n = y_pred.shape[0]
    return tf.constant(float(n)) if n is not None else tf.cast(tf.shape(y_pred)[0], tf.float32)


class LossesContainer:
    """Computes the total compiled loss and tracks "loss" (and per-output losses)."""

    def __init__(self, losses, loss_weights=None, output_names=None):
        self._user_losses = losses
        self._user_weights = loss_weights
        self._output_names = output_names
        self._loss_metric = Mean(name="loss")
        self._per_output_metrics = None
        self._losses = None
        self._weights = None
        self._built = False

    @property
    def metrics(self):
        if not self._built:
            return []
        return [self._loss_metric] + [m for m in self._per_output_metrics or [] if m]

    def build(self, y_pred):
        names = self._output_names or [f"output_{i + 1}" for i in
                                       range(len(nest.flatten(y_pred)))]
        self._output_names = names
        specs = map_to_outputs(self._user_losses, names, "loss", broadcast=False)
        self._losses = [self._get(s) for s in specs]
        w = self._user_weights
        self._weights = [1.0] * len(names) if w is None else \
            map_to_outputs(w, names, "loss_weights", broadcast=False)
        if len(names) > 1:
            self._per_output_metrics = [Mean(name=f"{n}_loss") if l is not None else None
                                        for n, l in zip(names, self._losses)]
        self._built = True

    @staticmethod
    def _get(spec):
        if spec is None:
            return None
        loss = losses_mod.get(spec)
        if isinstance(loss, losses_mod.Loss):
            return loss
        return losses_mod.LossFunctionWrapper(loss, name=_loss_name(spec))

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None,
                 rows=None):
        y_pred_flat = nest.flatten(y_pred)
        if not self._built:
            self.build(y_pred)
        y_true_flat = _flat_outputs(y_true, self._output_names) if y_true is not None \
            else [None] * len(y_pred_flat)
        sws = _flat_outputs(sample_weight, self._output_names) if isinstance(
            sample_weight, (dict, list, tuple)) else [sample_weight] * len(y_pred_flat)
        batch = _batch_size(y_pred_flat[0]) if y_pred_flat else tf.constant(1.0)
        if rows is not None:
            batch = rows.n
        terms = []
        for i, (loss, yt, yp, sw, w) in enumerate(zip(self._losses, y_true_flat, y_pred_flat,
                                                      sws, self._weights)):
            if loss is None or yt is None:
                continue
            value = loss(yt, yp, sample_weight=sw) if rows is None else \
                _masked_loss(loss, yt, yp, sw, rows)
            value = tf.cast(value, tf.float32)
            if self._per_output_metrics:
                self._per_output_metrics[i].update_state(value, sample_weight=batch)
            terms.append(value * float(w) if w is not None else value)
        for reg in regularization_losses or []:
            terms.append(tf.cast(reg, tf.float32))
        if not terms:
            return None
        total = tf.add_n(terms) if len(terms) > 1 else terms[0]
        self._loss_metric.update_state(total, sample_weight=batch)
        return total

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()


def _masked_loss(loss, y_true, y_pred, sample_weight, rows):
    """`loss(y_true, y_pred, sample_weight)` on the real rows of a padded batch."""
    reduction = loss._get_reduction()
    if type(loss).__call__ is not Loss.__call__ or reduction == Reduction.NONE:
        raise _row_mask.CannotMask(f"loss {loss.name!r} (own __call__ or reduction 'none')")
    if isinstance(y_true, tf.RaggedTensor) or isinstance(y_pred, tf.RaggedTensor):
        raise _row_mask.CannotMask(f"loss {loss.name!r} (ragged targets: a loss per step)")
    values = nx.as_float(loss.call(y_true, y_pred))
    _row_mask.require_rows(values, f"loss {loss.name!r}")
    total = compute_weighted_loss(values, _row_mask.row_weights(rows, sample_weight),
                                  Reduction.SUM)
    if reduction == Reduction.SUM:
        return total
    per_row = 1
    for d in values.shape[1:]:
        per_row *= int(d)
    return nx.div_no_nan(total, tf.cast(rows.n, total.dtype) * float(per_row))


def _masked_update(metric, y_true, y_pred, weights):
    """A compiled metric's update with padded rows weighted 0 (built-in metrics only)."""
    if isinstance(metric, MeanMetricWrapper) and \
            type(metric).update_state is MeanMetricWrapper.update_state:
        values = metric._values(y_true, y_pred)
        _row_mask.require_rows(values, f"metric {metric.name!r}")
        Mean.update_state(metric, values, sample_weight=weights)
    elif type(metric).__module__.startswith("tapeflow.keras.metrics."):
        metric.update_state(y_true, y_pred, sample_weight=weights)
    else:
        raise _row_mask.CannotMask(f"metric {metric.name!r} ({type(metric).__name__})")


def _resolve(metric, y_t, y_p, loss):
    """A metric spec (name/function/Metric) -> a Metric object for one output."""
    if isinstance(metric, Metric):
        return metric
    if metric in ("accuracy", "acc", "crossentropy", "ce"):
        yt = tf.convert_to_tensor(y_t) if not tf.is_tensor(y_t) else y_t
        yp = tf.convert_to_tensor(y_p) if not tf.is_tensor(y_p) else y_p
        is_binary = nx.rank(yp) and yp.shape[-1] == 1
        is_sparse = nx.rank(yt) < nx.rank(yp) or (nx.rank(yt) and yt.shape[-1] == 1
                                                  and nx.rank(yp) and yp.shape[-1] > 1)
        loss_fn = getattr(loss, "fn", loss)
        if loss_fn is losses_mod.binary_crossentropy:
            is_binary = True
        if metric in ("accuracy", "acc"):
            fn = metrics_mod.binary_accuracy if is_binary else \
                metrics_mod.sparse_categorical_accuracy if is_sparse else \
                metrics_mod.categorical_accuracy
        else:
            fn = losses_mod.binary_crossentropy if is_binary else \
                losses_mod.sparse_categorical_crossentropy if is_sparse else \
                losses_mod.categorical_crossentropy
        return MeanMetricWrapper(fn, name=metric)
    obj = metrics_mod.get(metric)
    if isinstance(obj, Metric):
        return obj
    if isinstance(obj, type) and issubclass(obj, Metric):
        return obj()
    name = metric if isinstance(metric, str) else getattr(obj, "__name__", "metric")
    return MeanMetricWrapper(obj, name=name)


class MetricsContainer:
    """Updates compiled metrics (unweighted and weighted) output by output."""

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        self._user_metrics = metrics
        self._user_weighted = weighted_metrics
        self._output_names = output_names
        self._metrics = None
        self._weighted = None
        self._built = False

    @property
    def metrics(self):
        if not self._built:
            return []
        out, seen = [], set()
        for group in (self._metrics or []) + (self._weighted or []):
            for m in group:
                if id(m) not in seen:
                    seen.add(id(m))
                    out.append(m)
        return out

    def _build_group(self, spec, y_true, y_pred, losses, prefix_names):
        if spec is None:
            return [[] for _ in y_pred]
        per_out = map_to_outputs(spec, self._output_names, "metrics", broadcast=True)
        groups = []
        for i, (s, yt, yp) in enumerate(zip(per_out, y_true, y_pred)):
            items = nest.flatten(s) if s is not None else []
            objs = []
            for m in items:
                obj = _resolve(m, yt, yp, losses[i] if losses else None)
                if prefix_names and not isinstance(m, Metric):
                    obj.name = f"{self._output_names[i]}_{obj.name}"
                objs.append(obj)
            groups.append(objs)
        return groups

    def build(self, y_true, y_pred, losses=None):
        y_pred = nest.flatten(y_pred)
        names = self._output_names or [f"output_{i + 1}" for i in range(len(y_pred))]
        self._output_names = names
        y_true = _flat_outputs(y_true, names)
        multi = len(names) > 1
        self._metrics = self._build_group(self._user_metrics, y_true, y_pred, losses, multi)
        self._weighted = self._build_group(self._user_weighted, y_true, y_pred, losses, multi)
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None, losses=None, rows=None):
        if y_true is None:
            return
        if not self._built:
            self.build(y_true, y_pred, losses)
        yp = nest.flatten(y_pred)
        yt = _flat_outputs(y_true, self._output_names)
        sws = _flat_outputs(sample_weight, self._output_names) if isinstance(
            sample_weight, (dict, list, tuple)) else [sample_weight] * len(yp)
        for group, weighted in ((self._metrics, False), (self._weighted, True)):
            for objs, t, p, sw in zip(group, yt, yp, sws):
                if t is None:
                    continue
                w = sw if weighted else None
                if rows is not None:
                    w = _row_mask.row_weights(rows, w)
                for m in objs:
                    if rows is None:
                        m.update_state(t, p, sample_weight=w)
                    else:
                        _masked_update(m, t, p, w)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()
