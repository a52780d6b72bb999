"""The preset registry: save, load by folder / name / URL, checks."""

import os
import shutil

import numpy as np
import pytest
from helpers import adam, random_images, small_dcgan

import keras_gans as kg
from keras_gans import zoo


@pytest.fixture(scope="module")
def tiny_preset(tmp_path_factory):
    gan = small_dcgan(label_smoothing=0.1)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    gan.fit(random_images(32), batch_size=16, verbose=0)
    folder = str(tmp_path_factory.mktemp("presets") / "tiny_dcgan")
    card = zoo.save_to_preset(
        gan, folder, metrics={"fid": 1.5}, task="test", dataset="noise",
        recipe={"variant": "dcgan", "command": "pytest"},
    )
    return gan, folder, card


def test_preset_round_trip(tiny_preset):
    gan, folder, card = tiny_preset
    assert set(os.listdir(folder)) == {"preset.json", "model.weights.h5"}
    assert "compile_config" not in card["model"]
    assert card["sha256"] == zoo.sha256_of(os.path.join(folder, "model.weights.h5"))
    for key in ("keras_version", "backend", "date", "recipe", "metrics", "weights_bytes"):
        assert key in card
    loaded = kg.models.DCGAN.from_preset(folder)
    assert loaded.label_smoothing == pytest.approx(0.1)
    np.testing.assert_allclose(loaded.generate(4, seed=3), gan.generate(4, seed=3), atol=1e-6)
    assert loaded.preset_card["metrics"] == {"fid": 1.5}


def test_corrupted_weights_fail_with_sha256(tiny_preset, tmp_path):
    _, folder, _ = tiny_preset
    broken = str(tmp_path / "broken")
    shutil.copytree(folder, broken)
    weights = os.path.join(broken, "model.weights.h5")
    middle = os.path.getsize(weights) // 2
    with open(weights, "r+b") as f:
        f.seek(middle)
        chunk = f.read(16)
        f.seek(middle)
        f.write(bytes(b ^ 0xFF for b in chunk))
    with pytest.raises(ValueError, match="corrupted: sha256"):
        zoo.load(broken)


def test_url_preset_is_fetched_and_checked(tiny_preset, tmp_path, monkeypatch):
    gan, folder, _ = tiny_preset
    monkeypatch.setattr(kg.core.presets, "CACHE_DIR", str(tmp_path / "keras_home"))
    archive = str(tmp_path / "tiny_dcgan.tar.gz")
    digest = zoo.archive(folder, archive)
    loaded = zoo.load("file://" + archive, sha256=digest)
    np.testing.assert_allclose(loaded.generate(2, seed=0), gan.generate(2, seed=0), atol=1e-6)

    other = str(tmp_path / "other.tar.gz")
    shutil.copy(archive, other)
    with open(other, "ab") as f:
        f.write(b"garbage")
    with pytest.raises(ValueError, match="failed its sha256 check"):
        zoo.load("file://" + other, sha256=digest)
    with pytest.raises(ValueError, match="needs its sha256"):
        zoo.load("file://" + archive)


def test_unknown_name_lists_closest(monkeypatch, tiny_preset):
    _, folder, _ = tiny_preset
    monkeypatch.setattr(kg.core.presets, "PRESETS_DIR", os.path.dirname(folder))
    assert zoo.names() == ["tiny_dcgan"]
    with pytest.raises(ValueError, match="Unknown preset 'tiny_dcgna'. Closest: tiny_dcgan"):
        zoo.load("tiny_dcgna")
    rows = zoo.list()
    assert rows[0]["name"] == "tiny_dcgan" and rows[0]["metrics"] == {"fid": 1.5}
    with pytest.raises(ValueError, match="holds a DCGAN, not a GAN"):
        kg.models.GAN.from_preset("tiny_dcgan")
