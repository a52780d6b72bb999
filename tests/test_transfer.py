"""Freezing by block name, re-compiling, and D as a feature extractor."""

import numpy as np
import pytest
from helpers import adam, random_images, small_dcgan
from keras import ops

from keras_gans import transfer


def values(layer):
    return [np.array(ops.convert_to_numpy(w)) for w in layer.weights]


def test_freeze_until_block_keeps_those_weights_fixed():
    gan = small_dcgan()
    frozen = transfer.freeze(gan.discriminator, until="block_1")
    assert frozen == ["images", "block_1_conv", "block_1_act"]
    summary = transfer.trainable_summary(gan.discriminator)
    assert summary["block_1_conv"] is False and summary["block_2_conv"] is True
    gan.compile(d_optimizer=adam(1e-2), g_optimizer=adam(1e-2))
    before_frozen = values(gan.discriminator.get_layer("block_1_conv"))
    before_free = values(gan.discriminator.get_layer("block_2_conv"))
    gan.fit(random_images(64), batch_size=16, verbose=0)
    for a, b in zip(before_frozen, values(gan.discriminator.get_layer("block_1_conv"))):
        np.testing.assert_array_equal(a, b)
    assert any(
        not np.allclose(a, b)
        for a, b in zip(before_free, values(gan.discriminator.get_layer("block_2_conv")))
    )
    transfer.unfreeze(gan.discriminator)
    assert all(transfer.trainable_summary(gan.discriminator).values())


def test_freeze_by_depth_and_names():
    gan = small_dcgan()
    assert transfer.freeze(gan.generator, depth=2) == ["project", "project_bn"]
    assert transfer.freeze(gan.discriminator, names=["logits"]) == ["logits"]
    assert not gan.discriminator.get_layer("logits").trainable


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"until": "block_9"}, r"no 'block_9'; its blocks are \['block_1', 'block_2'\]"),
        ({"until": "features"}, "must name a block"),
        ({"depth": 99}, "depth"),
        ({"names": ["nope"]}, r"no layers named \['nope'\]"),
        ({}, "Pass one of"),
    ],
)
def test_freeze_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        transfer.freeze(small_dcgan().discriminator, **kwargs)


def test_discriminator_features_shape_and_checks():
    gan = small_dcgan()
    features = gan.discriminator_features(random_images(10))
    assert features.shape == (10, 7 * 7 * 16)
    with pytest.raises(ValueError, match="no layer named 'nope'"):
        gan.discriminator_features(random_images(2), layer="nope")
    with pytest.raises(ValueError, match="channels"):
        gan.discriminator_features(random_images(2, shape=(28, 28, 3)))
