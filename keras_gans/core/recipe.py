"""`Recipe`: how `keras-gans train NAME` builds, compiles and feeds a variant.

Each variant class declares its recipes as a class attribute,

```python
class DCGAN(AdversarialModel):
    recipes = {"dcgan": Recipe(model_args={"latent_dim": 100})}
```

and `ZooModel.__init_subclass__` registers them here by name, so a
new variant adds its recipes in its own file and nowhere else (as keras-hub
model families register their presets).
"""

import dataclasses
import difflib

import keras

# name -> (model class, Recipe); filled as variant classes are defined.
REGISTRY = {}


@dataclasses.dataclass(frozen=True)
class Recipe:
    """The training defaults of one named variant.

    Args:
        model_args: constructor arguments of the model class. Defaults to `{}`.
        learning_rate: Adam learning rate of the discriminator (and of the
            generator unless `g_learning_rate`). Defaults to `2e-4`.
        beta_1: Adam `beta_1`. Defaults to `0.5`.
        beta_2: Adam `beta_2`. Defaults to `0.999`.
        g_learning_rate: the generator's learning rate. Defaults to
            `learning_rate`.
        loss: the adversarial loss name (GANs only). Defaults to
            `"non_saturating"`.
        batch_size: batch size. Defaults to `128`.
        dataset: the `keras_gans.datasets.load` name it trains on by default.
            Defaults to `"fashion_mnist"`.
        with_labels: feed `(images, labels)` batches. Defaults to `False`.
        num_labeled: semi-supervised: labelled images (class-balanced).
            Defaults to `None` (fully unsupervised or supervised data).
        learning_rate_decay: `"linear"`: both learning rates fall linearly
            to zero over the run (Salimans et al. 2016), or `None` for
            constant rates. Defaults to `None`.
        decay_steps: the steps of that decay; `keras-gans train` sets it to
            the run's length (`for_run`). Defaults to `None`.

    Example:

    ```python
    recipe = Recipe(model_args={"latent_dim": 100}, batch_size=64)
    d_optimizer, g_optimizer = recipe.optimizers()
    ```
    """

    model_args: dict = dataclasses.field(default_factory=dict)
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    beta_2: float = 0.999
    g_learning_rate: float = None
    loss: str = "non_saturating"
    batch_size: int = 128
    dataset: str = "fashion_mnist"
    with_labels: bool = False
    num_labeled: int = None
    learning_rate_decay: str = None
    decay_steps: int = None

    def __post_init__(self):
        if self.learning_rate_decay not in (None, "linear"):
            raise ValueError(
                f'`learning_rate_decay` must be None or "linear"; received {self.learning_rate_decay!r}.'
            )

    def for_run(self, total_steps):
        """This recipe for a run of `total_steps` steps: a decaying learning
        rate reaches zero at its last step."""
        if not self.learning_rate_decay:
            return self
        return dataclasses.replace(self, decay_steps=int(total_steps))

    def optimizer(self, learning_rate=None):
        """A fresh Adam at `learning_rate` (default: the recipe's), with the
        recipe's betas and decay; single-optimizer models (the VAE) compile
        with it."""
        rate = self.learning_rate if learning_rate is None else learning_rate
        if self.learning_rate_decay:
            if not self.decay_steps:
                raise ValueError(
                    "A recipe with `learning_rate_decay` needs the run's length: use "
                    "`recipe.for_run(total_steps)`."
                )
            rate = keras.optimizers.schedules.PolynomialDecay(
                rate, self.decay_steps, end_learning_rate=0.0, power=1.0
            )
        return keras.optimizers.Adam(rate, beta_1=self.beta_1, beta_2=self.beta_2)

    def optimizers(self):
        """Fresh `(d_optimizer, g_optimizer)` Adam instances."""
        return self.optimizer(), self.optimizer(self.g_learning_rate or self.learning_rate)

    def compile(self, model):
        """Compiles `model` with this recipe's defaults; returns it.

        The model declares how (`model.compile_recipe(recipe)`): a GAN
        takes two Adam optimizers and the adversarial loss, a VAE one Adam.
        """
        model.compile_recipe(self)
        return model


def register(cls):
    """Registers the recipes a class declares in its own body."""
    for name, recipe in vars(cls).get("recipes", {}).items():
        if name in REGISTRY and REGISTRY[name][0].__qualname__ != cls.__qualname__:
            raise ValueError(
                f"Recipe {name!r} of {cls.__name__} is already declared by "
                f"{REGISTRY[name][0].__name__}."
            )
        REGISTRY[name] = (cls, recipe)


def get(name):
    """`(model_class, Recipe)` of a registered name, or a `ValueError` that
    lists the known names, closest first."""
    key = str(name).lower().replace("-", "_")
    if key not in REGISTRY:
        close = difflib.get_close_matches(key, list(REGISTRY), n=3, cutoff=0.3)
        raise ValueError(
            f"Unknown variant {name!r}. Known variants: {sorted(REGISTRY)}"
            + (f"; did you mean {close[0]!r}?" if close else ".")
        )
    return REGISTRY[key]
