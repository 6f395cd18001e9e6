"""The tf.Module training example: converges, names variables by scope, restores exactly."""
import numpy as np

from tapeflow.examples import module_training


def test_module_training_example(tmp_path):
    r = module_training.main(epochs=40, directory=str(tmp_path), verbose=False)
    lin = r["linear"]
    # least squares on the example's data: y = 3x + 2 + noise
    x, y = module_training._data()
    w_ref, b_ref = np.polyfit(x, y, 1)
    assert abs(float(lin.w) - w_ref) < 0.05 and abs(float(lin.b) - b_ref) < 0.05
    assert r["mlp_losses"][-1] < 0.2 * r["mlp_losses"][0]
    assert [v.name for v in r["mlp"].trainable_variables] == [
        "mlp/dense_0/b:0", "mlp/dense_0/w:0", "mlp/dense_1/b:0", "mlp/dense_1/w:0"]
    for a, b in zip(r["mlp"].variables + r["linear"].variables,
                    r["restored_mlp"].variables + r["restored_linear"].variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
