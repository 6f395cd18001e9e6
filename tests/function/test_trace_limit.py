"""`experimental_attributes={"max_traces": n}`: a function keeps at most n compiled traces.

tapeflow's fit/evaluate/predict step functions use it (with "tapeflow_internal", which
also silences the retracing warning) so data of many lengths holds a bounded set of
programs. The first trace (the full batch's) is never dropped.
"""
import contextlib
import logging

import jax.monitoring

import tapeflow as tf

_COMPILES = [0]


def _listener(name, secs, **kwargs):
    if name.endswith("backend_compile_duration"):
        _COMPILES[0] += 1


@contextlib.contextmanager
def _counting():
    jax.monitoring.register_event_duration_secs_listener(_listener)
    start, box = _COMPILES[0], [0]
    try:
        yield box
    finally:
        box[0] = _COMPILES[0] - start
        jax.monitoring.unregister_event_duration_listener(_listener)


def test_oldest_traces_are_dropped_but_the_first(caplog):
    f = tf.function(lambda x: x * 2.0, experimental_attributes={
        "max_traces": 3, "tapeflow_internal": True})
    with caplog.at_level(logging.WARNING):
        for n in range(1, 9):
            assert f(tf.ones((n,))).shape == (n,)
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
    with _counting() as kept:
        f(tf.ones((1,)))  # the first trace stays
        f(tf.ones((8,)))  # the newest too
    with _counting() as dropped:
        f(tf.ones((2,)))  # evicted: compiles again
    assert kept[0] == 0 and dropped[0] >= 1
    assert float(f(tf.constant([3.0]))[0]) == 6.0


def test_user_functions_keep_every_trace_and_warn(caplog):
    g = tf.function(lambda x: x + 1.0)
    with caplog.at_level(logging.WARNING):
        for n in range(1, 7):
            g(tf.ones((n,)))
    assert any("retracing" in r.getMessage() for r in caplog.records)
    with _counting() as again:
        for n in range(1, 7):
            g(tf.ones((n,)))
    assert again[0] == 0
