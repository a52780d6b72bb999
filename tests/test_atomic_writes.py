"""Atomic writes: a process killed while it saves leaves the previous files
intact and loadable, and errors name the user's path, not the temporary one."""

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import keras
import numpy as np
import pytest

from keras_gans import images
from keras_gans.core import presets
from keras_gans.core.io import atomic_path
from keras_gans.models import GAN

# Saves the model and a preset in a loop; before save i, the first weight
# array is set to i, so a loaded file tells which save wrote it.
CHILD = textwrap.dedent("""
    import os, sys
    import numpy as np
    from keras_gans.core import presets
    from keras_gans.models import GAN

    folder = sys.argv[1]
    model = GAN(latent_dim=8, data_shape=(2,), generator_units=(16,), discriminator_units=(8,),
                output_activation=None)
    first = model.weights[0]
    for i in range(10**6):
        first.assign(np.full(first.shape, float(i), "float32"))
        model.save(os.path.join(folder, "m.keras"))
        presets.save(model, os.path.join(folder, "preset"), task="kill test")
""")
# Hidden leftovers of a kill: atomic_path's temporary files, and the next card.
TEMPORARY = re.compile(r"^(\.(m\.keras|model\.weights\.h5|preset\.json|\.preset\.json\.pending)\..*\.tmp"
                       r"|\.preset\.json\.pending$)")


def tiny_gan():
    return GAN(latent_dim=8, data_shape=(2,), generator_units=(16,), discriminator_units=(8,),
               output_activation=None)


def save_number(model):
    """Which save of `CHILD` wrote `model` (its first weight array's value)."""
    first = keras.ops.convert_to_numpy(model.weights[0])
    assert np.all(first == first.flat[0]) and float(first.flat[0]).is_integer()
    return int(first.flat[0])


def hidden_leftovers(folder, final):
    """The names in `folder` besides `final`, which must all be hidden
    temporary files of an interrupted write."""
    names = set(os.listdir(folder))
    visible = {name for name in names if not name.startswith(".")}
    assert visible == set(final), f"{folder}: {sorted(names)}"
    others = names - set(final)
    assert all(TEMPORARY.match(name) for name in others), sorted(others)
    return others


def check_saved_files(folder, monkeypatch):
    """The files of `CHILD` in `folder` are complete and consistent, and
    any leftover is a hidden temporary file nothing loads."""
    hidden_leftovers(folder, ["m.keras", "preset"])
    hidden_leftovers(folder / "preset", [presets.WEIGHTS_FILE, presets.PRESET_FILE])
    saved = save_number(keras.models.load_model(folder / "m.keras"))
    preset = presets.load(str(folder / "preset"))
    assert save_number(preset) in (saved - 1, saved)  # each loop saves m.keras, then the preset
    assert preset.preset_card["task"] == "kill test"
    monkeypatch.setattr(presets, "PRESETS_DIR", str(folder))
    assert presets.names() == ["preset"]  # leftovers are not mistaken for presets
    return saved


def test_kill_during_save_leaves_previous_files(tmp_path, monkeypatch):
    """The child is frozen (SIGSTOP) at random moments of its save loop, which
    leaves the disk as a kill at that moment would, and checked; then it is
    killed (SIGKILL) at a random moment and checked again. One child, so the
    test pays for one Keras import."""
    folder = tmp_path / "run"
    folder.mkdir()
    log = open(tmp_path / "child.log", "w")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while not (folder / "preset" / presets.PRESET_FILE).exists():
            assert child.poll() is None, (tmp_path / "child.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the child wrote no preset in 120 s"
            time.sleep(0.02)
        numbers = []
        for stop in (signal.SIGSTOP, signal.SIGSTOP, signal.SIGSTOP, signal.SIGKILL):
            time.sleep(random.uniform(0, 0.5))
            child.send_signal(stop)
            if stop == signal.SIGKILL:
                child.wait()
            numbers.append(check_saved_files(folder, monkeypatch))
            if stop == signal.SIGSTOP:
                child.send_signal(signal.SIGCONT)
        assert numbers == sorted(numbers)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        log.close()


def test_preset_save_killed_between_its_two_renames(tmp_path, monkeypatch):
    model = tiny_gan()
    folder = str(tmp_path / "preset")
    presets.save(model, folder)
    first = model.weights[0]
    first.assign(np.full(first.shape, 7.0, "float32"))
    replace = os.replace

    def killed_before_the_card(source, target):
        if os.path.basename(target) == presets.PRESET_FILE:
            raise KeyboardInterrupt  # as a kill: no cleanup runs after it
        replace(source, target)

    monkeypatch.setattr(os, "replace", killed_before_the_card)
    with pytest.raises(KeyboardInterrupt):
        presets.save(model, folder)
    monkeypatch.undo()
    # New weights, old card: the pending card describes the new weights.
    assert presets.read_card(folder)["sha256"] != presets.sha256_of(os.path.join(folder, presets.WEIGHTS_FILE))
    assert save_number(presets.load(folder)) == 7
    assert presets.load(folder).preset_card["sha256"] == presets.sha256_of(os.path.join(folder, presets.WEIGHTS_FILE))
    presets.save(model, folder)  # the next save completes normally
    assert sorted(os.listdir(folder)) == [presets.WEIGHTS_FILE, presets.PRESET_FILE]


def test_errors_name_the_users_path(tmp_path, monkeypatch):
    path = str(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=f"^cannot encode {re.escape(path)}$"):
        with atomic_path(path) as tmp:
            raise ValueError(f"cannot encode {tmp}")
    with pytest.raises(FileNotFoundError) as info:
        with atomic_path(path) as tmp:
            open(os.path.join(tmp, "inner"))
    assert info.value.filename == os.path.join(path, "inner") and info.value.errno == 2
    assert path in str(info.value) and ".tmp" not in str(info.value)
    with pytest.raises(KeyError) as info:  # a type that can't be rebuilt keeps its message, with a note
        with atomic_path(path) as tmp:
            raise KeyError(tmp)
    assert f"stands for {path!r}" in info.value.__notes__[0]
    with pytest.raises(FileNotFoundError, match=f"Nothing was written to {re.escape(repr(path))}"):
        with atomic_path(path):
            pass

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied", os.path.join(str(tmp_path), ".m.keras.x.tmp.keras"))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(PermissionError, match=f"Permission denied: {re.escape(repr(path))}"):
        with atomic_path(path):
            pass
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["grid.png", "grid.jpg", "walk.gif", "image.png", "card.json", "preset.tar.gz"])
def test_interrupted_writers_keep_the_previous_file(tmp_path, monkeypatch, name):
    batch = np.zeros((4, 8, 8, 1), "float32")
    folder = tmp_path / "preset"
    folder.mkdir()
    (folder / "notes.txt").write_text("a preset")
    write = {
        "grid.png": lambda path: images.save_grid(batch, path),
        "grid.jpg": lambda path: images.save_grid(batch, path),
        "walk.gif": lambda path: images.save_gif([batch, batch], path),
        "image.png": lambda path: images.write_image(batch[0], path),
        "card.json": lambda path: presets.write_json({"a": np.arange(3)}, path),
        "preset.tar.gz": lambda path: presets.archive(str(folder), path),
    }[name]
    path = str(tmp_path / name)
    write(path)
    with open(path, "rb") as f:
        good = f.read()
    fsync = os.fsync

    def crash(fd):  # the new file is complete but the process dies before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        write(path)
    monkeypatch.setattr(os, "fsync", fsync)
    with open(path, "rb") as f:
        assert f.read() == good
    assert sorted(os.listdir(tmp_path)) == sorted([name, "preset"])
    if name == "card.json":
        assert json.loads(good) == {"a": [0, 1, 2]}
