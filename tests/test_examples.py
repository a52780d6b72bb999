"""The course's experiments (`examples/*.py`) run in their `--quick` mode.

Each script asserts the direction of its result itself (and exits non-zero
when the direction is wrong); here it runs in its own process on the
backend under test, and must write its figures and its `results.json`.
"""

import glob
import json
import os
import subprocess
import sys

import keras
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = sorted(
    path for path in glob.glob(os.path.join(ROOT, "examples", "*.py"))
    if not os.path.basename(path).startswith("_")  # shared code, not an experiment
)


def test_there_are_experiments():
    assert len(EXAMPLES) >= 4, EXAMPLES


@pytest.mark.large
@pytest.mark.parametrize("script", EXAMPLES, ids=os.path.basename)
def test_experiment_quick_mode(script, tmp_path):
    env = {**os.environ, "KERAS_BACKEND": keras.backend.backend(), "TF_CPP_MIN_LOG_LEVEL": "2",
           "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, script, "--quick", "--out", str(tmp_path)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["quick"] is True and results["backend"] == keras.backend.backend()
    pictures = [n for n in os.listdir(tmp_path) if n.endswith(".png")]
    assert pictures and all(os.path.getsize(tmp_path / n) > 2000 for n in pictures)
