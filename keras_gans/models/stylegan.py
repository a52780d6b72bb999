"""StyleGAN2 (Karras et al., 2020), small, at 32x32: a mapping network, a
style-modulated skip generator, a residual discriminator, style mixing,
lazy R1, an exponential moving average of the generator, and truncation."""

import os

import keras
import numpy as np
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans import metrics
from keras_gans.core.adversarial import AdversarialModel
from keras_gans.core.recipe import Recipe
from keras_gans.images import save_grid
from keras_gans.models import style_networks


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN(AdversarialModel):
    """StyleGAN2: a style-based generator trained with `fit`.

    What differs from DCGAN, each from the StyleGAN papers:

    - **Mapping network.** `z` is mapped to `w` by `mapping_layers` equalized
      dense layers (learning rate x0.01); `w` sets the style of every layer.
    - **Modulated convolutions.** Each 3x3 convolution's input channels are
      scaled by an affine map of `w`, and its output channels demodulated
      to unit variance (StyleGAN2), rather than AdaIN's instance
      normalization, whose normalization of each feature map's mean is what
      caused StyleGAN1's droplet artifacts.
    - **Learned constant input and per-layer noise** with learned strengths.
    - **Skip generator, residual discriminator, no progressive growing.**
    - **Minibatch standard deviation** in the discriminator's last block.
    - **Equalized learning rate** in every layer.
    - **Style-mixing regularization.** With probability
      `style_mixing_probability`, a training batch takes its first styles
      from one latent and the rest from another, at a random crossover.
    - **Lazy R1.** The R1 penalty (gamma/2 ||grad D(x)||^2 on real images)
      is computed every `r1_interval` discriminator steps, weighted by the
      interval.
    - **EMA generator.** `generator_ema` (with its own mapping and
      synthesis networks) follows the generator's weights with a half-life
      of `ema_half_life` images (ramped up over the first images); it is
      model state, saved with the model, and used by `generate`,
      `mix_styles` and the metrics.
    - **Truncation.** The mean `w` (`w_avg`, tracked while training) is a
      model variable; `generate(..., truncation_psi=0.7)` pulls every `w`
      towards it.

    The data: `keras_gans.datasets.load("fashion_mnist_32")` (Fashion-MNIST
    padded to 32x32). Logs `d_loss`, `g_loss` and `r1_penalty` (the
    weighted term added to `d_loss`, zero on the steps in between).

    Args:
        latent_dim: size of z. Defaults to `128`.
        w_dim: size of w. Defaults to `128`.
        mapping_layers: dense layers of the mapping network. Defaults to `4`.
        image_shape: `(height, width, channels)`; height = width =
            `4 * 2 ** (len(channels) - 1)`. Defaults to `(32, 32, 1)`.
        generator_channels: the synthesis network's channels at 4x4, 8x8,
            ... Defaults to `(64, 64, 32, 16)`, sized for a CPU (the paper
            uses 512 at every resolution up to 32x32).
        discriminator_channels: the discriminator's channels at 4x4, 8x8,
            ... Defaults to `(64, 64, 32, 16)`.
        style_mixing_probability: probability of a mixed training batch.
            Defaults to `0.9`.
        r1_gamma: R1 weight gamma. Defaults to `0.01` (StyleGAN2-ADA's
            setting for 32x32 CIFAR-10).
        r1_interval: lazy regularization interval (1: every step).
            Defaults to `16`.
        ema_half_life: images after which the EMA keeps half of the old
            weights. Defaults to `10_000`.
        ema_rampup: during the first images the half-life is at most
            `ema_rampup * images seen`. Defaults to `0.05`.
        w_avg_beta: decay of the tracked mean w per step. Defaults to
            `0.995`.
        mbstd_group_size: minibatch standard deviation group size.
            Defaults to `4`.
        **kwargs: `AdversarialModel` options (`seed`, `d_steps`, ...).

    Example:

    ```python
    gan = keras_gans.models.StyleGAN()
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.0, beta_2=0.99),
        g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.0, beta_2=0.99),
    )
    gan.fit(keras_gans.datasets.load("fashion_mnist_32", batch_size=32), epochs=1)
    images = gan.generate(16, seed=0, truncation_psi=0.7)
    mixed = gan.mix_styles([1, 2], [3, 4], crossover=4)
    ```
    """

    recipes = {
        "stylegan": Recipe(
            learning_rate=2e-3, beta_1=0.0, beta_2=0.99, batch_size=32, dataset="fashion_mnist_32"
        )
    }
    figure_caption = "64 samples of the EMA generator, seed 0, no truncation"

    def __init__(
        self,
        latent_dim=128,
        w_dim=128,
        mapping_layers=4,
        image_shape=(32, 32, 1),
        generator_channels=(64, 64, 32, 16),
        discriminator_channels=(64, 64, 32, 16),
        style_mixing_probability=0.9,
        r1_gamma=0.01,
        r1_interval=16,
        ema_half_life=10_000,
        ema_rampup=0.05,
        w_avg_beta=0.995,
        mbstd_group_size=4,
        **kwargs,
    ):
        self.w_dim = int(w_dim)
        self.mapping_layers = int(mapping_layers)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.generator_channels = tuple(int(c) for c in generator_channels)
        self.discriminator_channels = tuple(int(c) for c in discriminator_channels)
        self.style_mixing_probability = float(style_mixing_probability)
        self.r1_gamma = float(r1_gamma)
        self.r1_interval = int(r1_interval)
        self.ema_half_life = float(ema_half_life)
        self.ema_rampup = float(ema_rampup)
        self.w_avg_beta = float(w_avg_beta)
        self.mbstd_group_size = int(mbstd_group_size)
        self._check_options()
        if kwargs.get("ema_decay"):
            raise ValueError(
                "StyleGAN keeps its own moving average of the generator (`ema_half_life`, "
                f"`ema_rampup`); it takes no `ema_decay` (received {kwargs['ema_decay']!r})."
            )
        seed = kwargs.get("seed")
        mapping, synthesis, generator = self._build_generator(latent_dim, seed, "")
        discriminator = style_networks.residual_discriminator(
            self.image_shape, self.discriminator_channels, self.mbstd_group_size
        )
        super().__init__(generator=generator, discriminator=discriminator, latent_dim=latent_dim, **kwargs)
        self.mapping = mapping
        self.synthesis = synthesis
        self.num_styles = style_networks.num_styles(self.generator_channels)
        self.mapping_ema, self.synthesis_ema, self.generator_ema = self._build_generator(
            latent_dim, seed, "_ema"
        )
        self.generator_ema.set_weights(self.generator.get_weights())
        self.generator_ema.trainable = False
        self.w_avg = self.add_weight(
            shape=(self.w_dim,), initializer="zeros", trainable=False, name="w_avg"
        )

    def _check_options(self):
        size = style_networks.resolutions(self.generator_channels)[-1]
        if self.image_shape[:2] != (size, size):
            raise ValueError(
                f"`generator_channels` {self.generator_channels} describe {size}x{size} images "
                f"(4 * 2 ** {len(self.generator_channels) - 1}); received image_shape "
                f"{self.image_shape}."
            )
        if len(self.discriminator_channels) != len(self.generator_channels):
            raise ValueError(
                f"`discriminator_channels` needs one entry per resolution "
                f"{style_networks.resolutions(self.generator_channels)}; received "
                f"{self.discriminator_channels}."
            )
        if not 0.0 <= self.style_mixing_probability <= 1.0:
            raise ValueError(
                f"`style_mixing_probability` must be in [0, 1]; received {self.style_mixing_probability}."
            )
        if self.r1_gamma < 0 or self.r1_interval < 1:
            raise ValueError(
                f"`r1_gamma` must be >= 0 and `r1_interval` >= 1; received {self.r1_gamma} and "
                f"{self.r1_interval}."
            )
        if self.ema_half_life < 0:
            raise ValueError(f"`ema_half_life` must be >= 0; received {self.ema_half_life}.")

    def _build_generator(self, latent_dim, seed, suffix):
        mapping = style_networks.mapping_network(
            latent_dim, self.w_dim, self.mapping_layers, name="mapping" + suffix
        )
        synthesis = style_networks.synthesis_network(
            self.generator_channels, self.w_dim, self.image_shape[-1], seed, name="synthesis" + suffix
        )
        generator = style_networks.style_generator(mapping, synthesis, name="generator" + suffix)
        return mapping, synthesis, generator

    # ------------------------------------------------------------------ the step

    @property
    def metric_names(self):
        return ("d_loss", "g_loss", "r1_penalty")

    def mixed_styles(self, batch_size, training=True):
        """Per-layer styles of fresh latents, with style mixing while training."""
        w = self.mapping(self.sample_latent(batch_size), training=training)
        styles = ops.repeat(w[:, None, :], self.num_styles, axis=1)
        if not training or self.style_mixing_probability <= 0:
            return styles
        other = self.mapping(self.sample_latent(batch_size), training=training)
        crossover = keras.random.randint((), 1, self.num_styles, seed=self.seed_generator)
        mix = keras.random.uniform((), seed=self.seed_generator) < self.style_mixing_probability
        crossover = ops.where(mix, crossover, self.num_styles)
        first = ops.arange(self.num_styles)[None, :, None] < crossover
        return ops.where(first, styles, other[:, None, :])

    def generate_fake(self, batch_size, training=True):
        return self.synthesis(self.mixed_styles(batch_size, training), training=training), None

    def discriminator_loss(self, batch, training=True):
        loss = super().discriminator_loss(batch, training)
        if not training or self.r1_gamma == 0:
            return loss, {"r1_penalty": ops.zeros(())}
        real = batch["real"]

        def penalty():
            r1 = gan_losses.r1_penalty(lambda x: self.discriminator(x, training=True), real)
            return ops.cast(r1, "float32") * (0.5 * self.r1_gamma * self.r1_interval)

        due = ops.equal(self.d_optimizer.iterations % self.r1_interval, 0)
        r1 = ops.cond(due, penalty, lambda: ops.zeros((), "float32"))
        return loss + r1, {"r1_penalty": r1}

    def _adversarial_train_step(self, data):
        logs = super()._adversarial_train_step(data)
        self.update_averages(ops.shape(self.unpack_batch(data)["real"])[0])
        return logs

    def ema_beta(self, batch_size):
        """This step's EMA decay: `0.5 ** (batch / half_life)`, with the
        half-life ramped up over the first images."""
        images_seen = ops.cast(self.g_optimizer.iterations, "float32") * ops.cast(batch_size, "float32")
        half_life = ops.minimum(self.ema_half_life, images_seen * self.ema_rampup)
        return ops.power(0.5, ops.cast(batch_size, "float32") / ops.maximum(half_life, 1e-8))

    def update_averages(self, batch_size):
        """Moves the EMA generator towards the generator and `w_avg`
        towards the mean w of a fresh batch."""
        beta = self.ema_beta(batch_size)
        for average, current in zip(self.generator_ema.weights, self.generator.weights):
            if current.trainable:
                average.assign(current + (average - current) * beta)
            else:  # constant noise maps: copied
                average.assign(current)
        w = self.mapping_ema(self.sample_latent(batch_size), training=False)
        mean = ops.mean(w, axis=0)
        self.w_avg.assign(mean + (self.w_avg - mean) * self.w_avg_beta)

    # ------------------------------------------------------------------ sampling

    def styles_of(self, latents, truncation_psi=1.0):
        """w of `latents` through the EMA mapping network, truncated towards
        `w_avg`: `w_avg + psi * (w - w_avg)`."""
        w = self.mapping_ema(latents, training=False)
        if truncation_psi != 1.0:
            w = self.w_avg + float(truncation_psi) * (w - self.w_avg)
        return w

    def synthesize(self, w, batch_size=256):
        """Images from w `(n, w_dim)` or per-layer styles `(n, num_styles, w_dim)`."""
        w = ops.convert_to_numpy(w)
        if w.ndim == 2:
            w = np.repeat(w[:, None, :], self.num_styles, axis=1)
        outputs = [
            ops.convert_to_numpy(self.synthesis_ema(w[i : i + batch_size], training=False))
            for i in range(0, len(w), batch_size)
        ]
        return np.concatenate(outputs) if outputs else np.zeros((0,) + self.image_shape, "float32")

    def generate(self, num_samples=None, seed=None, batch_size=256, latents=None, labels=None, truncation_psi=1.0):
        """Images from the EMA generator.

        Args:
            num_samples: number of images (when `latents` is not given).
            seed: latent seed; the same seed gives the same images.
            latents: `(n, latent_dim)` latents instead of `num_samples`.
            batch_size: inference batch size.
            truncation_psi: the truncation trick's psi: 1 samples the full
                distribution, 0 always gives the image of the mean w.
                Defaults to `1.0`.
            labels: not accepted (the model is unconditional).

        Returns:
            NumPy `(n,) + image_shape` in [-1, 1].
        """
        self.check_labels(labels, 0)
        latents = self.latents_for(num_samples, seed, latents)
        w = np.concatenate(
            [
                ops.convert_to_numpy(self.styles_of(latents[i : i + batch_size], truncation_psi))
                for i in range(0, len(latents), batch_size)
            ]
        ) if len(latents) else np.zeros((0, self.w_dim), "float32")
        return self.synthesize(w, batch_size)

    def latents_of_seeds(self, seeds):
        """One latent per seed, the latent `generate(1, seed=s)` uses."""
        return np.concatenate(
            [ops.convert_to_numpy(self.sample_latent(1, seed=int(s))) for s in seeds]
        )

    def mix_styles(self, seed_a, seed_b, crossover, truncation_psi=1.0):
        """Style mixing: the first `crossover` styles from source A, the
        rest from source B.

        The first styles (4x4 and 8x8) set coarse attributes such as the
        silhouette; the last ones (32x32) the fine texture. `crossover=0`
        gives source B, `crossover=num_styles` source A.

        Args:
            seed_a: a seed or a list of seeds (the sources of the first styles).
            seed_b: a seed or a list of seeds of the same length.
            crossover: an int in `[0, num_styles]`.
            truncation_psi: truncation of both sources.

        Returns:
            NumPy images, one per pair of seeds.
        """
        seeds_a, seeds_b = np.atleast_1d(seed_a), np.atleast_1d(seed_b)
        if len(seeds_a) != len(seeds_b):
            raise ValueError(
                f"`seed_a` and `seed_b` need the same length; received {len(seeds_a)} and {len(seeds_b)}."
            )
        if not 0 <= int(crossover) <= self.num_styles:
            raise ValueError(
                f"`crossover` must be in [0, {self.num_styles}] (the number of styles); received {crossover}."
            )
        w_a = ops.convert_to_numpy(self.styles_of(self.latents_of_seeds(seeds_a), truncation_psi))
        w_b = ops.convert_to_numpy(self.styles_of(self.latents_of_seeds(seeds_b), truncation_psi))
        first = (np.arange(self.num_styles) < int(crossover))[None, :, None]
        return self.synthesize(np.where(first, w_a[:, None], w_b[:, None]))

    def save_style_mixing_grid(self, path, row_seeds=(1, 2, 3, 4), column_seeds=(5, 6, 7, 8, 9), crossover=2,
                               truncation_psi=1.0):
        """The classic style-mixing figure as a PNG.

        The top row holds the column sources, the left column the row
        sources; each inner image takes its first `crossover` (coarse)
        styles from its row's source and the rest from its column's. At
        32x32 the default, 2 (the 4x4 styles), carries the silhouette from
        the left and the texture and shading from the top.

        Returns:
            The path written.
        """
        rows, columns = list(row_seeds), list(column_seeds)
        blank = np.full((1,) + self.image_shape, 1.0, "float32")
        tops = self.generate(latents=self.latents_of_seeds(columns), truncation_psi=truncation_psi)
        lefts = self.generate(latents=self.latents_of_seeds(rows), truncation_psi=truncation_psi)
        cells = [np.concatenate([blank, tops])]
        for i, row in enumerate(rows):
            mixed = self.mix_styles([row] * len(columns), columns, crossover, truncation_psi)
            cells.append(np.concatenate([lefts[i : i + 1], mixed]))
        return save_grid(np.concatenate(cells), path, columns=len(columns) + 1)

    # ------------------------------------------------------------------ zoo hooks

    @staticmethod
    def evaluation_images(samples):
        """32x32 samples as the 28x28 evaluator sees them: the centre crop,
        the exact inverse of `fashion_mnist_32`'s 2-pixel padding, so the
        scores share the other presets' evaluator and reference images.
        (Area-resizing a padded image instead shrinks its item by 1/8:
        measured, real training images treated so score FID 56.7 against
        the test set, whose floor is 0.44.)"""
        return np.asarray(samples)[:, 2:30, 2:30]

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        """`fid_area_resized`: the samples and the padded test images both
        area-resized to 28x28, the other way to fit the evaluator."""
        samples = metrics.evaluator.generate_in_chunks(
            num_samples, 0, lambda start, n, chunk_seed: self.generate(n, seed=chunk_seed)
        )
        real = metrics.real_images("test")[0]
        padded = np.pad(real, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1.0)
        fake_features = evaluator.features(metrics.area_resize(samples, real.shape[1:3]))
        real_features = evaluator.features(metrics.area_resize(padded, real.shape[1:3]))
        return {"fid_area_resized": metrics.fid(fake_features, real_features)}

    def evaluation_protocol(self, num_samples):
        return (
            f"{num_samples} samples of the EMA generator (no truncation), centre-cropped to 28x28, vs "
            "the 10,000 Fashion-MNIST test images, features of the fashion_mnist_classifier preset; "
            "fid_area_resized: samples and the padded test images both area-resized to 28x28"
        )

    def save_preset_figure(self, path, dataset=None):
        """Writes the sample grid, and the style-mixing grid beside it as
        `style_mixing.png`."""
        save_grid(self.generate(64, seed=0), path)
        self.save_style_mixing_grid(os.path.join(os.path.dirname(path), "style_mixing.png"))

    # ------------------------------------------------------------------ config

    def networks_config(self):
        return {
            "w_dim": self.w_dim,
            "mapping_layers": self.mapping_layers,
            "image_shape": self.image_shape,
            "generator_channels": self.generator_channels,
            "discriminator_channels": self.discriminator_channels,
            "style_mixing_probability": self.style_mixing_probability,
            "r1_gamma": self.r1_gamma,
            "r1_interval": self.r1_interval,
            "ema_half_life": self.ema_half_life,
            "ema_rampup": self.ema_rampup,
            "w_avg_beta": self.w_avg_beta,
            "mbstd_group_size": self.mbstd_group_size,
        }
