"""The loss and regularizer switches reach every image variant: each trains
with a spectrally normalized discriminator and one of the hinge /
least-squares / Wasserstein losses (every loss against every variant would
only repeat the same code path: the losses act on discriminator outputs, see
test_losses.py and test_models.py)."""

import numpy as np
import pytest
from helpers import adam, assert_all_changed, assert_unchanged, values

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
    spectral = [layer for layer in gan.discriminator.layers if isinstance(layer, (SpectralConv2D, SpectralDense))]
    assert any(isinstance(layer, SpectralDense) for layer in spectral)
    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(1e-3), loss=loss)
    assert gan.adversarial_loss.name == loss
    d_before, g_before = values(gan.discriminator_variables), values(gan.generator_variables)
    vectors = [layer.vector_u for layer in spectral]
    u_before = values(vectors)
    history = gan.fit(_data(variant, fashion_slice), epochs=2, verbose=0).history
    assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
    # Both players trained: every weight their optimizers step moved, and the
    # power iteration of every spectral layer ran inside the compiled step.
    # The exception is the bias of the output logit, whose gradient cancels
    # between the real and fake terms: always under the Wasserstein loss
    # (mean(D(fake)) - mean(D(real)); the gradient penalty does not see it
    # either), so it must not move at all, and under the hinge loss while every
    # output lies within the margin. (SGAN's class biases each also meet the
    # labelled cross-entropy, and all move.)
    d_variables = gan.discriminator_variables
    bias = [i for i, v in enumerate(d_variables) if v.path == "logits/bias"]  # SGAN: class_logits
    rest = [i for i in range(len(d_variables)) if i not in bias]
    assert_all_changed([d_before[i] for i in rest], [d_variables[i] for i in rest], f"{variant} discriminator")
    if loss == "wasserstein":
        assert len(bias) == 1
        assert_unchanged([d_before[bias[0]]], [d_variables[bias[0]]], f"{variant} critic's output bias")
    assert_all_changed(g_before, gan.generator_variables, f"{variant} generator")
    assert_all_changed(u_before, vectors, f"{variant} power-iteration vectors")
    assert int(gan.d_optimizer.iterations) == arguments.get("d_steps", 1) * int(gan.g_optimizer.iterations)
    # Outside training the switch only reads its state: sampling and judging
    # leave the power-iteration vectors and the discriminator as they are.
    u_after, d_after = values(vectors), values(gan.discriminator.weights)
    labels = np.arange(8) % 10 if variant in ("CGAN", "ACGAN") else None
    fake = gan.generate(8, seed=0, **({} if labels is None else {"labels": labels}))
    gan.discriminator_accuracy(fashion_slice[0][:8], fake, labels)
    assert_unchanged(u_after, vectors, f"{variant} power-iteration vectors")
    assert_unchanged(d_after, gan.discriminator.weights, f"{variant} discriminator")
    assert type(gan).from_config(gan.get_config()).spectral_normalization
