"""tf.saved_model.save / load and Keras SavedModel directories; TF reads the metadata and
variables of tapeflow's directories, tapeflow loads tf.keras's own SavedModel directories."""
import os

import numpy as np
import pytest

flatbuffers = pytest.importorskip("flatbuffers")  # jax.export serialization needs it

import tapeflow as tf  # noqa: E402
from tapeflow import keras  # noqa: E402

X = ((np.arange(24, dtype="float32").reshape(8, 3) % 7) / 6.0).astype("float32")


class Affine(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable([[1.0], [2.0], [3.0]])
        self.parts = [tf.Variable(0.5)]

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        return tf.matmul(x, self.w) + self.parts[0]

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32),
                                  tf.TensorSpec([], tf.float32)])
    def scaled(self, x, s):
        return {"y": tf.matmul(x, self.w) * s, "n": tf.reduce_sum(tf.ones_like(x[:, 0]))}


def test_module_signatures_functions_and_variables(tmp_path):
    module = Affine()
    d = str(tmp_path / "affine")
    tf.saved_model.save(module, d, signatures={"serving_default": module.__call__,
                                               "scaled": module.scaled})
    assert tf.saved_model.contains_saved_model(d)
    loaded = tf.saved_model.load(d)
    expected = X @ np.array([[1.0], [2.0], [3.0]], "float32") + 0.5
    out = loaded.signatures["serving_default"](x=tf.constant(X))
    np.testing.assert_allclose(out["output_0"].numpy(), expected, rtol=1e-6)
    scaled = loaded.signatures["scaled"](x=tf.constant(X[:2]), s=tf.constant(2.0))
    np.testing.assert_allclose(scaled["y"].numpy(), (expected[:2] - 0.5) * 2, rtol=1e-6)
    assert float(scaled["n"].numpy()) == 2.0  # the batch size varies per call
    np.testing.assert_allclose(loaded.scaled(tf.constant(X), tf.constant(1.0))["y"].numpy(),
                               expected - 0.5, rtol=1e-6)
    assert float(loaded.parts[0].numpy()) == 0.5
    loaded.parts[0].assign(1.5)  # signatures read the restored variables
    np.testing.assert_allclose(loaded.signatures["serving_default"](x=tf.constant(X))
                               ["output_0"].numpy(), expected + 1.0, rtol=1e-6)
    with pytest.raises(TypeError, match="keyword"):
        loaded.signatures["serving_default"](tf.constant(X))
    keys = dict(tf.train.list_variables(os.path.join(d, "variables", "variables")))
    assert keys["w/.ATTRIBUTES/VARIABLE_VALUE"] == [3, 1]


def test_keras_model_directory_round_trip(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(X, X.sum(axis=1, keepdims=True), epochs=1, batch_size=4, verbose=0)
    d = str(tmp_path / "model")
    model.save(d)
    assert os.path.exists(os.path.join(d, "keras_metadata.pb"))
    loaded = keras.models.load_model(d)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-6)
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    serving = tf.saved_model.load(d).signatures["serving_default"]
    name = model.layers[-1].name
    np.testing.assert_allclose(serving(**{model.inputs[0]._keras_history.layer.name:
                                          tf.constant(X)})[name].numpy(),
                               model.predict(X, verbose=0), rtol=1e-5)
    model.save(d)  # overwriting a directory replaces it whole
    assert sorted(os.listdir(tmp_path)) == ["model"]


def test_model_checkpoint_saves_savedmodel_dirs_and_add_variable(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    cb = keras.callbacks.ModelCheckpoint(str(tmp_path / "ckpt_{epoch}"))
    model.fit(X, X[:, :1], epochs=2, verbose=0, callbacks=[cb])
    assert tf.saved_model.contains_saved_model(str(tmp_path / "ckpt_2"))
    restored = keras.models.load_model(str(tmp_path / "ckpt_2"))
    np.testing.assert_array_equal(restored.layers[0].kernel.numpy(),
                                  model.layers[0].kernel.numpy())
    layer = keras.layers.Layer()
    v = layer.add_variable("v", shape=(2,), initializer="ones")
    assert v in layer.weights and v.numpy().tolist() == [1.0, 1.0]


TF_SCRIPT = r"""
import json, sys
import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2
d = sys.argv[1]
sm = saved_model_pb2.SavedModel()
sm.ParseFromString(open(d + "/saved_model.pb", "rb").read())
mg = sm.meta_graphs[0]
sig = mg.signature_def["serving_default"]
out = {"tags": list(mg.meta_info_def.tags), "sigs": sorted(mg.signature_def),
       "inputs": {k: [tf.dtypes.as_dtype(v.dtype).name,
                      [x.size for x in v.tensor_shape.dim]] for k, v in sig.inputs.items()},
       "outputs": sorted(sig.outputs)}
module = tf.Module()
module.w = tf.Variable(tf.zeros([3, 1]))
module.parts = [tf.Variable(0.0)]
tf.train.Checkpoint(module).restore(d + "/variables/variables").assert_nontrivial_match()
out["w"] = module.w.numpy().tolist()
import numpy as np
X = ((np.arange(24, dtype="float32").reshape(8, 3) % 7) / 6.0).astype("float32")
tf.keras.utils.set_random_seed(3)
inputs = tf.keras.Input((3,), name="feat")
x = tf.keras.layers.BatchNormalization()(tf.keras.layers.Dense(4, activation="tanh")(inputs))
m = tf.keras.Model(inputs, tf.keras.layers.Dense(1, name="out")(x))
m.compile(tf.keras.optimizers.Adam(0.01), "mse")
m.fit(X, X.sum(axis=1, keepdims=True), epochs=2, batch_size=4, verbose=0)
m.save(d + "/tf_keras")
out["tf_pred"] = m.predict(X, verbose=0).tolist()
out["tf_iter"] = int(m.optimizer.iterations.numpy())
print(json.dumps(out))
"""


def test_tensorflow_reads_signature_defs_and_variables(tf_peer, tmp_path):
    module = Affine()
    d = str(tmp_path / "affine")
    tf.saved_model.save(module, d, signatures=module.__call__)
    out = tf_peer(TF_SCRIPT, d)
    assert out["tags"] == ["serve"] and out["sigs"] == ["serving_default"]
    assert out["inputs"] == {"x": ["float32", [-1, 3]]}
    assert out["outputs"] == ["output_0"]
    assert out["w"] == [[1.0], [2.0], [3.0]]
    # and the other way: tf.keras's own SavedModel directory loads as a Keras model
    model = keras.models.load_model(os.path.join(d, "tf_keras"))
    np.testing.assert_allclose(model.predict(X, verbose=0), out["tf_pred"], rtol=1e-5,
                               atol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == out["tf_iter"]
