"""The zoo: trained models loaded by name.

The presets shipped with the package live in the repository's `zoo/` folder
(installed as `keras_gans._zoo`); each is a folder with `preset.json`,
`model.weights.h5`, `samples.png` and a `README.md` card. Preset I/O itself
is `keras_gans.core.presets`, which imports no model; this module is the
user-facing registry on top of it.

Example:

```python
import keras_gans as kg

kg.zoo.list()                                  # names, task, dataset, metrics
gan = kg.zoo.load("dcgan_fashion_mnist")       # == kg.models.DCGAN.from_preset(...)
images = gan.generate(64, seed=0)
```
"""

import os

from keras_gans import recipes
from keras_gans.core import presets
from keras_gans.core.presets import archive, read_card, resolve, sha256_of  # noqa: F401

save_to_preset = presets.save


def names():
    """Names of the presets shipped with the package."""
    return presets.names()


def list():  # noqa: A001 - the public name mirrors `kg.zoo.list()` in the design
    """One dict per shipped preset: name, class, task, dataset, metrics, size."""
    rows = []
    for name in names():
        card = read_card(os.path.join(presets.PRESETS_DIR, name))
        rows.append(
            {
                "name": name,
                "class": card["class_name"],
                "task": card.get("task", ""),
                "dataset": card.get("dataset", ""),
                "metrics": card.get("metrics", {}),
                "size_mb": round(card.get("weights_bytes", 0) / 2**20, 2),
            }
        )
    return rows


def load(name_or_path, sha256=None, compile=False, **overrides):  # noqa: A002
    """Loads a preset: the model from its config, then its checked weights.

    Args:
        name_or_path: a shipped preset name (see `names()`), a preset folder,
            or the URL of a preset archive.
        sha256: the archive's sha256 (URLs only).
        compile: compile GANs with their recipe's optimizers and loss, ready
            to fine-tune.
        **overrides: constructor arguments that replace the preset card's
            (e.g. `label_smoothing=0.1`); the weights must still fit, so an
            argument that changes the networks (such as `image_shape`) raises.

    Raises:
        ValueError: unknown name (the closest names are listed), weights
            whose sha256 differs from the preset card, an unreadable or
            unsafe card, or weights that do not fit the model.

    Example:

    ```python
    gan = kg.zoo.load("dcgan_fashion_mnist")
    gan.generate(16, seed=0)
    ```
    """
    model = presets.load(name_or_path, sha256, **overrides)
    if compile and "recipe" in model.preset_card:
        recipes.compile_with_recipe(model, model.preset_card["recipe"]["variant"])
    return model
