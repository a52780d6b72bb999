"""Training recipes by name: how `keras-gans train VARIANT` builds, compiles
and feeds each variant.

Each variant class declares its recipes (`recipes = {"dcgan": Recipe(...)}`,
see `keras_gans.core.recipe`); importing `keras_gans.models` registers them
all, and this module looks them up. Presets record the recipe and the exact
command that trained them.

Example:

```python
gan = keras_gans.recipes.build("dcgan", seed=0, image_shape=(28, 28, 1))
keras_gans.recipes.names()  # ['acgan', 'cgan', 'cyclegan', ...]
```
"""

from keras_gans import models  # noqa: F401 - defining the classes registers their recipes
from keras_gans.core.recipe import REGISTRY, Recipe, get  # noqa: F401


def names():
    """The registered recipe names, sorted."""
    return sorted(REGISTRY)


def build(variant, element_spec=None, seed=None, total_steps=None, **overrides):
    """Builds and compiles a variant with its recipe's defaults.

    Args:
        variant: a registered recipe name (see `names()`).
        element_spec: a dataset's `element_spec`; the class reads its shape
            arguments off it (`data_arguments`). Defaults to `None` (the
            class's default shapes).
        seed: the model's seed.
        total_steps: the run's length, for a recipe whose learning rate
            decays (`Recipe.for_run`).
        **overrides: constructor arguments replacing the recipe's.
    """
    cls, recipe = get(variant)
    if total_steps is not None:
        recipe = recipe.for_run(total_steps)
    args = dict(recipe.model_args)
    if element_spec is not None:
        args.update(cls.data_arguments(element_spec))
    args.update(seed=seed, **overrides)
    return recipe.compile(cls(**args))


def compile_with_recipe(model, variant):
    """Compiles `model` with the optimizers and loss of a variant's recipe."""
    return get(variant)[1].compile(model)
