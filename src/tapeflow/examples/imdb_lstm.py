"""An IMDB-style sentiment model: Embedding(mask_zero) -> Bidirectional(LSTM) -> Dense.

    python -m tapeflow.examples.imdb_lstm [--samples 4000] [--epochs 3]

keras.datasets.imdb is used when its file is already cached
(~/.keras/datasets/imdb.npz); otherwise synthetic "reviews" with a learnable
rule: variable-length token sequences, zero-padded with pad_sequences, whose
label says whether "positive" tokens (ids 2-11) outnumber "negative" ones
(ids 12-21). Padding is masked, so the LSTM never reads it.
"""
import argparse
import os

import numpy as np

from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.preprocessing.sequence import pad_sequences
from tapeflow.keras.datasets import imdb

VOCAB, MAXLEN = 200, 40


def synthetic_reviews(samples, seed=0):
    """(padded token ids, labels) following the rule in the module docstring."""
    rng = np.random.default_rng(seed)
    seqs, labels = [], []
    for _ in range(samples):
        n = int(rng.integers(5, MAXLEN + 1))
        seq = rng.integers(22, VOCAB, size=n)
        k = int(rng.integers(1, max(2, n // 3)))
        label = int(rng.integers(0, 2))
        strong = int(rng.integers(1, k + 1))  # tokens of the label's side
        weak = int(rng.integers(0, strong))  # fewer tokens of the other side
        pos, neg = (strong, weak) if label else (weak, strong)
        where = rng.choice(n, size=min(n, pos + neg), replace=False)
        seq[where[:pos]] = rng.integers(2, 12, size=len(where[:pos]))
        seq[where[pos:]] = rng.integers(12, 22, size=len(where[pos:]))
        seqs.append(seq.tolist())
        labels.append(label)
    return pad_sequences(seqs, maxlen=MAXLEN), np.array(labels, "float32")


def load_data(samples):
    path = os.path.expanduser("~/.keras/datasets/imdb.npz")
    if os.path.exists(path):
        (x, y), (xt, yt) = imdb.load_data(num_words=VOCAB, maxlen=MAXLEN)
        return (pad_sequences(x, MAXLEN)[:samples], y[:samples].astype("float32"),
                pad_sequences(xt, MAXLEN)[:samples // 4], yt[:samples // 4].astype("float32"),
                "keras.datasets.imdb (cached)")
    x, y = synthetic_reviews(samples)
    xt, yt = synthetic_reviews(max(samples // 4, 64), seed=1)
    return x, y, xt, yt, "synthetic reviews (no cached imdb.npz)"


def build_model(units=16):
    return keras.Sequential([
        keras.Input((MAXLEN,), dtype="int32"),
        layers.Embedding(VOCAB, 16, mask_zero=True),
        layers.Bidirectional(layers.LSTM(units)),
        layers.Dense(1, activation="sigmoid")])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    x, y, xt, yt, source = load_data(args.samples)
    print(f"data: {source}, {len(x)} training sequences of length {MAXLEN}")
    model = build_model()
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=args.epochs, batch_size=args.batch_size, verbose=2)
    loss, acc = model.evaluate(xt, yt, verbose=0)
    print(f"test loss {loss:.4f}, test accuracy {acc:.4f}")
    return history, acc


if __name__ == "__main__":
    main()
