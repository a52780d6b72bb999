"""A non-editable install ships the presets: the zoo works offline from it."""

import fcntl
import json
import os
import subprocess
import sys
import zipfile

import keras
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_wheel_ships_presets_and_loads_them(tmp_path):
    wheels = tmp_path / "wheels"
    # setuptools builds inside the source tree (build/, *.egg-info): one
    # build at a time when the backends' suites run side by side.
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", ".wheel.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
             "-w", str(wheels), ROOT],
            check=True, capture_output=True,
        )
    (wheel,) = wheels.glob("keras_gans-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    # The `keras-gans` command parses its arguments in a package of its own.
    assert "keras_gans_cli/__init__.py" in names and "keras_gans_cli/__main__.py" in names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "keras-gans = keras_gans_cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    for preset in ("dcgan_fashion_mnist", "gan_fashion_mnist", "fashion_mnist_classifier"):
        assert f"keras_gans/_zoo/{preset}/preset.json" in names
        assert f"keras_gans/_zoo/{preset}/model.weights.h5" in names

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    code = (
        "import keras_gans as kg; "
        "assert kg.__file__.startswith(%r), kg.__file__; "
        "print(kg.zoo.load('dcgan_fashion_mnist').generate(2, seed=0).shape)" % str(target)
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=str(tmp_path), env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(2, 28, 28, 1)" in result.stdout


# The extra a single-backend install asks for, and the backends it must not bring.
EXTRAS = {"tensorflow": ("tf-cpu", ("jax", "torch")), "jax": ("jax", ("torch",)),
          "torch": ("torch", ("jax",))}


@pytest.mark.large
def test_single_backend_install_trains(tmp_path):
    """`pip install keras-gans[<this backend>]` in a fresh environment: the
    other backends are absent, the data loads (tf.data, from the extra's
    tensorflow-cpu) and `keras-gans train` runs."""
    backend = keras.backend.backend()
    extra, absent = EXTRAS[backend]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if backend == "torch":
        # The CPU build this project's machines hold (a bare `torch` would be
        # a CUDA build of several GB).
        subprocess.run(pip + [f"torch=={torch_version()}"], check=True, capture_output=True)
    installed = subprocess.run(pip + [f"{ROOT}[{extra}]"], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    code = (
        "import importlib.util, json, keras_gans as kg\n"
        f"absent = [m for m in {list(absent)!r} if importlib.util.find_spec(m)]\n"
        "batch = next(iter(kg.datasets.load('fashion_mnist', batch_size=8, limit=64)))\n"
        "import keras_gans_cli\n"
        "code = keras_gans_cli.main(['train', 'dcgan', '--out', 'run', '--epochs', '1',\n"
        "                            '--batch-size', '32', '--limit', '64'])\n"
        "print(json.dumps({'absent': absent, 'batch': list(batch.shape), 'code': code}))\n"
    )
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    result = subprocess.run([python, "-c", code], cwd=str(tmp_path), env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"absent": [], "batch": [8, 28, 28, 1], "code": 0}
    assert os.path.exists(tmp_path / "run" / "checkpoint.keras")


def torch_version():
    """The torch release this environment runs (the one setup.sh pins)."""
    from importlib import metadata

    return metadata.version("torch").split("+")[0]
