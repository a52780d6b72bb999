"""WGAN-GP (Gulrajani et al., 2017): a Wasserstein critic with a gradient penalty."""

import keras
from keras import ops

from keras_gans import losses
from keras_gans.core.recipe import Recipe
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.gan import GAN


class GradientPenaltyCritic:
    """The WGAN-GP objective (Gulrajani et al., 2017) for any pair of networks:
    a Wasserstein critic whose loss adds `gp_weight * E[(||grad critic(x_hat)|| - 1)^2]`
    at random points between real and fake samples.

    A mixin placed before an `AdversarialModel` family: `WGANGP` puts it on
    the DCGAN networks, `MLPWGANGP` on the original GAN's perceptrons (the
    toy mixtures of the mode-collapse experiment). Logs `gradient_penalty`
    and `wasserstein_distance` (E critic(real) - E critic(fake), the
    critic's estimate).

    Args:
        gp_weight: lambda, the penalty's weight.
        **kwargs: the family's arguments.
    """

    metric_names = ("d_loss", "g_loss", "gradient_penalty", "wasserstein_distance")

    def __init__(self, gp_weight=10.0, **kwargs):
        self.gp_weight = float(gp_weight)
        super().__init__(**kwargs)

    def compile(self, d_optimizer="adam", g_optimizer="adam", loss="wasserstein", **kwargs):
        super().compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, loss=loss, **kwargs)

    def discriminator_loss(self, batch, training=True):
        real = batch["real"]
        fake, _ = self.fake_for_discriminator(ops.shape(real)[0], training)
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


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(GradientPenaltyCritic, DCGAN):
    """DCGAN networks trained as a WGAN with gradient penalty.

    The critic uses LayerNorm instead of BatchNorm (the penalty is per
    sample) and is updated `d_steps` (n_critic, default 5) times per
    generator step; see `GradientPenaltyCritic` for the objective.

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

    # Gulrajani et al.: Adam(1e-4, 0, 0.9), n_critic = 5 (the model's default).
    recipes = {
        "wgan_gp": Recipe(
            model_args={"latent_dim": 100}, learning_rate=1e-4, beta_1=0.0, beta_2=0.9,
            loss="wasserstein", batch_size=64,
        )
    }

    def __init__(self, gp_weight=10.0, d_steps=5, normalization="layer", **kwargs):
        super().__init__(gp_weight=gp_weight, d_steps=d_steps, normalization=normalization,
                         **kwargs)


@keras.saving.register_keras_serializable(package="keras_gans")
class MLPWGANGP(GradientPenaltyCritic, GAN):
    """The original GAN's perceptrons trained as a WGAN with gradient penalty:
    the remedy for mode collapse on the 2-D toy mixtures (Gulrajani et al.,
    2017, Fig. 2). The critic is updated `d_steps` (default 5) times per
    generator step; see `GradientPenaltyCritic` for the objective.

    Args:
        gp_weight: lambda, the penalty's weight.
        d_steps: critic updates per generator update.
        **kwargs: as in `GAN` (`data_shape=(2,)`, `output_activation=None`
            for the toy mixtures).

    Example:

    ```python
    gan = keras_gans.models.MLPWGANGP(latent_dim=2, data_shape=(2,), output_activation=None)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9))
    gan.fit(keras_gans.datasets.load("grid25", batch_size=256), epochs=1)
    ```
    """

    recipes = {}

    def __init__(self, gp_weight=10.0, d_steps=5, **kwargs):
        super().__init__(gp_weight=gp_weight, d_steps=d_steps, **kwargs)
