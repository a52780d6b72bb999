"""Default training recipes: how `keras-gans train VARIANT` builds, compiles
and feeds each variant. One entry per variant; presets record the recipe and
the exact command that trained them."""

import difflib

import keras

from keras_gans import models


def _recipe(model, learning_rate=2e-4, beta_1=0.5, beta_2=0.999, loss="non_saturating",
            batch_size=128, with_labels=False, g_learning_rate=None, num_labeled=None, **model_args):
    def adam(rate):
        return lambda: keras.optimizers.Adam(rate, beta_1=beta_1, beta_2=beta_2)

    return {
        "model": model,
        "model_args": model_args,
        "d_optimizer": adam(learning_rate),
        "g_optimizer": adam(g_learning_rate or learning_rate),
        "loss": loss,
        "batch_size": batch_size,
        "with_labels": with_labels,
        # Semi-supervised recipes train on `datasets.semi_supervised` batches.
        "num_labeled": num_labeled,
    }


RECIPES = {
    "gan": _recipe(models.GAN, latent_dim=64),
    "dcgan": _recipe(models.DCGAN, latent_dim=100),
    "cgan": _recipe(models.CGAN, latent_dim=100, with_labels=True),
    "acgan": _recipe(models.ACGAN, latent_dim=100, with_labels=True),
    # Chen et al.: the generator (with Q's loss) learns faster than D.
    "infogan": _recipe(models.InfoGAN, g_learning_rate=1e-3, batch_size=64),
    # Salimans et al.: 100 labels, batches of 100 labelled + 100 unlabelled.
    "sgan": _recipe(models.SGAN, batch_size=100, num_labeled=100, latent_dim=100),
    # Gulrajani et al.: Adam(1e-4, 0, 0.9), n_critic = 5 (the model's default).
    "wgan_gp": _recipe(
        models.WGANGP, learning_rate=1e-4, beta_1=0.0, beta_2=0.9, loss="wasserstein",
        batch_size=64, latent_dim=100,
    ),
}


def get(variant):
    """Returns the recipe dict of a variant name, or raises a `ValueError`
    listing the known names (closest first)."""
    key = variant.lower().replace("-", "_")
    if key not in RECIPES:
        close = difflib.get_close_matches(key, list(RECIPES), n=3, cutoff=0.3)
        raise ValueError(
            f"Unknown variant {variant!r}. Known variants: {sorted(RECIPES)}"
            + (f"; did you mean {close[0]!r}?" if close else ".")
        )
    return RECIPES[key]


def build(variant, image_shape=(28, 28, 1), seed=None, **overrides):
    """Builds and compiles a variant with its recipe's defaults.

    Args:
        variant: a name in `RECIPES`.
        image_shape: the data's sample shape.
        seed: the model's seed.
        **overrides: constructor arguments replacing the recipe's.
    """
    recipe = get(variant)
    args = dict(recipe["model_args"], seed=seed, **overrides)
    cls = recipe["model"]
    if cls is models.GAN:
        args.setdefault("data_shape", image_shape)
    else:
        args.setdefault("image_shape", image_shape)
    return compile_with_recipe(cls(**args), variant)


def compile_with_recipe(model, variant):
    """Compiles `model` with the optimizers and loss of a variant's recipe."""
    recipe = get(variant)
    model.compile(
        d_optimizer=recipe["d_optimizer"](),
        g_optimizer=recipe["g_optimizer"](),
        loss=recipe["loss"],
    )
    return model
