"""Makes tests/strings/tf_peer.py (the shared TensorFlow reference process) importable."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "strings"))
