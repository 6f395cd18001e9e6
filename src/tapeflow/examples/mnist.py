"""The main job: train the spec's MNIST classifier with `fit` (DLwP ch. 7, spec 003).

    python -m tapeflow.examples.mnist [--epochs 3]

Uses keras.datasets.mnist when the data is cached or downloadable, otherwise
the MNIST test set shipped inside tapeflow (10k images, CC BY-SA 3.0), and says
which. Shows the Keras progress bar, then the test loss and accuracy.
"""
import argparse
import time

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.datasets import mnist


def get_mnist_model():
    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation="relu")(inputs)
    features = layers.Dropout(0.5)(features)
    outputs = layers.Dense(10, activation="softmax")(features)
    return keras.Model(inputs, outputs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)

    ((images, labels), (test_images, test_labels)), source = mnist.load_data_or_vendored()
    print(f"Data: {source} — {len(images)} training and {len(test_images)} test images.")
    images = images.reshape((len(images), 28 * 28)).astype("float32") / 255
    test_images = test_images.reshape((len(test_images), 28 * 28)).astype("float32") / 255
    n_val = len(images) // 6
    train_images, val_images = images[n_val:], images[:n_val]
    train_labels, val_labels = labels[n_val:], labels[:n_val]

    tf.random.set_seed(0)
    model = get_mnist_model()
    model.summary()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    t0 = time.time()
    model.fit(train_images, train_labels, epochs=args.epochs, batch_size=args.batch_size,
              validation_data=(val_images, val_labels))
    loss, acc = model.evaluate(test_images, test_labels, verbose=0)
    print(f"Test loss: {loss:.4f} - test accuracy: {acc:.4f} "
          f"(trained in {time.time() - t0:.1f}s)")
    return acc


if __name__ == "__main__":
    main()
