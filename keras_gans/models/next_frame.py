"""Adversarial next-frame video prediction (Mathieu, Couprie and LeCun,
2016): a multi-scale convolutional predictor over the stacked past frames,
trained with MSE, the gradient-difference loss and a conditional
discriminator."""

import keras
import numpy as np
from keras import layers, ops

from keras_gans.core.recipe import Recipe
from keras_gans.datasets import moving
from keras_gans.images import save_grid
from keras_gans.layers.conv import Conv2D
from keras_gans.layers.image_to_image import SubPixelUpsampling, patch_discriminator
from keras_gans.layers.precision import OUTPUT_DTYPE
from keras_gans.metrics import video
from keras_gans.models.translation import PairedTranslationGAN, check_images

# Test sequences the preset cards are measured on (a recursive rollout of
# 10 frames per sequence; OpenSTL's test set has 10,000).
EVALUATION_SEQUENCES = 1_000


def next_frame_generator(past_shape, output_channels=1, filters=(32, 48, 64)):
    """A multi-scale encoder-decoder from stacked past frames to the next.

    A strided 4x4 convolution per scale of `filters` (the first takes the
    frames to half resolution), each followed by a 3x3 convolution; the
    decoder upsamples (nearest), projects to the channels of the encoder's
    features of the same scale, adds them (the skip connections) and
    convolves; a sub-pixel convolution gives the full-resolution frame
    (tanh). Nothing runs at full resolution, which keeps it cheap on CPU;
    the coarse scales see far enough to tell how things move.

    Args:
        past_shape: `(height, width, frames * channels)` of the input.
        output_channels: channels of the predicted frame. Defaults to 1.
        filters: channels at each scale, half resolution first. Defaults to
            `(32, 48, 64)`.

    Returns:
        A functional `keras.Model` named `"generator"`.
    """
    factor = 2 ** len(filters)
    if past_shape[0] % factor or past_shape[1] % factor:
        raise ValueError(
            f"The predictor needs a height and width divisible by {factor}; received {past_shape[:2]}."
        )
    past = keras.Input(past_shape, name="past")
    x, skips = past, []
    for i, f in enumerate(filters, start=1):
        x = Conv2D(f, 4, strides=2, padding="same", name=f"block_{i}_down")(x)
        x = layers.LeakyReLU(0.2, name=f"block_{i}_act_1")(x)
        x = Conv2D(f, 3, padding="same", name=f"block_{i}_conv")(x)
        x = layers.LeakyReLU(0.2, name=f"block_{i}_act_2")(x)
        skips.append(x)
    skips.pop()
    for j, (skip, f) in enumerate(zip(reversed(skips), reversed(filters[:-1])), start=len(filters) + 1):
        x = Conv2D(f, 1, name=f"block_{j}_project")(x)
        x = layers.UpSampling2D(2, name=f"block_{j}_up")(x)
        x = layers.Add(name=f"block_{j}_skip")([x, skip])
        x = Conv2D(f, 3, padding="same", name=f"block_{j}_conv")(x)
        x = layers.LeakyReLU(0.2, name=f"block_{j}_act")(x)
    x = Conv2D(4 * output_channels, 3, padding="same", dtype=OUTPUT_DTYPE, name="image_conv")(x)
    x = SubPixelUpsampling(2, name="image_shuffle")(x)
    x = layers.Activation("tanh", name="image")(x)
    return keras.Model(past, x, name="generator")


def gradient_difference(real, fake, alpha=1.0):
    """The gradient-difference loss (Mathieu et al., 2016, eq. 5):
    `| |dY| - |dY_hat| |^alpha` over vertical and horizontal neighbour
    differences, averaged over the pixels."""

    def gradients(x):
        return ops.abs(x[:, 1:, :, :] - x[:, :-1, :, :]), ops.abs(x[:, :, 1:, :] - x[:, :, :-1, :])

    (real_y, real_x), (fake_y, fake_x) = gradients(real), gradients(fake)
    return ops.mean(ops.abs(real_y - fake_y) ** alpha) + ops.mean(ops.abs(real_x - fake_x) ** alpha)


@keras.saving.register_keras_serializable(package="keras_gans")
class NextFramePredictor(PairedTranslationGAN):
    """Next-frame video prediction: `mse_weight * MSE + gdl_weight * GDL +
    adversarial_weight * adversarial` on `(past frames, next frame)` pairs.

    The past frames come stacked on the channel axis, oldest first
    (`(64, 64, 10)` for ten grayscale frames); the predictor
    (`next_frame_generator`) outputs the next frame, and `rollout` feeds its
    predictions back in to predict further. MSE alone predicts the blurry
    mean of the plausible futures; the gradient-difference loss (GDL)
    penalizes blurred edges; the PatchGAN discriminator judges
    `(past frames, next frame)` pairs, as in Mathieu et al. (2016). Logs
    `mse_loss`, `gdl_loss` and `adversarial_loss`.

    Three recipes train it three ways: `video_mse` (MSE only),
    `video_gdl` (MSE + GDL) and `video_adversarial` (MSE + GDL +
    adversarial); `adversarial_weight=0` trains no discriminator.

    Args:
        image_shape: `(height, width, channels)` of one frame. Defaults to
            `(64, 64, 1)`.
        past_frames: frames the predictor sees. Defaults to `10`.
        generator_filters: channels of the predictor at each scale, 
            half resolution first. Defaults to `(32, 48, 64)`.
        discriminator_filters: channels of the PatchGAN blocks. Defaults to
            `(16, 32, 64)`.
        mse_weight: weight of the MSE term. Defaults to `1.0`.
        gdl_weight: weight of the gradient-difference term. Defaults to `1.0`.
        adversarial_weight: weight of the adversarial term. Defaults to `0.05`
            (the paper's).
        **kwargs: `AdversarialModel` options (`label_smoothing`,
            `instance_noise`, `d_steps`, `seed`).

    Example:

    ```python
    model = keras_gans.models.NextFramePredictor(adversarial_weight=0.0)
    model.compile(d_optimizer="adam", g_optimizer=keras.optimizers.Adam(1e-3))
    model.fit(keras_gans.datasets.load("moving_fashion_mnist", batch_size=32), epochs=1)
    past, future = keras_gans.datasets.moving.split_frames(
        keras_gans.datasets.moving.moving_fashion_mnist("test", 8))
    frames = model.rollout(past, steps=10)    # (8, 10, 64, 64, 1)
    ```
    """

    loss_term_names = ("mse", "gdl")
    task = "next-frame video prediction"
    figure_caption = (
        "two test sequences, 10 frames rolled out from 10 past ones; rows per sequence: "
        "ground truth | copy-last | prediction"
    )
    _dataset = "moving_fashion_mnist"
    recipes = {
        "video_mse": Recipe(
            model_args={"gdl_weight": 0.0, "adversarial_weight": 0.0}, learning_rate=1e-3,
            beta_1=0.9, batch_size=32, dataset=_dataset,
        ),
        "video_gdl": Recipe(
            model_args={"adversarial_weight": 0.0}, learning_rate=1e-3, beta_1=0.9,
            batch_size=32, dataset=_dataset,
        ),
        "video_adversarial": Recipe(
            model_args={"adversarial_weight": 0.05}, learning_rate=2e-4, g_learning_rate=1e-3,
            beta_1=0.5, batch_size=32, dataset=_dataset,
        ),
    }

    def __init__(
        self,
        image_shape=(64, 64, 1),
        past_frames=moving.PAST_FRAMES,
        generator_filters=(32, 48, 64),
        discriminator_filters=(16, 32, 64),
        mse_weight=1.0,
        gdl_weight=1.0,
        adversarial_weight=0.05,
        **kwargs,
    ):
        self.image_shape = tuple(int(d) for d in image_shape)
        self.past_frames = int(past_frames)
        if self.past_frames < 1:
            raise ValueError(f"`past_frames` must be >= 1; received {past_frames}.")
        self.generator_filters = tuple(int(f) for f in generator_filters)
        self.discriminator_filters = tuple(int(f) for f in discriminator_filters)
        self.mse_weight = float(mse_weight)
        self.gdl_weight = float(gdl_weight)
        source_shape = self.image_shape[:2] + (self.past_frames * self.image_shape[-1],)
        generator = next_frame_generator(source_shape, self.image_shape[-1], self.generator_filters)
        discriminator = patch_discriminator(self.image_shape, source_shape, self.discriminator_filters)
        super().__init__(generator, discriminator, adversarial_weight=adversarial_weight, **kwargs)

    @classmethod
    def data_arguments(cls, element_spec):
        arguments = super().data_arguments(element_spec)
        sources, targets = element_spec[0].shape, element_spec[1].shape
        if sources[-1] % targets[-1]:
            raise ValueError(
                f"{cls.__name__} needs past frames stacked on the channel axis, a multiple of the "
                f"next frame's {targets[-1]} channels; received {sources[-1]} channels."
            )
        return {**arguments, "past_frames": sources[-1] // targets[-1]}

    # ------------------------------------------------------------------ objective

    def loss_terms(self, batch, fake, training=True):
        real = batch["real"]
        return {"mse": ops.mean(ops.square(real - fake)), "gdl": gradient_difference(real, fake)}

    @property
    def metric_names(self):
        names = super().metric_names
        return names if self.gdl_weight else tuple(n for n in names if n != "gdl_loss")

    # ------------------------------------------------------------------ prediction

    def check_past(self, past_frames, what="past frames"):
        """Validates `(n, h, w, past_frames * channels)` in [-1, 1]."""
        past_frames = np.asarray(past_frames)
        expected = self.source_shape
        if past_frames.ndim == 4 and past_frames.shape[1:3] == expected[:2] and (
            past_frames.shape[-1] != expected[-1]
        ):
            raise ValueError(
                f"{type(self).__name__} expects {self.past_frames} {what} of {self.image_shape[-1]} "
                f"channel(s) stacked on the channel axis, shape (None,) + {expected}; received "
                f"{past_frames.shape[-1]} channels (shape {past_frames.shape})."
            )
        return check_images(past_frames, expected, what, type(self).__name__)

    def check_sample(self, sample):
        self.check_past(self.unpack_batch(sample)["source"], "inputs")
        super().check_sample(sample)

    def predict_next(self, past_frames, batch_size=64):
        """The next frame after each stack of past frames.

        Args:
            past_frames: `(n, h, w, past_frames * channels)` in [-1, 1],
                oldest frame first.
            batch_size: inference batch size.

        Returns:
            `(n, h, w, channels)` in [-1, 1].
        """
        return self.translate(self.check_past(past_frames), batch_size=batch_size)

    def rollout(self, past_frames, steps=moving.FUTURE_FRAMES, batch_size=256):
        """Predicts `steps` frames recursively: each prediction joins the
        past frames (the oldest drops out) to predict the next.

        Args:
            past_frames: `(n, h, w, past_frames * channels)` in [-1, 1].
            steps: frames to predict. Defaults to 10.
            batch_size: inference batch size.

        Returns:
            `(n, steps, h, w, channels)` in [-1, 1].
        """
        if int(steps) < 1:
            raise ValueError(f"`steps` must be >= 1; received {steps}.")
        window = self.check_past(past_frames)
        channels = self.image_shape[-1]
        frames = []
        for _ in range(int(steps)):
            frame = np.clip(self.translate(window, batch_size=batch_size), -1.0, 1.0)
            frames.append(frame)
            window = np.concatenate([window[..., channels:], frame], axis=-1)
        return np.stack(frames, axis=1)

    # ------------------------------------------------------------------ zoo hooks

    measures_samples = False
    evaluation_monitor = "mse_mean"

    def test_pairs(self, limit=None):
        past, future = self.test_sequences(limit)
        return past, future[:, 0]

    def test_sequences(self, limit=None):
        """`(past frames, future frames)` of the Moving Fashion-MNIST test set."""
        sequences = moving.moving_fashion_mnist(
            "test", limit or moving.NUM_PAIRS["test"], self.past_frames + moving.FUTURE_FRAMES
        )
        return moving.split_frames(sequences, self.past_frames)

    def purpose_metrics(self, evaluator=None, num_samples=EVALUATION_SEQUENCES, run_dir=None):
        """Per-frame MSE, PSNR, SSIM and sharpness of a 10-frame rollout on
        the test sequences, and the same for copying the last frame.

        At most `EVALUATION_SEQUENCES` sequences (the rollout is the cost).
        Keys: `<metric>_frame_1`, `<metric>_mean` (over the 10 frames) and
        `<metric>_per_frame` (a list), for the predictor and, prefixed
        `copy_last_`, the baseline; `real_sharpness`, the true frames'.
        """
        num = min(int(num_samples), EVALUATION_SEQUENCES)
        past, future = self.test_sequences(num)
        return flat_scores(
            video.frame_scores(self.rollout(past, future.shape[1]), future),
            video.frame_scores(video.copy_last(past, future.shape[1], self.image_shape[-1]), future),
            num,
        )

    def evaluation_protocol(self, num_samples):
        num = min(int(num_samples), EVALUATION_SEQUENCES)
        return (
            f"the first {num} Moving Fashion-MNIST test sequences (seed {moving.SEEDS['test']}, "
            "items from the Fashion-MNIST test split): 10 frames rolled out recursively from 10 "
            "past ones; MSE per frame as OpenSTL (sum over pixels of the squared error on [0, 1]), "
            "PSNR, SSIM and sharpness per frame; copy_last_* repeats the last past frame"
        )

    def save_translation_strip(self, path, sources, targets=None, direction=None):
        """A PNG with one row per input: last past frame | prediction | target."""
        sources = self.check_past(sources)
        columns = [sources[..., -self.image_shape[-1]:], self.predict_next(sources)]
        if targets is not None:
            columns.append(np.asarray(targets, "float32"))
        rows = np.stack(columns, axis=1).reshape((-1,) + self.image_shape)
        return save_grid(rows, path, columns=len(columns))

    def save_preset_figure(self, path, dataset=None):
        past, future = self.test_sequences(2)
        predicted = self.rollout(past, future.shape[1])
        copy = video.copy_last(past, future.shape[1], self.image_shape[-1])
        rows = np.concatenate([np.stack([f, c, p]) for f, c, p in zip(future, copy, predicted)])
        save_grid(rows.reshape((-1,) + self.image_shape), path, columns=future.shape[1])

    def networks_config(self):
        return {
            "image_shape": self.image_shape,
            "past_frames": self.past_frames,
            "generator_filters": self.generator_filters,
            "discriminator_filters": self.discriminator_filters,
            "mse_weight": self.mse_weight,
            "gdl_weight": self.gdl_weight,
        }


def flat_scores(model_scores, baseline_scores, num_sequences):
    """A preset card's flat dict from two `video.frame_scores` results."""
    scores = {}
    for prefix, frame_scores in (("", model_scores), ("copy_last_", baseline_scores)):
        for name in video.FRAME_METRICS:
            values = frame_scores[name]
            scores[f"{prefix}{name}_frame_1"] = float(values[0])
            scores[f"{prefix}{name}_mean"] = float(np.mean(values))
            scores[f"{prefix}{name}_per_frame"] = [round(float(v), 4) for v in values]
    scores["real_sharpness"] = float(np.mean(model_scores["real_sharpness"]))
    scores["num_sequences"] = int(num_sequences)
    return scores
