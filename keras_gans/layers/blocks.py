"""Convolutional bodies shared by the image variants.

Each function takes a Keras tensor and returns one, so a variant can put
its own inputs (labels, codes) in front and its own heads behind. Layers are
named `block_<i>_<part>` so `keras_gans.transfer.freeze(..., until="block_2")`
can address them.
"""

import math

import keras
from keras import layers

from keras_gans.layers.conv import Conv2D, Conv2DTranspose
from keras_gans.layers.normalization import BatchNormalization
from keras_gans.layers.precision import OUTPUT_DTYPE
from keras_gans.layers.spectral import SpectralConv2D, SpectralDense
from keras_gans.layers.subpixel import SubPixelInitializer, SubPixelUpsampling
from keras_gans.layers.weight_norm import WeightNormConv2D

UPSAMPLING_MODES = ("nearest", "bilinear", "transpose", "subpixel")


def upsample_conv(x, filters, kernel_size, mode, name):
    """A 2x upsampling convolution.

    `"nearest"`/`"bilinear"`: `UpSampling2D` then `Conv2D` (no checkerboard
    artifacts); for `"nearest"` that is one layer, `Conv2D(...,
    upsampling=2)`, which computes the same outputs at the inputs'
    resolution with 16 multiply-adds per pixel and channel pair where
    the upsampled 3x3 convolution takes 36. `"transpose"`: a strided `Conv2DTranspose`, as in the DCGAN
    paper. `"subpixel"`: a `Conv2D` to `4 * filters` channels at the input's
    resolution (ICNR-initialized), then `depth_to_space` (Shi et al., 2016).
    Every mode's convolution is keras-gans' (`Conv2D`, `Conv2DTranspose`),
    whose gradients on JAX run on XLA's fast kernels; their speeds per
    backend are in benchmarks/RESULTS.md.
    """
    if mode == "transpose":
        return Conv2DTranspose(
            filters, kernel_size, strides=2, padding="same", use_bias=False, name=f"{name}_conv"
        )(x)
    if mode == "subpixel":
        x = Conv2D(4 * filters, kernel_size, padding="same", use_bias=False,
                   kernel_initializer=SubPixelInitializer(2), name=f"{name}_conv")(x)
        return SubPixelUpsampling(2, name=f"{name}_shuffle")(x)
    if mode == "nearest":
        return Conv2D(filters, kernel_size, padding="same", use_bias=False, upsampling=2,
                      name=f"{name}_conv")(x)
    x = layers.UpSampling2D(2, interpolation=mode, name=f"{name}_upsample")(x)
    return Conv2D(filters, kernel_size, padding="same", use_bias=False, name=f"{name}_conv")(x)


def generator_body(x, image_shape, filters, kernel_size, upsampling, activation="tanh"):
    """Dense projection of `x` to a small feature map, then
    `len(filters) - 1` 2x upsampling blocks with BatchNorm and ReLU, and a
    convolution to `image_shape` with `activation` (tanh; `None` gives
    logits, e.g. a VAE decoder's Bernoulli logits)."""
    height, width, channels = image_shape
    scale = 2 ** (len(filters) - 1)
    x = layers.Dense((height // scale) * (width // scale) * filters[0], use_bias=False, name="project")(x)
    x = BatchNormalization(name="project_bn")(x)
    x = layers.ReLU(name="project_act")(x)
    x = layers.Reshape((height // scale, width // scale, filters[0]), name="reshape")(x)
    for i, f in enumerate(filters[1:], start=1):
        x = upsample_conv(x, f, kernel_size, upsampling, name=f"block_{i}")
        x = BatchNormalization(name=f"block_{i}_bn")(x)
        x = layers.ReLU(name=f"block_{i}_act")(x)
    return Conv2D(channels, kernel_size, padding="same", activation=activation,
                         dtype=OUTPUT_DTYPE, name="image")(x)


def discriminator_body(x, filters, kernel_size, dropout=0.0, normalization="batch",
                       spectral_normalization=False, activation="leaky_relu"):
    """Strided convolutions with LeakyReLU, normalized after the first
    block, flattened into a layer named `features`.

    Args:
        normalization: `"batch"`, `"layer"` (for gradient-penalty critics,
            where BatchNorm would couple the samples of a batch) or `None`.
        spectral_normalization: spectrally normalize every convolution
            (Miyato et al.; usually with `normalization=None`).
        activation: `"leaky_relu"` (slope 0.2, the DCGAN recipe) or `"relu"`.
    """
    conv = SpectralConv2D if spectral_normalization else Conv2D
    for i, f in enumerate(filters, start=1):
        x = conv(f, kernel_size, strides=2, padding="same", name=f"block_{i}_conv")(x)
        if i > 1 and normalization == "batch":
            x = BatchNormalization(name=f"block_{i}_bn")(x)
        elif i > 1 and normalization == "layer":
            x = layers.LayerNormalization(name=f"block_{i}_ln")(x)
        if activation == "relu":
            x = layers.ReLU(name=f"block_{i}_act")(x)
        else:
            x = layers.LeakyReLU(0.2, name=f"block_{i}_act")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"block_{i}_dropout")(x)
    return layers.Flatten(name="features")(x)


def noisy_weight_normalized_body(x, filters=(96, 192), kernel_size=3, dropout=0.5, input_noise=0.3,
                                 hidden_noise=0.5):
    """The 9-layer convolutional discriminator of Salimans et al. (2016),
    weight-normalized, with Gaussian noise added to the input of every
    layer, ending in global average pooling (a layer named `features`).

    Three `filters[0]` convolutions (the third strided), three `filters[1]`
    (the third strided), each group followed by dropout, then a valid
    convolution and two 1x1 ones (network in network), all with
    LeakyReLU(0.2). Salimans et al. use (96, 192) with their CIFAR-10
    model and Gaussian noise (0.3 on the input, 0.5 inside) with their
    MNIST one.

    Args:
        filters: the widths of the two groups.
        kernel_size: of the first seven convolutions.
        dropout: rate after each strided group.
        input_noise: standard deviation of the noise added to the images.
        hidden_noise: standard deviation of the noise added to the input of
            every later layer.
    """
    plan = [  # (width, kernel, stride, padding)
        (filters[0], kernel_size, 1, "same"), (filters[0], kernel_size, 1, "same"),
        (filters[0], kernel_size, 2, "same"),
        (filters[1], kernel_size, 1, "same"), (filters[1], kernel_size, 1, "same"),
        (filters[1], kernel_size, 2, "same"),
        (filters[1], kernel_size, 1, "valid"), (filters[1], 1, 1, "valid"), (filters[1], 1, 1, "valid"),
    ]
    # Unit-norm filters with LeakyReLU would shrink the signal ~2x in
    # variance per layer, until the noise drowns it: He's gain keeps it.
    gain = keras.initializers.Constant(math.sqrt(2.0 / (1.0 + 0.2**2)))
    for i, (width, kernel, stride, padding) in enumerate(plan, start=1):
        noise = input_noise if i == 1 else hidden_noise
        if noise:
            x = layers.GaussianNoise(noise, name=f"block_{i}_noise")(x)
        x = WeightNormConv2D(width, kernel, strides=stride, padding=padding, scale_initializer=gain,
                             name=f"block_{i}_conv")(x)
        x = layers.LeakyReLU(0.2, name=f"block_{i}_act")(x)
        if stride == 2 and dropout:
            x = layers.Dropout(dropout, name=f"block_{i}_dropout")(x)
    return layers.GlobalAveragePooling2D(name="features")(x)


def dense_head(x, units, name, spectral_normalization=False):
    """A linear output head (`Dense`, or `SpectralDense` when the
    discriminator is spectrally normalized)."""
    dense = SpectralDense if spectral_normalization else layers.Dense
    return dense(units, dtype=OUTPUT_DTYPE, name=name)(x)
