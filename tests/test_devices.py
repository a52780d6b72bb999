"""Data parallelism on 2 virtual CPU devices, the pattern of Keras' own
multi-device tests: one step on 2 devices with global batch B gives the
weights of one device with batch B.

Devices are set up before the backend starts, so each check runs in a
subprocess: JAX with `XLA_FLAGS=--xla_force_host_platform_device_count=2`,
TensorFlow with two logical CPU devices. Keras' torch backend has no
multi-device `fit`, which `data_parallel` says.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import pytest

from keras_gans import training
from keras_gans.core import backend

BACKEND = keras.backend.backend()

SETUP = """
import os, sys, json
backend = os.environ["KERAS_BACKEND"]
if backend == "jax":
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
else:
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras, numpy as np
sys.path.insert(0, {tests!r})
import keras_gans as kg
from keras_gans.core import backend as kg_backend
from helpers import adam, tiny_gan
"""


def _run(body, tmp_path):
    code = SETUP.format(tests=os.path.dirname(__file__)) + textwrap.dedent(body)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_devices_step_equals_one_device_step(tmp_path):
    if BACKEND == "torch":
        with pytest.raises(ValueError, match="torch backend trains on one device"):
            with backend.data_parallel(2):
                pass
        return
    result = _run("""
        data = np.random.default_rng(0).normal(2.0, 0.1, size=(32, 2)).astype("float32")
        out = {}
        for name, make in (("gan", lambda: tiny_gan(seed=1)),
                           ("wgan_gp", lambda: kg.models.MLPWGANGP(
                               latent_dim=8, data_shape=(2,), generator_units=(16,),
                               discriminator_units=(8,), output_activation=None, d_steps=2, seed=1))):
            initial = make().get_weights()
            trained = []
            for devices in (1, 2):
                with kg_backend.data_parallel(devices):
                    gan = make()
                    gan.set_weights(initial)
                    gan.compile(d_optimizer=adam(1e-2), g_optimizer=adam(1e-2))
                    logs = gan.fit(data, batch_size=32, epochs=1, verbose=0, shuffle=False).history
                trained.append(([np.asarray(v) for v in gan.weights + gan.optimizer.variables], logs))
            (one, one_logs), (two, two_logs) = trained
            out[name] = {
                "moved": float(max(np.abs(a - b).max() for a, b in zip(one, initial))),
                "difference": float(max(np.abs(a - b).max() for a, b in zip(one, two))),
                "d_loss": [one_logs["d_loss"][0], two_logs["d_loss"][0]],
            }
        print(json.dumps(out))
    """, tmp_path)
    for name, measured in result.items():
        # The step really changed the weights (lr 1e-2), and two devices
        # changed them the same way, latents included.
        assert measured["moved"] > 1e-3, (name, measured)
        assert measured["difference"] < 1e-5, (name, measured)
        assert abs(measured["d_loss"][0] - measured["d_loss"][1]) < 1e-5, (name, measured)


@pytest.mark.large
def test_train_command_runs_on_two_devices(tmp_path):
    if BACKEND == "torch":
        with pytest.raises(ValueError, match="torch backend trains on one device"):
            training.train("dcgan", str(tmp_path / "run"), batch_size=16, devices=2)
        assert not os.path.exists(tmp_path / "run")
        return
    result = _run("""
        import keras_gans_cli
        code = keras_gans_cli.main(["train", "dcgan", "--out", "run", "--epochs", "1",
                                    "--batch-size", "16", "--limit", "64", "--devices", "2"])
        gan = kg.training.train("dcgan", "run2", epochs=1, batch_size=16, limit=32, devices=2,
                                verbose=0)
        if backend == "jax":
            replicas = len(gan.generator.weights[0].value.sharding.device_set)
        else:
            replicas = gan.distribute_strategy.num_replicas_in_sync
        print(json.dumps({"code": code, "replicas": replicas,
                          "devices": json.load(open("run/run.json"))["devices"],
                          "steps": int(keras.ops.convert_to_numpy(gan.g_optimizer.iterations)),
                          "samples": list(gan.generate(2, seed=0).shape)}))
    """, tmp_path)
    assert result["code"] == 0
    assert result["replicas"] == 2
    assert result["devices"] == 2
    assert result["steps"] == 2
    assert result["samples"] == [2, 28, 28, 1]


def test_more_devices_than_the_machine_has_fail_clearly():
    devices = 2 if BACKEND == "torch" else 64
    expected = "torch backend trains on one device" if BACKEND == "torch" else "Asked for 64 devices"
    with pytest.raises(ValueError, match=expected):
        with backend.data_parallel(devices):
            pass
    with pytest.raises(ValueError, match=r"`num_devices` must be an integer >= 1; received 0"):
        with backend.data_parallel(0):
            pass


def test_batch_must_split_evenly_over_devices(tmp_path):
    with pytest.raises(ValueError, match=r"`batch_size` 30 must be divisible by `devices` 4"):
        training.train("dcgan", str(tmp_path / "run"), batch_size=30, devices=4)
    assert not os.path.exists(tmp_path / "run")
