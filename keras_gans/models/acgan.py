"""AC-GAN (Odena et al., 2017): the discriminator also classifies."""

import keras
from keras import ops

from keras_gans import metrics
from keras_gans.core.recipe import Recipe
from keras_gans.models.cgan import CGAN


def class_cross_entropy(labels, logits):
    return ops.mean(
        keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    )


@keras.saving.register_keras_serializable(package="keras_gans")
class ACGAN(CGAN):
    """Auxiliary-classifier GAN.

    The generator is conditioned like `CGAN`'s; the discriminator sees only
    the image and has two heads: the real/fake logit and `num_classes` class
    logits. Both players add the class loss: the discriminator on real and
    fake samples, the generator on its fakes (so they look like their class).
    Logs `d_class_loss`, `g_class_loss` and `real_class_accuracy`.

    Args:
        class_weight: weight of the class losses.
        **kwargs: as in `CGAN`.

    Example:

    ```python
    gan = keras_gans.models.ACGAN(num_classes=10)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(keras_gans.datasets.load("fashion_mnist", with_labels=True), epochs=5)
    ```
    """

    metric_names = ("d_loss", "g_loss", "d_class_loss", "g_class_loss", "real_class_accuracy")

    recipes = {"acgan": Recipe(model_args={"latent_dim": 100}, with_labels=True)}
    task = "class-conditional image generation (auxiliary classifier)"

    def __init__(self, class_weight=1.0, **kwargs):
        self.class_weight = float(class_weight)
        super().__init__(**kwargs)

    def build_discriminator(self):
        """Image -> the DCGAN discriminator body -> (logit, class logits)."""
        images = keras.Input(self.image_shape, name="images")
        features = self.image_discriminator_features(images)
        logits = self.image_head(features, 1, "logits")
        class_logits = self.image_head(features, self.num_classes, "class_logits")
        return keras.Model(images, [logits, class_logits], name="discriminator")

    def discriminator_inputs(self, samples, labels=None):
        return samples

    def classify(self, images, batch_size=256):
        """The discriminator's class predictions for `images`."""
        self.check_data(images)
        _, class_logits = self.discriminator.predict(images, batch_size=batch_size, verbose=0)
        return class_logits.argmax(axis=1)

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        """Conditional accuracy, and the test accuracy of D's class head."""
        scores = super().purpose_metrics(evaluator, num_samples, run_dir)
        images, labels = metrics.real_images("test")
        scores["discriminator_test_accuracy"] = float((self.classify(images) == labels).mean())
        return scores

    def discriminator_loss(self, batch, training=True):
        real, labels = batch["real"], batch["labels"]
        fake, fake_labels = self.fake_for_discriminator(ops.shape(real)[0], training)
        (real_logits, real_classes), (fake_logits, fake_classes) = self.discriminate(
            real, fake, training
        )
        class_loss = class_cross_entropy(labels, real_classes) + class_cross_entropy(
            fake_labels, fake_classes
        )
        accuracy = ops.mean(ops.cast(ops.argmax(real_classes, axis=1) == labels, "float32"))
        loss = self.adversarial_loss.discriminator_loss(real_logits, fake_logits)
        return loss + self.class_weight * class_loss, {
            "d_class_loss": class_loss,
            "real_class_accuracy": accuracy,
        }

    def generator_loss(self, batch, training=True):
        fake, fake_labels = self.generate_fake(ops.shape(batch["real"])[0], training)
        fake_logits, fake_classes = self.discriminator(
            self.add_instance_noise(fake, training), training=training
        )
        class_loss = class_cross_entropy(fake_labels, fake_classes)
        loss = self.adversarial_loss.generator_loss(fake_logits)
        return loss + self.class_weight * class_loss, {"g_class_loss": class_loss}

    def networks_config(self):
        return {**super().networks_config(), "class_weight": self.class_weight}
