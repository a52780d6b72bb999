"""DCGAN (Radford et al., 2016) with its well-known training tricks."""

import keras
from keras import layers

from keras_gans.core.adversarial import AdversarialModel
from keras_gans.layers.blocks import UPSAMPLING_MODES, dense_head, discriminator_body, generator_body


def build_dcgan_generator(latent_dim, image_shape, filters, kernel_size, upsampling):
    latents = keras.Input((latent_dim,), name="latents")
    images = generator_body(latents, image_shape, filters, kernel_size, upsampling)
    return keras.Model(latents, images, name="generator")


def build_dcgan_discriminator(image_shape, filters, kernel_size, dropout, normalization="batch",
                              spectral_normalization=False):
    images = keras.Input(image_shape, name="images")
    features = discriminator_body(images, filters, kernel_size, dropout, normalization, spectral_normalization)
    logits = dense_head(features, 1, "logits", spectral_normalization)
    return keras.Model(images, logits, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(AdversarialModel):
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
        upsampling: `"nearest"` (default), `"bilinear"` or `"transpose"`.
        dropout: dropout after each discriminator block.
        normalization: the discriminator's normalization, `"batch"`,
            `"layer"` or `None`.
        spectral_normalization: spectrally normalize the discriminator's
            convolutions and heads (Miyato et al., 2018).
        **kwargs: `AdversarialModel` options.

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

    def __init__(
        self,
        latent_dim=100,
        image_shape=(28, 28, 1),
        generator_filters=(128, 64, 32),
        discriminator_filters=(64, 128),
        kernel_size=3,
        upsampling="nearest",
        dropout=0.0,
        normalization="batch",
        spectral_normalization=False,
        **kwargs,
    ):
        image_shape = tuple(int(d) for d in image_shape)
        if len(image_shape) != 3:
            raise ValueError(
                f"`image_shape` must be (height, width, channels); received {image_shape}."
            )
        if upsampling not in UPSAMPLING_MODES:
            raise ValueError(
                f"`upsampling` must be one of {UPSAMPLING_MODES}; received {upsampling!r}."
            )
        scale = 2 ** (len(generator_filters) - 1)
        if image_shape[0] % scale or image_shape[1] % scale:
            raise ValueError(
                f"`image_shape` {image_shape[:2]} must be divisible by {scale} "
                f"for {len(generator_filters) - 1} upsampling blocks."
            )
        self.image_shape = image_shape
        self.generator_filters = tuple(int(f) for f in generator_filters)
        self.discriminator_filters = tuple(int(f) for f in discriminator_filters)
        self.kernel_size = int(kernel_size)
        self.upsampling = upsampling
        self.dropout = float(dropout)
        self.normalization = normalization
        self.spectral_normalization = bool(spectral_normalization)
        super().__init__(
            generator=build_dcgan_generator(
                latent_dim, image_shape, self.generator_filters, self.kernel_size, upsampling
            ),
            discriminator=build_dcgan_discriminator(
                image_shape, self.discriminator_filters, self.kernel_size, self.dropout, normalization,
                self.spectral_normalization,
            ),
            latent_dim=latent_dim,
            **kwargs,
        )

    def networks_config(self):
        return {
            "image_shape": self.image_shape,
            "generator_filters": self.generator_filters,
            "discriminator_filters": self.discriminator_filters,
            "kernel_size": self.kernel_size,
            "upsampling": self.upsampling,
            "dropout": self.dropout,
            "normalization": self.normalization,
            "spectral_normalization": self.spectral_normalization,
        }
