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
once into the Keras cache with `keras.utils.get_file`; its sha256 is checked
before it is read, and an archive with a member that is a link, a special
file, an absolute path or a `..` path is refused before anything is
extracted).

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

import contextlib
import datetime
import difflib
import hashlib
import importlib.util
import json
import os
import shutil
import stat
import tarfile
import tempfile
import urllib.parse
import zipfile
import zlib

import keras

from keras_gans.core.io import atomic_path

PRESET_FILE = "preset.json"
WEIGHTS_FILE = "model.weights.h5"
SHIPPED_PACKAGE = "keras_gans._zoo"
# The next card, written before the weights it describes replace the old
# ones; `load` falls back on it when a save was killed between the two
# renames (new weights, old card), so a preset folder is always loadable.
PENDING_FILE = ".preset.json.pending"
# Where URL presets are downloaded and extracted: CACHE_DIR/CACHE_SUBDIR,
# CACHE_DIR None meaning the Keras cache ($KERAS_HOME or ~/.keras; tests may patch it).
CACHE_DIR = None
CACHE_SUBDIR = "keras_gans_presets"


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
    """The `preset.json` of a preset folder, as a dict.

    Args:
        folder: a preset folder.

    Raises:
        FileNotFoundError: the folder has no `preset.json`.
        ValueError: the card is not valid JSON or holds no model config.

    Example:

    ```python
    card = presets.read_card(presets.resolve("dcgan_fashion_mnist"))
    card["metrics"]["fid"]
    ```
    """
    return _read_card_file(os.path.join(folder, PRESET_FILE))


def _read_card_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            card = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(
            f"The preset card {path!r} is not valid JSON ({error}); expected the "
            f"{PRESET_FILE} that `keras_gans.zoo.save_to_preset` writes."
        ) from None
    if not isinstance(card, dict) or not isinstance(card.get("model"), dict):
        raise ValueError(
            f"The preset card {path!r} has no model config; expected a JSON object whose "
            "'model' entry is a serialized Keras model (as `keras_gans.zoo.save_to_preset` "
            "writes)."
        )
    return card


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
    """Downloads a preset archive into the Keras cache, checks its sha256,
    then extracts it (once) after checking every member; returns the
    extracted folder."""
    if not sha256:
        raise ValueError(
            f"Loading a preset from a URL needs its sha256 (received none for {url})."
        )
    sha256 = sha256.lower()
    base = os.path.basename(urllib.parse.urlsplit(url).path) or "preset"
    options = dict(fname=f"{sha256[:16]}-{base}", origin=url, cache_subdir=CACHE_SUBDIR,
                   cache_dir=CACHE_DIR)
    if CACHE_DIR:  # Keras falls back on /tmp/.keras for a folder that does not exist yet
        os.makedirs(CACHE_DIR, exist_ok=True)
    try:  # Keras fetches again a cached file of another sha256, then checks the download
        path = keras.utils.get_file(file_hash=sha256, hash_algorithm="sha256", **options)
    except ValueError:
        path = keras.utils.get_file(**options)  # the failed download, now in the cache
        digest = sha256_of(path)
        os.remove(path)
        raise ValueError(
            f"The preset archive at {url} failed its sha256 check: expected {sha256}, "
            f"received {digest}. The download is corrupted or the expected hash is wrong."
        ) from None
    folder = os.path.join(os.path.dirname(path), sha256[:16])
    if not os.path.isdir(folder):
        _extract(path, folder, url)
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        if PRESET_FILE in files:
            return root
    raise ValueError(f"The archive at {url} holds no {PRESET_FILE}: not a preset archive.")


def _extract(archive, folder, url):
    """Extracts `archive` into `folder` (created by a rename once complete),
    refusing any member that is not a plain file or folder inside it."""
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(folder)}.", suffix=".tmp",
                           dir=os.path.dirname(folder))
    try:
        if tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                members = tar.getmembers()
                for member in members:
                    _check_member(member.name, _tar_kind(member), url, member.linkname)
                options = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                tar.extractall(tmp, members=members, **options)
        elif zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zipped:
                for info in zipped.infolist():
                    mode = info.external_attr >> 16
                    kind = "a symlink" if stat.S_ISLNK(mode) else None
                    _check_member(info.filename, kind, url)
                zipped.extractall(tmp)
        else:
            raise ValueError(
                f"The file at {url} (cached as {archive!r}) is not a .zip or .tar.gz "
                "archive of a preset folder."
            )
        os.chmod(tmp, 0o755)  # mkdtemp's folders are private
        os.replace(tmp, folder)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
        if os.path.isdir(folder):  # extracted meanwhile by another process
            return
        raise ValueError(
            f"Cannot extract the preset archive at {url} (cached as {archive!r}): expected "
            f"a .zip or .tar.gz archive of a preset folder, but it is truncated or "
            f"corrupted ({type(error).__name__}: {error})."
        ) from None
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp)


def _tar_kind(member):
    if member.issym():
        return "a symlink"
    if member.islnk():
        return "a hard link"
    if not (member.isfile() or member.isdir()):
        return "a device, FIFO or other special file"
    return None


def _check_member(name, kind, url, target=""):
    """Refuses an archive member that is a link or special file (`kind`), or
    whose path is absolute or climbs out with `..`."""
    if kind:
        to = f" to {target!r}" if target else ""
        raise ValueError(
            f"Refusing the preset archive at {url}: member {name!r} is {kind}{to}; a preset "
            "archive holds only folders and regular files."
        )
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise ValueError(
            f"Refusing the preset archive at {url}: member {name!r} would be written outside "
            "the folder it is extracted to (absolute path or '..'); expected paths relative "
            "to the archive's preset folder."
        )


def _checked_card(folder):
    """The card of a preset folder and its weights file, whose sha256 is
    checked against the card (or against the pending card of a save that
    was killed between renaming the weights and the card)."""
    card_path = os.path.join(folder, PRESET_FILE)
    card = _read_card_file(card_path)
    weights = os.path.join(folder, WEIGHTS_FILE)
    if not os.path.isfile(weights):
        raise FileNotFoundError(
            f"The preset folder {folder!r} has no {WEIGHTS_FILE}; expected the weights its "
            f"{PRESET_FILE} describes."
        )
    expected = card.get("sha256")
    digest = sha256_of(weights)
    if not expected or digest == expected:
        return card, weights
    pending = os.path.join(folder, PENDING_FILE)
    if os.path.isfile(pending):
        with contextlib.suppress(ValueError, OSError):
            next_card = _read_card_file(pending)
            if next_card.get("sha256") == digest:
                return next_card, weights
    raise ValueError(
        f"The weights of preset {card.get('name', folder)!r} are corrupted: sha256 {digest} "
        f"of {weights!r} does not match the {expected} its card {card_path!r} expects "
        f"({os.path.getsize(weights)} bytes; the card says {card.get('weights_bytes', '?')})."
    )


def _overridden(card, overrides, folder):
    """The card's model config with constructor arguments replaced."""
    config = card["model"]
    arguments = config.get("config", {})
    unknown = sorted(set(overrides) - set(arguments))
    if unknown:
        raise ValueError(
            f"The {card.get('class_name', 'model')} of preset {folder!r} has no argument "
            f"{', '.join(unknown)} to override; its arguments are: {', '.join(sorted(arguments))}."
        )
    return {**config, "config": {**arguments, **overrides}}


def load(name_or_path, sha256=None, **overrides):
    """Loads a preset: the model from its card's config, then its checked weights.

    The model's class must be registered with Keras (imported). The card's
    config is deserialized in safe mode: a card holding Python code (a
    `Lambda` layer's lambda) is refused. The card is attached to the model
    as `model.preset_card`.

    Args:
        name_or_path: a shipped preset name, a preset folder, or the URL of a
            preset archive.
        sha256: the archive's sha256 (URLs only).
        **overrides: constructor arguments that replace the card's (e.g.
            `d_steps=2` to fine-tune differently); the weights must still fit.

    Raises:
        ValueError: unknown name, an unreadable card, unsafe code, weights
            whose sha256 differs from the card, or weights that do not fit
            the model (another architecture, or overrides that change it).

    Example:

    ```python
    gan = presets.load("dcgan_fashion_mnist", label_smoothing=0.1)
    ```
    """
    folder = resolve(name_or_path, sha256)
    card, weights = _checked_card(folder)
    config = _overridden(card, overrides, folder) if overrides else card["model"]
    what = f"the {card.get('class_name', 'model')} of preset {folder!r}"
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception as error:
        if "safe_mode" in str(error):
            raise ValueError(f"Refusing to build {what}: {error}") from error
        raise ValueError(f"Cannot build {what} from its card{_described(card, overrides)}: {error}") from error
    try:
        model.load_weights(weights)
    except (ValueError, OSError) as error:
        raise ValueError(
            f"The weights {weights!r} do not fit {what}{_described(card, overrides)}: {error}"
        ) from error
    model.preset_card = card
    return model


def _described(card, overrides):
    if not overrides:
        return ""
    arguments = card["model"].get("config", {})
    given = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
    trained = ", ".join(f"{k}={arguments.get(k)!r}" for k in overrides)
    return f" with {given} (the preset was trained with {trained})"


def save(model, folder, metrics=None, **card):
    """Writes `model` as a preset folder (weights without optimizer state).

    The weights and the card are each written atomically, and the new card
    is written (hidden) before the new weights replace the old ones, so a
    save killed at any moment leaves a loadable folder: the old preset or
    the new one.

    Args:
        model: a built `keras.Model` (a GAN variant or a classifier).
        folder: the preset folder to write.
        metrics: dict of metrics measured on these weights.
        **card: more metadata: `name`, `task`, `dataset`, `recipe` (with the
            exact training `command`), `description`.

    Returns:
        The preset card (dict).

    Example:

    ```python
    presets.save(gan, "presets/my_dcgan", metrics={"fid": 90.1}, task="generation")
    ```
    """
    os.makedirs(folder, exist_ok=True)
    # A fresh, uncompiled copy saves the networks' weights only (no
    # optimizer slots: a preset is for sampling and fine-tuning).
    config = keras.saving.serialize_keras_object(model)
    config.pop("compile_config", None)
    clone = keras.saving.deserialize_keras_object(config)
    clone.set_weights(model.get_weights())
    card = dict(card)
    card.setdefault("name", os.path.basename(os.path.normpath(folder)))
    pending = os.path.join(folder, PENDING_FILE)
    with atomic_path(os.path.join(folder, WEIGHTS_FILE)) as tmp:
        clone.save_weights(tmp)
        card.update(
            class_name=type(model).__name__,
            model=keras.saving.serialize_keras_object(clone),
            metrics=dict(metrics or {}),
            sha256=sha256_of(tmp),
            weights_bytes=os.path.getsize(tmp),
            keras_version=keras.__version__,
            backend=keras.backend.backend(),
            date=card.get("date", datetime.date.today().isoformat()),
        )
        write_json(card, pending)
    os.replace(pending, os.path.join(folder, PRESET_FILE))
    return card


def write_json(data, path):
    """Writes `data` as indented JSON to `path`, atomically (NumPy values as lists)."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, default=_jsonable)


def archive(folder, path):
    """Packs a preset folder into a `.tar.gz` (or `.zip`) for hosting; returns its sha256.

    The archive is written atomically and holds the folder's regular files
    (links followed) under the folder's name, without hidden files (such
    as the temporary files of an interrupted write).

    Args:
        folder: a preset folder.
        path: the archive to write, ending in `.tar.gz` or `.zip`.

    Example:

    ```python
    digest = presets.archive("presets/my_dcgan", "my_dcgan.tar.gz")
    model = presets.load("https://example.com/my_dcgan.tar.gz", sha256=digest)
    ```
    """
    path = os.fspath(path)
    folder = os.path.abspath(folder)
    name = os.path.basename(folder)
    files = []
    for root, dirs, names_ in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = os.path.relpath(root, folder)
        files += [os.path.normpath(os.path.join(rel, n)) for n in sorted(names_) if not n.startswith(".")]
    if path.endswith((".tar.gz", ".tgz")):
        with atomic_path(path) as tmp:
            with tarfile.open(tmp, "w:gz", dereference=True) as tar:
                for rel in files:
                    tar.add(os.path.join(folder, rel), arcname=os.path.join(name, rel), recursive=False)
    elif path.endswith(".zip"):
        with atomic_path(path) as tmp:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zipped:
                for rel in files:
                    zipped.write(os.path.join(folder, rel), arcname=os.path.join(name, rel))
    else:
        raise ValueError(
            f"Cannot write the preset archive {path!r}: expected a name ending in .tar.gz or .zip."
        )
    return sha256_of(path)


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
