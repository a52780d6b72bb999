"""`ema_decay`: the moving average of the generator that `generate` samples from."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans as kg
from helpers import adam, random_images, run_save_round_trip_test, small_dcgan, small_stylegan


def mlp_gan(**kwargs):
    return kg.models.GAN(latent_dim=8, generator_units=(16,), discriminator_units=(16,), seed=0, **kwargs)


def test_average_follows_the_generator_with_the_ramped_decay():
    gan = mlp_gan(ema_decay=0.99)
    gan.compile(d_optimizer=adam(1e-2), g_optimizer=adam(1e-2))
    start = gan.generator.get_weights()
    np.testing.assert_array_equal(gan.average_generator.get_weights()[0], start[0])
    gan.fit(random_images(32), epochs=1, batch_size=32, verbose=0)  # one step: t = 1
    after = gan.generator.get_weights()
    decay = min(0.99, 2 / 11)
    for average, old, new in zip(gan.average_generator.get_weights(), start, after):
        assert np.abs(new - old).max() > 1e-4  # the generator moved...
        np.testing.assert_allclose(average, new + (old - new) * decay, atol=1e-6)  # ...the average less


def test_generate_samples_from_the_average():
    gan = mlp_gan(ema_decay=0.9)
    gan.compile(d_optimizer=adam(1e-2), g_optimizer=adam(1e-2))
    gan.fit(random_images(64), epochs=2, batch_size=32, verbose=0)
    latents = gan.latents_for(8, seed=3)
    samples = gan.generate(8, seed=3)
    np.testing.assert_allclose(samples, ops.convert_to_numpy(gan.average_generator(latents)), atol=1e-6)
    assert np.abs(samples - ops.convert_to_numpy(gan.generator(latents))).max() > 1e-3
    assert mlp_gan().average_generator is None  # off by default: the generator itself


def test_batchnorm_statistics_are_copied():
    gan = small_dcgan(ema_decay=0.999)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    gan.fit(random_images(32), epochs=1, batch_size=16, verbose=0)
    for average, current in zip(gan.average_generator.weights, gan.generator.weights):
        if not current.trainable:
            np.testing.assert_array_equal(ops.convert_to_numpy(average), ops.convert_to_numpy(current))


def test_average_is_saved(tmp_path):
    gan = mlp_gan(ema_decay=0.9)
    gan.compile(d_optimizer=adam(1e-2), g_optimizer=adam(1e-2))
    gan.fit(random_images(32), epochs=1, batch_size=32, verbose=0)
    restored = run_save_round_trip_test(gan, tmp_path, lambda model: model.generate(4, seed=1))
    assert restored.ema_decay == 0.9


def test_bad_decay_is_refused():
    with pytest.raises(ValueError, match="ema_decay"):
        mlp_gan(ema_decay=1.0)
    with pytest.raises(ValueError, match="its own moving average"):
        small_stylegan(ema_decay=0.999)
