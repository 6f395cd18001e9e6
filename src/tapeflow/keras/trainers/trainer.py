"""Trainer mixin: Model inherits compile/fit/evaluate/predict from here."""


class Trainer:
    """Placeholder until the training issue lands; keras.Model subclasses it."""
