"""Exact resumption after a crash, and determinism.

A run killed with SIGKILL at a random moment and resumed ends with the same
weights as an uninterrupted one; the same seed gives the same weights; a
seed gives the same samples after save/load and on every backend.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
from helpers import adam, random_images, small_dcgan

import keras_gans as kg
import keras_gans_cli
from keras_gans import training

# 2 epochs of 8 steps of the dcgan recipe, a checkpoint every 2 steps.
RUN = dict(epochs=2, batch_size=32, limit=256, checkpoint_every=2)
OTHER_BACKEND = {"tensorflow": "jax", "jax": "torch", "torch": "tensorflow"}[keras.backend.backend()]


def _state(model):
    """Every variable a run's future depends on (optimizer slots included),
    in order, with a name for messages."""
    variables = model.variables + model.optimizer.variables
    return [(v.path, np.asarray(v)) for v in variables] + [
        (f"seed_generator_{i}", np.asarray(g.state.value))
        for i, g in enumerate(model.seed_generators())
    ]


def _assert_same_state(a, b):
    state_a, state_b = _state(a), _state(b)
    assert len(state_a) == len(state_b)
    for (path, value), (_, other) in zip(state_a, state_b):
        np.testing.assert_allclose(value, other, rtol=1e-5, atol=1e-6, err_msg=path)


def _cli(*args):
    return [sys.executable, "-m", "keras_gans_cli", *args]


@pytest.mark.large
def test_run_killed_at_a_random_moment_resumes_exactly(tmp_path):
    uninterrupted = training.train("dcgan", str(tmp_path / "a"), verbose=0, **RUN)

    out = str(tmp_path / "b")
    args = ["train", "dcgan", "--out", out, "--epochs", "2", "--batch-size", "32",
            "--limit", "256", "--checkpoint-every", "2"]
    process = subprocess.Popen(_cli(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    progress = os.path.join(out, training.PROGRESS)
    deadline = time.monotonic() + 300
    while not os.path.exists(progress) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(random.uniform(0.0, 1.0))
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()[-2000:]
    killed_at = json.load(open(progress))["steps_done"]
    assert 2 <= killed_at < 16

    resumed = training.train("dcgan", out, resume=True, verbose=0, **RUN)
    assert int(resumed.optimizer.iterations) == int(uninterrupted.optimizer.iterations) == 16
    _assert_same_state(uninterrupted, resumed)
    # The record of the run continues rather than restarting.
    rows = open(os.path.join(out, "metrics.csv")).read().strip().splitlines()
    assert [row.split(",")[0] for row in rows] == ["epoch", "0", "1"]
    losses = json.load(open(os.path.join(out, "losses.json")))
    assert losses["steps"] == [1, 11]
    assert json.load(open(progress))["steps_done"] == 16


def test_cli_resume_refuses_what_it_cannot_continue(tmp_path, capsys):
    out = str(tmp_path / "run")
    base = ["train", "dcgan", "--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "16",
            "--limit", "32", "--out", out]
    assert keras_gans_cli.main(base + ["--resume"]) == 2
    assert "holds no checkpoint.keras. Drop --resume" in capsys.readouterr().err
    assert not os.path.exists(out)  # a failed command leaves no folder
    assert keras_gans_cli.main(base) == 0
    assert keras_gans_cli.main(base) == 2
    assert "already holds a run" in capsys.readouterr().err
    assert keras_gans_cli.main(["train", "wgan_gp"] + base[2:] + ["--resume"]) == 2
    assert "variant 'dcgan' -> 'wgan_gp'" in capsys.readouterr().err
    assert keras_gans_cli.main(base[:-2] + ["--out", str(tmp_path / "new"), "--freeze-d", "block_1"]) == 2
    assert "needs `from_preset`" in capsys.readouterr().err
    assert json.load(open(os.path.join(out, training.RUN)))["variant"] == "dcgan"


def test_backup_and_restore_resumes_both_players_exactly(tmp_path):
    """Keras' `BackupAndRestore` builds only `model.optimizer` before it
    restores; both players' optimizers are built in `compile`, so their
    slots and iterations load too, as do the seed generator states."""
    images = random_images(64)

    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("crash")

    def new_gan():
        gan = small_dcgan()
        gan.compile(d_optimizer=adam(), g_optimizer=adam())
        return gan

    keras.utils.set_random_seed(0)
    reference = new_gan()
    reference.fit(images, batch_size=16, epochs=2, shuffle=False, verbose=0)

    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    keras.utils.set_random_seed(0)
    with pytest.raises(RuntimeError, match="crash"):
        new_gan().fit(images, batch_size=16, epochs=2, shuffle=False, verbose=0,
                      callbacks=[backup, Crash()])
    keras.utils.set_random_seed(1)  # a fresh process would not share the seed state
    resumed = new_gan()
    resumed.fit(images, batch_size=16, epochs=2, shuffle=False, verbose=0, callbacks=[backup])
    assert int(resumed.d_optimizer.iterations) == int(resumed.g_optimizer.iterations) == 8
    _assert_same_state(reference, resumed)


def test_same_seed_same_weights():
    images = random_images(64)
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        gan = small_dcgan()
        gan.compile(d_optimizer=adam(), g_optimizer=adam())
        gan.fit(images, batch_size=16, epochs=1, verbose=0)
        runs.append(gan)
    for a, b in zip(runs[0].get_weights(), runs[1].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_seed_state_saved_and_samples_survive_save_load(tmp_path):
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    gan.fit(random_images(64), batch_size=16, epochs=1, verbose=0)
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_array_equal(restored.generate(8, seed=3), gan.generate(8, seed=3))
    # The noise stream continues where it was, not from the start.
    state = np.asarray(gan.seed_generator.state.value)
    assert state.any()
    np.testing.assert_array_equal(np.asarray(restored.seed_generator.state.value), state)


def test_latents_of_a_seed_are_the_same_on_every_backend():
    gan = kg.zoo.load("dcgan_fashion_mnist")
    expected = np.random.default_rng(0).standard_normal((8, gan.latent_dim), dtype=np.float32)
    np.testing.assert_array_equal(gan.latents_for(8, seed=0), expected)
    with pytest.raises(ValueError, match=r"seed in \[0, 4294967295\]; received -1"):
        gan.generate(2, seed=-1)


@pytest.mark.large
def test_preset_samples_match_the_other_backend():
    here = kg.zoo.load("dcgan_fashion_mnist").generate(8, seed=0)
    code = (
        "import numpy as np, sys, keras_gans as kg; "
        "np.save(sys.stdout.buffer, kg.zoo.load('dcgan_fashion_mnist').generate(8, seed=0))"
    )
    env = dict(os.environ, KERAS_BACKEND=OTHER_BACKEND, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    import io

    there = np.load(io.BytesIO(result.stdout))
    assert np.abs(here - there).max() < 1e-4
