"""Loading refuses unsafe or broken files with errors that name the file:
Lambda code in `.keras` files and preset cards, URL archives checked by
sha256 and for path traversal, truncated / corrupted files, weights of
another architecture, incompatible overrides, and save/load paper cuts."""

import io
import json
import os
import re
import shutil
import tarfile
import zipfile

import keras
import numpy as np
import pytest
from PIL import Image

import keras_gans as kg
from keras_gans import cli
from keras_gans.core import io as core_io
from keras_gans.core import presets
from keras_gans.models import GAN


def tiny_gan(**kwargs):
    """An MLP GAN of 8x8 images: cheap to build on every backend."""
    kwargs.setdefault("generator_units", (16,))
    kwargs.setdefault("discriminator_units", (8,))
    return GAN(latent_dim=8, data_shape=(8, 8, 1), **kwargs)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A tiny GAN as a `.keras` file, a weights file, a preset folder and
    its archives; the weights file of a GAN of other widths."""
    root = tmp_path_factory.mktemp("files")
    gan = tiny_gan()
    paths = {"root": root, "gan": gan}
    paths["keras"] = str(root / "m.keras")
    gan.save(paths["keras"])
    paths["weights"] = str(root / "m.weights.h5")
    gan.save_weights(paths["weights"])
    paths["other"] = str(root / "other.weights.h5")
    tiny_gan(generator_units=(32, 16), discriminator_units=(8, 8)).save_weights(paths["other"])
    paths["preset"] = str(root / "tiny")
    presets.save(gan, paths["preset"], task="test")
    for suffix in ("tar.gz", "zip"):
        paths[suffix] = str(root / f"tiny.{suffix}")
        paths[suffix + "_sha"] = presets.archive(paths["preset"], paths[suffix])
    return paths


def copy_preset(files, tmp_path, name="copy"):
    folder = str(tmp_path / name)
    shutil.copytree(files["preset"], folder)
    return folder


def lambda_model(marker):
    """A model whose Lambda layer writes `marker` when it runs (as Keras runs
    it while rebuilding the model: loading it without safe mode runs it)."""
    function = eval(f"lambda x: (open({str(marker)!r}, 'w').close(), x)[1]")  # noqa: S307
    return keras.Sequential([keras.Input((2,)), keras.layers.Lambda(function)], name="crafted")


# ------------------------------------------------------------------ safe mode


def test_keras_file_with_a_lambda_is_refused(tmp_path, capsys):
    marker = tmp_path / "ran"
    run = tmp_path / "run"
    run.mkdir()
    path = str(run / "checkpoint.keras")
    lambda_model(marker).save(path)
    marker.unlink()  # saving traced the lambda once
    with pytest.raises(ValueError, match="Lambda.*safe_mode=False"):
        keras.models.load_model(path)  # safe_mode=True is Keras's default
    with pytest.raises(ValueError, match=f"Refusing to load {re.escape(repr(path))}: .*Lambda"):
        core_io.load_model(path)
    with pytest.raises(ValueError, match=f"Refusing to load {re.escape(repr(path))}"):
        cli._load_model(str(run))
    assert cli.main(["sample", str(run), "--out", str(tmp_path / "s.png")]) == 2
    error = capsys.readouterr().err
    assert f"Refusing to load {path!r}" in error and "Lambda" in error
    assert not marker.exists() and not (tmp_path / "s.png").exists()


def test_preset_card_with_a_lambda_is_refused(files, tmp_path):
    marker = tmp_path / "ran"
    model = lambda_model(marker)
    marker.unlink()
    folder = tmp_path / "crafted"
    folder.mkdir()
    weights = str(folder / presets.WEIGHTS_FILE)
    model.save_weights(weights)
    card = {"name": "crafted", "model": keras.saving.serialize_keras_object(model),
            "sha256": presets.sha256_of(weights)}
    (folder / presets.PRESET_FILE).write_text(json.dumps(card))
    # What the card would do without safe mode: run its code while loading.
    keras.saving.deserialize_keras_object(card["model"], safe_mode=False)
    assert marker.exists()
    marker.unlink()
    with pytest.raises(ValueError, match=(
        f"Refusing to build the model of preset {re.escape(repr(str(folder)))}: "
        "Requested the deserialization of a `Lambda` layer"
    )):
        kg.zoo.load(str(folder))
    assert not marker.exists()


# ------------------------------------------------------------------ URL archives


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(presets, "CACHE_DIR", str(folder))
    return folder


def tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("suffix", ["tar.gz", "zip"])
def test_good_archive_loads_once(files, cache, suffix):
    url = "file://" + files[suffix]
    loaded = kg.zoo.load(url, sha256=files[suffix + "_sha"])
    np.testing.assert_allclose(loaded.generate(2, seed=0), files["gan"].generate(2, seed=0), atol=1e-6)
    before = tree(cache)
    kg.zoo.load(url, sha256=files[suffix + "_sha"].upper())  # from the cache
    assert tree(cache) == before


def test_sha256_mismatch_names_both_hashes(files, cache, tmp_path):
    other = str(tmp_path / "other.tar.gz")
    with open(files["tar.gz"], "rb") as f, open(other, "wb") as g:
        g.write(f.read() + b"garbage")
    url = "file://" + other
    expected = files["tar.gz_sha"]
    with pytest.raises(ValueError, match=(
        f"The preset archive at {re.escape(url)} failed its sha256 check: expected {expected}, "
        f"received {presets.sha256_of(other)}"
    )):
        kg.zoo.load(url, sha256=expected)
    assert tree(cache) == ["keras_gans_presets"]  # the bad download is not kept
    with pytest.raises(ValueError, match="needs its sha256"):
        kg.zoo.load(url)


def _tar(path, members):
    """Writes a tar.gz of `(TarInfo, bytes or None)` members."""
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            info.size = len(data) if data is not None else 0
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data=b"x"):
    return tarfile.TarInfo(name), data


def _link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as zipped:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            zipped.writestr(info, data)
    return path


def _traversal_archives(tmp_path):
    outside = str(tmp_path / "outside.txt")  # tmp_path/cache/keras_gans_presets/.<tmp>/../../..
    card = (presets.PRESET_FILE, b"{}")
    return {
        "tar_dotdot": (_tar(str(tmp_path / "a.tar.gz"), [
            _file("tiny/" + card[0], card[1]), _file("../../../outside.txt")]),
            "'../../../outside.txt' would be written outside"),
        "tar_absolute": (_tar(str(tmp_path / "b.tar.gz"), [_file(outside)]),
                         f"{outside!r} would be written outside"),
        "tar_symlink": (_tar(str(tmp_path / "c.tar.gz"), [
            _link("tiny/escape", str(tmp_path)), _file("tiny/escape/outside.txt")]),
            f"'tiny/escape' is a symlink to {str(tmp_path)!r}"),
        "tar_hardlink": (_tar(str(tmp_path / "d.tar.gz"), [_link("tiny/h", outside, tarfile.LNKTYPE)]),
                         f"'tiny/h' is a hard link to {outside!r}"),
        "zip_dotdot": (_zip(str(tmp_path / "e.zip"), [("../../../outside.txt", b"x", 0o100644)]),
                       "'../../../outside.txt' would be written outside"),
        "zip_absolute": (_zip(str(tmp_path / "f.zip"), [(outside, b"x", 0o100644)]),
                         f"{outside!r} would be written outside"),
        "zip_symlink": (_zip(str(tmp_path / "g.zip"), [("tiny/escape", str(tmp_path), 0o120777)]),
                        "'tiny/escape' is a symlink"),
    }


def test_traversal_archives_are_refused_and_write_nothing(cache, tmp_path):
    for name, (path, reason) in _traversal_archives(tmp_path).items():
        outside_before = sorted(p for p in os.listdir(tmp_path) if p != "cache")
        url = "file://" + path
        with pytest.raises(ValueError, match=re.escape(f"Refusing the preset archive at {url}: member ")) as info:
            kg.zoo.load(url, sha256=presets.sha256_of(path))
        assert reason in str(info.value), (name, str(info.value))
        assert sorted(p for p in os.listdir(tmp_path) if p != "cache") == outside_before, name
        # Only the checked downloads stay in the cache; nothing was extracted.
        downloads = cache / "keras_gans_presets"
        assert all((downloads / p).is_file() and not p.startswith(".") for p in os.listdir(downloads)), name


def test_corrupted_or_wrong_archive_is_a_clear_error(files, cache, tmp_path):
    truncated = str(tmp_path / "truncated.tar.gz")
    with open(files["tar.gz"], "rb") as f, open(truncated, "wb") as g:
        g.write(f.read()[: os.path.getsize(files["tar.gz"]) // 2])
    url = "file://" + truncated
    with pytest.raises(ValueError, match=(
        f"Cannot extract the preset archive at {re.escape(url)} \\(cached as '.*truncated.tar.gz'\\): "
        "expected a .zip or .tar.gz archive of a preset folder, but it is truncated or corrupted"
    )):
        kg.zoo.load(url, sha256=presets.sha256_of(truncated))
    url = "file://" + files["weights"]
    with pytest.raises(ValueError, match=f"The file at {re.escape(url)} .* is not a .zip or .tar.gz archive"):
        kg.zoo.load(url, sha256=presets.sha256_of(files["weights"]))
    empty = _tar(str(tmp_path / "empty.tar.gz"), [_file("notes.txt")])
    with pytest.raises(ValueError, match="holds no preset.json: not a preset archive"):
        kg.zoo.load("file://" + empty, sha256=presets.sha256_of(empty))


# ------------------------------------------------------------------ broken files


def test_truncated_or_corrupted_keras_file(files, tmp_path, capsys):
    with open(files["keras"], "rb") as f:
        data = f.read()
    run = tmp_path / "run"
    run.mkdir()
    truncated = str(run / "checkpoint.keras")
    with open(truncated, "wb") as f:
        f.write(data[: len(data) // 2])
    expected = (f"Cannot load {truncated!r}: expected a .keras zip archive written by `model.save`, "
                f"but its {len(data) // 2} bytes are not one (truncated or corrupted).")
    with pytest.raises(ValueError, match=re.escape(expected)):
        core_io.load_model(truncated)
    with pytest.raises(ValueError):  # Keras's own message says "File not found"
        keras.models.load_model(truncated)
    assert cli.main(["sample", str(run), "--out", str(tmp_path / "s.png")]) == 2
    assert expected in capsys.readouterr().err

    corrupted = bytearray(data)
    middle = len(data) // 2
    corrupted[middle : middle + 64] = bytes(b ^ 0xFF for b in corrupted[middle : middle + 64])
    path = str(tmp_path / "corrupted.keras")
    with open(path, "wb") as f:
        f.write(bytes(corrupted))
    with pytest.raises(ValueError, match=(
        f"Cannot load {re.escape(repr(path))}: expected a .keras file written by `model.save`, "
        "but reading it failed \\(truncated or corrupted\\?\\): BadZipFile"
    )):
        core_io.load_model(path)
    with pytest.raises(FileNotFoundError, match="No such model file: '.*missing.keras'"):
        core_io.load_model(str(tmp_path / "missing.keras"))

    def rewritten(name, change):
        """A copy of the `.keras` file with its config.json changed."""
        path = str(tmp_path / name)
        with zipfile.ZipFile(files["keras"]) as source, zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                target.writestr(info, change(data) if info.filename == "config.json" else data)
        return path

    path = rewritten("bad_config.keras", lambda data: data[:20])
    with pytest.raises(ValueError, match=(
        f"Cannot load {re.escape(repr(path))}: expected a .keras file written by `model.save`, but "
        "reading it failed \\(truncated or corrupted\\?\\): JSONDecodeError"
    )):
        core_io.load_model(path)
    path = rewritten("unknown.keras", lambda data: data.replace(b"keras_gans>GAN", b"keras_gans>NoSuchGAN"))
    with pytest.raises(ValueError, match=f"Cannot load {re.escape(repr(path))}: .*NoSuchGAN"):
        core_io.load_model(path)


def test_truncated_weights_in_a_preset(files, tmp_path):
    folder = copy_preset(files, tmp_path)
    weights = os.path.join(folder, presets.WEIGHTS_FILE)
    card = presets.read_card(folder)
    with open(weights, "r+b") as f:
        f.truncate(1000)
    with pytest.raises(ValueError, match=(
        f"The weights of preset 'tiny' are corrupted: sha256 {presets.sha256_of(weights)} of "
        f"{re.escape(repr(weights))} does not match the {card['sha256']} its card "
        f".*preset.json' expects \\(1000 bytes; the card says {card['weights_bytes']}\\)"
    )):
        kg.zoo.load(folder)
    # A card without a sha256 (hand-written): the weights file itself is reported.
    del card["sha256"]
    presets.write_json(card, os.path.join(folder, presets.PRESET_FILE))
    with pytest.raises(ValueError, match=(
        f"Cannot load {re.escape(repr(weights))} into GAN .*: expected a .weights.h5 file written "
        "by `save_weights`, but it is not a readable HDF5 file \\(truncated or corrupted\\?\\)"
    )):
        kg.zoo.load(folder)
    os.remove(weights)
    with pytest.raises(FileNotFoundError, match=f"The preset folder {re.escape(repr(folder))} has no model.weights.h5"):
        kg.zoo.load(folder)


@pytest.mark.parametrize("text, expected", [
    ('{"name": "tiny", "model": ', "is not valid JSON \\(Expecting value: line 1 column 27"),
    ("\x89PNG\x00\xff", "is not valid JSON"),
    ('["a list"]', "has no model config; expected a JSON object whose 'model' entry"),
])
def test_corrupted_preset_card(files, tmp_path, text, expected):
    folder = copy_preset(files, tmp_path)
    card = os.path.join(folder, presets.PRESET_FILE)
    with open(card, "w", encoding="latin-1") as f:
        f.write(text)
    with pytest.raises(ValueError, match=f"The preset card {re.escape(repr(card))} {expected}"):
        kg.zoo.load(folder)


def test_weights_of_another_architecture(files):
    gan = tiny_gan()
    before = [w.copy() for w in gan.get_weights()]
    with pytest.raises(ValueError, match=(
        f"(?s)Cannot load {re.escape(repr(files['other']))} into GAN '.*': the file holds the weights "
        "of another architecture or configuration \\(the file holds \\d+ arrays \\([\\d,]+ values\\); "
        "this GAN has \\d+ arrays \\([\\d,]+ values\\)\\).*Layer '.*' expected"
    )):
        gan.load_weights(files["other"])
    for old, new in zip(before, gan.get_weights()):
        np.testing.assert_array_equal(old, new)  # left as they were
    gan.load_weights(files["weights"])  # its own still loads
    with pytest.raises(FileNotFoundError, match="No such weights file: '.*missing.weights.h5'"):
        gan.load_weights(files["weights"].replace("m.weights", "missing.weights"))


def test_override_that_changes_the_networks(files):
    preset = files["preset"]
    with pytest.raises(ValueError, match=(
        f"The weights {re.escape(repr(os.path.join(preset, presets.WEIGHTS_FILE)))} do not fit the "
        f"GAN of preset {re.escape(repr(preset))} with data_shape=\\(8, 8, 3\\) \\(the preset was "
        "trained with data_shape=\\[8, 8, 1\\]\\): Cannot load .* into GAN"
    )):
        kg.zoo.load(preset, data_shape=(8, 8, 3))
    with pytest.raises(ValueError, match="with data_shape=\\(8, 8, 3\\)"):
        kg.models.GAN.from_preset(preset, data_shape=(8, 8, 3))
    with pytest.raises(ValueError, match=(
        "The GAN of preset '.*tiny' has no argument image_shape to override; its arguments "
        "are: .*data_shape.*latent_dim"
    )):
        kg.zoo.load(preset, image_shape=(32, 32, 3))
    assert kg.zoo.load(preset, label_smoothing=0.2).label_smoothing == pytest.approx(0.2)


# ------------------------------------------------------------------ paper cuts


def test_legacy_h5_and_other_suffixes_are_refused(files, tmp_path):
    gan = files["gan"]
    with pytest.raises(ValueError, match=(
        "GAN.save\\('.*m.h5'\\): expected a file name ending in .keras; received '.h5'. The "
        "legacy HDF5 format .* save the model to a .keras file, or its weights alone with "
        "`save_weights` to a .weights.h5 file."
    )):
        gan.save(str(tmp_path / "m.h5"))
    with pytest.raises(ValueError, match="GAN.save\\('.*model'\\): expected a file name ending in .keras; received 'no extension'"):
        gan.save(str(tmp_path / "model"))
    with pytest.raises(ValueError, match="GAN.save_weights\\('.*m.h5'\\): expected a file name ending in .weights.h5; received '.h5'"):
        gan.save_weights(str(tmp_path / "m.h5"))
    assert os.listdir(tmp_path) == []
    gan.save_weights(str(tmp_path / "m.weights.h5"))


def test_image_format_follows_the_suffix(files, tmp_path, capsys):
    images = files["gan"].generate(4, seed=0)
    for name, image_format in [("g.png", "PNG"), ("g.jpg", "JPEG"), ("g.JPEG", "JPEG")]:
        kg.images.save_grid(images, str(tmp_path / name))
        assert Image.open(tmp_path / name).format == image_format
    kg.images.save_gif([images, images], str(tmp_path / "walk.gif"))
    assert Image.open(tmp_path / "walk.gif").format == "GIF"
    written = sorted(os.listdir(tmp_path))
    with pytest.raises(ValueError, match="Cannot write '.*g.bmp': expected a file name ending in .png, .jpg, .jpeg; received '.bmp'"):
        kg.images.save_grid(images, str(tmp_path / "g.bmp"))
    with pytest.raises(ValueError, match="Cannot write '.*walk.png': expected a file name ending in .gif; received '.png'"):
        kg.images.save_gif([images], str(tmp_path / "walk.png"))
    assert sorted(os.listdir(tmp_path)) == written
    out = str(tmp_path / "grid.jpg")
    assert cli.main(["sample", files["preset"], "--n", "4", "--out", out]) == 0
    assert Image.open(out).format == "JPEG"
    capsys.readouterr()
