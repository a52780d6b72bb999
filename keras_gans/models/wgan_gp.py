"""WGAN-GP (Gulrajani et al., 2017): a Wasserstein critic with a gradient penalty."""

import keras
from keras import ops

from keras_gans import losses
from keras_gans.core.recipe import Recipe
from keras_gans.models.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(DCGAN):
    """DCGAN networks trained as a WGAN with gradient penalty.

    The critic uses LayerNorm instead of BatchNorm (the penalty is per
    sample), is updated `d_steps` (n_critic, default 5) times per generator
    step, and its loss adds `gp_weight * E[(||grad critic(x_hat)|| - 1)^2]`.
    Logs `gradient_penalty` and `wasserstein_distance` (E critic(real) -
    E critic(fake), the critic's estimate).

    Args:
        gp_weight: lambda, the penalty's weight.
        d_steps: critic updates per generator update.
        **kwargs: as in `DCGAN`.

    Example:

    ```python
    gan = keras_gans.models.WGANGP()
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))
    gan.fit(keras_gans.datasets.load("fashion_mnist"), epochs=5)
    ```
    """

    metric_names = ("d_loss", "g_loss", "gradient_penalty", "wasserstein_distance")
    # Gulrajani et al.: Adam(1e-4, 0, 0.9), n_critic = 5 (the model's default).
    recipes = {
        "wgan_gp": Recipe(
            model_args={"latent_dim": 100}, learning_rate=1e-4, beta_1=0.0, beta_2=0.9,
            loss="wasserstein", batch_size=64,
        )
    }

    def __init__(self, gp_weight=10.0, d_steps=5, normalization="layer", **kwargs):
        self.gp_weight = float(gp_weight)
        super().__init__(d_steps=d_steps, normalization=normalization, **kwargs)

    def compile(self, d_optimizer="adam", g_optimizer="adam", loss="wasserstein", **kwargs):
        super().compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, loss=loss, **kwargs)

    def discriminator_loss(self, batch, training=True):
        real = batch["real"]
        fake, _ = self.generate_fake(ops.shape(real)[0], training)
        real_scores, fake_scores = self.discriminate(real, fake, training)
        critic = lambda x: self.discriminator(x, training=training)  # noqa: E731
        penalty = losses.gradient_penalty(critic, real, fake, seed=self.seed_generator)
        loss = self.adversarial_loss.discriminator_loss(real_scores, fake_scores)
        return loss + self.gp_weight * penalty, {
            "gradient_penalty": penalty,
            "wasserstein_distance": ops.mean(real_scores) - ops.mean(fake_scores),
        }

    def networks_config(self):
        return {**super().networks_config(), "gp_weight": self.gp_weight}
