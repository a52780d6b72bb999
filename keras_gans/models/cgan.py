"""Conditional GAN (Mirza & Osindero, 2014): both players see the label."""

import keras
from keras import layers, ops

from keras_gans import latent, metrics
from keras_gans.core.adversarial import AdversarialModel, check_latent_dim
from keras_gans.core.recipe import Recipe
from keras_gans.models.image_networks import ImageNetworks
from keras_gans.layers.conditioning import (
    check_class_labels,
    check_training_labels,
    label_planes,
    label_vector,
    labels_of,
)


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(ImageNetworks, AdversarialModel):
    """Class-conditional DCGAN.

    The generator gets the latent concatenated with the one-hot label; the
    discriminator gets the image with one-hot label planes as extra
    channels. Train on `(images, labels)` batches; fake samples are
    conditioned on uniformly drawn labels.

    Args:
        num_classes: number of classes.
        latent_dim: size of the latent vector.
        **kwargs: the network options of `DCGAN` (`image_shape`,
            `generator_filters`, `discriminator_filters`, `kernel_size`,
            `upsampling`, `dropout`, `normalization`,
            `spectral_normalization`) and `AdversarialModel` options.

    Example:

    ```python
    gan = keras_gans.models.CGAN(num_classes=10)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(keras_gans.datasets.load("fashion_mnist", with_labels=True), epochs=5)
    sneakers = gan.generate(16, labels=7)
    ```
    """

    recipes = {"cgan": Recipe(model_args={"latent_dim": 100}, with_labels=True)}
    task = "class-conditional image generation"
    figure_caption = "one row per requested class (0-9), 8 samples each, seed 0"

    def __init__(self, num_classes=10, latent_dim=100, **kwargs):
        self.num_classes = int(num_classes)
        self.configure_image_networks(kwargs)
        super().__init__(
            self.build_generator(latent_dim), self.build_discriminator(), latent_dim=latent_dim, **kwargs
        )

    def build_generator(self, latent_dim):
        """Latent + one-hot label -> the DCGAN generator body."""
        latents = keras.Input((check_latent_dim(latent_dim),), name="latents")
        labels = keras.Input((), dtype="int32", name="labels")
        x = layers.Concatenate(name="condition")(
            [latents, label_vector(labels, self.num_classes, "label")]
        )
        return keras.Model([latents, labels], self.image_generator(x), name="generator")

    def build_discriminator(self):
        """Image + one-hot label planes -> the DCGAN discriminator body -> logit."""
        images = keras.Input(self.image_shape, name="images")
        labels = keras.Input((), dtype="int32", name="labels")
        planes = label_planes(labels, self.num_classes, *self.image_shape[:2], "label")
        x = layers.Concatenate(name="condition")([images, planes])
        logits = self.image_head(self.image_discriminator_features(x), 1, "logits")
        return keras.Model([images, labels], logits, name="discriminator")

    def generator_inputs(self, latents, labels=None):
        return [latents, labels]

    def discriminator_inputs(self, samples, labels=None):
        return [samples, labels]

    def sample_fake_labels(self, batch_size):
        return keras.random.randint((batch_size,), 0, self.num_classes, seed=self.seed_generator, dtype="int32")

    def check_sample(self, sample):
        super().check_sample(sample)
        images = sample[0] if isinstance(sample, (tuple, list)) else sample["real"]
        check_training_labels(labels_of(sample), len(images), self.num_classes, type(self).__name__)

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

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        """How often samples are classified as the class they were asked for."""
        return metrics.conditional_accuracy(self, evaluator, num_samples)

    def save_preset_figure(self, path, dataset=None):
        latent.save_class_grid(self, path, per_class=8, seed=0)

    def networks_config(self):
        return {"num_classes": self.num_classes, **self.image_networks_config()}
