"""Variational autoencoder (Kingma and Welling, 2014): the zoo's
likelihood baseline next to the GANs."""

import keras
import numpy as np
from keras import layers, ops

from keras_gans import metrics
from keras_gans.core import logged, random
from keras_gans.core.recipe import Recipe
from keras_gans.core.zoo_model import ZooModel
from keras_gans.layers.blocks import discriminator_body, generator_body
from keras_gans.layers.precision import OUTPUT_DTYPE


@keras.saving.register_keras_serializable(package="keras_gans")
class VAE(ZooModel, keras.Model):
    """A convolutional VAE trained with `fit` on images in [-1, 1].

    The encoder (strided convolutions, as a DCGAN discriminator) maps an
    image to the mean and log-variance of a diagonal Gaussian posterior
    `q(z|x)`; a latent is drawn with the reparameterization trick
    `z = mean + exp(log_var / 2) * eps`; the decoder (a DCGAN generator
    body without its tanh) maps it to one Bernoulli logit per pixel.

    Likelihood: Bernoulli on pixels rescaled to [0, 1], `t = (x + 1) / 2`;
    the reconstruction loss is the binary cross-entropy
    `softplus(l) - t * l` summed over pixels (nats per image; on gray pixels
    it is the usual cross-entropy, whose minimum is the pixels' entropy, not
    0). `decode` returns the Bernoulli mean on the [-1, 1] scale,
    `2 * sigmoid(l) - 1 = tanh(l / 2)`, so samples lie in [-1, 1] like every
    model of the zoo. The KL term is the closed form against `N(0, I)`.

    `fit` minimizes `loss = reconstruction_loss + kl_weight * kl_loss`
    (`compute_loss`, so Keras' own train step runs it on every backend) and
    logs `loss`, `reconstruction_loss`, `kl_loss` and `elbo`
    (`-(reconstruction_loss + kl_loss)`), each a mean per image.

    Args:
        latent_dim: size of the latent vector. Defaults to `32`.
        image_shape: `(height, width, channels)`; height and width must be
            divisible by `2 ** (len(decoder_filters) - 1)`. Defaults to
            `(28, 28, 1)`.
        encoder_filters: channels of each strided encoder block. Defaults
            to `(32, 64)`.
        decoder_filters: channels of the decoder's projected map and of each
            2x upsampling block. Defaults to `(128, 64, 32)` (the DCGAN
            generator's).
        kernel_size: convolution kernel size. Defaults to `3`.
        kl_weight: weight of the KL term in the training loss (1 is the
            ELBO; other values give a beta-VAE). Defaults to `1.0`.
        seed: seed of the model's `SeedGenerator` (posterior samples).
            Defaults to `None`.
        **kwargs: `keras.Model` arguments (`name`, `dtype`).

    Example:

    ```python
    vae = keras_gans.models.VAE(latent_dim=32)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    vae.fit(keras_gans.datasets.load("fashion_mnist", batch_size=128), epochs=5)
    images = vae.generate(16, seed=0)            # (16, 28, 28, 1) in [-1, 1]
    mean, log_var = vae.encode(images)
    vae.elbo(images)["elbo"]                    # nats per image
    ```
    """

    recipes = {"vae": Recipe(model_args={"latent_dim": 32}, learning_rate=1e-3, beta_1=0.9)}
    task = "unconditional image generation"
    figure_caption = "64 samples from the prior (decoder means), seed 0"
    compile_hint = "call `compile(optimizer=...)`"

    def __init__(
        self,
        latent_dim=32,
        image_shape=(28, 28, 1),
        encoder_filters=(32, 64),
        decoder_filters=(128, 64, 32),
        kernel_size=3,
        kl_weight=1.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        image_shape = tuple(int(d) for d in image_shape)
        encoder_filters = tuple(int(f) for f in encoder_filters)
        decoder_filters = tuple(int(f) for f in decoder_filters)
        if int(latent_dim) < 1:
            raise ValueError(f"`latent_dim` must be at least 1, received {latent_dim}.")
        if len(image_shape) != 3:
            raise ValueError(f"`image_shape` must be (height, width, channels); received {image_shape}.")
        if not encoder_filters or not decoder_filters:
            raise ValueError(
                "`encoder_filters` and `decoder_filters` need at least one entry; received "
                f"{encoder_filters} and {decoder_filters}."
            )
        scale = 2 ** (len(decoder_filters) - 1)
        if image_shape[0] % scale or image_shape[1] % scale:
            raise ValueError(
                f"`image_shape` {image_shape[:2]} must be divisible by {scale} "
                f"for {len(decoder_filters) - 1} upsampling blocks."
            )
        if float(kl_weight) < 0:
            raise ValueError(f"`kl_weight` must be >= 0, received {kl_weight}.")
        self.latent_dim = int(latent_dim)
        self.image_shape = image_shape
        self.encoder_filters = encoder_filters
        self.decoder_filters = decoder_filters
        self.kernel_size = int(kernel_size)
        self.kl_weight = float(kl_weight)
        self.seed = seed
        self.data_shape = image_shape
        self.value_range = (-1.0, 1.0)
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")

        images = keras.Input(image_shape, name="images")
        features = discriminator_body(images, encoder_filters, self.kernel_size, normalization=None)
        z_mean = layers.Dense(self.latent_dim, dtype=OUTPUT_DTYPE, name="z_mean")(features)
        z_log_var = layers.Dense(self.latent_dim, dtype=OUTPUT_DTYPE, name="z_log_var")(features)
        self.encoder = keras.Model(images, [z_mean, z_log_var], name="encoder")
        latents = keras.Input((self.latent_dim,), name="latents")
        logits = generator_body(
            latents, image_shape, decoder_filters, self.kernel_size, "nearest", activation=None
        )
        self.decoder = keras.Model(latents, logits, name="decoder")

        self.reconstruction_tracker, self.kl_tracker, self.elbo_tracker = logged.trackers(
            ("reconstruction_loss", "kl_loss", "elbo")
        )
        self._logged_values = logged.LoggedValues(
            [self.reconstruction_tracker, self.kl_tracker, self.elbo_tracker]
        )
        self.built = True

    # ------------------------------------------------------------------ compile

    def compile(self, optimizer="adam", **kwargs):
        """Configures the optimizer; the loss is the model's own (the ELBO).

        Args:
            optimizer: optimizer (or name) for the encoder and decoder.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `run_eagerly`, `steps_per_execution`).
        """
        for key in ("loss", "loss_weights", "metrics", "weighted_metrics"):
            if kwargs.get(key) is not None:
                raise ValueError(
                    f"`{key}` is not an argument of {type(self).__name__}.compile: its loss is "
                    "the negative ELBO (`compute_loss`); pass only `optimizer`."
                )
        optimizer = keras.optimizers.get(optimizer)
        super().compile(optimizer=optimizer, **kwargs)
        self._compile_arguments = dict(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        super().compile_from_config(config)
        # Built now, so that loading restores the optimizer's slots.
        self.optimizer.build(self.trainable_variables)

    def compile_recipe(self, recipe):
        """Compiles with one Adam at the recipe's learning rate and betas."""
        self.compile(optimizer=recipe.optimizer())

    @property
    def metrics(self):
        """Keras' `loss` tracker (updated by the default `train_step`) and
        the ELBO's terms, each declaring its direction."""
        own = [self._loss_tracker] if self._loss_tracker is not None else []
        return own + super().metrics

    # ------------------------------------------------------------------ the objective

    def call(self, images, training=False):
        """One pass through the model on `images`: posterior, one
        reparameterized latent, decoder logits.

        Returns:
            A dict with `z_mean`, `z_log_var`, `z` and `logits`.
        """
        z_mean, z_log_var = self.encoder(images, training=training)
        z = self.reparameterize(z_mean, z_log_var, self.seed_generator)
        return {
            "z_mean": z_mean,
            "z_log_var": z_log_var,
            "z": z,
            "logits": self.decoder(z, training=training),
        }

    @staticmethod
    def reparameterize(z_mean, z_log_var, seed):
        """`z = mean + exp(log_var / 2) * eps`, `eps ~ N(0, I)` drawn from `seed`."""
        eps = keras.random.normal(ops.shape(z_mean), seed=seed)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    @staticmethod
    def elbo_terms(images, outputs):
        """Per-image reconstruction loss and KL (nats) from `call`'s outputs.

        Returns:
            `(reconstruction_loss, kl_loss)`, each of shape `(batch,)`.
        """
        targets = (ops.cast(images, "float32") + 1.0) / 2.0
        # Tensors (NumPy arrays from `predict` too): NumPy on the left of an
        # operator would not defer to a torch tensor.
        outputs = {key: ops.convert_to_tensor(value) for key, value in outputs.items()}
        logits = outputs["logits"]
        cross_entropy = ops.softplus(logits) - targets * logits
        reconstruction = ops.sum(ops.reshape(cross_entropy, (ops.shape(logits)[0], -1)), axis=1)
        mean, log_var = outputs["z_mean"], outputs["z_log_var"]
        kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=1)
        return reconstruction, kl

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The negative ELBO (with `kl_weight` on its KL term), mean per image;
        updates the `reconstruction_loss`, `kl_loss` and `elbo` trackers."""
        self.check_batch_shapes({"real": x})
        reconstruction, kl = self.elbo_terms(x, y_pred)
        reconstruction, kl = ops.mean(reconstruction), ops.mean(kl)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        self.elbo_tracker.update_state(-(reconstruction + kl))
        loss = reconstruction + self.kl_weight * kl
        if self.losses:
            loss = loss + ops.sum(self.losses)
        return loss

    def elbo(self, images, seed=0, batch_size=500):
        """The ELBO and its terms on `images`, in nats per image (one
        posterior sample per image, its noise drawn by NumPy from `seed`:
        the same on every backend and every call).

        Args:
            images: array `(n,) + image_shape` in [-1, 1].
            seed: seed of the posterior samples' noise.
            batch_size: inference batch size.

        Returns:
            dict with `elbo`, `reconstruction_loss` and `kl_loss` (means).
        """
        self.check_data(images)
        images = np.asarray(images, dtype="float32")
        z_mean, z_log_var = self.encoder.predict(images, batch_size=batch_size, verbose=0)
        eps = np.random.default_rng(seed).standard_normal(z_mean.shape).astype("float32")
        z = z_mean + np.exp(0.5 * z_log_var) * eps
        outputs = {
            "z_mean": z_mean,
            "z_log_var": z_log_var,
            "logits": self.decoder.predict(z, batch_size=batch_size, verbose=0),
        }
        reconstruction, kl = self.elbo_terms(images, outputs)
        reconstruction = float(ops.convert_to_numpy(reconstruction).mean())
        kl = float(ops.convert_to_numpy(kl).mean())
        return {"elbo": -(reconstruction + kl), "reconstruction_loss": reconstruction, "kl_loss": kl}

    # ------------------------------------------------------------------ encode / decode

    def encode(self, images, batch_size=256):
        """The posterior's `(mean, log_var)`, each `(n, latent_dim)` (NumPy).

        Raises:
            ValueError: images of the wrong shape, dtype or value range.
        """
        self.check_data(images)
        z_mean, z_log_var = self.encoder.predict(
            np.asarray(images, dtype="float32"), batch_size=batch_size, verbose=0
        )
        return z_mean, z_log_var

    def decode(self, latents, batch_size=256):
        """Images in [-1, 1] (the Bernoulli means, `tanh(logits / 2)`) for
        `latents` of shape `(n, latent_dim)`."""
        latents = np.asarray(ops.convert_to_numpy(latents), dtype="float32")
        if latents.ndim != 2 or latents.shape[1] != self.latent_dim:
            raise ValueError(
                f"Expected latents of shape (n, {self.latent_dim}), received {latents.shape}."
            )
        outputs = []
        for i in range(0, len(latents), batch_size):
            logits = self.decoder(latents[i : i + batch_size], training=False)
            outputs.append(ops.convert_to_numpy(ops.tanh(0.5 * logits)))
        return np.concatenate(outputs, axis=0)

    def reconstruct(self, images, batch_size=256):
        """`decode(encode(images) mean)`: deterministic reconstructions."""
        return self.decode(self.encode(images, batch_size)[0], batch_size)

    def sample_latent(self, batch_size, seed=None):
        """Draws `(batch_size, latent_dim)` latents from the prior `N(0, I)`.

        Args:
            batch_size: number of latents.
            seed: an int (NumPy latents, the same on every backend) or a
                `SeedGenerator`; defaults to the model's own.
        """
        return random.source(seed, default=self.seed_generator).normal((batch_size, self.latent_dim))

    def generate(self, num_samples, seed=None, batch_size=256, latents=None, labels=None):
        """Decodes latents drawn from the prior (the GANs' interface).

        Args:
            num_samples: how many samples.
            seed: int for reproducible latents; `None` draws fresh ones.
            batch_size: decoder batch size.
            latents: optional `(num_samples, latent_dim)` latents to decode
                instead of sampling.
            labels: must be `None` (the VAE is unconditional).

        Returns:
            A NumPy array `(num_samples,) + image_shape` in [-1, 1].
        """
        if labels is not None:
            raise ValueError(f"{type(self).__name__} is unconditional: `generate` takes no `labels`.")
        if latents is None:
            seed = np.random.randint(2**31 - 1) if seed is None else seed
            latents = self.sample_latent(int(num_samples), seed=seed)
        return self.decode(latents, batch_size)

    # ------------------------------------------------------------------ zoo hooks

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        """The ELBO and its terms on the first `num_samples` (at most all
        10,000) Fashion-MNIST test images: `test_elbo`,
        `test_reconstruction_loss`, `test_kl` (nats per image)."""
        scores = self.elbo(metrics.real_images("test", limit=num_samples)[0], seed=0)
        return {
            "test_elbo": scores["elbo"],
            "test_reconstruction_loss": scores["reconstruction_loss"],
            "test_kl": scores["kl_loss"],
        }

    def evaluation_protocol(self, num_samples):
        return (
            super().evaluation_protocol(num_samples)
            + "; test_elbo, test_reconstruction_loss and test_kl in nats per image on "
            f"{min(num_samples, 10_000)} test images (Bernoulli cross-entropy on pixels "
            "rescaled to [0, 1], one posterior sample per image, seed 0)"
        )

    # ------------------------------------------------------------------ saving

    def get_config(self):
        config = super().get_config()
        config.update(
            latent_dim=self.latent_dim,
            image_shape=self.image_shape,
            encoder_filters=self.encoder_filters,
            decoder_filters=self.decoder_filters,
            kernel_size=self.kernel_size,
            kl_weight=self.kl_weight,
            seed=self.seed,
        )
        return config
