"""keras.utils.plot_model through pydot and Graphviz (skipped only if they are absent)."""
import shutil
import sys

import pytest

from tapeflow import keras
from tapeflow.keras import layers


def _ticket_model():
    keras.backend.clear_session()
    title = keras.Input(shape=(8,), name="title")
    tags = keras.Input(shape=(3,), name="tags")
    features = layers.Dense(4, activation="relu", name="mix")(layers.Concatenate()([title, tags]))
    priority = layers.Dense(1, name="priority")(features)
    department = layers.Dense(2, name="department")(features)
    return keras.Model([title, tags], [priority, department])


def test_missing_pydot_names_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError, match=r"pip install pydot.*graphviz"):
        keras.utils.plot_model(_ticket_model(), "unused.png")


needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` absent")


@needs_graphviz
def test_plot_model_writes_png_and_dot(tmp_path):
    pydot = pytest.importorskip("pydot")
    model = _ticket_model()
    png = tmp_path / "ticket.png"
    keras.utils.plot_model(model, png, show_shapes=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dot = keras.utils.model_to_dot(model, show_shapes=True, show_dtype=True)
    assert isinstance(dot, pydot.Dot)
    labels = " ".join(n.get_label() or "" for n in dot.get_nodes())
    for name in ("title: InputLayer", "concatenate: Concatenate", "priority: Dense",
                 "(None, 11)", "float32"):
        assert name in labels
    assert len(dot.get_edges()) == 5  # title, tags -> concat -> mix -> priority, department
    text = tmp_path / "ticket.dot"
    keras.utils.plot_model(model, text, show_layer_names=False)
    assert "digraph" in text.read_text()


@needs_graphviz
def test_plot_nested_model_expanded(tmp_path):
    pytest.importorskip("pydot")
    inner = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, name="i1")], name="inner")
    inp = keras.Input(shape=(3,))
    outer = keras.Model(inp, layers.Dense(1, name="head")(inner(inp)))
    dot = keras.utils.model_to_dot(outer, expand_nested=True)
    assert len(dot.get_subgraphs()) == 1
    keras.utils.plot_model(outer, tmp_path / "nested.svg", expand_nested=True)
    assert "<svg" in (tmp_path / "nested.svg").read_text()
