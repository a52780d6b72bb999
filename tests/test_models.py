"""GAN and DCGAN train on real data and with every loss and trick."""

import keras
import numpy as np
import pytest

from helpers import adam, assert_all_changed, random_images, small_dcgan, values
from keras import ops

import keras_gans as kg
from keras_gans import datasets, losses
from keras_gans.models import DCGAN, GAN


def test_dcgan_fits_real_fashion_mnist(fashion_slice):
    images, _ = fashion_slice
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(1e-3))
    before = gan.generate(256, seed=0)
    history = gan.fit(datasets.from_arrays(images, batch_size=64, seed=0), epochs=3, verbose=0).history
    after = gan.generate(256, seed=0)
    assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
    assert after.min() >= -1 and after.max() <= 1
    # The average sample takes the silhouette of the average garment.
    real_mean = images.mean(axis=0).ravel()
    silhouette = lambda x: np.corrcoef(x.mean(axis=0).ravel(), real_mean)[0, 1]  # noqa: E731
    assert silhouette(after) > 0.6
    assert silhouette(after) > silhouette(before) + 0.3


@pytest.mark.large
@pytest.mark.parametrize("loss", losses.names())
def test_gan_trains_with_every_loss(loss):
    gan = GAN(latent_dim=8, data_shape=(2,), generator_units=(32,), discriminator_units=(32,),
              output_activation=None, seed=0)
    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(1e-3), loss=loss)
    data = np.random.default_rng(0).normal(2.0, 0.1, size=(512, 2)).astype("float32")
    distance = lambda: np.linalg.norm(gan.generate(256, seed=0).mean(axis=0) - 2.0)  # noqa: E731
    before, closest = distance(), []
    # The least-squares and Wasserstein games circle the data's mean
    # (approach, overshoot, come back): follow the distance over training.
    for _ in range(8):
        gan.fit(data, batch_size=64, epochs=5, verbose=0)
        closest.append(distance())
    # The samples' mean comes close to the data's mean, (2, 2).
    assert min(closest) < 0.3 * before, (loss, before, closest)


@pytest.mark.parametrize(
    "tricks",
    [
        {"label_smoothing": 0.1},
        {"instance_noise": 0.1},
        {"separate_batches": True},
        {"latent_distribution": "uniform"},
        {"upsampling": "transpose"},
        {"upsampling": "subpixel"},
        {"upsampling": "bilinear", "dropout": 0.3},
    ],
)
def test_dcgan_tricks_train(tricks, fashion_slice):
    gan = small_dcgan(**tricks)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    history = gan.fit(fashion_slice[0][:128], batch_size=32, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"]).all()
    if "label_smoothing" in tricks:
        assert gan.adversarial_loss.real_label == pytest.approx(0.9)
    if "latent_distribution" in tricks:
        z = np.asarray(gan.sample_latent(1000, seed=1))
        assert z.min() >= -1 and z.max() <= 1


def test_separate_batches_never_mix_real_and_fake():
    calls = []
    gan = small_dcgan(separate_batches=True)
    original = gan.discriminator.call

    def spy(inputs, *args, **kwargs):
        calls.append(inputs.shape[0])
        return original(inputs, *args, **kwargs)

    gan.discriminator.call = spy
    real = np.zeros((6, 28, 28, 1), "float32")
    gan.discriminate(real, real)
    assert calls == [6, 6]


def test_mixed_batches_path_trains_both_players(fashion_slice):
    """`separate_batches=False`: real and fake go through D as one batch,
    split back in order; in inference mode (BatchNorm's moving statistics)
    that is the same as two batches, in training mode the batch statistics
    mix them; and the step trains both players."""
    gan = small_dcgan(separate_batches=False)
    real, fake = fashion_slice[0][:6], random_images(6)
    calls = []
    original = gan.discriminator.call

    def spy(inputs, *args, **kwargs):
        calls.append(inputs.shape[0])
        return original(inputs, *args, **kwargs)

    gan.discriminator.call = spy
    mixed = [ops.convert_to_numpy(x) for x in gan.discriminate(real, fake, training=False)]
    assert calls == [12]
    del gan.discriminator.call
    apart = [ops.convert_to_numpy(gan.discriminator(x, training=False)) for x in (real, fake)]
    for a, b in zip(mixed, apart):
        np.testing.assert_allclose(a, b, atol=1e-5)
    in_training = ops.convert_to_numpy(gan.discriminate(real, fake, training=True)[0])
    assert np.abs(in_training - ops.convert_to_numpy(gan.discriminator(real, training=True))).max() > 1e-4

    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(1e-3))
    d_before, g_before = values(gan.discriminator_variables), values(gan.generator_variables)
    history = gan.fit(fashion_slice[0][:128], batch_size=32, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
    assert_all_changed(d_before, gan.discriminator_variables, "discriminator")
    assert_all_changed(g_before, gan.generator_variables, "generator")
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 4


def test_upsampling_modes_name_their_layers():
    """Nearest (the default and the presets'): a convolution of the inputs
    upsampled by nearest neighbour (one layer, computed at the input's
    resolution). Bilinear: UpSampling2D then a convolution. Sub-pixel: a
    convolution to 4x the channels at the input's resolution, then
    depth_to_space."""
    nearest = DCGAN(generator_filters=(32, 16, 8))
    assert nearest.upsampling == "nearest" and nearest.get_config()["upsampling"] == "nearest"
    conv = nearest.generator.get_layer("block_1_conv")
    assert tuple(conv.kernel.shape) == (3, 3, 32, 16) and conv.upsampling == 2
    assert conv.output.shape[1:] == (14, 14, 16)
    bilinear = DCGAN(generator_filters=(32, 16, 8), upsampling="bilinear")
    assert bilinear.generator.get_layer("block_1_upsample").output.shape[1:] == (14, 14, 32)
    assert bilinear.generator.get_layer("block_1_conv").upsampling == 1
    gan = DCGAN(generator_filters=(32, 16, 8), upsampling="subpixel")
    assert gan.get_config()["upsampling"] == "subpixel"
    conv = gan.generator.get_layer("block_1_conv")
    assert tuple(conv.kernel.shape) == (3, 3, 32, 4 * 16)
    assert gan.generator.get_layer("block_1_shuffle").output.shape[1:] == (14, 14, 16)
    assert kg.zoo.load("dcgan_fashion_mnist").upsampling == "nearest"


def test_subpixel_blocks_start_as_nearest_upsampling_of_a_convolution():
    """ICNR: the four sub-pixel positions share one kernel at initialization,
    so the block's output is a low-resolution convolution upsampled by
    nearest neighbour; training then makes them differ."""
    conv = keras.layers.Conv2D(4 * 5, 3, padding="same", use_bias=False,
                               kernel_initializer=kg.layers.SubPixelInitializer(2))
    shuffle = kg.layers.SubPixelUpsampling(2)
    x = random_images(2, shape=(6, 6, 3))
    out = ops.convert_to_numpy(shuffle(conv(x)))
    plain = ops.convert_to_numpy(ops.conv(x, conv.kernel[..., :5], padding="same"))
    np.testing.assert_allclose(out, plain.repeat(2, axis=1).repeat(2, axis=2), atol=1e-5)
    assert float(ops.std(conv.kernel[..., :5])) > 0.01  # not all zeros
    config = kg.layers.SubPixelInitializer(2, "he_normal").get_config()
    again = kg.layers.SubPixelInitializer(**config)
    assert again.scale == 2 and again.initializer.get_config() == keras.initializers.HeNormal().get_config()
    with pytest.raises(ValueError, match="divisible by scale\\*\\*2 = 4"):
        kg.layers.SubPixelInitializer(2)((3, 3, 3, 6))
    # The DCGAN's blocks use it, and the model still round-trips its config.
    gan = DCGAN(generator_filters=(16, 8, 4), upsampling="subpixel")
    kernel = ops.convert_to_numpy(gan.generator.get_layer("block_1_conv").kernel)
    np.testing.assert_array_equal(kernel[..., :8], kernel[..., 8:16])
    assert DCGAN.from_config(gan.get_config()).upsampling == "subpixel"


def test_dcgan_default_architecture_sizes():
    gan = DCGAN(image_shape=(32, 32, 3), generator_filters=(64, 32, 16, 8))
    assert gan.generator.output_shape == (None, 32, 32, 3)
    assert gan.discriminator.output_shape == (None, 1)
    assert gan.generate(2, seed=0).shape == (2, 32, 32, 3)
