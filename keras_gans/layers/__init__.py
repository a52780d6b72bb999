"""Building blocks shared by the variants."""

from keras_gans.layers.blocks import dense_head, discriminator_body, generator_body, upsample_conv
from keras_gans.layers.spectral import SpectralConv2D, SpectralDense
