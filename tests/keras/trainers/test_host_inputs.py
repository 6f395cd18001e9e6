"""fit/predict inputs that stay on the host: string batches and Sequence-like iterators."""
import numpy as np

from tapeflow import keras


def test_string_inputs_train_without_run_eagerly():
    texts = np.array(["good movie great", "bad film awful", "great great good",
                      "awful bad bad"] * 8)
    labels = np.array([1, 0, 1, 0] * 8, np.float32)
    tv = keras.layers.TextVectorization(max_tokens=50, output_sequence_length=6)
    tv.adapt(texts)
    inp = keras.Input((1,), dtype="string")
    x = keras.layers.Embedding(50, 8)(tv(inp))
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(texts, labels, epochs=8, batch_size=8, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    pred = model.predict(np.array(["good great", "bad awful"]), verbose=0).ravel()
    assert pred[0] > pred[1]


class _IteratorSequence:
    """Indexable and an iterator at once, as ImageDataGenerator's iterators are."""

    def __init__(self, n_batches):
        self.n, self.epochs, self.seen = n_batches, 0, []

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.seen.append(i)
        x = np.full((4, 2), float(i), np.float32)
        return x, x.sum(1, keepdims=True)

    def __iter__(self):
        return self

    def __next__(self):
        return self[0]

    def on_epoch_end(self):
        self.epochs += 1


def test_sequence_iterators_run_len_batches_per_epoch():
    seq = _IteratorSequence(3)
    inp = keras.Input((2,))
    model = keras.Model(inp, keras.layers.Dense(1)(inp))
    model.compile("sgd", "mse")
    model.fit(seq, epochs=2, verbose=0)
    assert seq.seen == [0, 1, 2, 0, 1, 2] and seq.epochs == 2
