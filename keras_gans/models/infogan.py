"""InfoGAN (Chen et al., 2016): interpretable latent codes by mutual information."""

import keras
import numpy as np
from keras import layers, ops

from keras_gans import latent, metrics
from keras_gans.core.adversarial import AdversarialModel, check_latent_dim
from keras_gans.core import random
from keras_gans.core.recipe import Recipe
from keras_gans.layers.normalization import BatchNormalization
from keras_gans.layers.precision import OUTPUT_DTYPE
from keras_gans.models.image_networks import ImageNetworks


@keras.saving.register_keras_serializable(package="keras_gans")
class InfoGAN(ImageNetworks, AdversarialModel):
    """DCGAN networks with a categorical and continuous latent codes.

    The latent is `[noise, one-hot categorical code, continuous codes]`. The
    discriminator's body is shared by the real/fake head and a Q head that
    predicts the codes of fake images; both players minimize
    `info_weight * (CE(categorical) + continuous_weight * MSE(continuous))`,
    a lower bound on the mutual information between codes and images. Logs
    `info_loss` and `code_accuracy` (Q's accuracy on the categorical code).

    Args:
        noise_dim: size of the unstructured noise.
        num_categories: size of the categorical code.
        num_continuous: number of continuous codes, uniform in [-1, 1].
        info_weight: lambda of the mutual-information term.
        continuous_weight: weight of the continuous codes inside it.
        **kwargs: the network options of `DCGAN` (`image_shape`,
            `generator_filters`, `discriminator_filters`, `kernel_size`,
            `upsampling`, `dropout`, `normalization`,
            `spectral_normalization`) and `AdversarialModel` options.

    Example:

    ```python
    gan = keras_gans.models.InfoGAN(num_categories=10, num_continuous=2)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))
    gan.fit(keras_gans.datasets.load("fashion_mnist"), epochs=5)
    z = gan.code_latents(category=3, continuous=[0.5, -0.5], seed=0)
    ```
    """

    metric_names = ("d_loss", "g_loss", "info_loss", "code_accuracy")
    # Chen et al.: the generator (with Q's loss) learns faster than D.
    recipes = {"infogan": Recipe(g_learning_rate=1e-3, batch_size=64)}
    task = "unsupervised disentangled generation (categorical + continuous codes)"
    evaluation_monitor = "clustering_accuracy"  # what it is for: codes that find the classes
    figure_caption = (
        "one row per categorical code; along each row the first continuous code goes from -1 to 1"
    )

    def __init__(
        self,
        noise_dim=62,
        num_categories=10,
        num_continuous=2,
        info_weight=1.0,
        continuous_weight=0.5,
        **kwargs,
    ):
        kwargs.pop("latent_dim", None)
        self.noise_dim = int(noise_dim)
        self.num_categories = int(num_categories)
        self.num_continuous = int(num_continuous)
        self.info_weight = float(info_weight)
        self.continuous_weight = float(continuous_weight)
        self.configure_image_networks(kwargs)
        latent_dim = self.noise_dim + self.num_categories + self.num_continuous

        latents = keras.Input((check_latent_dim(latent_dim),), name="latents")
        generator = keras.Model(latents, self.image_generator(latents), name="generator")

        image_in = keras.Input(self.image_shape, name="images")
        features = self.image_discriminator_features(image_in)
        logits = self.image_head(features, 1, "logits")
        q = layers.Dense(128, name="q_dense")(features)
        q = BatchNormalization(name="q_bn")(q)
        q = layers.LeakyReLU(0.2, name="q_act")(q)
        category_logits = layers.Dense(self.num_categories, dtype=OUTPUT_DTYPE, name="q_category")(q)
        continuous = layers.Dense(max(self.num_continuous, 1), dtype=OUTPUT_DTYPE,
                                  name="q_continuous")(q)
        discriminator = keras.Model(image_in, [logits, category_logits, continuous], name="discriminator")
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)

    def sample_latent(self, batch_size, seed=None):
        draw = random.source(seed, default=self.seed_generator)
        noise = draw.normal((batch_size, self.noise_dim))
        category = draw.randint((batch_size,), 0, self.num_categories)
        continuous = draw.uniform((batch_size, self.num_continuous), -1.0, 1.0)
        return ops.concatenate(
            [noise, ops.one_hot(category, self.num_categories), continuous], axis=1
        )

    def split_codes(self, latents):
        """`(category_index, continuous_codes)` of a latent batch."""
        start = self.noise_dim
        category = ops.argmax(latents[:, start : start + self.num_categories], axis=1)
        return category, latents[:, start + self.num_categories :]

    def code_latents(self, category, continuous=None, num_samples=1, seed=0):
        """Latents with fixed codes and noise drawn from `seed`."""
        latents = ops.convert_to_numpy(
            self.sample_latent(num_samples, seed=seed)
        )
        latents[:, self.noise_dim : self.noise_dim + self.num_categories] = np.eye(self.num_categories)[category]
        if continuous is not None:
            latents[:, self.noise_dim + self.num_categories :] = np.asarray(continuous, "float32")
        return latents

    def information_loss(self, latents, category_logits, continuous):
        category, codes = self.split_codes(latents)
        cross_entropy = ops.mean(
            keras.losses.sparse_categorical_crossentropy(category, category_logits, from_logits=True)
        )
        loss = cross_entropy
        if self.num_continuous:
            loss = loss + self.continuous_weight * ops.mean(ops.square(continuous - codes))
        accuracy = ops.mean(ops.cast(ops.argmax(category_logits, axis=1) == category, "float32"))
        return self.info_weight * loss, accuracy

    def discriminator_loss(self, batch, training=True):
        real = batch["real"]
        latents = self.sample_latent(ops.shape(real)[0])
        fake = ops.stop_gradient(self.generator(latents, training=training))
        (real_logits, _, _), (fake_logits, category_logits, continuous) = self.discriminate(
            real, fake, training
        )
        info, accuracy = self.information_loss(latents, category_logits, continuous)
        loss = self.adversarial_loss.discriminator_loss(real_logits, fake_logits)
        return loss + info, {"info_loss": info, "code_accuracy": accuracy}

    def generator_loss(self, batch, training=True):
        latents = self.sample_latent(ops.shape(batch["real"])[0])
        fake = self.add_instance_noise(self.generator(latents, training=training), training)
        fake_logits, category_logits, continuous = self.discriminator(fake, training=training)
        info, _ = self.information_loss(latents, category_logits, continuous)
        return self.adversarial_loss.generator_loss(fake_logits) + info, {}

    def predict_category(self, images, batch_size=256):
        """Q's categorical code for each image (for clustering real data)."""
        self.check_data(images)
        _, category_logits, _ = self.discriminator.predict(images, batch_size=batch_size, verbose=0)
        return category_logits.argmax(axis=1)

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        """How well the categorical code clusters the classes."""
        return metrics.code_clustering(self, evaluator, num_samples)

    def save_preset_figure(self, path, dataset=None):
        if not self.num_continuous:
            return super().save_preset_figure(path, dataset)
        latent.save_code_traversal(self, path, code=0, values=np.linspace(-1.0, 1.0, 8), seed=0)

    def networks_config(self):
        return {
            "noise_dim": self.noise_dim,
            "num_categories": self.num_categories,
            "num_continuous": self.num_continuous,
            "info_weight": self.info_weight,
            "continuous_weight": self.continuous_weight,
            **self.image_networks_config(),
        }

