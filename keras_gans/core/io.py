"""Crash-safe file writing, and `.keras` loading with clear errors."""

import contextlib
import json
import os
import tempfile
import zipfile
import zlib

import h5py
import keras


# The temporary files being written by `atomic_path`, so that a nested
# `atomic_path` on one of them (a model's atomic `save_weights` called by an
# atomic preset writer) writes it directly.
_WRITING = set()


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path next to `path`; renames it to `path` on success.

    The temporary name keeps the final suffix (Keras checks `.keras` and
    `.weights.h5`), is hidden (it starts with a dot), lives in the same
    folder (so the rename is atomic) and is removed if the body raises: an
    interrupted write never leaves a broken file at `path`, and an existing
    file there stays intact until the new one is complete. The new file is
    flushed to disk before the rename.

    An exception raised by the body is raised again with `path` in its
    message in place of the temporary name (same type where the type can be
    rebuilt from a message), so errors name the file the caller asked for.

    Args:
        path: the file to write.

    Example:

    ```python
    with atomic_path("model.keras") as tmp:
        model.save(tmp)
    ```
    """
    path = os.fspath(path)
    if path in _WRITING:  # already the temporary file of an enclosing atomic_path
        yield path
        return
    folder = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    suffix = ".weights.h5" if base.endswith(".weights.h5") else os.path.splitext(base)[1]
    os.makedirs(folder, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp" + suffix, dir=folder)
    except OSError as error:  # e.g. a read-only folder: name the file asked for
        raise type(error)(error.errno, error.strerror, path) from None
    os.close(fd)
    os.remove(tmp)
    _WRITING.add(tmp)
    try:
        try:
            yield tmp
            if not os.path.isfile(tmp):
                raise FileNotFoundError(f"Nothing was written to {path!r}.")
            _flush_to_disk(tmp)
            os.replace(tmp, path)
        except Exception as error:
            renamed = _naming(error, tmp, path)
            if renamed is error:
                raise
            raise renamed.with_traceback(error.__traceback__) from None
    finally:
        _WRITING.discard(tmp)
        if os.path.exists(tmp):
            os.remove(tmp)


def _flush_to_disk(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _naming(error, tmp, path):
    """`error` with `path` in place of `tmp` in its message (`error` itself
    if it does not name `tmp`, or if its type can't be rebuilt)."""
    if isinstance(error, OSError) and error.filename is not None:
        filename = os.fspath(error.filename)
        filename2 = os.fspath(error.filename2) if error.filename2 is not None else None
        if tmp in filename or (filename2 and tmp in filename2):
            with contextlib.suppress(Exception):
                return type(error)(
                    error.errno, error.strerror, filename.replace(tmp, path),
                    None, filename2.replace(tmp, path) if filename2 else None,
                )
    message = str(error)
    if tmp not in message:
        return error
    message = message.replace(tmp, path)
    try:
        renamed = type(error)(message)
    except Exception:
        renamed = None
    if renamed is None or str(renamed) != message:
        if hasattr(error, "add_note"):  # Python 3.11+
            error.add_note(f"(the temporary file {tmp!r} stands for {path!r})")
        return error
    return renamed


def load_model(path, compile=True):
    """`keras.models.load_model(path, safe_mode=True)`, with errors that name
    `path` and say what was expected.

    Safe mode refuses `.keras` files holding Python code (a `Lambda` layer's
    lambda), which could run anything on load.

    Args:
        path: a `.keras` file written by `model.save`.
        compile: restore the optimizers and losses too. Defaults to True.

    Returns:
        The model.

    Raises:
        FileNotFoundError: `path` does not exist.
        ValueError: `path` is not a `.keras` file, is truncated or corrupted,
            holds unsafe code, or names a class that is not registered.

    Example:

    ```python
    model = keras_gans.core.io.load_model("runs/dcgan/checkpoint.keras")
    ```
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No such model file: {path!r} (expected a .keras file).")
    if not path.endswith(".keras"):
        raise ValueError(
            f"Cannot load {path!r}: expected a .keras file written by `model.save`."
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"Cannot load {path!r}: expected a .keras zip archive written by `model.save`, "
            f"but its {os.path.getsize(path)} bytes are not one (truncated or corrupted)."
        )
    try:
        return keras.models.load_model(path, compile=compile, safe_mode=True)
    except Exception as error:
        if "safe_mode" in str(error):
            raise ValueError(f"Refusing to load {path!r}: {error}") from error
        if isinstance(error, _CORRUPTION):
            raise ValueError(
                f"Cannot load {path!r}: expected a .keras file written by `model.save`, but "
                f"reading it failed (truncated or corrupted?): {type(error).__name__}: {error}"
            ) from error
        raise ValueError(f"Cannot load {path!r}: {error}") from error


# What reading a damaged zip, HDF5 or JSON member raises.
_CORRUPTION = (zipfile.BadZipFile, OSError, EOFError, KeyError, UnicodeDecodeError,
               json.JSONDecodeError, zlib.error)


def weights_summary(path):
    """`(arrays, values)` held by a `.weights.h5` file, or None if `path` is
    not a readable HDF5 file.

    Example:

    ```python
    arrays, values = weights_summary("model.weights.h5")
    ```
    """
    sizes = []

    def visit(name, item):
        if isinstance(item, h5py.Dataset):
            sizes.append(item.size)

    try:
        with h5py.File(path, "r") as f:
            f.visititems(visit)
    except OSError:
        return None
    return len(sizes), int(sum(sizes))
