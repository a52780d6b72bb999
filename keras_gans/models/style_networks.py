"""The networks of StyleGAN2 (Karras et al., 2020), sized by their channels.

- `mapping_network`: z -> w, a stack of equalized dense layers with a 100x
  smaller learning rate (`lr_multiplier=0.01`), as in the paper.
- `synthesis_network`: per-layer styles `(batch, num_ws, w_dim)` -> image.
  A learned 4x4 constant, then per resolution two modulated 3x3
  convolutions (the first upsampling) with noise, and a toRGB layer whose
  output is added to the upsampled image so far: the "skip" generator.
- `residual_discriminator`: fromRGB, residual blocks that halve the
  resolution down to 4x4, then minibatch standard deviation, a 3x3
  convolution and two dense layers.

Neither grows progressively: with skip connections in G and residual blocks
in D, StyleGAN2 showed that training all resolutions at once learns the same
coarse-to-fine order by itself (the low-resolution toRGB outputs dominate
early), without progressive growing's phase artifacts and schedule.
"""

import math

import keras

from keras_gans.layers.precision import OUTPUT_DTYPE
from keras_gans.layers.style import (
    EqualizedConv2D,
    EqualizedDense,
    LearnedConstant,
    MinibatchStdDev,
    ModulatedConv2D,
    NormalizeSecondMoment,
)

BASE_RESOLUTION = 4


def resolutions(channels):
    """The resolutions `(4, 8, ...)` that a channel tuple describes."""
    return tuple(BASE_RESOLUTION * 2**i for i in range(len(channels)))


def num_styles(channels):
    """How many style vectors the synthesis network takes: one per
    modulated convolution and one for the last toRGB layer
    (8 at 32x32)."""
    return 2 * len(channels)


def mapping_network(latent_dim, w_dim, num_layers, lr_multiplier=0.01, name="mapping"):
    """z `(batch, latent_dim)` -> w `(batch, w_dim)`."""
    latents = keras.Input((latent_dim,), name="latents")
    x = NormalizeSecondMoment(name="normalize")(latents)
    for i in range(num_layers):
        x = EqualizedDense(w_dim, lr_multiplier=lr_multiplier, activation="leaky_relu", name=f"dense_{i}")(x)
    return keras.Model(latents, x, name=name)


def synthesis_network(channels, w_dim, image_channels, seed=None, name="synthesis"):
    """Styles `(batch, num_styles(channels), w_dim)` -> images in [-1, 1].

    Args:
        channels: feature channels at 4x4, 8x8, ... (the last resolution is
            the image's).
        w_dim: size of w.
        image_channels: channels of the image.
        seed: base seed of the noise inputs.
        name: the model's name.
    """
    styles = keras.Input((num_styles(channels), w_dim), name="styles")

    def style(i):
        return styles[:, i]

    def noise_seed(i):
        return None if seed is None else int(seed) * 1009 + i

    x = LearnedConstant((BASE_RESOLUTION, BASE_RESOLUTION, channels[0]), name="constant")(styles)
    x = ModulatedConv2D(channels[0], 3, noise=True, seed=noise_seed(0), name="conv_4")([x, style(0)])
    image = ModulatedConv2D(
        image_channels, 1, demodulate=False, activation=None, dtype=OUTPUT_DTYPE, name="to_rgb_4"
    )([x, style(1)])
    index = 1
    for size, filters in zip(resolutions(channels)[1:], channels[1:]):
        x = ModulatedConv2D(
            filters, 3, upsample=True, noise=True, seed=noise_seed(index), name=f"conv_{size}_up"
        )([x, style(index)])
        x = ModulatedConv2D(filters, 3, noise=True, seed=noise_seed(index + 1), name=f"conv_{size}")(
            [x, style(index + 1)]
        )
        skip = keras.layers.UpSampling2D(2, interpolation="bilinear", name=f"upsample_rgb_{size}")(image)
        rgb = ModulatedConv2D(
            image_channels, 1, demodulate=False, activation=None, dtype=OUTPUT_DTYPE,
            name=f"to_rgb_{size}",
        )([x, style(index + 2)])
        image = keras.layers.Add(name=f"add_rgb_{size}")([skip, rgb])
        index += 2
    image = keras.layers.Activation("tanh", name="tanh")(image)
    return keras.Model(styles, image, name=name)


def style_generator(mapping, synthesis, name="generator"):
    """z -> image: the same w for every layer (no mixing), for `generate`
    and for the base class's `generator(latents)` contract."""
    latents = keras.Input(mapping.input_shape[1:], name="latents")
    num_ws = synthesis.input_shape[1]
    styles = keras.layers.RepeatVector(num_ws, name="broadcast_w")(mapping(latents))
    return keras.Model(latents, synthesis(styles), name=name)


def residual_discriminator(image_shape, channels, mbstd_group_size=4, name="discriminator"):
    """Images -> logits `(batch, 1)`, StyleGAN2's residual discriminator.

    Args:
        image_shape: `(height, width, channels)`, height = width = the top
            resolution of `channels`.
        channels: feature channels at 4x4, 8x8, ... (as the generator's).
        mbstd_group_size: group size of the minibatch standard deviation.
        name: the model's name.
    """
    images = keras.Input(image_shape, name="images")
    sizes = resolutions(channels)
    x = EqualizedConv2D(channels[-1], 1, activation="leaky_relu", name="from_rgb")(images)
    for block, (size, filters, next_filters) in enumerate(
        zip(sizes[:0:-1], channels[:0:-1], channels[-2::-1]), start=1
    ):
        skip = keras.layers.AveragePooling2D(2, name=f"block_{block}_skip_pool")(x)
        skip = EqualizedConv2D(next_filters, 1, use_bias=False, name=f"block_{block}_skip")(skip)
        x = EqualizedConv2D(filters, 3, activation="leaky_relu", name=f"block_{block}_conv_1")(x)
        x = EqualizedConv2D(next_filters, 3, activation="leaky_relu", name=f"block_{block}_conv_2")(x)
        x = keras.layers.AveragePooling2D(2, name=f"block_{block}_pool")(x)
        x = keras.layers.Add(name=f"block_{block}_add")([x, skip])
        x = keras.layers.Rescaling(1.0 / math.sqrt(2.0), name=f"block_{block}")(x)
    x = MinibatchStdDev(mbstd_group_size, name="minibatch_stddev")(x)
    x = EqualizedConv2D(channels[0], 3, activation="leaky_relu", name="epilogue_conv")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = EqualizedDense(channels[0], activation="leaky_relu", name="features")(x)
    logits = EqualizedDense(1, dtype=OUTPUT_DTYPE, name="logits")(x)
    return keras.Model(images, logits, name=name)
