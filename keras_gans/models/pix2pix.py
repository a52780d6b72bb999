"""Pix2Pix (Isola et al., 2017): paired image-to-image translation with a
U-Net generator, a PatchGAN discriminator and an L1 term."""

import keras
from keras import ops

from keras_gans import datasets
from keras_gans.core.recipe import Recipe
from keras_gans.layers.image_to_image import patch_discriminator, unet_generator
from keras_gans.models.translation import PairedTranslationGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(PairedTranslationGAN):
    """Pix2Pix: `adversarial + l1_weight * L1(G(x), y)`.

    The U-Net generator's skip connections carry the input's structure to
    the output, and dropout in its decoder is its only noise. The PatchGAN
    discriminator judges the concatenated `(input, output)` pair, one logit
    per patch, so it penalizes local unsharpness that L1 alone leaves (L1
    alone gives the blurry mean of the plausible outputs). Train on
    `(inputs, targets)` batches; logs `adversarial_loss` and `l1_loss`.

    With `adversarial_weight=0` it is the same U-Net trained with L1 only
    (the `pix2pix_l1` recipe), the lecture's comparison.

    Args:
        image_shape: `(height, width, channels)` of the targets. Defaults to
            `(28, 28, 1)`.
        source_channels: channels of the inputs. Defaults to the targets'.
        generator_filters: channels of the U-Net's encoder blocks, the last
            the bottleneck's. Defaults to `(16, 32, 64)`.
        discriminator_filters: channels of the PatchGAN blocks. Defaults to
            `(16, 32, 64)`.
        dropout: dropout in the U-Net's first decoder blocks. Defaults to `0.5`.
        l1_weight: lambda of the L1 term. Defaults to `100.0` (the paper's).
        adversarial_weight: weight of the adversarial term. Defaults to `1.0`.
        **kwargs: `AdversarialModel` options (`label_smoothing`,
            `instance_noise`, `d_steps`, `seed`).

    Example:

    ```python
    model = keras_gans.models.Pix2Pix()
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    model.fit(keras_gans.datasets.load("fashion_edges", batch_size=64), epochs=1)
    images = model.translate(edges)
    ```
    """

    loss_term_names = ("l1",)
    recipes = {
        "pix2pix": Recipe(batch_size=64, dataset="fashion_edges"),
        "pix2pix_l1": Recipe(model_args={"adversarial_weight": 0.0}, batch_size=64, dataset="fashion_edges"),
    }
    task = "paired image-to-image translation (edges -> image)"

    def __init__(
        self,
        image_shape=(28, 28, 1),
        source_channels=None,
        generator_filters=(16, 32, 64),
        discriminator_filters=(16, 32, 64),
        dropout=0.5,
        l1_weight=100.0,
        adversarial_weight=1.0,
        **kwargs,
    ):
        self.image_shape = tuple(int(d) for d in image_shape)
        self.source_channels = int(source_channels or self.image_shape[-1])
        self.generator_filters = tuple(int(f) for f in generator_filters)
        self.discriminator_filters = tuple(int(f) for f in discriminator_filters)
        self.dropout = float(dropout)
        self.l1_weight = float(l1_weight)
        source_shape = self.image_shape[:2] + (self.source_channels,)
        generator = unet_generator(source_shape, self.image_shape[-1], self.generator_filters, self.dropout)
        discriminator = patch_discriminator(self.image_shape, source_shape, self.discriminator_filters)
        super().__init__(generator, discriminator, adversarial_weight=adversarial_weight, **kwargs)

    def loss_terms(self, batch, fake, training=True):
        return {"l1": ops.mean(ops.abs(batch["real"] - fake))}

    def test_pairs(self, limit=None):
        return datasets.translation.edges_pairs("test", limit=limit)

    def networks_config(self):
        return {
            "image_shape": self.image_shape,
            "source_channels": self.source_channels,
            "generator_filters": self.generator_filters,
            "discriminator_filters": self.discriminator_filters,
            "dropout": self.dropout,
            "l1_weight": self.l1_weight,
        }
