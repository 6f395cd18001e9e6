"""The main job: train a classifier on MNIST with tapeflow.

Until `keras.Model.fit` lands this trains a softmax regression with
GradientTape on the vendored MNIST test set (10k images), printing the loss
as the spec's custom training loop does, then the accuracy on a held-out part.

    python -m tapeflow.examples.mnist
"""
import gzip
import os
import time

import numpy as np

import tapeflow as tf

_DATA = os.path.join(os.path.dirname(__file__), "..", "keras", "datasets", "_data")


def load_vendored_mnist():
    with gzip.open(os.path.join(_DATA, "t10k-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(_DATA, "t10k-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return x, y


def main(epochs=3, batch_size=64, lr=0.5):
    x, y = load_vendored_mnist()
    print("Using the MNIST test set shipped with tapeflow (10,000 images, CC BY-SA 3.0).")
    x = x.reshape(-1, 784).astype("float32") / 255.0
    x_train, y_train, x_test, y_test = x[:8000], y[:8000], x[8000:], y[8000:]
    w = tf.Variable(tf.zeros((784, 10)))
    b = tf.Variable(tf.zeros((10,)))
    rng = np.random.default_rng(0)
    t0 = time.time()
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            xb, yb = tf.constant(x_train[idx]), tf.one_hot(y_train[idx], 10)
            with tf.GradientTape() as tape:
                logits = tf.matmul(xb, w) + b
                z = logits - tf.reduce_max(logits, axis=1, keepdims=True)
                logp = z - tf.math.log(tf.reduce_sum(tf.exp(z), axis=1, keepdims=True))
                loss = -tf.reduce_mean(tf.reduce_sum(yb * logp, axis=1))
            gw, gb = tape.gradient(loss, [w, b])
            w.assign_sub(lr * gw)
            b.assign_sub(lr * gb)
            if step % 100 == 0:
                print("Step:", step, "Loss:", float(loss))
            step += 1
    pred = tf.argmax(tf.matmul(tf.constant(x_test), w) + b, axis=1).numpy()
    acc = float(np.mean(pred == y_test))
    print(f"Test accuracy: {acc:.4f} ({time.time() - t0:.1f}s)")
    return acc


if __name__ == "__main__":
    main()
