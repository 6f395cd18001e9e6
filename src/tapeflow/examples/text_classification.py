"""Text classification: TextVectorization -> Embedding -> GlobalAveragePooling1D -> Dense.

    python -m tapeflow.examples.text_classification [--epochs 10]

The data is synthetic (nothing to download): short "movie reviews" built from
positive, negative and neutral words, labelled by which kind of opinion words
they hold. As in TF's text-classification tutorial, the TextVectorization layer is
adapted on the training text and applied in `Dataset.map`; the model trains on the
token ids with `fit`, then an end-to-end function classifies raw strings.
"""
import argparse

import numpy as np

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers

POSITIVE = ["great", "wonderful", "moving", "brilliant", "superb", "funny", "charming",
            "delightful", "gripping", "beautiful"]
NEGATIVE = ["awful", "boring", "dull", "terrible", "clumsy", "tedious", "bland", "weak",
            "annoying", "messy"]
NEUTRAL = ["the", "movie", "film", "plot", "actors", "story", "was", "really", "quite", "and",
           "a", "with", "ending", "scenes", "director", "music", "this", "it", "is", "very"]

MAX_TOKENS, SEQUENCE_LENGTH = 200, 16


def make_reviews(n, seed=0):
    """`n` synthetic reviews and 0/1 labels (1: positive), deterministic for `seed`."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    texts = []
    for label in labels:
        words = list(rng.choice(NEUTRAL, rng.integers(5, 11)))
        opinion = POSITIVE if label else NEGATIVE
        for _ in range(rng.integers(1, 3)):
            words.insert(int(rng.integers(0, len(words) + 1)), str(rng.choice(opinion)))
        text = " ".join(words).capitalize() + rng.choice([".", "!", "..."])
        texts.append(text)
    return np.array(texts), labels.astype("float32")


def build_model(embedding_dim=16):
    """Token ids -> probability that the review is positive."""
    inputs = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
    x = layers.Embedding(MAX_TOKENS, embedding_dim)(inputs)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)


def main(argv=None, verbose=True):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args(argv)
    tf.random.set_seed(0)

    texts, labels = make_reviews(args.samples)
    test_texts, test_labels = make_reviews(500, seed=1)
    vectorize = layers.TextVectorization(max_tokens=MAX_TOKENS,
                                         output_sequence_length=SEQUENCE_LENGTH)
    vectorize.adapt(tf.data.Dataset.from_tensor_slices(texts).batch(256))
    if verbose:
        print(f"Vocabulary: {vectorize.vocabulary_size()} tokens, e.g. "
              f"{vectorize.get_vocabulary()[:8]}")

    def to_ids(text, label):
        return vectorize(text), label

    train = tf.data.Dataset.from_tensor_slices((texts, labels)).batch(32).map(to_ids)
    test = tf.data.Dataset.from_tensor_slices((test_texts, test_labels)).batch(256) \
        .map(to_ids)
    model = build_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train, epochs=args.epochs, verbose=2 if verbose else 0)
    loss, accuracy = model.evaluate(test, verbose=0)

    def classify(raw):
        """Raw strings -> probabilities: the end-to-end (string-in) model."""
        return model(vectorize(tf.constant(raw)), training=False)

    samples = ["A truly wonderful and moving film!", "Boring plot, terrible ending."]
    probs = classify(samples).numpy()[:, 0]
    if verbose:
        print(f"Test loss {loss:.4f}, accuracy {accuracy:.4f}")
        for s, p in zip(samples, probs):
            print(f"  {p:.3f}  {s}")
    return {"history": history.history, "test_accuracy": accuracy, "sample_probs": probs,
            "vectorize": vectorize, "model": model}


if __name__ == "__main__":
    main()
