"""summary(expand_nested, show_trainable) and small Model API points, against tf.keras 2.15.1.

The expected tables are what tf.keras 2.15.1 prints for the same models.
"""
import pytest

from tapeflow import keras

_NESTED_TF = """\
Model: "outer"
____________________________________________________________________________
 Layer (type)                Output Shape              Param #   Trainable  
============================================================================
 inp (InputLayer)            [(None, 3)]               0         Y          
                                                                            
 inner (Sequential)          (None, 2)                 26        Y          
|¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯|
| d1 (Dense)                 (None, 4)                 16        Y         |
|                                                                          |
| d2 (Dense)                 (None, 2)                 10        Y         |
¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯
 head (Dense)                (None, 1)                 3         N          
                                                                            
============================================================================
Total params: 29 (116.00 Byte)
Trainable params: 26 (104.00 Byte)
Non-trainable params: 3 (12.00 Byte)
____________________________________________________________________________"""

_TWO_LEVELS_TF = """\
Model: "outer"
_________________________________________________________________
 Layer (type)                Output Shape              Param #   
=================================================================
 mid (Sequential)            (None, 2)                 35        
|¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯|
| e1 (Dense)                 (None, 3)                 9        |
|                                                               |
| inner (Sequential)         (None, 2)                 26       |
||¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯||
|| d1 (Dense)                (None, 4)                 16      ||
||                                                             ||
|| d2 (Dense)                (None, 2)                 10      ||
|¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯|
¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯
 head (Dense)                (None, 1)                 3         
                                                                 
=================================================================
Total params: 38 (152.00 Byte)
Trainable params: 38 (152.00 Byte)
Non-trainable params: 0 (0.00 Byte)
_________________________________________________________________"""


def _inner():
    return keras.Sequential([keras.layers.Dense(4, input_shape=(3,), name="d1"),
                             keras.layers.Dense(2, name="d2")], name="inner")


def _lines(model, **kw):
    out = []
    model.summary(print_fn=out.append, **kw)
    return "\n".join(out)


def test_expand_nested_with_trainable_column():
    inp = keras.Input((3,), name="inp")
    out = keras.layers.Dense(1, name="head")(_inner()(inp))
    model = keras.Model(inp, out, name="outer")
    model.layers[2].trainable = False
    assert _lines(model, expand_nested=True, show_trainable=True) == _NESTED_TF


def test_expand_two_levels():
    mid = keras.Sequential([keras.layers.Dense(3, input_shape=(2,), name="e1"), _inner()],
                           name="mid")
    model = keras.Sequential([keras.Input((2,)), mid, keras.layers.Dense(1, name="head")],
                             name="outer")
    assert _lines(model, expand_nested=True) == _TWO_LEVELS_TF


def test_get_layer_by_index_and_to_yaml():
    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Dense(2, name="dd")(inp))
    assert model.get_layer(index=1).name == "dd"
    with pytest.raises(ValueError, match="index 5"):
        model.get_layer(index=5)
    with pytest.raises(RuntimeError, match="to_json"):
        model.to_yaml()


def test_metrics_names_follow_tf_keras_order():
    import numpy as np
    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Dense(2)(inp))
    model.compile("adam", "mse", metrics=["mae"])
    assert model.metrics_names == []  # as tf.keras: empty until the first train/test step
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    assert model.metrics_names == ["loss", "mae"]
    model.reset_metrics()
    assert all(float(m.result()) == 0.0 for m in model.metrics)
