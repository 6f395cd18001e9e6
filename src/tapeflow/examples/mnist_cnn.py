"""A small convnet on MNIST: Conv2D + BatchNormalization + MaxPooling2D + Dropout, with `fit`.

    python -m tapeflow.examples.mnist_cnn [--epochs 3] [--limit N]

Uses keras.datasets.mnist when the data is cached or downloadable, otherwise the
MNIST test set shipped inside tapeflow (8000 images to train on, 2000 held out),
and says which. Model: two blocks of Conv2D(3x3, relu) -> BatchNormalization ->
MaxPooling2D(2), then Flatten -> Dropout(0.5) -> Dense(10, softmax); Adam,
sparse categorical cross-entropy, batch 128, 10% of the training images for
validation. BatchNormalization uses momentum 0.9 instead of 0.99: with only ~57
steps per epoch on the shipped images, 0.99 leaves the moving statistics that
inference uses far from the batch statistics (validation accuracy 0.2 after 3
epochs, with 0.94 training accuracy).

Measured (shipped data, 3 epochs, seed 0, 2-core box): test accuracy 0.976 on the
2000 held-out images (validation accuracy 0.931 / 0.953 / 0.975 after epochs 1 / 2 / 3).
"""
import argparse
import time

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.datasets import mnist


def get_model():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--limit", type=int, default=None,
                        help="train and test on at most this many images (quick runs)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    verbose = 0 if args.quiet else "auto"

    ((images, labels), (test_images, test_labels)), source = mnist.load_data_or_vendored()
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
        test_images, test_labels = test_images[:args.limit], test_labels[:args.limit]
    if not args.quiet:
        print(f"Data: {source} — {len(images)} training and {len(test_images)} test images.")
    images = images.reshape((-1, 28, 28, 1)).astype("float32") / 255
    test_images = test_images.reshape((-1, 28, 28, 1)).astype("float32") / 255

    tf.random.set_seed(0)
    model = get_model()
    if not args.quiet:
        model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    t0 = time.time()
    history = model.fit(images, labels, epochs=args.epochs, batch_size=args.batch_size,
                        validation_split=0.1, verbose=verbose)
    loss, acc = model.evaluate(test_images, test_labels, verbose=0)
    if not args.quiet:
        print(f"Test loss: {loss:.4f} - test accuracy: {acc:.4f} "
              f"(trained in {time.time() - t0:.1f}s)")
    return {"history": history.history, "test_loss": loss, "test_accuracy": acc}


if __name__ == "__main__":
    main()
