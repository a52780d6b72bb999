"""Networks of the image-to-image variants: U-Net, ResNet and SRResNet
generators, PatchGAN and strided discriminators, and their parts.

Every function takes a shape and returns a functional `keras.Model` whose
layers are named `block_<i>_<part>` (so `keras_gans.transfer.freeze` can
address them). Upsampling is sub-pixel (a convolution to 4x the channels,
then `keras.ops.depth_to_space`): free of checkerboard artifacts, and much
faster than `Conv2DTranspose` under XLA on CPU (see benchmarks/RESULTS.md).
Normalization is per-image (instance normalization), so a translation never
depends on the other images of its batch.
"""

import keras
from keras import layers

from keras_gans.layers.conv import Conv2D
from keras_gans.layers.normalization import BatchNormalization, GroupNormalization
from keras_gans.layers.precision import OUTPUT_DTYPE
from keras_gans.layers.subpixel import SubPixelUpsampling


def instance_norm(name):
    """Instance normalization: `GroupNormalization` with one group per channel."""
    return GroupNormalization(groups=-1, epsilon=1e-5, name=name)


def conv_block(x, filters, kernel_size, strides, name, norm=True, activation="leaky_relu"):
    """Conv -> instance norm (optional) -> LeakyReLU(0.2) / ReLU / PReLU / none."""
    x = Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=not norm,
                      name=f"{name}_conv")(x)
    if norm:
        x = instance_norm(f"{name}_norm")(x)
    if activation == "leaky_relu":
        x = layers.LeakyReLU(0.2, name=f"{name}_act")(x)
    elif activation == "relu":
        x = layers.ReLU(name=f"{name}_act")(x)
    elif activation == "prelu":
        x = layers.PReLU(shared_axes=(1, 2), name=f"{name}_act")(x)
    return x


def upsample_block(x, filters, name, norm=True, activation="relu"):
    """2x sub-pixel upsampling to `filters` channels, normalized and activated."""
    x = Conv2D(4 * filters, 3, padding="same", use_bias=not norm, name=f"{name}_conv")(x)
    x = SubPixelUpsampling(2, name=f"{name}_shuffle")(x)
    if norm:
        x = instance_norm(f"{name}_norm")(x)
    if activation == "relu":
        x = layers.ReLU(name=f"{name}_act")(x)
    elif activation == "prelu":
        x = layers.PReLU(shared_axes=(1, 2), name=f"{name}_act")(x)
    return x


def _check_divisible(shape, factor, what):
    if shape[0] % factor or shape[1] % factor:
        raise ValueError(
            f"{what} needs a height and width divisible by {factor}; received {tuple(shape[:2])}."
        )


def unet_generator(image_shape, output_channels=None, filters=(32, 64, 128), dropout=0.5):
    """The Pix2Pix U-Net (Isola et al., 2017), sized by `filters`.

    `len(filters) - 1` strided encoder blocks, a bottleneck block, then
    decoder blocks that upsample and concatenate the encoder's output of the
    same resolution (the skip connections). Dropout in the first decoder
    blocks is the generator's only noise, as in the paper (here it is active
    in training only, so translations are deterministic).

    Args:
        image_shape: `(height, width, channels)` of the input image.
        output_channels: channels of the output. Defaults to the input's.
        filters: channels of each encoder block; the last is the bottleneck.
        dropout: dropout rate of the first (up to three) decoder blocks.
    """
    _check_divisible(image_shape, 2 ** (len(filters) - 1), "The U-Net")
    source = keras.Input(image_shape, name="source")
    x, skips = source, []
    for i, f in enumerate(filters[:-1], start=1):
        x = conv_block(x, f, 4, 2, f"block_{i}", norm=i > 1)
        skips.append(x)
    x = conv_block(x, filters[-1], 3, 1, f"block_{len(filters)}", activation="relu")
    for j, (skip, f) in enumerate(zip(reversed(skips), reversed(filters[:-1])), start=len(filters) + 1):
        x = layers.Concatenate(name=f"block_{j}_skip")([x, skip])
        x = upsample_block(x, f, f"block_{j}")
        if dropout and j - len(filters) <= 3:
            x = layers.Dropout(dropout, name=f"block_{j}_dropout")(x)
    x = Conv2D(output_channels or image_shape[-1], 3, padding="same", activation="tanh",
                      dtype=OUTPUT_DTYPE, name="image")(x)
    return keras.Model(source, x, name="generator")


def residual_block(x, filters, name, norm=True, activation="relu"):
    """Two 3x3 convolutions with a skip connection (He et al.)."""
    y = conv_block(x, filters, 3, 1, f"{name}_a", norm=norm, activation=activation)
    y = conv_block(y, filters, 3, 1, f"{name}_b", norm=norm, activation=None)
    return layers.Add(name=f"{name}_add")([x, y])


def resnet_generator(image_shape, filters=(32, 64, 128), num_residual=4):
    """The CycleGAN generator (Zhu et al., 2017): a 7x7 stem, strided
    downsampling, residual blocks, sub-pixel upsampling back, 7x7 to tanh.

    Args:
        image_shape: `(height, width, channels)`, also the output's.
        filters: stem channels, then each downsampling block's.
        num_residual: residual blocks at the lowest resolution.
    """
    _check_divisible(image_shape, 2 ** (len(filters) - 1), "The ResNet generator")
    source = keras.Input(image_shape, name="source")
    x = conv_block(source, filters[0], 7, 1, "block_1", activation="relu")
    for i, f in enumerate(filters[1:], start=2):
        x = conv_block(x, f, 3, 2, f"block_{i}", activation="relu")
    for r in range(num_residual):
        x = residual_block(x, filters[-1], f"residual_{r + 1}")
    for i, f in enumerate(reversed(filters[:-1]), start=len(filters) + 1):
        x = upsample_block(x, f, f"block_{i}")
    x = Conv2D(image_shape[-1], 7, padding="same", activation="tanh", dtype=OUTPUT_DTYPE,
                      name="image")(x)
    return keras.Model(source, x, name="generator")


def patch_discriminator(image_shape, condition_shape=None, filters=(32, 64, 128), name="discriminator"):
    """The PatchGAN discriminator: one logit per overlapping patch.

    Strided 4x4 convolutions for all but the last of `filters`, a stride-1
    block, then a 1-channel convolution: the output `(h', w', 1)` holds one
    real/fake logit per receptive field.

    Args:
        image_shape: the judged image's shape.
        condition_shape: shape of a conditioning image concatenated on the
            channel axis (Pix2Pix judges `(input, output)` pairs). Defaults
            to `None` (unconditional, as in CycleGAN).
        filters: channels of each block.
        name: the model's name.
    """
    sample = keras.Input(image_shape, name="sample")
    inputs = [sample]
    x = sample
    if condition_shape is not None:
        condition = keras.Input(condition_shape, name="condition")
        inputs = [condition, sample]
        x = layers.Concatenate(name="pair")([condition, sample])
    for i, f in enumerate(filters, start=1):
        last = i == len(filters)
        x = conv_block(x, f, 4, 1 if last else 2, f"block_{i}", norm=i > 1)
    x = layers.Identity(name="features")(x)
    logits = Conv2D(1, 4, padding="same", dtype=OUTPUT_DTYPE, name="logits")(x)
    return keras.Model(inputs if len(inputs) > 1 else sample, logits, name=name)


def srresnet_generator(source_shape, scale=4, filters=64, num_residual=8):
    """The SRResNet generator (Ledig et al., 2017), without BatchNorm (as in
    EDSR, Lim et al., 2017: normalization hurts super-resolution).

    A 9x9 stem with PReLU, `num_residual` residual blocks, a long skip, then
    `log2(scale)` sub-pixel 2x upsampling blocks and a 9x9 tanh convolution.

    Args:
        source_shape: `(height, width, channels)` of the low-resolution input.
        scale: 2 or 4 (or any power of two).
        filters: channels throughout.
        num_residual: residual blocks.
    """
    if scale < 2 or scale & (scale - 1):
        raise ValueError(f"`scale` must be a power of two >= 2; received {scale}.")
    source = keras.Input(source_shape, name="source")
    stem = Conv2D(filters, 9, padding="same", name="block_1_conv")(source)
    stem = layers.PReLU(shared_axes=(1, 2), name="block_1_act")(stem)
    x = stem
    for r in range(num_residual):
        x = residual_block(x, filters, f"residual_{r + 1}", norm=False, activation="prelu")
    x = Conv2D(filters, 3, padding="same", name="block_2_conv")(x)
    x = layers.Add(name="block_2_skip")([x, stem])
    for i in range(scale.bit_length() - 1):
        x = upsample_block(x, filters, f"block_{i + 3}", norm=False, activation="prelu")
    x = Conv2D(source_shape[-1], 9, padding="same", activation="tanh", dtype=OUTPUT_DTYPE,
                      name="image")(x)
    return keras.Model(source, x, name="generator")


def strided_discriminator(image_shape, filters=(16, 32, 64), dense_units=128):
    """The SRGAN discriminator: pairs of 3x3 convolutions (stride 1, then
    2) with BatchNorm and LeakyReLU, a dense layer and one logit."""
    sample = keras.Input(image_shape, name="sample")
    x = sample
    for i, f in enumerate(filters, start=1):
        x = Conv2D(f, 3, padding="same", name=f"block_{i}_conv_1")(x)
        if i > 1:
            x = BatchNormalization(name=f"block_{i}_bn_1")(x)
        x = layers.LeakyReLU(0.2, name=f"block_{i}_act_1")(x)
        x = Conv2D(f, 3, strides=2, padding="same", name=f"block_{i}_conv_2")(x)
        x = BatchNormalization(name=f"block_{i}_bn_2")(x)
        x = layers.LeakyReLU(0.2, name=f"block_{i}_act_2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense_units, name="dense")(x)
    x = layers.LeakyReLU(0.2, name="features")(x)
    logits = layers.Dense(1, dtype=OUTPUT_DTYPE, name="logits")(x)
    return keras.Model(sample, logits, name="discriminator")
