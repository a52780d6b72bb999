"""DCGAN (Radford et al., 2016) with its well-known training tricks."""

import keras

from keras_gans.core.adversarial import AdversarialModel, check_latent_dim
from keras_gans.core.recipe import Recipe
from keras_gans.models.image_networks import ImageNetworks


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(ImageNetworks, AdversarialModel):
    """Deep convolutional GAN.

    The generator projects the latent to a small feature map and doubles its
    resolution `len(generator_filters) - 1` times; the discriminator halves it
    with strided convolutions. The training tricks are constructor options
    shared by every variant: `label_smoothing` (one-sided, e.g. 0.1),
    `instance_noise` (std of Gaussian noise on D's inputs), `separate_batches`
    (real and fake never share a BatchNorm batch) and `latent_distribution`
    (`"normal"` rather than uniform latents).

    Args:
        latent_dim: size of the latent vector.
        image_shape: `(height, width, channels)`; height and width must be
            divisible by `2 ** (len(generator_filters) - 1)`.
        generator_filters: channels of the projected map and of each
            upsampling block.
        discriminator_filters: channels of each strided block.
        kernel_size: convolution kernel size.
        upsampling: the generator's 2x upsampling: `"nearest"` (default;
            `UpSampling2D` then a convolution, computed as one
            `kg.layers.Conv2D(..., upsampling=2)` at the input's resolution),
            `"bilinear"` (`UpSampling2D` then a convolution), `"subpixel"` (a
            convolution to 4x the channels, ICNR-initialized, then
            `depth_to_space`; slower to learn per step in the runs measured
            in benchmarks/RESULTS.md), or `"transpose"` (a strided
            `Conv2DTranspose`, as in the DCGAN paper: 1.2x to 1.6x the
            nearest generator's steps per second, on every backend).
        dropout: dropout after each discriminator block.
        normalization: the discriminator's normalization, `"batch"`,
            `"layer"` or `None`.
        spectral_normalization: spectrally normalize the discriminator's
            convolutions and heads (Miyato et al., 2018).
        **kwargs: `AdversarialModel` options.

    Every image variant (`WGANGP`, `CGAN`, `ACGAN`, `InfoGAN`, `SGAN`) takes
    the same network options (`keras_gans.models.image_networks`).

    Example:

    ```python
    gan = keras_gans.models.DCGAN(latent_dim=100, image_shape=(28, 28, 1),
                                  label_smoothing=0.1, separate_batches=True)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    gan.fit(keras_gans.datasets.load("fashion_mnist", batch_size=128), epochs=5)
    ```
    """

    recipes = {"dcgan": Recipe(model_args={"latent_dim": 100})}

    def __init__(self, latent_dim=100, **kwargs):
        self.configure_image_networks(kwargs)
        latents = keras.Input((check_latent_dim(latent_dim),), name="latents")
        generator = keras.Model(latents, self.image_generator(latents), name="generator")
        images = keras.Input(self.image_shape, name="images")
        logits = self.image_head(self.image_discriminator_features(images), 1, "logits")
        discriminator = keras.Model(images, logits, name="discriminator")
        super().__init__(generator=generator, discriminator=discriminator, latent_dim=latent_dim, **kwargs)

    def networks_config(self):
        return self.image_networks_config()
