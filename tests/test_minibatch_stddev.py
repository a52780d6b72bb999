"""The minibatch standard deviation feature, on images and on vectors, and
the MLP GAN's `minibatch_stddev` option that uses it."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans as kg
from helpers import run_save_round_trip_test


def test_feature_is_the_spread_of_each_group():
    layer = kg.layers.MinibatchStdDev(4)
    same = ops.convert_to_numpy(layer(ops.ones((8, 256))))
    assert same.shape == (8, 257)
    assert np.abs(same[:, -1]).max() < 1e-3
    np.testing.assert_array_equal(same[:, :-1], 1.0)  # the inputs pass through

    vectors = np.random.default_rng(0).normal(size=(8, 5)).astype("float32")
    feature = ops.convert_to_numpy(layer(vectors))[:, -1]
    # Sample i is in group i % 2 (two groups of four): the mean over the five
    # features of the standard deviation over that group.
    for i in range(8):
        expected = vectors[i % 2::2].std(axis=0).mean()
        np.testing.assert_allclose(feature[i], expected, rtol=1e-4)


def test_group_size_must_allow_a_spread():
    with pytest.raises(ValueError, match="at least 2"):
        kg.layers.MinibatchStdDev(1)
    with pytest.raises(ValueError, match="group size of at least 2"):
        kg.models.GAN(minibatch_stddev=1)


def test_mlp_discriminator_sees_the_rest_of_the_batch():
    """With the feature, a sample's logit depends on the other samples of its
    group (so D can reject a batch of near copies); without it, it does not."""
    batch = np.random.default_rng(1).uniform(-1, 1, size=(8, 28, 28, 1)).astype("float32")
    others_copied = batch.copy()
    others_copied[1:] = batch[0]
    for group, depends in ((4, True), (0, False)):
        gan = kg.models.GAN(latent_dim=8, generator_units=(16,), discriminator_units=(32, 16),
                            minibatch_stddev=group, seed=0)
        assert ("minibatch_stddev" in [layer.name for layer in gan.discriminator.layers]) == depends
        first = ops.convert_to_numpy(gan.discriminator(batch))[0]
        with_copies = ops.convert_to_numpy(gan.discriminator(others_copied))[0]
        assert (np.abs(first - with_copies).max() > 1e-4) == depends


def test_option_is_saved(tmp_path):
    gan = kg.models.GAN(latent_dim=8, generator_units=(16,), discriminator_units=(32, 16),
                        minibatch_stddev=4, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4), g_optimizer=keras.optimizers.Adam(2e-4))
    images = np.random.default_rng(2).uniform(-1, 1, size=(8, 28, 28, 1)).astype("float32")
    restored = run_save_round_trip_test(
        gan, tmp_path, lambda model: ops.convert_to_numpy(model.discriminator(images))
    )
    assert restored.minibatch_stddev == 4
