"""DLwP chapter 7 (spec 003): Sequential, functional and subclassed models, summaries."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


def _summary(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def _table(name, rows, total, trainable, non_trainable):
    """The expected 65-column table, written out as the spec prints it."""
    out = [f'Model: "{name}"', "_" * 65,
           " Layer (type)                Output Shape              Param #   ", "=" * 65]
    for layer, shape, params in rows:
        out.append(f" {layer:<27} {shape:<25} {params:<10}")
        out.append(" " * 65)
    out += ["=" * 65, f"Total params: {total}", f"Trainable params: {trainable}",
            f"Non-trainable params: {non_trainable}", "_" * 65]
    return out


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def test_sequential_without_input_has_no_weights_until_built():
    keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
    model = keras.Sequential()
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    with pytest.raises(ValueError) as err:
        model.weights
    assert str(err.value) == (
        "Weights for model 'sequential_1' have not yet been created. Weights are created when "
        "the model is first called on inputs or `build()` is called with an `input_shape`.")
    model.build(input_shape=(None, 3))
    names = [w.name for w in model.weights]
    assert names == ["dense_2/kernel:0", "dense_2/bias:0", "dense_3/kernel:0", "dense_3/bias:0"]
    assert model.weights[0].shape == (3, 64)
    np.testing.assert_array_equal(model.weights[3].numpy(), np.zeros(10, "float32"))
    assert _summary(model) == _table("sequential_1", [
        ("dense_2 (Dense)", "(None, 64)", 256), ("dense_3 (Dense)", "(None, 10)", 650)],
        "906 (3.54 KB)", "906 (3.54 KB)", "0 (0.00 Byte)")


def test_named_sequential_summary():
    model = keras.Sequential(name="my_example_model")
    model.add(layers.Dense(64, activation="relu", name="my_first_layer"))
    model.add(layers.Dense(10, activation="softmax", name="my_last_layer"))
    model.build((None, 3))
    assert _summary(model) == _table("my_example_model", [
        ("my_first_layer (Dense)", "(None, 64)", 256),
        ("my_last_layer (Dense)", "(None, 10)", 650)],
        "906 (3.54 KB)", "906 (3.54 KB)", "0 (0.00 Byte)")


def test_sequential_with_input_is_built_as_layers_are_added():
    keras.Sequential(), keras.Sequential()
    layers.Dense(1), layers.Dense(1), layers.Dense(1), layers.Dense(1)
    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    model.add(layers.Dense(64, activation="relu"))
    assert _summary(model) == _table("sequential_2", [("dense_4 (Dense)", "(None, 64)", 256)],
                                     "256 (1.00 KB)", "256 (1.00 KB)", "0 (0.00 Byte)")
    model.add(layers.Dense(10, activation="softmax"))
    assert _summary(model) == _table("sequential_2", [
        ("dense_4 (Dense)", "(None, 64)", 256), ("dense_5 (Dense)", "(None, 10)", 650)],
        "906 (3.54 KB)", "906 (3.54 KB)", "0 (0.00 Byte)")
    assert [l.name for l in model.layers] == ["dense_4", "dense_5"]


def test_functional_summary_has_input_layer_row():
    inputs = keras.Input(shape=(3,), name="my_input")
    features = layers.Dense(64, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    assert _summary(model) == _table("model", [
        ("my_input (InputLayer)", "[(None, 3)]", 0), ("dense (Dense)", "(None, 64)", 256),
        ("dense_1 (Dense)", "(None, 10)", 650)],
        "906 (3.54 KB)", "906 (3.54 KB)", "0 (0.00 Byte)")
    assert model(np.ones((2, 3))).shape == (2, 10)


def _ticket_model(vocabulary_size=10000, num_tags=100, num_departments=4):
    title = keras.Input(shape=(vocabulary_size,), name="title")
    text_body = keras.Input(shape=(vocabulary_size,), name="text_body")
    tags = keras.Input(shape=(num_tags,), name="tags")
    features = layers.Concatenate()([title, text_body, tags])
    features = layers.Dense(64, activation="relu")(features)
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(num_departments, activation="softmax", name="department")(features)
    model = keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])
    return model, (title, text_body, tags), (priority, department)


def test_multi_input_multi_output_model_layers_and_tensors():
    model, (title, text_body, tags), (priority, department) = _ticket_model()
    kinds = [type(l).__name__ for l in model.layers]
    assert kinds == ["InputLayer"] * 3 + ["Concatenate", "Dense", "Dense", "Dense"]
    assert [repr(t) for t in model.layers[3].input] == [
        "<KerasTensor: shape=(None, 10000) dtype=float32 (created by layer 'title')>",
        "<KerasTensor: shape=(None, 10000) dtype=float32 (created by layer 'text_body')>",
        "<KerasTensor: shape=(None, 100) dtype=float32 (created by layer 'tags')>"]
    assert repr(model.layers[3].output) == \
        "<KerasTensor: shape=(None, 20100) dtype=float32 (created by layer 'concatenate')>"
    assert model.output_names == ["priority", "department"]
    # feature extraction: reuse an intermediate output in a new model (small sizes to run)
    model, (title, text_body, tags), (priority, department) = _ticket_model(10, 5)
    features = model.layers[4].output
    difficulty = layers.Dense(3, activation="softmax", name="difficulty")(features)
    new_model = keras.Model(inputs=[title, text_body, tags],
                            outputs=[priority, department, difficulty])
    assert new_model.layers[-1].name == "difficulty"
    data = [np.random.randint(0, 2, size=(2, 10)), np.random.randint(0, 2, size=(2, 10)),
            np.random.randint(0, 2, size=(2, 5))]
    p, d, q = new_model(data)
    assert (p.shape, d.shape, q.shape) == ((2, 1), (2, 4), (2, 3))
    p2, d2 = model({"title": data[0], "text_body": data[1], "tags": data[2]})
    np.testing.assert_allclose(p2.numpy(), p.numpy(), rtol=1e-5)
    np.testing.assert_allclose(d.numpy().sum(-1), 1.0, rtol=1e-5)


def test_branching_model_summary_has_connected_to_column():
    model, _, _ = _ticket_model(vocabulary_size=10, num_tags=5)
    lines = _summary(model)
    assert len(lines[1]) == 98 and lines[2].rstrip().endswith("Connected to")
    # the layout tf.keras 2.15.1 prints for this model (columns at 0.3/0.6/0.7 of 98)
    assert lines[2] == (" Layer (type)" + " " * 16 + "Output Shape" + " " * 17 + "Param #" +
                        " " * 3 + "Connected to" + " " * 18)
    row = [l for l in lines if l.startswith(" concatenate")]
    i = lines.index(row[0])
    assert lines[i].rstrip() == (" concatenate (Concatenate)   (None, 25)                   0"
                                 "         ['title[0][0]',")
    assert lines[i + 1].strip() == "'text_body[0][0]',"
    assert lines[i + 2].strip() == "'tags[0][0]']"
    assert lines[4].rstrip().endswith("[]")  # the first InputLayer row


def test_subclassed_model_called_on_dict():
    class CustomerTicketModel(keras.Model):
        def __init__(self, num_departments):
            super().__init__()
            self.concat_layer = layers.Concatenate()
            self.mixing_layer = layers.Dense(64, activation="relu")
            self.priority_scorer = layers.Dense(1, activation="sigmoid")
            self.department_classifier = layers.Dense(num_departments, activation="softmax")

        def call(self, inputs):
            features = self.concat_layer([inputs["title"], inputs["text_body"], inputs["tags"]])
            features = self.mixing_layer(features)
            return self.priority_scorer(features), self.department_classifier(features)

    model = CustomerTicketModel(num_departments=4)
    assert model.weights == []
    priority, department = model({"title": np.random.randint(0, 2, (3, 20)),
                                  "text_body": np.random.randint(0, 2, (3, 20)),
                                  "tags": np.random.randint(0, 2, (3, 5))})
    assert priority.shape == (3, 1) and department.shape == (3, 4)
    assert model.name == "customer_ticket_model"
    assert len(model.layers) == 4 and len(model.weights) == 6
    lines = _summary(model)
    assert lines[4].startswith(" concatenate (Concatenate)   multiple")


def test_mixing_styles_both_ways():
    class Classifier(keras.Model):
        def __init__(self, num_classes=2):
            super().__init__()
            units, act = (1, "sigmoid") if num_classes == 2 else (num_classes, "softmax")
            self.dense = layers.Dense(units, activation=act)

        def call(self, inputs):
            return self.dense(inputs)

    inputs = keras.Input(shape=(3,))
    features = layers.Dense(64, activation="relu")(inputs)
    outputs = Classifier(num_classes=10)(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    assert outputs.shape.as_list() == [None, 10]
    assert len(model.weights) == 4  # weights exist before any call
    assert model(np.ones((2, 3), "float32")).shape == (2, 10)

    inputs = keras.Input(shape=(64,))
    binary_classifier = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(inputs))

    class MyModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(64, activation="relu")
            self.classifier = binary_classifier

        def call(self, inputs):
            return self.classifier(self.dense(inputs))

    model = MyModel()
    assert model(np.ones((2, 5), "float32")).shape == (2, 1)
    assert len(model.trainable_weights) == 4


def test_subclassed_model_build_with_input_shape():
    class Tiny(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(4, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = Tiny()
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    model.build((None, 3))
    assert [w.shape.as_list() for w in model.weights] == [[3, 4], [4], [4, 1], [1]]
    lines = _summary(model)
    assert lines[0] == 'Model: "tiny"' and "Total params: 21 (84.00 Byte)" in lines
    assert model(np.ones((2, 3), "float32")).shape == (2, 1)
