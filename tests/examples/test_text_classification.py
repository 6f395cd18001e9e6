"""The text-classification example learns the synthetic sentiment task end to end."""
from tapeflow.examples import text_classification


def test_text_classification_example():
    r = text_classification.main([], verbose=False)  # 2000 reviews, 10 epochs
    assert r["test_accuracy"] > 0.9
    positive, negative = r["sample_probs"]
    assert positive > 0.5 > negative
    vocab = r["vectorize"].get_vocabulary()
    assert vocab[:2] == ["", "[UNK]"] and "wonderful" in vocab and "terrible" in vocab
    losses = r["history"]["loss"]
    assert losses[-1] < losses[0]
