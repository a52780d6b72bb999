"""Fashion-MNIST, offline first.

Sources, in order:
1. Debian's `dataset-fashion-mnist` package (`/usr/share/datasets/fashion-mnist`),
   or a folder named by `$KERAS_GANS_FASHION_MNIST_DIR`;
2. the Keras cache (`$KERAS_HOME/datasets/fashion-mnist`, default `~/.keras`);
3. TFDS (`tfds.load("fashion_mnist")`), which downloads on machines with
   internet when `download=True`.
"""

import gzip
import os

import numpy as np

CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
INSTALL_HINT = (
    "Fashion-MNIST was not found. Install it offline with "
    "`apt-get install -y dataset-fashion-mnist` (Debian/Ubuntu), point "
    "$KERAS_GANS_FASHION_MNIST_DIR at a folder holding the four "
    "*-ubyte.gz files, or allow a download (download=True with internet)."
)


def candidate_dirs():
    """Folders searched for the four `.gz` files, in order."""
    dirs = []
    if os.environ.get("KERAS_GANS_FASHION_MNIST_DIR"):
        dirs.append(os.environ["KERAS_GANS_FASHION_MNIST_DIR"])
    dirs.append(DEBIAN_DIR)
    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    dirs.append(os.path.join(keras_home, "datasets", "fashion-mnist"))
    return dirs


def _read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def find_dir(dirs=None):
    """The first folder holding all four files, or None."""
    for folder in dirs if dirs is not None else candidate_dirs():
        names = FILES["train"] + FILES["test"]
        if all(os.path.exists(os.path.join(folder, n)) for n in names):
            return folder
    return None


def load_arrays(split="train", dirs=None, download=True, data_dir=None):
    """Returns `(images, labels)`: uint8 `(n, 28, 28)` and int64 `(n,)`.

    Args:
        split: `"train"` (60,000) or `"test"` (10,000).
        dirs: folders to search instead of `candidate_dirs()`.
        download: fall back to TFDS (which downloads when possible).
        data_dir: TFDS data folder.

    Raises:
        ValueError: for an unknown split.
        FileNotFoundError: if no source has the data; the message says how
            to install it.
    """
    if split not in FILES:
        raise ValueError(f"Fashion-MNIST split must be one of {sorted(FILES)}; received {split!r}.")
    folder = find_dir(dirs)
    if folder is not None:
        image_file, label_file = FILES[split]
        images = _read_idx(os.path.join(folder, image_file), 16).reshape(-1, 28, 28)
        labels = _read_idx(os.path.join(folder, label_file), 8).astype("int64")
        return images, labels
    if download:
        try:
            return _load_with_tfds(split, data_dir)
        except Exception as error:  # network errors come in many types
            raise FileNotFoundError(f"{INSTALL_HINT} (TFDS failed: {error})") from error
    raise FileNotFoundError(INSTALL_HINT)


def _load_with_tfds(split, data_dir):
    import tensorflow_datasets as tfds

    ds = tfds.load("fashion_mnist", split=split, as_supervised=True, data_dir=data_dir)
    parts = list(tfds.as_numpy(ds.batch(10_000)))
    images = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    return images[..., 0], labels.astype("int64")
