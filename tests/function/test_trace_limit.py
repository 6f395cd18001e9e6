"""`experimental_attributes={"max_traces": n}`: a function keeps at most n compiled traces.

tapeflow's fit/evaluate/predict step functions use it (with "tapeflow_internal", which
also silences the retracing warning) so data of many lengths holds a bounded set of
programs. The first trace (the full batch's) is never dropped.
"""
import logging

import tapeflow as tf


def test_oldest_traces_are_dropped_but_the_first(caplog, compiles):
    f = tf.function(lambda x: x * 2.0, experimental_attributes={
        "max_traces": 3, "tapeflow_internal": True})
    with caplog.at_level(logging.WARNING):
        for n in range(1, 9):
            assert f(tf.ones((n,))).shape == (n,)
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
    with compiles() as kept:
        f(tf.ones((1,)))  # the first trace stays
        f(tf.ones((8,)))  # the newest too
    with compiles() as dropped:
        f(tf.ones((2,)))  # evicted: compiles again
    assert kept[0] == 0 and dropped[0] >= 1
    assert float(f(tf.constant([3.0]))[0]) == 6.0


def test_user_functions_keep_every_trace_and_warn(caplog, compiles):
    g = tf.function(lambda x: x + 1.0)
    with caplog.at_level(logging.WARNING):
        for n in range(1, 7):
            g(tf.ones((n,)))
    assert any("retracing" in r.getMessage() for r in caplog.records)
    with compiles() as again:
        for n in range(1, 7):
            g(tf.ones((n,)))
    assert again[0] == 0
