"""keras.utils.Progbar output format (TF 2's tf.keras progress bar)."""
import io
import re

from tapeflow import keras


def run(target, verbose, dynamic, steps=None, values=(("loss", 0.3958),)):
    buf = io.StringIO()
    bar = keras.utils.Progbar(target, verbose=verbose, stream=buf, dynamic=dynamic,
                              interval=0.0)
    for i in range(1, (steps or target) + 1):
        bar.update(i, list(values))
    return buf.getvalue()


def test_final_line_format_plain_stream():
    out = run(938, 1, dynamic=False,
              values=(("loss", 0.3958), ("sparse_categorical_accuracy", 0.8872)))
    assert out.count("\n") == 1  # not a terminal: only the finished line
    assert re.fullmatch(r"938/938 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: 0\.3958 - "
                        r"sparse_categorical_accuracy: 0\.8872\n", out)


def test_live_updates_on_terminal_and_small_values():
    out = run(4, 1, dynamic=True, values=(("acc", 0.0),))
    frames = out.split("\r")[1:]
    assert len(frames) == 4
    assert frames[0].startswith("1/4 [======>.......................] - ETA: ")
    assert frames[-1].startswith("4/4 [==============================] - ")
    assert frames[-1].endswith("acc: 0.0000e+00\n")


def test_verbose_2_and_unknown_target():
    out = run(3, 2, dynamic=False)
    assert re.fullmatch(r"3/3 - \d+s - loss: 0\.3958 - \d+(us|ms|s)/epoch - \d+(us|ms|s)/step\n",
                        out)
    buf = io.StringIO()
    bar = keras.utils.Progbar(None, stream=buf, dynamic=True, interval=0.0)
    bar.update(5, [("loss", 1.5)])
    assert buf.getvalue().startswith("\r      5/Unknown - ")


def test_running_average_of_values():
    buf = io.StringIO()
    bar = keras.utils.Progbar(2, stream=buf, dynamic=False)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 3.0)])
    assert "loss: 2.0000" in buf.getvalue()
