"""Building blocks shared by the variants."""

from keras_gans.layers.blocks import discriminator_body, generator_body, upsample_conv
