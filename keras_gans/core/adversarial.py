"""`AdversarialModel`: the train-step skeleton every GAN variant shares."""

import keras
import numpy as np
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans.core import backend, logged, random
from keras_gans.core.optimizer_group import OptimizerGroup
from keras_gans.core.zoo_model import ZooModel

LATENT_DISTRIBUTIONS = ("normal", "uniform")


@keras.saving.register_keras_serializable(package="keras_gans")
class AdversarialModel(ZooModel, keras.Model):
    """A generator and a discriminator trained against each other with `fit`.

    Each `train_step` updates the discriminator `d_steps` times (each with
    fresh noise, on the same real batch), then the generator once. Variants
    override the objectives, never the step: `discriminator_loss(batch)` and
    `generator_loss(batch)` each return a scalar or `(scalar, logs)`, where
    `logs` holds extra values named in `metric_names`.

    The discriminator tricks of Salimans et al. (2016) and Sønderby et al.
    (2017) are options of every variant: one-sided label smoothing
    (`label_smoothing`), instance noise on the discriminator's inputs
    (`instance_noise`) and separate real/fake batches through BatchNorm
    (`separate_batches`).

    Args:
        generator: a `keras.Model` mapping latents `(batch, latent_dim)` to
            samples of shape `data_shape`.
        discriminator: a `keras.Model` mapping samples to logits `(batch, 1)`.
        latent_dim: size of the latent vector.
        d_steps: discriminator updates per generator update (`n_critic`).
            The discriminator optimizer's `iterations` (and so any
            learning-rate schedule it follows) advance `d_steps` times per
            train step.
        latent_distribution: `"normal"` (default) or `"uniform"` in [-1, 1].
        label_smoothing: one-sided smoothing: real targets become
            `1 - label_smoothing` in the cross-entropy and least-squares
            losses (hinge and Wasserstein have no targets). Applies when
            `compile` gets a loss *name*; a loss object keeps its own
            `real_label`.
        instance_noise: standard deviation of Gaussian noise added to every
            discriminator input during training (0 disables it).
        separate_batches: if True (default), real and fake samples go
            through the discriminator as separate batches, so BatchNorm never
            mixes them. With a BatchNorm discriminator this matters: the
            generator step shows the discriminator fake-only batches, and a
            discriminator trained on mixed batches then judges those by other
            statistics (measured here: the DCGAN's losses both fell to ~0.02
            and training failed).
        value_range: `(low, high)` the data must lie in, checked on the first
            batch before training; `None` disables the check.
        ema_decay: with a decay in (0, 1) (e.g. `0.999`), the model keeps
            `average_generator`, an exponential moving average of the
            generator's weights updated after every generator step, and
            `generate` samples from it (Karras et al., 2018; Yazici et al.,
            2019: the average removes much of the step-to-step noise of the
            generator). The decay ramps up as `min(ema_decay, (1 + t) / (10 + t))`
            over the first generator steps (`t` counts them, the current
            one included). `0` (default): no average.
        seed: seed of the model's `SeedGenerator` (latents, noise).

    Example:

    ```python
    gan = keras_gans.models.DCGAN(latent_dim=100, image_shape=(28, 28, 1))
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="non_saturating",
    )
    gan.fit(keras_gans.datasets.load("fashion_mnist", batch_size=128), epochs=1)
    images = gan.generate(16, seed=0)
    ```
    """

    metric_names = ("d_loss", "g_loss")
    # The zoo hooks (recipes, task, presets, card metrics, input checks)
    # live on `ZooModel`; a variant overrides the ones that differ.
    compile_hint = "call `compile(d_optimizer=..., g_optimizer=..., loss=...)`"

    takes_latents = True  # image-to-image models set False (latent_dim 0)

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        d_steps=1,
        latent_distribution="normal",
        label_smoothing=0.0,
        instance_noise=0.0,
        separate_batches=True,
        value_range=(-1.0, 1.0),
        ema_decay=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if self.takes_latents:
            check_latent_dim(latent_dim)
        if int(d_steps) < 1:
            raise ValueError(f"`d_steps` must be at least 1, received {d_steps}.")
        if latent_distribution not in LATENT_DISTRIBUTIONS:
            raise ValueError(
                f"`latent_distribution` must be one of {LATENT_DISTRIBUTIONS}, "
                f"received {latent_distribution!r}."
            )
        if not 0.0 <= float(label_smoothing) < 1.0:
            raise ValueError(
                f"`label_smoothing` must be in [0, 1), received {label_smoothing}."
            )
        if float(instance_noise) < 0:
            raise ValueError(
                f"`instance_noise` must be >= 0, received {instance_noise}."
            )
        if not 0.0 <= float(ema_decay) < 1.0:
            raise ValueError(
                f"`ema_decay` must be in [0, 1) (0: no average generator), received {ema_decay}."
            )
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.d_steps = int(d_steps)
        self.latent_distribution = latent_distribution
        self.label_smoothing = float(label_smoothing)
        self.instance_noise = float(instance_noise)
        self.separate_batches = bool(separate_batches)
        self.value_range = tuple(value_range) if value_range is not None else None
        self.ema_decay = float(ema_decay)
        self.average_generator = self._average_of(generator) if self.ema_decay else None
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")
        self.data_shape = tuple(generator.output_shape[1:])
        self._trackers = logged.trackers(self.metric_names)
        self._logged_values = logged.LoggedValues(self._trackers)
        self.adversarial_loss = None
        self.built = True

    # ------------------------------------------------------------------ compile

    def compile(
        self,
        d_optimizer="adam",
        g_optimizer="adam",
        loss="non_saturating",
        **kwargs,
    ):
        """Configures the two optimizers and the adversarial loss.

        Both optimizers are built here, on the variables of their own network,
        so their state exists before the first (traced) step and survives
        saving and the JAX trainer.

        Args:
            d_optimizer: optimizer (or name) for the discriminator.
            g_optimizer: optimizer (or name) for the generator; a different
                instance from `d_optimizer`.
            loss: an adversarial loss name (see `keras_gans.losses.names()`)
                or an `AdversarialLoss` object.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `run_eagerly`, `steps_per_execution`). With
                `auto_scale_loss=True` (default) and the `mixed_float16`
                dtype policy, each optimizer is wrapped in a
                `keras.optimizers.LossScaleOptimizer`.
        """
        for key in ("optimizer", "metrics", "loss_weights"):
            if key in kwargs:
                raise ValueError(
                    f"`{key}` is not an argument of {type(self).__name__}.compile; "
                    "pass `d_optimizer`, `g_optimizer` and `loss` instead."
                )
        auto_scale_loss = kwargs.pop("auto_scale_loss", True)
        d_optimizer = self.loss_scaled(_optimizer(d_optimizer, "d_optimizer"), auto_scale_loss)
        g_optimizer = self.loss_scaled(_optimizer(g_optimizer, "g_optimizer"), auto_scale_loss)
        group = OptimizerGroup(self.extra_optimizers([d_optimizer, g_optimizer]))
        if isinstance(loss, str):
            adversarial_loss = gan_losses.get(loss, real_label=1.0 - self.label_smoothing)
        else:
            adversarial_loss = gan_losses.get(loss)
        # Each player's optimizer is loss-scaled above: Keras' own wrapping
        # would scale the group, which applies no gradients.
        super().compile(optimizer=group, auto_scale_loss=False, **kwargs)
        self.adversarial_loss = adversarial_loss
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.build_optimizers()
        self._compile_arguments = dict(
            d_optimizer=d_optimizer, g_optimizer=g_optimizer, loss=adversarial_loss, **kwargs
        )

    def compile_recipe(self, recipe):
        """Compiles with a `Recipe`'s two Adam optimizers and its adversarial loss."""
        d_optimizer, g_optimizer = recipe.optimizers()
        self.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, loss=recipe.loss)

    def loss_scaled(self, optimizer, auto_scale_loss=True):
        """`optimizer` wrapped in a `keras.optimizers.LossScaleOptimizer`
        when the model computes in float16 (the `mixed_float16` dtype
        policy), as `keras.Model.compile(auto_scale_loss=True)` does for a
        single optimizer; otherwise `optimizer` itself. bfloat16 has
        float32's range and needs no loss scaling."""
        if (
            auto_scale_loss
            and self.dtype_policy.name == "mixed_float16"
            and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        ):
            return keras.optimizers.LossScaleOptimizer(optimizer, name=f"loss_scaled_{optimizer.name}")
        return optimizer

    def extra_optimizers(self, optimizers):
        """Hook for variants with more networks: returns all optimizers."""
        return optimizers

    def build_optimizers(self):
        """Builds each optimizer on its network's variables (by object)."""
        self.d_optimizer.build(self.discriminator_variables)
        self.g_optimizer.build(self.generator_variables)

    # ------------------------------------------------------------------ players

    def generator_networks(self):
        """The networks the generator's optimizer trains (CycleGAN: two)."""
        return [self.generator]

    def discriminator_networks(self):
        """The networks the discriminator's optimizer trains."""
        return [self.discriminator]

    @staticmethod
    def _average_of(generator):
        """A frozen copy of `generator` that starts with its weights."""
        average = keras.models.clone_model(generator)
        average.name = "average_generator"
        average.set_weights(generator.get_weights())
        average.trainable = False
        return average

    @property
    def sampling_generator(self):
        """The network `generate` samples from: the average generator when
        the model keeps one (`ema_decay`), else the generator."""
        return self.average_generator if self.average_generator is not None else self.generator

    def update_average_generator(self):
        """Moves `average_generator` towards the generator (trainable
        weights) and copies its other state (e.g. BatchNorm statistics)."""
        step = ops.cast(self.g_optimizer.iterations, "float32")
        decay = ops.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        for average, current in zip(self.average_generator.weights, self.generator.weights):
            if current.trainable:
                average.assign(current + (average - current) * ops.cast(decay, current.dtype))
            else:
                average.assign(current)

    @property
    def generator_variables(self):
        return [v for net in self.generator_networks() for v in net.trainable_variables]

    @property
    def discriminator_variables(self):
        return [v for net in self.discriminator_networks() for v in net.trainable_variables]

    @property
    def trains_discriminator(self):
        """False for a variant configured without an adversarial term (e.g.
        SRResNet pre-training): the step then skips the discriminator."""
        return True

    # ------------------------------------------------------------------ sampling

    def sample_latent(self, batch_size, seed=None):
        """Draws `(batch_size, latent_dim)` latents from the prior.

        Args:
            batch_size: number of latents.
            seed: an int (NumPy latents, the same on every backend), or a
                `SeedGenerator`; defaults to the model's own seed generator,
                whose state advances every call (in-graph latents).
        """
        draw = random.source(seed, default=self.seed_generator)
        shape = (batch_size, self.latent_dim)
        if self.latent_distribution == "uniform":
            return draw.uniform(shape, -1.0, 1.0)
        return draw.normal(shape)

    def latents_for(self, num_samples=None, seed=None, latents=None):
        """The latents `generate` uses, as NumPy: `latents` itself (checked),
        else `num_samples` drawn from the prior with `seed` (fresh ones when
        `seed` is None)."""
        if latents is None:
            if num_samples is None:
                raise ValueError("Pass `num_samples` or `latents`.")
            seed = np.random.randint(2**31 - 1) if seed is None else seed
            latents = self.sample_latent(int(num_samples), seed=seed)
        latents = ops.convert_to_numpy(latents)
        if latents.shape[1:] != (self.latent_dim,):
            raise ValueError(
                f"Expected latents of shape (n, {self.latent_dim}), "
                f"received {latents.shape}."
            )
        return latents

    def generate(self, num_samples, seed=None, batch_size=256, latents=None, labels=None):
        """Generates samples with the generator in inference mode (the
        average generator when the model keeps one, see `ema_decay`).

        Args:
            num_samples: how many samples.
            seed: int for reproducible latents; `None` draws fresh ones.
            batch_size: generator batch size.
            latents: optional array of latents `(num_samples, latent_dim)`
                to use instead of sampling.
            labels: class labels `(num_samples,)` for conditional variants.

        Returns:
            A NumPy array `(num_samples,) + data_shape`; images lie in [-1, 1].
        """
        latents = self.latents_for(num_samples, seed, latents)
        labels = self.check_labels(labels, len(latents))
        outputs = []
        for i in range(0, len(latents), batch_size):
            batch_labels = None if labels is None else labels[i : i + batch_size]
            inputs = self.generator_inputs(latents[i : i + batch_size], batch_labels)
            outputs.append(ops.convert_to_numpy(self.sampling_generator(inputs, training=False)))
        return np.concatenate(outputs, axis=0)

    def generator_inputs(self, latents, labels=None):
        """What the generator takes; conditional variants add the labels."""
        return latents

    def check_labels(self, labels, num_samples):
        """Validates `labels` passed to `generate` (unconditional: none)."""
        if labels is not None:
            raise ValueError(
                f"{type(self).__name__} is unconditional: `generate` takes no `labels`."
            )
        return None

    def discriminator_features(self, samples, batch_size=256, layer="features", labels=None):
        """The discriminator's penultimate features, for transfer learning.

        Args:
            samples: array of samples in the model's data range.
            batch_size: inference batch size.
            layer: the name of the discriminator layer to read.
            labels: the labels a conditional discriminator sees (default:
                cycling through the classes).

        Returns:
            A NumPy array `(n, feature_dim)`.
        """
        self.check_data(samples)
        samples = np.asarray(samples, dtype="float32")
        try:
            output = self.discriminator.get_layer(layer).output
        except ValueError as error:
            raise ValueError(
                f"The discriminator has no layer named {layer!r}; its layers are "
                f"{[l.name for l in self.discriminator.layers]}."
            ) from error
        extractor = keras.Model(self.discriminator.inputs, output)
        labels = self.check_labels(labels, len(samples))
        inputs = self.discriminator_inputs(samples, labels)
        return extractor.predict(inputs, batch_size=batch_size, verbose=0)

    def call(self, latents, training=False):
        return self.generator(latents, training=training)

    # ------------------------------------------------------------------ the step

    def discriminator_inputs(self, samples, labels=None):
        """What the discriminator takes; conditional variants add the labels."""
        return samples

    def sample_fake_labels(self, batch_size):
        """Labels to condition fake samples on; None for unconditional models."""
        return None

    def add_instance_noise(self, samples, training=True):
        """Adds the `instance_noise` trick's Gaussian noise while training."""
        if not training or self.instance_noise <= 0:
            return samples
        return samples + self.instance_noise * keras.random.normal(
            ops.shape(samples), seed=self.seed_generator
        )

    def generate_fake(self, batch_size, training=True):
        """`(fake_samples, fake_labels)` from fresh latents (and labels)."""
        labels = self.sample_fake_labels(batch_size)
        inputs = self.generator_inputs(self.sample_latent(batch_size), labels)
        return self.generator(inputs, training=training), labels

    def fake_for_discriminator(self, batch_size, training=True):
        """`generate_fake` for the discriminator's update, where the samples
        are constants: no gradient flows back into the generator, so no
        backend records the generator's graph for a backward pass it never
        takes (measured on TensorFlow's WGAN-GP and PyTorch's DCGAN,
        benchmarks/RESULTS.md)."""
        fake, labels = self.generate_fake(batch_size, training)
        return ops.stop_gradient(fake), labels

    def discriminate(self, real, fake, training=True, real_labels=None, fake_labels=None):
        """Discriminator outputs for a real and a fake batch.

        Applies instance noise and the separate-batches option.
        """
        real = self.add_instance_noise(real, training)
        fake = self.add_instance_noise(fake, training)
        if self.separate_batches:
            return (
                self.discriminator(self.discriminator_inputs(real, real_labels), training=training),
                self.discriminator(self.discriminator_inputs(fake, fake_labels), training=training),
            )
        batch_size = ops.shape(real)[0]
        samples = ops.concatenate([real, fake], axis=0)
        labels = None
        if real_labels is not None and fake_labels is not None:
            labels = ops.concatenate([real_labels, ops.cast(fake_labels, real_labels.dtype)], axis=0)
        outputs = self.discriminator(self.discriminator_inputs(samples, labels), training=training)
        return keras.tree.map_structure(
            lambda x: x[:batch_size], outputs
        ), keras.tree.map_structure(lambda x: x[batch_size:], outputs)

    def realness(self, outputs):
        """The real-vs-fake logit in the discriminator's outputs (variants
        with several heads return theirs)."""
        if isinstance(outputs, (list, tuple)):
            outputs = outputs[0]
        return ops.reshape(outputs, (-1,))

    def discriminator_accuracy(self, real, fake, labels=None):
        """How well D tells `real` from `fake` samples (NumPy, inference
        mode): the mean of `realness > 0` on real and `< 0` on fake.

        Args:
            real: real samples.
            fake: generated samples.
            labels: labels of both, for conditional discriminators.
        """
        if labels is not None:
            labels = ops.convert_to_tensor(np.asarray(labels, "int32"))
        real_out, fake_out = self.discriminate(
            ops.convert_to_tensor(np.asarray(real, "float32")),
            ops.convert_to_tensor(np.asarray(fake, "float32")),
            training=False, real_labels=labels, fake_labels=labels,
        )
        real_hits = ops.convert_to_numpy(self.realness(real_out)) > 0
        fake_hits = ops.convert_to_numpy(self.realness(fake_out)) < 0
        return 0.5 * (float(real_hits.mean()) + float(fake_hits.mean()))

    def discriminator_loss(self, batch, training=True):
        """The discriminator's objective on one batch."""
        real = batch["real"]
        fake, fake_labels = self.fake_for_discriminator(ops.shape(real)[0], training)
        real_logits, fake_logits = self.discriminate(
            real, fake, training, batch.get("labels"), fake_labels
        )
        return self.adversarial_loss.discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, batch, training=True):
        """The generator's objective on one batch."""
        fake, fake_labels = self.generate_fake(ops.shape(batch["real"])[0], training)
        fake = self.add_instance_noise(fake, training)
        fake_logits = self.discriminator(
            self.discriminator_inputs(fake, fake_labels), training=training
        )
        return self.adversarial_loss.generator_loss(fake_logits)

    def train_step(self, *args):
        return backend.train_step(self, self._adversarial_train_step, *args)

    def test_step(self, *args):
        return backend.test_step(self, self._adversarial_test_step, *args)

    def _adversarial_train_step(self, data):
        batch = self.unpack_batch(data)
        self.check_batch_shapes(batch)
        logs = {}
        for _ in range(self.d_steps if self.trains_discriminator else 0):
            logs["d_loss"], d_logs = backend.minimize(
                lambda: _with_logs(self.discriminator_loss(batch)),
                self.discriminator_variables,
                self.d_optimizer,
            )
            logs.update(d_logs)
        logs["g_loss"], g_logs = backend.minimize(
            lambda: _with_logs(self.generator_loss(batch)),
            self.generator_variables,
            self.g_optimizer,
        )
        logs.update(g_logs)
        if self.average_generator is not None:
            self.update_average_generator()
        return self._update_trackers(logs)

    def _adversarial_test_step(self, data):
        batch = self.unpack_batch(data)
        self.check_batch_shapes(batch)
        logs = {}
        if self.trains_discriminator:
            logs["d_loss"], d_logs = _with_logs(self.discriminator_loss(batch, training=False))
            logs.update(d_logs)
        logs["g_loss"], g_logs = _with_logs(self.generator_loss(batch, training=False))
        logs.update(g_logs)
        return self._update_trackers(logs)

    def _update_trackers(self, logs):
        for tracker in self._trackers:
            if tracker.name in logs:
                tracker.update_state(logs[tracker.name])
        return {tracker.name: tracker.result() for tracker in self._trackers}

    # ------------------------------------------------------------------ saving

    def get_config(self):
        config = super().get_config()
        config.update(self._options_config())
        config.update(self.networks_config())
        return config

    def networks_config(self):
        """How `from_config` rebuilds the networks. Variants that build their
        own networks return their hyperparameters here instead."""
        return {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
        }

    def _options_config(self):
        return {
            "latent_dim": self.latent_dim,
            "d_steps": self.d_steps,
            "latent_distribution": self.latent_distribution,
            "label_smoothing": self.label_smoothing,
            "instance_noise": self.instance_noise,
            "separate_batches": self.separate_batches,
            "value_range": self.value_range,
            "ema_decay": self.ema_decay,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(
                    config[key], custom_objects=custom_objects
                )
        return cls(**config)


def check_latent_dim(latent_dim):
    """Raises `ValueError` unless `latent_dim` is a positive integer; returns it."""
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, (int, np.integer)) or latent_dim < 1:
        raise ValueError(f"`latent_dim` must be a positive integer; received {latent_dim!r}.")
    return int(latent_dim)


def _optimizer(identifier, argument):
    """`keras.optimizers.get`, with errors that say which argument was wrong."""
    if identifier is None:
        raise ValueError(
            f"`{argument}` is required: pass a keras.optimizers.Optimizer or a name such as "
            "'adam'; received None."
        )
    try:
        return keras.optimizers.get(identifier)
    except ValueError:
        raise ValueError(
            f"Unknown `{argument}` {identifier!r}: expected a keras.optimizers.Optimizer or a "
            "name such as 'adam', 'rmsprop' or 'sgd'."
        ) from None


def _with_logs(result):
    if isinstance(result, tuple):
        loss, logs = result
        return loss, dict(logs)
    return result, {}

