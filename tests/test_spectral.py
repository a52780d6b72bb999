"""Spectral normalization: the kernel's largest singular value is 1 in
training and inference, on both backends, and a spectrally normalized
discriminator trains and saves."""

import keras
import numpy as np
from helpers import adam, random_images, run_save_round_trip_test

import keras_gans as kg
from keras_gans.layers import SpectralConv2D, SpectralDense


def _spectral_norm(kernel):
    kernel = np.asarray(kernel)
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


def test_spectral_layers_normalize_the_kernel():
    keras.utils.set_random_seed(0)
    big = keras.initializers.RandomNormal(stddev=3.0)
    cases = [
        (SpectralDense(8, kernel_initializer=big), keras.layers.Dense(8), (4, 16)),
        (SpectralConv2D(8, 3, padding="same", kernel_initializer=big),
         keras.layers.Conv2D(8, 3, padding="same"), (4, 6, 6, 3)),
    ]
    for layer, plain, shape in cases:
        x = np.random.default_rng(0).uniform(size=shape).astype("float32")
        layer(x)
        assert _spectral_norm(keras.ops.convert_to_numpy(layer.kernel)) > 5
        for _ in range(30):  # the power iteration converges over training calls
            layer(x, training=True)
        normalized = keras.ops.convert_to_numpy(layer.normalized_kernel())
        np.testing.assert_allclose(_spectral_norm(normalized), 1.0, rtol=2e-2)
        # Inference uses the normalized kernel too.
        plain(x)
        plain.set_weights([normalized, keras.ops.convert_to_numpy(layer.bias)])
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(layer(x)), keras.ops.convert_to_numpy(plain(x)), atol=1e-5
        )


def test_spectrally_normalized_dcgan_trains_and_round_trips(tmp_path):
    images = random_images()
    gan = kg.models.DCGAN(
        latent_dim=16, generator_filters=(32, 16, 8), discriminator_filters=(8, 16),
        normalization=None, spectral_normalization=True, seed=0,
    )
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    history = gan.fit(images[:64], batch_size=32, epochs=2, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()
    conv = gan.discriminator.get_layer("block_1_conv")
    assert isinstance(conv, SpectralConv2D)
    # The power-iteration vector is state the training step updates.
    assert not np.allclose(keras.ops.convert_to_numpy(conv.vector_u), 0)
    kernel = keras.ops.convert_to_numpy(conv.normalized_kernel())
    assert abs(_spectral_norm(kernel) - 1) < 0.1
    restored = run_save_round_trip_test(
        gan, tmp_path, lambda m: m.discriminator.predict(images[:8], verbose=0), name="sn.keras", atol=1e-5
    )
    assert restored.spectral_normalization
