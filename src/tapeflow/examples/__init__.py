"""Runnable examples: `python -m tapeflow.examples.mnist`."""
