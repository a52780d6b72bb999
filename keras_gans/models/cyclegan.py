"""CycleGAN (Zhu et al., 2017): unpaired translation between two domains
with two generators, two discriminators and cycle consistency."""

import keras
import numpy as np
from keras import ops

from keras_gans import callbacks as gan_callbacks
from keras_gans import datasets, metrics
from keras_gans.core.adversarial import AdversarialModel
from keras_gans.core.recipe import Recipe
from keras_gans.images import save_grid
from keras_gans.layers.image_pool import ImagePool
from keras_gans.layers.image_to_image import patch_discriminator, resnet_generator
from keras_gans.models.translation import ImageTranslation, check_images

DIRECTIONS = ("a2b", "b2a")


def _l1(a, b):
    return ops.mean(ops.abs(a - b))


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(ImageTranslation, AdversarialModel):
    """CycleGAN on unpaired `{"a": images, "b": images}` batches.

    Two players, one optimizer each (as in the authors' code, which chains
    the parameters of both networks of a player into one Adam): the
    generator player owns `generator` (A -> B) and `generator_ba` (B -> A);
    the discriminator player owns `discriminator` (judges B) and
    `discriminator_a` (judges A). The generators minimize the least-squares
    adversarial loss of both directions, plus
    `cycle_weight * (|G_BA(G_AB(a)) - a| + |G_AB(G_BA(b)) - b|)` and
    `identity_weight * (|G_BA(a) - a| + |G_AB(b) - b|)`; each discriminator
    sees real images against a pool of `pool_size` past translations
    (`ImagePool`, model state). Logs `adversarial_loss`, `cycle_loss` and
    `identity_loss`.

    Args:
        image_shape: `(height, width, channels)` of both domains. Defaults
            to `(28, 28, 1)`.
        generator_filters: the ResNet generators' stem and downsampling
            channels. Defaults to `(16, 32, 64)`.
        num_residual: residual blocks per generator. Defaults to `3`.
        discriminator_filters: the PatchGAN channels. Defaults to `(16, 32, 64)`.
        cycle_weight: lambda of the cycle loss. Defaults to `10.0`.
        identity_weight: weight of the identity loss. Defaults to `5.0`
            (`0.5 * cycle_weight`, the paper's).
        pool_size: past translations kept per discriminator. Defaults to `50`.
        domain_classes: `(class_a, class_b)` of Fashion-MNIST when the domains
            are two of its classes (for the preset's metrics). Defaults to `None`.
        **kwargs: `AdversarialModel` options.

    Example:

    ```python
    model = keras_gans.models.CycleGAN(domain_classes=(7, 9))
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  loss="least_squares")
    model.fit(keras_gans.datasets.load("fashion_sneaker_boot"), epochs=1)
    boots = model.translate(sneakers, direction="a2b")
    ```
    """

    directions = DIRECTIONS
    metric_names = ("d_loss", "g_loss", "adversarial_loss", "cycle_loss", "identity_loss")
    measures_samples = False
    evaluation_monitor = "a2b_target_class_rate"
    task = "unpaired image-to-image translation"
    figure_caption = "a2b rows, then b2a rows: input | translation | cycled back"
    recipes = {
        "cyclegan": Recipe(
            model_args={"domain_classes": (7, 9)}, loss="least_squares", batch_size=32,
            dataset="fashion_sneaker_boot",
        )
    }

    def __init__(
        self,
        image_shape=(28, 28, 1),
        generator_filters=(16, 32, 64),
        num_residual=3,
        discriminator_filters=(16, 32, 64),
        cycle_weight=10.0,
        identity_weight=5.0,
        pool_size=50,
        domain_classes=None,
        **kwargs,
    ):
        kwargs.pop("latent_dim", None)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.generator_filters = tuple(int(f) for f in generator_filters)
        self.num_residual = int(num_residual)
        self.discriminator_filters = tuple(int(f) for f in discriminator_filters)
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.pool_size = int(pool_size)
        self.domain_classes = None if domain_classes is None else tuple(int(c) for c in domain_classes)

        def generator(name):
            net = resnet_generator(self.image_shape, self.generator_filters, self.num_residual)
            return keras.Model(net.inputs, net.outputs, name=name)

        super().__init__(
            generator("generator_ab"),
            patch_discriminator(self.image_shape, None, self.discriminator_filters, name="discriminator_b"),
            latent_dim=0,
            **kwargs,
        )
        self.generator_ba = generator("generator_ba")
        self.discriminator_a = patch_discriminator(
            self.image_shape, None, self.discriminator_filters, name="discriminator_a"
        )
        self.pool_a = ImagePool(self.pool_size, self.image_shape, name="pool_a")
        self.pool_b = ImagePool(self.pool_size, self.image_shape, name="pool_b")
        self.source_shape = self.target_shape = self.image_shape

    def generator_networks(self):
        return [self.generator, self.generator_ba]

    def discriminator_networks(self):
        return [self.discriminator_a, self.discriminator]

    def translation_generator(self, direction=None):
        direction = direction or "a2b"
        if direction not in DIRECTIONS:
            raise ValueError(f"`direction` must be one of {DIRECTIONS}; received {direction!r}.")
        return self.generator if direction == "a2b" else self.generator_ba

    def generate(self, *args, **kwargs):
        raise ValueError("CycleGAN translates images: use `translate(images, direction='a2b')`.")

    # ------------------------------------------------------------------ data

    @classmethod
    def data_arguments(cls, element_spec):
        if not isinstance(element_spec, dict) or not {"a", "b"} <= set(element_spec):
            raise ValueError(
                "CycleGAN trains on unpaired dict batches {'a': images, 'b': images}; "
                f"received a dataset of {element_spec}."
            )
        return {"image_shape": tuple(element_spec["a"].shape[1:])}

    def unpack_batch(self, data):
        if not isinstance(data, dict) or not {"a", "b"} <= set(data):
            got = f"a dict with keys {sorted(data)}" if isinstance(data, dict) else type(data).__name__
            raise ValueError(
                "CycleGAN trains on unpaired dict batches {'a': images, 'b': images}, e.g. "
                f"keras_gans.datasets.load('fashion_sneaker_boot'); received {got}."
            )
        return {"a": data["a"], "b": data["b"]}

    def check_batch_shapes(self, batch):
        for domain in ("a", "b"):
            if tuple(batch[domain].shape[1:]) != self.image_shape:
                raise ValueError(
                    f"CycleGAN expects domain {domain!r} images of shape (batch,) + "
                    f"{self.image_shape}; received {tuple(batch[domain].shape)}."
                )

    def check_sample(self, sample):
        batch = self.unpack_batch(sample)
        for domain in ("a", "b"):
            check_images(batch[domain], self.image_shape, f"domain {domain!r} images", "CycleGAN")

    # ------------------------------------------------------------------ the step

    def discriminator_loss(self, batch, training=True):
        a, b = batch["a"], batch["b"]
        # Constants for this update (see `fake_for_discriminator`).
        fake_b = ops.stop_gradient(self.generator(a, training=training))
        fake_a = ops.stop_gradient(self.generator_ba(b, training=training))
        fake_b = self.pool_b.query(fake_b, self.seed_generator)
        fake_a = self.pool_a.query(fake_a, self.seed_generator)
        loss_b = self.adversarial_loss.discriminator_loss(
            self.discriminator(self.add_instance_noise(b, training), training=training),
            self.discriminator(self.add_instance_noise(fake_b, training), training=training),
        )
        loss_a = self.adversarial_loss.discriminator_loss(
            self.discriminator_a(self.add_instance_noise(a, training), training=training),
            self.discriminator_a(self.add_instance_noise(fake_a, training), training=training),
        )
        return 0.5 * (loss_a + loss_b)

    def generator_loss(self, batch, training=True):
        a, b = batch["a"], batch["b"]
        fake_b = self.generator(a, training=training)
        fake_a = self.generator_ba(b, training=training)
        adversarial = self.adversarial_loss.generator_loss(
            self.discriminator(fake_b, training=training)
        ) + self.adversarial_loss.generator_loss(self.discriminator_a(fake_a, training=training))
        cycle = _l1(self.generator_ba(fake_b, training=training), a) + _l1(
            self.generator(fake_a, training=training), b
        )
        logs = {"adversarial_loss": adversarial, "cycle_loss": cycle}
        total = adversarial + self.cycle_weight * cycle
        if self.identity_weight:
            identity = _l1(self.generator_ba(a, training=training), a) + _l1(
                self.generator(b, training=training), b
            )
            logs["identity_loss"] = identity
            total = total + self.identity_weight * identity
        return total, logs

    # ------------------------------------------------------------------ zoo hooks

    def test_domains(self, limit=None):
        """Test images of the two Fashion-MNIST classes of `domain_classes`."""
        if self.domain_classes is None:
            raise ValueError(
                "This CycleGAN has no `domain_classes`: its domains are not Fashion-MNIST "
                "classes, so the preset metrics do not apply."
            )
        return datasets.translation.class_domains("test", *self.domain_classes, limit=limit)

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        """The share of translations the evaluator assigns to the target
        class, per direction, and the mean cycle L1 on test images."""
        images_a, images_b = self.test_domains(limit=num_samples)
        class_a, class_b = self.domain_classes
        to_b, to_a = self.translate(images_a, "a2b"), self.translate(images_b, "b2a")
        back_a, back_b = self.translate(to_b, "b2a"), self.translate(to_a, "a2b")
        return {
            "a2b_target_class_rate": float((evaluator.predict_classes(to_b) == class_b).mean()),
            "b2a_target_class_rate": float((evaluator.predict_classes(to_a) == class_a).mean()),
            "a_real_class_rate": float((evaluator.predict_classes(images_a) == class_a).mean()),
            "b_real_class_rate": float((evaluator.predict_classes(images_b) == class_b).mean()),
            "a2b_cycle_l1": metrics.mean_absolute_error(back_a, images_a),
            "b2a_cycle_l1": metrics.mean_absolute_error(back_b, images_b),
            "identity_weight": self.identity_weight,
            "cycle_weight": self.cycle_weight,
            "num_a": int(len(images_a)),
            "num_b": int(len(images_b)),
        }

    def evaluation_protocol(self, num_samples):
        return (
            f"up to {num_samples} Fashion-MNIST test images of each domain class; classes by the "
            "fashion_mnist_classifier preset; cycle L1 on [-1, 1] images"
        )

    def save_cycle_strip(self, path, images_a, images_b):
        """One row per image: input | translation | cycled back, a2b rows first."""
        rows = []
        for images, there, back in ((images_a, "a2b", "b2a"), (images_b, "b2a", "a2b")):
            translated = self.translate(images, there)
            rows.append(np.stack([images, translated, self.translate(translated, back)], axis=1))
        grid = np.concatenate(rows).reshape((-1,) + self.image_shape)
        return save_grid(grid, path, columns=3)

    def save_preset_figure(self, path, dataset=None):
        images_a, images_b = self.test_domains(limit=4)
        self.save_cycle_strip(path, images_a, images_b)

    def save_translation_strip(self, path, sources, targets=None, direction=None):
        # The training snapshot: `sources` are domain A images, `targets` domain B.
        return self.save_cycle_strip(path, sources, targets)

    def training_callbacks(self, directory, dataset=None, dataset_name=None):
        batch = next(iter(dataset))
        return [gan_callbacks.TranslationStrip(directory, np.asarray(batch["a"])[:4], np.asarray(batch["b"])[:4])]

    def get_config(self):
        config = super().get_config()
        config.pop("latent_dim", None)
        config.pop("latent_distribution", None)
        return config

    def networks_config(self):
        return {
            "image_shape": self.image_shape,
            "generator_filters": self.generator_filters,
            "num_residual": self.num_residual,
            "discriminator_filters": self.discriminator_filters,
            "cycle_weight": self.cycle_weight,
            "identity_weight": self.identity_weight,
            "pool_size": self.pool_size,
            "domain_classes": self.domain_classes,
        }
