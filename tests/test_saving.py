"""Saving: full models (DCGAN, the plain GAN, SGAN), weights, optimizer state, and crash safety."""

import os

import keras
import numpy as np
import pytest
from helpers import adam, random_images, run_save_round_trip_test, small_dcgan, small_sgan, tiny_gan, values

import keras_gans as kg
from keras_gans.models import GAN


def trained_dcgan(**kwargs):
    gan = small_dcgan(**kwargs)
    gan.compile(d_optimizer=adam(), g_optimizer=adam(1e-4), loss="hinge")
    gan.fit(random_images(32), batch_size=16, epochs=1, verbose=0)
    return gan


def fit_once(images, **kwargs):
    return lambda model: model.fit(images, batch_size=16, epochs=1, verbose=0, **kwargs)


def test_keras_file_round_trip_then_training_continues(tmp_path):
    gan = trained_dcgan(label_smoothing=0.1, instance_noise=0.05, separate_batches=True)
    z = np.random.default_rng(0).normal(size=(4, gan.latent_dim)).astype("float32")
    restored = run_save_round_trip_test(
        gan, tmp_path, lambda m: m.generate(4, latents=z), fit=fit_once(random_images(32))
    )
    for key in ("latent_dim", "label_smoothing", "instance_noise", "separate_batches", "upsampling"):
        assert getattr(restored, key) == getattr(gan, key)
    assert restored.adversarial_loss.name == "hinge"
    assert restored.adversarial_loss.real_label == pytest.approx(0.9)
    assert int(gan.g_optimizer.iterations) == 2
    assert int(restored.d_optimizer.iterations) == 4
    assert int(restored.g_optimizer.iterations) == 4


def test_plain_gan_keras_file_round_trip(tmp_path):
    gan = tiny_gan(d_steps=2, dropout=0.1, seed=3)
    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(5e-4), loss="least_squares")
    data = np.random.default_rng(0).normal(2.0, 0.1, size=(64, 2)).astype("float32")
    gan.fit(data, batch_size=32, epochs=1, verbose=0)
    restored = run_save_round_trip_test(gan, tmp_path, lambda m: m.generate(8, seed=5), atol=0,
                                        fit=fit_once(data))
    assert restored.adversarial_loss.name == "least_squares" and restored.value_range is None
    # d_steps survived: two critic updates per generator update (2 steps
    # before saving, 4 after).
    assert int(restored.d_optimizer.iterations) == 12 and int(restored.g_optimizer.iterations) == 6


def test_sgan_keras_file_round_trip(tmp_path):
    ds, picked = kg.datasets.semi_supervised(num_labeled=20, batch_size=16, limit=256, seed=0)
    gan = small_sgan(supervised_weight=0.5, feature_matching=False)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    gan.fit(ds.take(2), verbose=0)
    probe = kg.metrics.labeled_training_images(picked)[0][:8]

    def outputs(model):  # samples for a seed, and the classifier's logits
        return np.concatenate([model.generate(4, seed=1).ravel(),
                               model.classifier.predict(probe, verbose=0).ravel()])

    restored = run_save_round_trip_test(gan, tmp_path, outputs, atol=1e-5,
                                        fit=lambda model: model.fit(ds.take(2), verbose=0))
    assert restored.num_classes == 10 and restored.supervised_weight == 0.5
    assert not restored.feature_matching


def test_weights_round_trip(tmp_path):
    gan = trained_dcgan()
    path = str(tmp_path / "dcgan.weights.h5")
    gan.save_weights(path)
    other = small_dcgan(seed=5)
    other.compile(d_optimizer=adam(), g_optimizer=adam(1e-4), loss="hinge")
    other.load_weights(path)
    z = np.random.default_rng(1).normal(size=(3, gan.latent_dim)).astype("float32")
    np.testing.assert_allclose(other.generate(3, latents=z), gan.generate(3, latents=z), atol=1e-6)
    for x, y in zip(values(gan.d_optimizer.variables), values(other.d_optimizer.variables)):
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
