"""Data augmentation: Keras preprocessing layers in a `Dataset.map`, then a small CNN.

    python -m tapeflow.examples.mnist_augment [--epochs 3] [--samples 8000]

As in TF's data-augmentation tutorial: random rotations, zooms and translations
(`RandomRotation`, `RandomZoom`, `RandomTranslation`, active only with
training=True) are applied to each training batch inside `Dataset.map` through a
compiled `tf.function`; the model itself starts with `Rescaling(1/255)`, so it
takes raw uint8 pixels at inference. The data is the MNIST test set shipped with
tapeflow (8000 images to train on, 2000 to test) unless the full MNIST is cached.
"""
import argparse

import numpy as np

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.datasets import mnist


def build_augmentation(seed=0):
    """Random geometric changes a handwritten digit survives (no flips: 2 != mirrored 2)."""
    return keras.Sequential([
        layers.RandomRotation(0.05, fill_mode="constant", seed=seed),
        layers.RandomZoom(0.1, fill_mode="constant", seed=seed + 1),
        layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed + 2),
    ], name="augmentation")


def build_model():
    """uint8 [28, 28, 1] pixels -> 10 class probabilities."""
    inputs = keras.Input((28, 28, 1))
    x = layers.Rescaling(1 / 255.0)(inputs)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def main(argv=None, verbose=True):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=8000)
    args = parser.parse_args(argv)
    tf.random.set_seed(0)
    ((x_train, y_train), (x_test, y_test)), source = mnist.load_data_or_vendored()
    if verbose:
        print(f"Data: {source}")
    x_train = x_train[:args.samples, ..., None].astype("float32")
    y_train = y_train[:args.samples]
    x_test, y_test = x_test[:2000, ..., None].astype("float32"), y_test[:2000]

    augment = build_augmentation()
    augment_batch = tf.function(lambda x, y: (augment(x, training=True), y))
    train = (tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(len(x_train),
                                                                             seed=0)
             .batch(64).map(augment_batch).prefetch(2))
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train, epochs=args.epochs, verbose=2 if verbose else 0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    sample = next(iter(train))[0].numpy()
    if verbose:
        print(f"Test loss {loss:.4f}, accuracy {accuracy:.4f}")
    return {"history": history.history, "test_accuracy": accuracy, "model": model,
            "augmented_sample": sample, "original_sample": x_train[:len(sample)]}


if __name__ == "__main__":
    main()
