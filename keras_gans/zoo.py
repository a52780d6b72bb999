"""The preset registry: trained models loaded by name.

A preset is a folder:

```
<name>/
  preset.json          model class + config, task, dataset, the command that
                       trained it, backend, epochs, date, Keras version,
                       sha256 of the weights, metrics measured on them
  model.weights.h5     the weights (no optimizer state)
  samples.png          optional: a sample grid (the preset card's picture)
```

Presets shipped with the package live in `keras_gans/presets/`. `load` also
takes a folder path, or the URL of a `.zip` / `.tar.gz` archive of a preset
folder (fetched once into the Keras cache with `keras.utils.get_file`, its
sha256 checked).

Example:

```python
import keras_gans as kg

kg.zoo.list()                                  # names, task, dataset, metrics
gan = kg.zoo.load("dcgan_fashion_mnist")       # == kg.models.DCGAN.from_preset(...)
images = gan.generate(64, seed=0)
```
"""

import datetime
import difflib
import hashlib
import json
import os
import shutil

import keras

from keras_gans.core.io import atomic_path

PRESETS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "presets")
PRESET_FILE = "preset.json"
WEIGHTS_FILE = "model.weights.h5"


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def names():
    """Names of the presets shipped with the package."""
    if not os.path.isdir(PRESETS_DIR):
        return []
    return sorted(
        n for n in os.listdir(PRESETS_DIR) if os.path.exists(os.path.join(PRESETS_DIR, n, PRESET_FILE))
    )


def list():  # noqa: A001 - the public name mirrors `kg.zoo.list()` in the design
    """One dict per shipped preset: name, class, task, dataset, metrics, size."""
    rows = []
    for name in names():
        card = read_card(os.path.join(PRESETS_DIR, name))
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


def read_card(folder):
    with open(os.path.join(folder, PRESET_FILE)) as f:
        return json.load(f)


def resolve(name_or_path, sha256=None):
    """Returns the local folder of a preset name, folder path or URL."""
    name_or_path = os.fspath(name_or_path)
    if "://" in name_or_path:
        return _fetch(name_or_path, sha256)
    if os.path.isdir(name_or_path):
        return name_or_path
    folder = os.path.join(PRESETS_DIR, name_or_path)
    if os.path.exists(os.path.join(folder, PRESET_FILE)):
        return folder
    known = names()
    close = difflib.get_close_matches(name_or_path, known, n=3, cutoff=0.3)
    raise ValueError(
        f"Unknown preset {name_or_path!r}."
        + (f" Closest: {', '.join(close)}." if close else "")
        + f" Available presets: {', '.join(known) or 'none'}."
    )


def _fetch(url, sha256):
    if not sha256:
        raise ValueError(
            f"Loading a preset from a URL needs its sha256 (received none for {url})."
        )
    fname = os.path.basename(url.split("?")[0])
    try:
        path = keras.utils.get_file(
            fname=fname, origin=url, file_hash=sha256, hash_algorithm="sha256",
            extract=True, cache_subdir="keras_gans_presets",
        )
    except ValueError as error:
        raise ValueError(
            f"The preset archive at {url} failed its sha256 check (expected {sha256}); "
            "the download is corrupted or the hash is wrong."
        ) from error
    if os.path.isfile(path):
        raise ValueError(f"{url} is not a .zip or .tar.gz archive of a preset folder.")
    for root, _, files in os.walk(path):
        if PRESET_FILE in files:
            return root
    raise ValueError(f"The archive at {url} holds no {PRESET_FILE}.")


def load(name_or_path, sha256=None, compile=False):  # noqa: A002
    """Loads a preset: the model from its config, then its checked weights.

    Args:
        name_or_path: a shipped preset name (see `names()`), a preset folder,
            or the URL of a preset archive.
        sha256: the archive's sha256 (URLs only).
        compile: compile GANs with their recipe's optimizers and loss, ready
            to fine-tune.

    Raises:
        ValueError: unknown name (the closest names are listed), or weights
            whose sha256 differs from the preset card.
    """
    folder = resolve(name_or_path, sha256)
    card = read_card(folder)
    weights = os.path.join(folder, WEIGHTS_FILE)
    digest = sha256_of(weights)
    if card.get("sha256") and digest != card["sha256"]:
        raise ValueError(
            f"The weights of preset {card.get('name', folder)!r} are corrupted: sha256 "
            f"{digest} does not match the preset card's {card['sha256']}."
        )
    model = keras.saving.deserialize_keras_object(card["model"])
    model.load_weights(weights)
    model.preset_card = card
    if compile and hasattr(model, "adversarial_loss"):
        from keras_gans import recipes

        recipes.compile_with_recipe(model, card["recipe"]["variant"])
    return model


def save_to_preset(model, folder, metrics=None, **card):
    """Writes `model` as a preset folder (weights without optimizer state).

    Args:
        model: a built `keras.Model` (a GAN variant or a classifier).
        folder: the preset folder to write.
        metrics: dict of metrics measured on these weights.
        **card: more metadata: `name`, `task`, `dataset`, `recipe` (with the
            exact training `command`), `description`.

    Returns:
        The preset card (dict).
    """
    os.makedirs(folder, exist_ok=True)
    # A fresh, uncompiled copy saves the networks' weights only (no
    # optimizer slots: a preset is for sampling and fine-tuning).
    config = keras.saving.serialize_keras_object(model)
    config.pop("compile_config", None)
    clone = keras.saving.deserialize_keras_object(config)
    clone.set_weights(model.get_weights())
    weights = os.path.join(folder, WEIGHTS_FILE)
    with atomic_path(weights) as tmp:
        clone.save_weights(tmp)
    card = dict(card)
    card.setdefault("name", os.path.basename(os.path.normpath(folder)))
    card.update(
        class_name=type(model).__name__,
        model=keras.saving.serialize_keras_object(clone),
        metrics=dict(metrics or {}),
        sha256=sha256_of(weights),
        weights_bytes=os.path.getsize(weights),
        keras_version=keras.__version__,
        backend=keras.backend.backend(),
        date=card.get("date", datetime.date.today().isoformat()),
    )
    with atomic_path(os.path.join(folder, PRESET_FILE)) as tmp:
        with open(tmp, "w") as f:
            json.dump(card, f, indent=2, default=_jsonable)
    return card


def archive(folder, path):
    """Packs a preset folder into a `.tar.gz` for hosting; returns its sha256."""
    base = path[: -len(".tar.gz")] if path.endswith(".tar.gz") else path
    root, name = os.path.split(os.path.abspath(folder))
    made = shutil.make_archive(base, "gztar", root_dir=root, base_dir=name)
    return sha256_of(made)


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
