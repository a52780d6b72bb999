"""A non-editable install ships the presets: the zoo works offline from it."""

import fcntl
import os
import subprocess
import sys
import zipfile

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
