"""Building blocks shared by the variants."""

from keras_gans.layers.blocks import (
    dense_head,
    discriminator_body,
    generator_body,
    noisy_weight_normalized_body,
    upsample_conv,
)
from keras_gans.layers.conv import Conv2D, Conv2DTranspose
from keras_gans.layers.normalization import BatchNormalization, GroupNormalization
from keras_gans.layers.spectral import SpectralConv2D, SpectralDense
from keras_gans.layers.weight_norm import WeightNormConv2D, WeightNormDense
from keras_gans.layers.subpixel import SubPixelInitializer, SubPixelUpsampling
from keras_gans.layers.image_to_image import (
    patch_discriminator,
    resnet_generator,
    srresnet_generator,
    strided_discriminator,
    unet_generator,
)
from keras_gans.layers.image_pool import ImagePool
from keras_gans.layers.minibatch import MinibatchStdDev
