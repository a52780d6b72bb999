"""Conditional GAN (Mirza & Osindero, 2014): both players see the label."""

import keras
from keras import layers, ops

from keras_gans.core.adversarial import AdversarialModel
from keras_gans.layers.blocks import dense_head, discriminator_body, generator_body
from keras_gans.layers.conditioning import check_class_labels, label_planes, label_vector


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(AdversarialModel):
    """Class-conditional DCGAN.

    The generator gets the latent concatenated with the one-hot label; the
    discriminator gets the image with one-hot label planes as extra
    channels. Train on `(images, labels)` batches; fake samples are
    conditioned on uniformly drawn labels.

    Args:
        num_classes: number of classes.
        latent_dim: size of the latent vector.
        image_shape: `(height, width, channels)`.
        generator_filters, discriminator_filters, kernel_size, upsampling,
            dropout: as in `DCGAN`.
        spectral_normalization: spectrally normalize the discriminator's
            convolutions and heads (Miyato et al., 2018).
        **kwargs: `AdversarialModel` options.

    Example:

    ```python
    gan = keras_gans.models.CGAN(num_classes=10)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(keras_gans.datasets.load("fashion_mnist", with_labels=True), epochs=5)
    sneakers = gan.generate(16, labels=7)
    ```
    """

    def __init__(
        self,
        num_classes=10,
        latent_dim=100,
        image_shape=(28, 28, 1),
        generator_filters=(128, 64, 32),
        discriminator_filters=(64, 128),
        kernel_size=3,
        upsampling="nearest",
        dropout=0.0,
        spectral_normalization=False,
        **kwargs,
    ):
        self.num_classes = int(num_classes)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.generator_filters = tuple(generator_filters)
        self.discriminator_filters = tuple(discriminator_filters)
        self.kernel_size = int(kernel_size)
        self.upsampling = upsampling
        self.dropout = float(dropout)
        self.spectral_normalization = bool(spectral_normalization)

        super().__init__(
            self.build_generator(latent_dim), self.build_discriminator(), latent_dim=latent_dim, **kwargs
        )

    def build_generator(self, latent_dim):
        """Latent + one-hot label -> the DCGAN generator body."""
        latents = keras.Input((latent_dim,), name="latents")
        labels = keras.Input((), dtype="int32", name="labels")
        x = layers.Concatenate(name="condition")(
            [latents, label_vector(labels, self.num_classes, "label")]
        )
        images = generator_body(
            x, self.image_shape, self.generator_filters, self.kernel_size, self.upsampling
        )
        return keras.Model([latents, labels], images, name="generator")

    def build_discriminator(self):
        """Image + one-hot label planes -> the DCGAN discriminator body -> logit."""
        images = keras.Input(self.image_shape, name="images")
        labels = keras.Input((), dtype="int32", name="labels")
        planes = label_planes(labels, self.num_classes, *self.image_shape[:2], "label")
        x = layers.Concatenate(name="condition")([images, planes])
        features = self.discriminator_features_body(x)
        logits = dense_head(features, 1, "logits", self.spectral_normalization)
        return keras.Model([images, labels], logits, name="discriminator")

    def discriminator_features_body(self, x):
        """The shared DCGAN discriminator body with this model's options."""
        return discriminator_body(
            x, self.discriminator_filters, self.kernel_size, self.dropout,
            spectral_normalization=self.spectral_normalization,
        )

    def generator_inputs(self, latents, labels=None):
        return [latents, labels]

    def discriminator_inputs(self, samples, labels=None):
        return [samples, labels]

    def sample_fake_labels(self, batch_size):
        return keras.random.randint((batch_size,), 0, self.num_classes, seed=self.seed_generator, dtype="int32")

    def check_labels(self, labels, num_samples):
        return check_class_labels(labels, num_samples, self.num_classes, type(self).__name__)

    def unpack_batch(self, data):
        batch = super().unpack_batch(data)
        if "labels" not in batch:
            raise ValueError(
                f"{type(self).__name__} trains on (images, labels) batches; received images "
                "only. Load the data with `with_labels=True`."
            )
        batch["labels"] = ops.cast(ops.reshape(batch["labels"], (-1,)), "int32")
        return batch

    def networks_config(self):
        return {
            "num_classes": self.num_classes,
            "image_shape": self.image_shape,
            "generator_filters": self.generator_filters,
            "discriminator_filters": self.discriminator_filters,
            "kernel_size": self.kernel_size,
            "upsampling": self.upsampling,
            "dropout": self.dropout,
            "spectral_normalization": self.spectral_normalization,
        }

