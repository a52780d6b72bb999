"""Saving: full models, weights, optimizer state, and crash safety."""

import os

import keras
import numpy as np
import pytest
from conftest import adam, random_images, small_dcgan
from keras import ops

from keras_gans.models import GAN


def trained_dcgan(**kwargs):
    gan = small_dcgan(**kwargs)
    gan.compile(d_optimizer=adam(), g_optimizer=adam(1e-4), loss="hinge")
    gan.fit(random_images(32), batch_size=16, epochs=1, verbose=0)
    return gan


def optimizer_state(optimizer):
    return [np.array(ops.convert_to_numpy(v)) for v in optimizer.variables]


def test_keras_file_round_trip_then_training_continues(tmp_path):
    gan = trained_dcgan(label_smoothing=0.1, instance_noise=0.05, separate_batches=True)
    path = str(tmp_path / "dcgan.keras")
    gan.save(path)
    restored = keras.models.load_model(path)

    assert type(restored) is type(gan)
    for key in ("latent_dim", "label_smoothing", "instance_noise", "separate_batches", "upsampling"):
        assert getattr(restored, key) == getattr(gan, key)
    z = np.random.default_rng(0).normal(size=(4, gan.latent_dim)).astype("float32")
    np.testing.assert_allclose(restored.generate(4, latents=z), gan.generate(4, latents=z), atol=1e-6)
    assert restored.adversarial_loss.name == "hinge"
    assert restored.adversarial_loss.real_label == pytest.approx(0.9)
    for a, b in ((gan.d_optimizer, restored.d_optimizer), (gan.g_optimizer, restored.g_optimizer)):
        assert float(b.learning_rate) == pytest.approx(float(a.learning_rate))
        for x, y in zip(optimizer_state(a), optimizer_state(b)):
            np.testing.assert_allclose(x, y)
    assert int(restored.g_optimizer.iterations) == 2

    restored.fit(random_images(32), batch_size=16, epochs=1, verbose=0)
    assert int(restored.d_optimizer.iterations) == 4
    assert int(restored.g_optimizer.iterations) == 4


def test_weights_round_trip(tmp_path):
    gan = trained_dcgan()
    path = str(tmp_path / "dcgan.weights.h5")
    gan.save_weights(path)
    other = small_dcgan(seed=5)
    other.compile(d_optimizer=adam(), g_optimizer=adam(1e-4), loss="hinge")
    other.load_weights(path)
    z = np.random.default_rng(1).normal(size=(3, gan.latent_dim)).astype("float32")
    np.testing.assert_allclose(other.generate(3, latents=z), gan.generate(3, latents=z), atol=1e-6)
    for x, y in zip(optimizer_state(gan.d_optimizer), optimizer_state(other.d_optimizer)):
        np.testing.assert_allclose(x, y)


def test_config_round_trip_of_gan():
    gan = GAN(latent_dim=8, data_shape=(2,), generator_units=(16,), discriminator_units=(8, 8),
              output_activation=None, dropout=0.1, d_steps=2)
    clone = GAN.from_config(gan.get_config())
    assert clone.get_config() == gan.get_config()
    assert clone.value_range is None and clone.d_steps == 2


def test_interrupted_save_keeps_previous_file(tmp_path, monkeypatch):
    gan = trained_dcgan()
    path = tmp_path / "model.keras"
    gan.save(str(path))
    good = path.read_bytes()

    def crash(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as f:
            f.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(keras.Model, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        gan.save(str(path))
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["model.keras"]
