"""Preset I/O: find, check, load and write preset folders. Imports no model.

A preset is a folder:

```
<name>/
  preset.json          model class + config, task, dataset, the command that
                       trained it, backend, epochs, date, Keras version,
                       sha256 of the weights, metrics measured on them
  model.weights.h5     the weights (no optimizer state)
  samples.png          the card's picture
  README.md            the card, for people
```

The presets shipped with the package live in the repository's top-level
`zoo/` folder, installed as the package `keras_gans._zoo`. A preset can also
be any folder, or the URL of a `.zip` / `.tar.gz` archive of one (fetched
once into the Keras cache with `keras.utils.get_file`, its sha256 checked).

This module knows nothing of the model classes: a preset's `preset.json`
names its class as a registered Keras object, so loading works for any
class that has been imported (as keras-hub's `preset_utils`).

Example:

```python
from keras_gans.core import presets

folder = presets.resolve("dcgan_fashion_mnist")
model = presets.load(folder)
```
"""

import datetime
import difflib
import hashlib
import importlib.util
import json
import os
import shutil

import keras

from keras_gans.core.io import atomic_path

PRESET_FILE = "preset.json"
WEIGHTS_FILE = "model.weights.h5"
SHIPPED_PACKAGE = "keras_gans._zoo"


def shipped_presets_dir():
    """The folder of the presets shipped with the package.

    An installed wheel has them as the package `keras_gans._zoo`; an
    editable install maps that package to the repository's `zoo/`; a plain
    checkout on `sys.path` has `zoo/` beside `keras_gans/`.
    """
    spec = importlib.util.find_spec(SHIPPED_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(package, "zoo")


# Where `names()` and `resolve()` look for preset names (tests may patch it).
PRESETS_DIR = shipped_presets_dir()


def sha256_of(path):
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def names():
    """Names of the shipped presets, sorted."""
    if not os.path.isdir(PRESETS_DIR):
        return []
    return sorted(
        n for n in os.listdir(PRESETS_DIR) if os.path.exists(os.path.join(PRESETS_DIR, n, PRESET_FILE))
    )


def read_card(folder):
    """The `preset.json` of a preset folder, as a dict."""
    with open(os.path.join(folder, PRESET_FILE)) as f:
        return json.load(f)


def resolve(name_or_path, sha256=None):
    """Returns the local folder of a preset name, folder path or URL.

    Raises:
        ValueError: an unknown name (the message lists the closest names), or
            a URL without its sha256.
    """
    name_or_path = os.fspath(name_or_path)
    if "://" in name_or_path:
        return _fetch(name_or_path, sha256)
    if os.path.isdir(name_or_path):
        if not os.path.exists(os.path.join(name_or_path, PRESET_FILE)):
            raise ValueError(f"{name_or_path!r} is a folder without a {PRESET_FILE}: not a preset.")
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


def load(name_or_path, sha256=None):
    """Loads a preset: the model from its card's config, then its checked weights.

    The model's class must be registered with Keras (imported). The card is
    attached to the model as `model.preset_card`.

    Args:
        name_or_path: a shipped preset name, a preset folder, or the URL of a
            preset archive.
        sha256: the archive's sha256 (URLs only).

    Raises:
        ValueError: unknown name, or weights whose sha256 differs from the card.
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
    return model


def save(model, folder, metrics=None, **card):
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
