"""SRGAN (Ledig et al., 2017): super-resolution with a residual generator,
a strided discriminator and a content loss on a classifier's features."""

import keras
from keras import ops

from keras_gans import datasets, metrics
from keras_gans.core import presets
from keras_gans.core.recipe import Recipe
from keras_gans.layers.image_to_image import srresnet_generator, strided_discriminator
from keras_gans.models.translation import PairedTranslationGAN

CONTENT_PRESET = "fashion_mnist_classifier"


class FeatureDistance:
    """Mean squared distance between the features a frozen network computes
    for two image batches: SRGAN's content loss (the paper's VGG54 role is
    played here by the zoo's Fashion-MNIST classifier).

    A plain object, not a layer: the network is not part of the model's
    weights, and is rebuilt from its preset when the model is.

    Args:
        preset: the classifier preset. Defaults to `"fashion_mnist_classifier"`.
        layer: the layer whose output is compared. Defaults to
            `"block_2_act_2"` (the last convolution's activations, 7x7x64,
            before pooling, as VGG54 is in the paper).
    """

    def __init__(self, preset=CONTENT_PRESET, layer="block_2_act_2"):
        classifier = presets.load(preset)
        try:
            output = classifier.get_layer(layer).output
        except ValueError as error:
            raise ValueError(
                f"The content network {preset!r} has no layer {layer!r}; its layers are "
                f"{[l.name for l in classifier.layers]}."
            ) from error
        self.network = keras.Model(classifier.inputs, output)
        self.network.trainable = False

    def __call__(self, a, b):
        return ops.mean(ops.square(self.network(a, training=False) - self.network(b, training=False)))


@keras.saving.register_keras_serializable(package="keras_gans")
class SRGAN(PairedTranslationGAN):
    """SRGAN: `mse_weight * MSE + content_weight * content +
    adversarial_weight * adversarial` on `(low_res, high_res)` pairs.

    The generator is SRResNet (residual blocks and sub-pixel upsampling by
    `keras.ops.depth_to_space`); the discriminator sees the high-resolution
    image alone. The content term compares the features of a frozen
    classifier (`content_layer` of `content_preset`). Logs `mse_loss`,
    `content_loss` and `adversarial_loss`.

    The paper's two stages are two recipes of this class: `srresnet`
    (MSE only, `adversarial_weight=0`: the discriminator is not trained)
    and `srgan`, fine-tuned from it
    (`keras-gans train srgan --from-preset <srresnet preset>`).

    Args:
        image_shape: `(height, width, channels)` of the high-resolution
            images. Defaults to `(28, 28, 1)`.
        scale: the upscaling factor; inputs are `image_shape / scale`.
            Defaults to `4`.
        generator_filters: channels of the generator. Defaults to `32`.
        num_residual: the generator's residual blocks. Defaults to `4`.
        discriminator_filters: channels of the discriminator's blocks.
            Defaults to `(16, 32, 64)`.
        mse_weight: weight of the pixel MSE. Defaults to `1.0`.
        content_weight: weight of the content (feature) loss. Defaults to
            `0.0`; `0` does not load the content network.
        adversarial_weight: weight of the adversarial term. Defaults to
            `1e-3` (the paper's).
        content_preset: the content network's preset. Defaults to
            `"fashion_mnist_classifier"`.
        content_layer: its compared layer. Defaults to `"block_2_act_2"`.
        **kwargs: `AdversarialModel` options.

    Example:

    ```python
    model = keras_gans.models.SRGAN(scale=4, adversarial_weight=0.0)  # SRResNet
    model.compile(d_optimizer="adam", g_optimizer=keras.optimizers.Adam(1e-3))
    model.fit(keras_gans.datasets.load("fashion_lowres_x4"), epochs=1)
    high_res = model.translate(low_res)          # (n, 7, 7, 1) -> (n, 28, 28, 1)
    ```
    """

    conditional_discriminator = False
    loss_term_names = ("mse", "content")
    task = "super-resolution"
    recipes = {
        "srresnet": Recipe(
            model_args={"adversarial_weight": 0.0}, learning_rate=1e-3, beta_1=0.9,
            batch_size=64, dataset="fashion_lowres_x4",
        ),
        "srgan": Recipe(
            model_args={"adversarial_weight": 1e-3, "content_weight": 1.0},
            learning_rate=1e-4, beta_1=0.9, batch_size=64, dataset="fashion_lowres_x4",
        ),
    }

    def __init__(
        self,
        image_shape=(28, 28, 1),
        scale=4,
        generator_filters=32,
        num_residual=4,
        discriminator_filters=(16, 32, 64),
        mse_weight=1.0,
        content_weight=0.0,
        adversarial_weight=1e-3,
        content_preset=CONTENT_PRESET,
        content_layer="block_2_act_2",
        **kwargs,
    ):
        self.image_shape = tuple(int(d) for d in image_shape)
        self.scale = int(scale)
        if self.image_shape[0] % self.scale or self.image_shape[1] % self.scale:
            raise ValueError(
                f"`image_shape` {self.image_shape[:2]} must be divisible by `scale` {self.scale}."
            )
        self.generator_filters = int(generator_filters)
        self.num_residual = int(num_residual)
        self.discriminator_filters = tuple(int(f) for f in discriminator_filters)
        self.mse_weight = float(mse_weight)
        self.content_weight = float(content_weight)
        self.content_preset = content_preset
        self.content_layer = content_layer
        self.content_distance = (
            FeatureDistance(content_preset, content_layer) if self.content_weight else None
        )
        source_shape = (self.image_shape[0] // self.scale, self.image_shape[1] // self.scale,
                        self.image_shape[2])
        generator = srresnet_generator(source_shape, self.scale, self.generator_filters, self.num_residual)
        discriminator = strided_discriminator(self.image_shape, self.discriminator_filters)
        super().__init__(generator, discriminator, adversarial_weight=adversarial_weight, **kwargs)

    @classmethod
    def data_arguments(cls, element_spec):
        arguments = super().data_arguments(element_spec)
        low, high = element_spec[0].shape[1], element_spec[1].shape[1]
        if not low or high % low:
            raise ValueError(
                f"SRGAN needs targets whose size is a multiple of the inputs'; received inputs "
                f"{tuple(element_spec[0].shape[1:])} and targets {tuple(element_spec[1].shape[1:])}."
            )
        return {**arguments, "scale": high // low}

    def loss_terms(self, batch, fake, training=True):
        terms = {"mse": ops.mean(ops.square(batch["real"] - fake))}
        if self.content_distance is not None:
            terms["content"] = self.content_distance(batch["real"], fake)
        return terms

    @property
    def metric_names(self):
        names = super().metric_names
        return names if self.content_weight else tuple(n for n in names if n != "content_loss")

    def test_pairs(self, limit=None):
        return datasets.translation.lowres_pairs("test", factor=self.scale, limit=limit)

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        """PSNR, SSIM, FID and sharpness, next to bicubic upsampling's."""
        scores = super().purpose_metrics(evaluator, num_samples, run_dir)
        sources, targets = self.test_pairs(limit=num_samples)
        bicubic = bicubic_upsample(sources, self.scale)
        baseline = metrics.paired_translation_scores(bicubic, targets, evaluator)
        scores.update({f"bicubic_{k}": v for k, v in baseline.items() if k not in ("num_samples", "real_sharpness")})
        scores["psnr_gain_over_bicubic"] = scores["psnr"] - baseline["psnr"]
        return scores

    def networks_config(self):
        return {
            "image_shape": self.image_shape,
            "scale": self.scale,
            "generator_filters": self.generator_filters,
            "num_residual": self.num_residual,
            "discriminator_filters": self.discriminator_filters,
            "mse_weight": self.mse_weight,
            "content_weight": self.content_weight,
            "content_preset": self.content_preset,
            "content_layer": self.content_layer,
        }


def bicubic_upsample(images, scale, antialias=False):
    """The bicubic baseline: `keras.ops.image.resize` by `scale`, clipped to
    [-1, 1]. (Antialiasing only matters when downsampling; it is off.)"""
    images = ops.convert_to_tensor(images, "float32")
    height, width = images.shape[1] * scale, images.shape[2] * scale
    resized = ops.image.resize(images, (height, width), interpolation="bicubic", antialias=antialias)
    return ops.convert_to_numpy(ops.clip(resized, -1.0, 1.0))
