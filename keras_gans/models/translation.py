"""`PairedTranslationGAN`: the base of the paired image-to-image variants
(Pix2Pix, SRGAN): a generator from a source image to a target image, a
discriminator, and an objective of named, weighted terms."""

import numpy as np
from keras import ops

from keras_gans import callbacks as gan_callbacks
from keras_gans import metrics
from keras_gans.core.adversarial import AdversarialModel
from keras_gans.images import save_grid


def check_images(images, shape, what, model_name):
    """Validates a NumPy batch of images: rank, shape, float dtype, [-1, 1]."""
    images = np.asarray(images)
    expected = (None,) + tuple(shape)
    if images.ndim != 4 or images.shape[1:] != tuple(shape):
        raise ValueError(
            f"{model_name} expects {what} of shape {expected}; received {images.shape}."
        )
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"{model_name} expects float {what} in [-1, 1]; received dtype {images.dtype}. "
            "Rescale, e.g. `x / 127.5 - 1`."
        )
    if not np.isfinite(images).all():
        raise ValueError(
            f"{model_name} expects finite {what}; received "
            f"{int((~np.isfinite(images)).sum())} NaN or infinite values."
        )
    lo, hi = float(images.min()), float(images.max())
    if lo < -1.002 or hi > 1.002:
        raise ValueError(
            f"{model_name} expects {what} with values in [-1, 1]; received values in "
            f"[{lo:.4g}, {hi:.4g}]. Rescale, e.g. `x / 127.5 - 1`."
        )
    return images.astype("float32")


class ImageTranslation:
    """Mixin: `translate` and the translation strips of image-to-image models.

    A class using it sets `source_shape` and `target_shape` and implements
    `translation_generator(direction)`.
    """

    directions = None  # CycleGAN: ("a2b", "b2a")
    takes_latents = False  # the generator maps images, not latents

    def translation_generator(self, direction=None):
        if direction is not None:
            raise ValueError(
                f"{type(self).__name__} translates in one direction only; "
                f"received direction={direction!r}."
            )
        return self.generator

    def translate(self, images, direction=None, batch_size=64):
        """Translates a batch of images with the generator in inference mode.

        Args:
            images: NumPy `(n,) + source_shape` in [-1, 1] (a single image
                `source_shape` is also accepted).
            direction: for models with two directions (CycleGAN), `"a2b"`
                (default) or `"b2a"`.
            batch_size: inference batch size.

        Returns:
            NumPy `(n,) + target_shape` in [-1, 1].
        """
        generator = self.translation_generator(direction)
        source_shape = tuple(generator.input_shape[1:])
        images = np.asarray(images)
        single = images.ndim == len(source_shape)
        if single:
            images = images[None]
        images = check_images(images, source_shape, "input images", type(self).__name__)
        outputs = [
            ops.convert_to_numpy(generator(images[i : i + batch_size], training=False))
            for i in range(0, len(images), batch_size)
        ]
        outputs = np.concatenate(outputs) if outputs else np.zeros((0,) + self.target_shape, "float32")
        return outputs[0] if single else outputs

    def save_translation_strip(self, path, sources, targets=None, direction=None):
        """A PNG with one row per input: input | output | target."""
        outputs = self.translate(sources, direction=direction)
        columns = [_to_size(sources, outputs.shape[1:3]), outputs]
        if targets is not None:
            columns.append(np.asarray(targets, "float32"))
        rows = np.stack(columns, axis=1).reshape((-1,) + outputs.shape[1:])
        return save_grid(rows, path, columns=len(columns))


def _to_size(images, size):
    """Nearest-neighbour enlargement of `images` to `size` (for pictures)."""
    images = np.asarray(images, "float32")
    factor = size[0] // images.shape[1]
    if factor > 1:
        images = images.repeat(factor, axis=1).repeat(factor, axis=2)
    return images


class PairedTranslationGAN(ImageTranslation, AdversarialModel):
    """Paired image-to-image translation: learns `source -> target` from
    `(inputs, targets)` batches.

    The generator's objective is `adversarial_weight * adversarial +
    sum(weight * term)` over the variant's named terms (`loss_terms`), each
    logged as `<name>_loss` next to `adversarial_loss`; with
    `adversarial_weight=0` the discriminator is not trained at all (a plain
    regression model such as the L1-only U-Net or SRResNet).

    Subclasses build the networks, name their terms in `loss_term_names`
    (each `<name>` weighted by the attribute `<name>_weight`, which the
    subclass takes as a constructor argument and puts in its config) and
    compute the unweighted terms in `loss_terms`. The
    discriminator sees `(source, sample)` pairs when
    `conditional_discriminator` is True, else the sample alone.

    Args:
        generator: source image -> target image.
        discriminator: `[source, sample]` (or sample) -> logits of any shape.
        adversarial_weight: weight of the adversarial term. Defaults to `1.0`.
        **kwargs: `AdversarialModel` options (`d_steps`, `label_smoothing`,
            `instance_noise`, `seed`).
    """

    conditional_discriminator = True
    loss_term_names = ()

    def __init__(self, generator, discriminator, adversarial_weight=1.0, **kwargs):
        kwargs.pop("latent_dim", None)
        self.adversarial_weight = float(adversarial_weight)
        if self.adversarial_weight < 0:
            raise ValueError(f"`adversarial_weight` must be >= 0; received {adversarial_weight}.")
        super().__init__(generator, discriminator, latent_dim=0, **kwargs)
        self.source_shape = tuple(generator.input_shape[1:])
        self.target_shape = self.data_shape

    @property
    def metric_names(self):
        terms = tuple(f"{name}_loss" for name in self.loss_term_names)
        return ("d_loss", "g_loss", "adversarial_loss") + terms

    @property
    def trains_discriminator(self):
        return self.adversarial_weight > 0

    # ------------------------------------------------------------------ data

    @classmethod
    def data_arguments(cls, element_spec):
        if not isinstance(element_spec, tuple) or len(element_spec) != 2:
            raise ValueError(
                f"{cls.__name__} trains on (inputs, targets) pairs; received a dataset of "
                f"{element_spec}."
            )
        return {"image_shape": tuple(element_spec[1].shape[1:])}

    def unpack_batch(self, data):
        if isinstance(data, dict) or not isinstance(data, (tuple, list)) or len(data) != 2:
            kind = f"a dict with keys {sorted(data)}" if isinstance(data, dict) else type(data).__name__
            raise ValueError(
                f"{type(self).__name__} trains on (inputs, targets) pairs, e.g. "
                f"keras_gans.datasets.load('fashion_edges'); received {kind}."
            )
        return {"source": data[0], "real": data[1]}

    def check_batch_shapes(self, batch):
        for key, shape in (("source", self.source_shape), ("real", self.target_shape)):
            if tuple(batch[key].shape[1:]) != shape:
                what = "inputs" if key == "source" else "targets"
                raise ValueError(
                    f"{type(self).__name__} expects {what} of shape (batch,) + {shape}; "
                    f"received {tuple(batch[key].shape)}."
                )

    def check_sample(self, sample):
        batch = self.unpack_batch(sample)
        name = type(self).__name__
        source = check_images(batch["source"], self.source_shape, "inputs", name)
        target = check_images(batch["real"], self.target_shape, "targets", name)
        if len(source) != len(target):
            raise ValueError(
                f"{name} needs as many inputs as targets; received {len(source)} and {len(target)}."
            )

    # ------------------------------------------------------------------ the step

    def run_generator(self, source, training=True):
        return self.generator(source, training=training)

    def run_discriminator(self, source, sample, training=True):
        sample = self.add_instance_noise(sample, training)
        inputs = [source, sample] if self.conditional_discriminator else sample
        return self.discriminator(inputs, training=training)

    def loss_terms(self, batch, fake, training=True):
        """The unweighted extra terms of the generator's objective, by name."""
        return {}

    def discriminator_loss(self, batch, training=True):
        source, real = batch["source"], batch["real"]
        fake = ops.stop_gradient(self.run_generator(source, training))
        return self.adversarial_loss.discriminator_loss(
            self.run_discriminator(source, real, training),
            self.run_discriminator(source, fake, training),
        )

    def generator_loss(self, batch, training=True):
        fake = self.run_generator(batch["source"], training)
        logs = {}
        total = 0.0
        if self.trains_discriminator:
            adversarial = self.adversarial_loss.generator_loss(
                self.run_discriminator(batch["source"], fake, training)
            )
            logs["adversarial_loss"] = adversarial
            total = self.adversarial_weight * adversarial
        for name, value in self.loss_terms(batch, fake, training).items():
            logs[f"{name}_loss"] = value
            total = total + getattr(self, f"{name}_weight") * value
        return total, logs

    def generate(self, *args, **kwargs):
        raise ValueError(
            f"{type(self).__name__} translates images rather than sampling them: "
            "use `translate(images)`."
        )

    # ------------------------------------------------------------------ zoo hooks

    measures_samples = False
    figure_caption = "one row per test image: input | output | target"

    def test_pairs(self, limit=None):
        """`(inputs, targets)` of the task's test split (subclasses)."""
        raise NotImplementedError

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        sources, targets = self.test_pairs(limit=num_samples)
        return metrics.paired_translation_scores(self.translate(sources), targets, evaluator)

    def evaluation_protocol(self, num_samples):
        return (
            f"the first {num_samples} Fashion-MNIST test images: translations of their inputs "
            "vs the images; FID in the features of the fashion_mnist_classifier preset"
        )

    def save_preset_figure(self, path, dataset=None):
        sources, targets = self.test_pairs(limit=8)
        self.save_translation_strip(path, sources, targets)

    def training_callbacks(self, directory, dataset=None, dataset_name=None):
        sources, targets = next(iter(dataset))
        return [gan_callbacks.TranslationStrip(directory, np.asarray(sources)[:8], np.asarray(targets)[:8])]

    def get_config(self):
        config = super().get_config()
        config["adversarial_weight"] = self.adversarial_weight
        config.pop("latent_dim", None)
        config.pop("latent_distribution", None)
        return config
