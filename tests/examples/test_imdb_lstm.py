"""The IMDB-style example trains: its loss drops and it beats chance on held-out data."""
from tapeflow.examples import imdb_lstm


def test_imdb_lstm_example_learns():
    history, acc = imdb_lstm.main(["--samples", "768", "--epochs", "3", "--batch-size", "64"])
    losses = history.history["loss"]
    assert losses[-1] < losses[0] * 0.9
    assert acc > 0.6
