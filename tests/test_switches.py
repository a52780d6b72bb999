"""The loss and regularizer switches reach every image variant: each trains
with a spectrally normalized discriminator and one of the hinge /
least-squares / Wasserstein losses (every loss against every variant would
only repeat the same code path: the losses act on discriminator outputs, see
test_losses.py and test_models.py)."""

import numpy as np
import pytest
from conftest import adam

import keras_gans as kg
from keras_gans.layers import SpectralConv2D, SpectralDense

TINY = dict(generator_filters=(16, 8, 8), discriminator_filters=(8, 16), seed=0)
VARIANTS = {  # variant: (constructor arguments, loss)
    "DCGAN": (dict(latent_dim=8, normalization=None), "hinge"),
    "WGANGP": (dict(latent_dim=8, d_steps=2), "wasserstein"),
    "CGAN": (dict(latent_dim=8), "least_squares"),
    "ACGAN": (dict(latent_dim=8), "hinge"),
    "InfoGAN": (dict(noise_dim=4, num_categories=3, num_continuous=1), "least_squares"),
    "SGAN": (dict(latent_dim=8), "hinge"),
}


def _data(variant, fashion_slice):
    images, labels = fashion_slice
    if variant in ("CGAN", "ACGAN"):
        return kg.datasets.from_arrays(images[:128], labels[:128], batch_size=32, seed=0)
    if variant == "SGAN":
        ds, _ = kg.datasets.semi_supervised(num_labeled=50, batch_size=32, limit=256, seed=0)
        return ds.take(4)
    return kg.datasets.from_arrays(images[:128], batch_size=32, seed=0)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_takes_loss_switches_and_spectral_normalization(variant, fashion_slice):
    arguments, loss = VARIANTS[variant]
    gan = getattr(kg.models, variant)(spectral_normalization=True, **arguments, **TINY)
    assert isinstance(gan.discriminator.get_layer("block_1_conv"), SpectralConv2D)
    assert any(isinstance(layer, SpectralDense) for layer in gan.discriminator.layers)
    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(1e-3), loss=loss)
    assert gan.adversarial_loss.name == loss
    history = gan.fit(_data(variant, fashion_slice), epochs=2, verbose=0).history
    assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
    # The discriminator's loss moves: it is being trained, not frozen at init.
    assert history["d_loss"][0] != history["d_loss"][1]
    assert type(gan).from_config(gan.get_config()).spectral_normalization
