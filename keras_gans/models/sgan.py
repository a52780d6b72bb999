"""Semi-supervised GAN (Salimans et al., 2016): a K-class discriminator
trained on few labelled and many unlabelled images."""

import json
import os

import keras
import numpy as np
from keras import ops

from keras_gans import callbacks as gan_callbacks
from keras_gans import datasets, metrics
from keras_gans.core.adversarial import AdversarialModel, check_latent_dim
from keras_gans.core.recipe import Recipe
from keras_gans.layers.blocks import noisy_weight_normalized_body
from keras_gans.layers.conditioning import check_training_labels
from keras_gans.layers.precision import OUTPUT_DTYPE
from keras_gans.layers.weight_norm import WeightNormDense
from keras_gans.models.image_networks import ImageNetworks

# "dcgan": the strided body the other image variants share; "salimans": the
# 9-layer weight-normalized convolutional discriminator with Gaussian noise
# on every layer of Salimans et al.
DISCRIMINATORS = ("dcgan", "salimans")


@keras.saving.register_keras_serializable(package="keras_gans")
class SGAN(ImageNetworks, AdversarialModel):
    """Semi-supervised GAN with the K-output formulation of Salimans et al.

    The discriminator outputs `num_classes` logits l(x); its "real" logit is
    logsumexp(l(x)), so the adversarial loss on unlabelled and generated
    images and the cross-entropy on the few labelled images train one
    classifier. The generator uses feature matching (matching the mean
    discriminator features of real batches), which Salimans et al. found
    best for classification, or the adversarial loss when
    `feature_matching=False`.

    Train on batches `{"real": unlabelled, "labeled": images, "labels": ints}`
    such as `keras_gans.datasets.semi_supervised(...)` yields. Logs
    `supervised_loss` and `labeled_accuracy`.

    Args:
        num_classes: K.
        latent_dim: size of the latent vector.
        feature_matching: generator objective (see above).
        supervised_weight: weight of the labelled cross-entropy.
        discriminator_architecture: `"dcgan"` (the strided body the image variants
            share, with `normalization`) or `"salimans"`: the 9-layer
            convolutional discriminator of Salimans et al.,
            weight-normalized, with Gaussian noise on the input of every
            layer, global average pooling and a weight-normalized head
            (`keras_gans.layers.noisy_weight_normalized_body`;
            `discriminator_filters` are its two widths, `dropout` its rate).
        input_noise: `"salimans"` only: noise standard deviation on the
            images.
        hidden_noise: `"salimans"` only: noise standard deviation on the
            input of every later layer.
        **kwargs: the network options of `DCGAN` (`image_shape`,
            `generator_filters`, `discriminator_filters`, `kernel_size`,
            `upsampling`, `dropout` (default 0.3 here), `normalization`,
            `spectral_normalization`) and `AdversarialModel` options.
            (With `normalization="layer"` the classifier came out weaker:
            0.67 test accuracy after 1,600 steps with 100 labels, against
            0.71 after 600 with the default BatchNorm.)

    Example:

    ```python
    ds = keras_gans.datasets.semi_supervised("fashion_mnist", num_labeled=100)
    gan = keras_gans.models.SGAN(num_classes=10)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(ds, epochs=5)
    predictions = gan.predict_classes(test_images)
    ```
    """

    metric_names = ("d_loss", "g_loss", "supervised_loss", "labeled_accuracy")
    # Salimans et al.: 100 labels, batches of 100 labelled + 100 unlabelled.
    recipes = {
        "sgan": Recipe(model_args={"latent_dim": 100}, batch_size=100, num_labeled=100),
        # Salimans et al.'s discriminator (narrower than their (96, 192), for
        # a CPU), Adam at 3e-4 decaying linearly to zero over the run.
        "sgan_salimans": Recipe(
            model_args={"latent_dim": 100, "discriminator_architecture": "salimans",
                        "discriminator_filters": (64, 128), "dropout": 0.5},
            learning_rate=3e-4, batch_size=100, num_labeled=100, learning_rate_decay="linear",
        ),
    }
    evaluation_monitor = "test_accuracy"  # what it is for: the classifier
    task = "semi-supervised classification and image generation"

    def __init__(self, num_classes=10, latent_dim=100, feature_matching=True, supervised_weight=1.0,
                 discriminator_architecture="dcgan", input_noise=0.3, hidden_noise=0.5, **kwargs):
        self.num_classes = int(num_classes)
        self.feature_matching = bool(feature_matching)
        self.supervised_weight = float(supervised_weight)
        if discriminator_architecture not in DISCRIMINATORS:
            raise ValueError(
                f"`discriminator_architecture` must be one of {DISCRIMINATORS}; "
                f"received {discriminator_architecture!r}."
            )
        if discriminator_architecture == "salimans" and kwargs.get("spectral_normalization"):
            raise ValueError(
                'discriminator_architecture="salimans" is weight-normalized; it takes no '
                "`spectral_normalization`."
            )
        self.discriminator_architecture = discriminator_architecture
        self.input_noise, self.hidden_noise = float(input_noise), float(hidden_noise)
        # Dropout regularizes the classifier trained on few labels.
        self.configure_image_networks(kwargs, dropout=0.3)

        latents = keras.Input((check_latent_dim(latent_dim),), name="latents")
        generator = keras.Model(latents, self.image_generator(latents), name="generator")
        image_in = keras.Input(self.image_shape, name="images")
        features = self.image_discriminator_features(image_in)
        class_logits = self.image_head(features, self.num_classes, "class_logits")
        discriminator = keras.Model(image_in, [class_logits, features], name="discriminator")
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)

    def image_discriminator_features(self, x):
        if self.discriminator_architecture == "dcgan":
            return super().image_discriminator_features(x)
        return noisy_weight_normalized_body(
            x, self.discriminator_filters, self.kernel_size, self.dropout, self.input_noise,
            self.hidden_noise,
        )

    def image_head(self, features, units, name):
        if self.discriminator_architecture == "dcgan":
            return super().image_head(features, units, name)
        return WeightNormDense(units, dtype=OUTPUT_DTYPE, name=name)(features)

    @property
    def classifier(self):
        """The discriminator as a `num_classes`-way classifier (logits)."""
        return keras.Model(self.discriminator.inputs, self.discriminator.outputs[0])

    def predict_classes(self, images, batch_size=256):
        self.check_data(images)
        logits, _ = self.discriminator.predict(np.asarray(images, "float32"), batch_size=batch_size, verbose=0)
        return logits.argmax(axis=1)

    def realness(self, outputs):
        """D's real-vs-fake logit: logsumexp of its class logits."""
        return ops.logsumexp(outputs[0], axis=1)

    def check_sample(self, sample):
        super().check_sample(sample)
        batch = self.unpack_batch(sample)
        self.check_data(np.asarray(batch["labeled"]))
        check_training_labels(
            np.asarray(sample["labels"]), len(batch["labeled"]), self.num_classes, "SGAN"
        )

    def unpack_batch(self, data):
        batch = super().unpack_batch(data)
        if "labeled" not in batch or "labels" not in batch:
            raise ValueError(
                "SGAN trains on dict batches {'real': unlabelled images, 'labeled': images, "
                "'labels': ints}; use keras_gans.datasets.semi_supervised(...). Received keys "
                f"{sorted(batch)}."
            )
        batch["labels"] = ops.cast(ops.reshape(batch["labels"], (-1,)), "int32")
        return batch

    def discriminator_loss(self, batch, training=True):
        real = batch["real"]
        fake, _ = self.fake_for_discriminator(ops.shape(real)[0], training)
        (real_logits, _), (fake_logits, _) = self.discriminate(real, fake, training)
        unsupervised = self.adversarial_loss.discriminator_loss(
            ops.logsumexp(real_logits, axis=1), ops.logsumexp(fake_logits, axis=1)
        )
        labeled = self.add_instance_noise(batch["labeled"], training)
        labeled_logits, _ = self.discriminator(labeled, training=training)
        supervised = ops.mean(
            keras.losses.sparse_categorical_crossentropy(batch["labels"], labeled_logits, from_logits=True)
        )
        accuracy = ops.mean(ops.cast(ops.argmax(labeled_logits, axis=1) == batch["labels"], "float32"))
        return unsupervised + self.supervised_weight * supervised, {
            "supervised_loss": supervised,
            "labeled_accuracy": accuracy,
        }

    def generator_loss(self, batch, training=True):
        fake, _ = self.generate_fake(ops.shape(batch["real"])[0], training)
        fake_logits, fake_features = self.discriminator(self.add_instance_noise(fake, training), training=training)
        if not self.feature_matching:
            return self.adversarial_loss.generator_loss(ops.logsumexp(fake_logits, axis=1))
        _, real_features = self.discriminator(batch["real"], training=training)
        real_mean = ops.stop_gradient(ops.mean(real_features, axis=0))
        return ops.mean(ops.square(real_mean - ops.mean(fake_features, axis=0)))

    def training_callbacks(self, directory, dataset=None, dataset_name=None):
        """The sample grid, and the classifier's test accuracy every epoch
        (when training on Fashion-MNIST)."""
        callbacks = super().training_callbacks(directory, dataset, dataset_name)
        if dataset_name == "fashion_mnist":
            images, labels = metrics.real_images("test")
            callbacks.insert(0, gan_callbacks.ClassifierAccuracy(images, labels))
        return callbacks

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None, baseline_steps=500):
        """Test accuracy of the classifier, next to the same network trained
        on the run's labelled images alone (`run_dir/labeled_indices.json`)."""
        path = os.path.join(run_dir, datasets.LABELED_INDICES_FILE) if run_dir else None
        if not path or not os.path.exists(path):
            return metrics.semi_supervised_accuracy(self)
        with open(path) as f:
            indices = json.load(f)
        baseline = train_supervised_baseline(
            self, *metrics.labeled_training_images(indices), steps=baseline_steps
        )
        return metrics.semi_supervised_accuracy(self, indices, baseline=baseline)

    def networks_config(self):
        return {
            "num_classes": self.num_classes,
            "feature_matching": self.feature_matching,
            "supervised_weight": self.supervised_weight,
            "discriminator_architecture": self.discriminator_architecture,
            "input_noise": self.input_noise,
            "hidden_noise": self.hidden_noise,
            **self.image_networks_config(),
        }


def train_supervised_baseline(gan, images, labels, steps=500, batch_size=100, learning_rate=1e-3, seed=0):
    """The semi-supervised GAN's classifier network, freshly initialised and
    trained on `(images, labels)` alone: the baseline that shows what the
    unlabelled and generated images add.

    Args:
        gan: an `SGAN`; its configuration defines the network.
        images: labelled images in [-1, 1].
        labels: their integer labels.
        steps: Adam steps (the few labels are cycled).
        batch_size: batch size.
        learning_rate: Adam learning rate.
        seed: initialisation and shuffling seed.

    Returns:
        The trained classifier (`keras.Model`, images -> class logits).

    Example:

    ```python
    baseline = train_supervised_baseline(gan, labeled_images, labeled_labels)
    accuracy = (baseline.predict(test_images).argmax(1) == test_labels).mean()
    ```
    """
    keras.utils.set_random_seed(seed)
    classifier = SGAN(latent_dim=gan.latent_dim, seed=seed, **gan.networks_config()).classifier
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    images, labels = np.asarray(images, "float32"), np.asarray(labels, "int32")
    repeats = int(np.ceil(steps * batch_size / len(images)))
    order = np.concatenate([np.random.default_rng(seed).permutation(len(images)) for _ in range(repeats)])
    order = order[: steps * batch_size]
    classifier.fit(images[order], labels[order], batch_size=batch_size, epochs=1, verbose=0, shuffle=False)
    return classifier
