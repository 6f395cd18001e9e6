"""Training loops written with tf.Module, tf.Variable, GradientTape and tf.function.

The TF 2 basics guides' programs: a linear model `y = w x + b` and a small MLP,
each a `tf.Module`, trained by a custom loop whose step is a `tf.function`,
checkpointed with `tf.train.Checkpoint` and restored into fresh modules.

    python -m tapeflow.examples.module_training
"""
import os
import tempfile

import numpy as np

import tapeflow as tf

__all__ = ["Linear", "Dense", "MLP", "train", "main"]


class Linear(tf.Module):
    """y = w * x + b, with scalar w and b."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(5.0, name="w")
        self.b = tf.Variable(0.0, name="b")

    def __call__(self, x):
        return self.w * x + self.b


class Dense(tf.Module):
    """A fully connected layer with its variables created in the module's name scope."""

    def __init__(self, in_features, out_features, activation=None, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.w = tf.Variable(tf.random.normal([in_features, out_features], stddev=0.5,
                                                  seed=1), name="w")
            self.b = tf.Variable(tf.zeros([out_features]), name="b")
        self.activation = activation

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return self.activation(y) if self.activation else y


class MLP(tf.Module):
    """Two Dense modules in a list (found by `trainable_variables` through the list)."""

    def __init__(self, sizes=(1, 16, 1), name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.layers = [Dense(a, b, tf.nn.tanh if i < len(sizes) - 2 else None,
                                 name=f"dense_{i}")
                           for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]

    @tf.function
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def train(model, x, y, epochs, learning_rate):
    """Plain SGD on mean squared error; returns the loss after each epoch."""
    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        for v, g in zip(model.trainable_variables, grads):
            v.assign_sub(learning_rate * g)
        return loss

    return [float(step(x, y)) for _ in range(epochs)]


def _data(n=200):
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=n).astype(np.float32)
    noise = rng.normal(scale=0.1, size=n).astype(np.float32)
    return x, 3.0 * x + 2.0 + noise


def main(epochs=60, directory=None, verbose=True):
    """Trains both models, checkpoints them, restores into new modules; returns results."""
    x, y = _data()
    linear = Linear(name="linear")
    linear_losses = train(linear, tf.constant(x), tf.constant(y), epochs, 0.1)
    mlp = MLP(name="mlp")
    xs, ys = tf.constant(x[:, None]), tf.constant(np.sin(x)[:, None])
    mlp_losses = train(mlp, xs, ys, epochs * 5, 0.1)

    directory = directory or tempfile.mkdtemp()
    ckpt = tf.train.Checkpoint(linear=linear, mlp=mlp)
    path = ckpt.save(os.path.join(directory, "ckpt"))
    fresh_linear, fresh_mlp = Linear(name="linear"), MLP(name="mlp")
    tf.train.Checkpoint(linear=fresh_linear, mlp=fresh_mlp).restore(path)
    restored = float(tf.reduce_mean(tf.square(fresh_mlp(xs) - ys)))
    if verbose:
        print(f"linear: w={float(linear.w):.3f} b={float(linear.b):.3f} "
              f"loss {linear_losses[0]:.3f} -> {linear_losses[-1]:.4f}")
        print(f"mlp: {len(mlp.trainable_variables)} variables, loss {mlp_losses[0]:.4f} -> "
              f"{mlp_losses[-1]:.4f}; restored copy loss {restored:.4f}")
        print(f"checkpoint: {path}")
    return {"linear": linear, "linear_losses": linear_losses, "mlp": mlp,
            "mlp_losses": mlp_losses, "restored_linear": fresh_linear,
            "restored_mlp": fresh_mlp, "restored_mlp_loss": restored, "path": path}


if __name__ == "__main__":
    main()
