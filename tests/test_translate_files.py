"""Image files, tiling of fixed-size translators, and `keras-gans translate`."""

import os

import numpy as np
import pytest
from keras_gans import cli
from keras_gans.images import read_image, write_image
from keras_gans.tiling import translate_image, translate_images

STEP = 1 / 127.5  # one 8-bit level in [-1, 1]


def smooth_image(height, width, channels, seed=0):
    """A smooth image in [-1, 1] (JPEG-friendly), different in every channel."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype("float32")
    phases = rng.uniform(0, 6, (channels, 2))
    return np.stack(
        [np.sin(x / 9 + a) * np.cos(y / 11 + b) for a, b in phases], axis=-1
    ).astype("float32")


def noise_image(height, width, channels, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (height, width, channels)).astype("float32")


class Recorder:
    """Stand-in of the Pix2Pix/SRGAN interface; records the batches it gets."""

    def __init__(self, fn, source_shape=(28, 28, 1), scale=1, channels_out=None):
        self.fn = fn
        self.source_shape = tuple(source_shape)
        h, w, c = source_shape
        self.target_shape = (h * scale, w * scale, channels_out or c)
        self.batches = []

    def translate(self, images, batch_size=64):
        images = np.asarray(images)
        assert images.dtype == np.float32 and images.shape[1:] == self.source_shape
        self.batches.append(images.copy())
        return self.fn(images).astype("float32")


class TwoWay(Recorder):
    """Stand-in of the CycleGAN interface: a2b inverts, b2a halves."""

    directions = ("a2b", "b2a")

    def __init__(self):
        super().__init__(None)

    def translate(self, images, direction="a2b", batch_size=64):
        if direction not in ("a2b", "b2a"):
            raise ValueError(direction)
        self.batches.append((direction, images.shape))
        return (-images if direction == "a2b" else 0.5 * images).astype("float32")


class Sampler:
    """Stand-in of an unconditional GAN: generates, has no translate."""

    def generate(self, n, seed=None, labels=None):
        return np.zeros((n, 28, 28, 1), "float32")


def identity(x):
    return x


def invert(x):
    return -x


def nearest_x4(x):
    return np.repeat(np.repeat(x, 4, axis=1), 4, axis=2)


def upsample(image, factor=4):
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


# ---------------------------------------------------------------- image files


@pytest.mark.parametrize("channels", [1, 3])
def test_png_round_trip_is_exact_to_one_level(tmp_path, channels):
    image = noise_image(19, 23, channels)
    path = tmp_path / "new" / "folder" / "x.png"
    assert write_image(image, path) == os.fspath(path)
    back = read_image(path)
    assert back.dtype == np.float32 and back.shape == (19, 23, channels)
    assert np.abs(back - image).max() <= STEP / 2 + 1e-6
    assert os.listdir(path.parent) == ["x.png"]  # no temporary file left
    # Extremes and 2-D input.
    write_image(np.array([[-1.0, 1.0]], "float32"), tmp_path / "ends.PNG")
    np.testing.assert_array_equal(read_image(tmp_path / "ends.PNG")[..., 0], [[-1.0, 1.0]])


def test_jpeg_round_trip_is_close(tmp_path):
    image = smooth_image(40, 48, 3)
    for name in ("x.jpg", "x.jpeg"):
        write_image(image, tmp_path / name)
        back = read_image(tmp_path / name)
        assert back.shape == image.shape
        assert np.abs(back - image).mean() < 0.03


def test_read_image_channel_conversion(tmp_path):
    from PIL import Image

    colour = noise_image(8, 9, 3, seed=1)
    write_image(colour, tmp_path / "c.png")
    gray = read_image(tmp_path / "c.png", channels=1)
    stored = read_image(tmp_path / "c.png")
    np.testing.assert_allclose(gray[..., 0], stored @ [0.299, 0.587, 0.114], atol=1e-5)
    pil_gray = np.asarray(Image.open(tmp_path / "c.png").convert("L"), "float32") / 127.5 - 1
    assert np.abs(gray[..., 0] - pil_gray).max() <= STEP  # same rule as PIL's "L"
    red = np.zeros((2, 2, 3), "float32") - 1
    red[..., 0] = 1
    write_image(red, tmp_path / "red.png")
    np.testing.assert_allclose(read_image(tmp_path / "red.png", channels=1), 0.299 - 0.701, atol=1e-6)
    write_image(colour[..., :1], tmp_path / "g.png")
    rgb = read_image(tmp_path / "g.png", channels=3)
    assert rgb.shape == (8, 9, 3) and (rgb == rgb[..., :1]).all()
    # A palette image with alpha reads as RGB; a 16-bit gray PNG keeps its precision.
    Image.new("RGBA", (3, 2), (255, 0, 0, 10)).save(tmp_path / "rgba.png")
    np.testing.assert_allclose(read_image(tmp_path / "rgba.png")[0, 0], [1, -1, -1])
    Image.fromarray(np.full((2, 2), 32768, np.uint16)).save(tmp_path / "deep.png")
    np.testing.assert_allclose(read_image(tmp_path / "deep.png"), 32768 / 65535 * 2 - 1, atol=1e-6)


def test_image_file_errors_name_the_file(tmp_path):
    from PIL import Image

    broken = tmp_path / "broken.png"
    broken.write_text("not an image")
    with pytest.raises(ValueError, match="broken.png"):
        read_image(broken)
    Image.new("L", (4, 4)).save(tmp_path / "anim.gif")
    with pytest.raises(ValueError, match="GIF image; expected a PNG or JPEG"):
        read_image(tmp_path / "anim.gif")
    with pytest.raises(FileNotFoundError, match="missing.png"):
        read_image(tmp_path / "missing.png")
    with pytest.raises(ValueError, match="channels"):
        read_image(tmp_path / "anim.gif", channels=2)
    image = np.zeros((4, 4, 1), "float32")
    with pytest.raises(ValueError, match=r"x\.bmp.*\.png, \.jpg, \.jpeg"):
        write_image(image, tmp_path / "x.bmp")
    with pytest.raises(ValueError, match=r"values in \[-1, 1\]; received \[0, 255\]"):
        write_image(image + np.arange(16).reshape(4, 4, 1) * 17, tmp_path / "x.png")
    with pytest.raises(ValueError, match="shape"):
        write_image(np.zeros((4, 4, 2)), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


# ---------------------------------------------------------------- tiling


@pytest.mark.parametrize("overlap, padding", [(0, "reflect"), (3, "reflect"), (5, "edge")])
def test_identity_tiling_returns_the_image(overlap, padding):
    image = noise_image(60, 45, 1)
    model = Recorder(identity)
    out = translate_image(model.translate, image, (28, 28, 1), overlap=overlap, padding=padding)
    np.testing.assert_array_equal(out, image)
    assert len(model.batches) == 1  # all tiles in one call
    step = 28 - 2 * overlap
    assert len(model.batches[0]) == int(np.ceil(60 / step) * np.ceil(45 / step))


def test_tile_mode_stitches_each_tile_in_place():
    image = noise_image(60, 45, 1)
    out = translate_image(invert, image, (28, 28, 1))
    np.testing.assert_array_equal(out, -image)
    small = noise_image(5, 9, 1)  # smaller than a tile: padded, then cropped
    np.testing.assert_array_equal(translate_image(invert, small, (28, 28, 1)), -small)


@pytest.mark.parametrize("overlap", [0, 2])
def test_scale_4_tiling_matches_nearest_neighbour_reference(overlap):
    image = noise_image(30, 17, 1, seed=2)
    model = Recorder(nearest_x4, source_shape=(7, 7, 1), scale=4)
    out = translate_image(model.translate, image, model.source_shape, scale=4, overlap=overlap)
    assert out.shape == (120, 68, 1)
    np.testing.assert_array_equal(out, upsample(image))


def test_pad_mode_pads_to_the_model_size_then_crops():
    image = noise_image(20, 13, 1)
    model = Recorder(invert)
    np.testing.assert_array_equal(translate_image(model.translate, image, (28, 28, 1), mode="pad"), -image)
    (tile,) = model.batches[0]
    np.testing.assert_array_equal(tile[:20, :13], image)
    np.testing.assert_array_equal(tile[20, :13], image[18])  # reflected below
    np.testing.assert_array_equal(tile[:20, 13], image[:, 11])  # and right
    edge = Recorder(identity)
    translate_image(edge.translate, image, (28, 28, 1), mode="pad", padding="edge")
    np.testing.assert_array_equal(edge.batches[0][0, 27, :13], image[19])
    exact = noise_image(28, 28, 1)
    np.testing.assert_array_equal(translate_image(invert, exact, (28, 28, 1), mode="pad"), -exact)
    with pytest.raises(ValueError, match=r"at most 28x28 .*received 60x45.*mode='tile'"):
        translate_image(invert, noise_image(60, 45, 1), (28, 28, 1), mode="pad")


def test_error_mode_names_both_sizes():
    exact = noise_image(28, 28, 1)
    np.testing.assert_array_equal(translate_image(invert, exact, (28, 28, 1), mode="error"), -exact)
    for height, width in [(60, 45), (20, 28)]:
        with pytest.raises(ValueError, match=rf"translates 28x28 .*received {height}x{width}"):
            translate_image(invert, noise_image(height, width, 1), (28, 28, 1), mode="error")
    with pytest.raises(ValueError, match="mode"):
        translate_image(invert, exact, (28, 28, 1), mode="crop")
    with pytest.raises(ValueError, match="overlap"):
        translate_image(invert, exact, (28, 28, 1), mode="pad", overlap=2)
    with pytest.raises(ValueError, match="half the tile"):
        translate_image(invert, exact, (28, 28, 1), overlap=14)


def test_channel_rule():
    colour = noise_image(30, 30, 3)
    out = translate_image(identity, colour, (28, 28, 1))
    np.testing.assert_allclose(out[..., 0], colour @ [0.299, 0.587, 0.114], atol=1e-6)
    gray = noise_image(30, 30, 1)
    out = translate_image(identity, gray[..., 0], (28, 28, 3))  # (H, W) is one channel
    assert out.shape == (30, 30, 3) and (out == gray).all()
    for channels, model_channels in [(2, 1), (4, 3), (3, 2)]:
        with pytest.raises(ValueError, match=f"takes {model_channels}-channel images; received {channels}"):
            translate_image(identity, noise_image(8, 8, channels), (28, 28, model_channels))


def test_many_images_share_one_call_and_bad_outputs_are_caught():
    model = Recorder(invert)
    images = [noise_image(5, 5, 1, seed=1), noise_image(60, 45, 1, seed=2), noise_image(28, 28, 1)]
    outs = translate_images(model.translate, images, (28, 28, 1))
    assert len(model.batches) == 1 and len(model.batches[0]) == 1 + 6 + 1
    for image, out in zip(images, outs):
        np.testing.assert_array_equal(out, -image)
    assert translate_images(invert, [], (28, 28, 1)) == []
    with pytest.raises(ValueError, match=r"returned shape \(6, 28, 28, 1\).*expected \(6, 56, 56"):
        translate_image(identity, noise_image(60, 45, 1), (28, 28, 1), scale=2)


# ---------------------------------------------------------------- the command


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    write_image(smooth_image(60, 45, 3), folder / "big.png")
    write_image(noise_image(28, 28, 1), folder / "small.png")
    (folder / "notes.txt").write_text("ignored")
    (folder / ".hidden.png").write_text("ignored too")
    single = tmp_path / "photo.jpg"
    write_image(smooth_image(16, 20, 1), single)
    return folder, single


def use_model(monkeypatch, model):
    names = []

    def load(name):
        names.append(name)
        return model

    monkeypatch.setattr(cli, "_load_model", load)
    return names


def test_cli_translate_folder_and_file(tmp_path, inputs, monkeypatch, capsys):
    folder, single = inputs
    model = Recorder(invert)
    names = use_model(monkeypatch, model)
    out = tmp_path / "out"
    assert cli.main(["translate", "stand-in", str(folder), str(single), "--out", str(out)]) == 0
    assert names == ["stand-in"]
    assert sorted(os.listdir(out)) == ["big.png", "photo.png", "small.png"]
    for name, source in [("big.png", folder / "big.png"), ("small.png", folder / "small.png"),
                         ("photo.png", single)]:
        expected = -read_image(source, channels=1)
        assert np.abs(read_image(out / name) - expected).max() <= STEP + 1e-6, name
    assert len(model.batches) == 1  # three small images, one model call
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == f"{folder / 'big.png'} -> {out / 'big.png'}" and len(lines) == 4
    assert lines[-1] == f"3 image(s) translated into {out}"


def test_cli_translate_scale_and_direction(tmp_path, inputs, monkeypatch):
    folder, single = inputs
    use_model(monkeypatch, Recorder(nearest_x4, source_shape=(7, 7, 1), scale=4))
    assert cli.main(["translate", "sr", str(single), "--out", str(tmp_path / "sr"), "--batch-size", "4"]) == 0
    np.testing.assert_array_equal(read_image(tmp_path / "sr" / "photo.png"), upsample(read_image(single)))

    cycle = TwoWay()
    use_model(monkeypatch, cycle)
    out = tmp_path / "cycle"
    assert cli.main(["translate", "cg", str(folder / "small.png"), "--out", str(out),
                     "--direction", "b2a", "--mode", "error"]) == 0
    assert cycle.batches == [("b2a", (1, 28, 28, 1))]
    expected = 0.5 * read_image(folder / "small.png")
    assert np.abs(read_image(out / "small.png") - expected).max() <= STEP / 2 + 1e-6
    assert cli.main(["translate", "cg", str(folder / "small.png"), "--out", str(out)]) == 0
    assert cycle.batches[-1][0] == "a2b"  # no --direction: no direction= passed


def test_cli_translate_errors(tmp_path, inputs, monkeypatch, capsys):
    folder, single = inputs
    out = tmp_path / "out"

    def fails(args, message):
        assert cli.main(["translate"] + args + ["--out", str(out)]) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("keras-gans: error:") and message in err, err
        assert "Traceback" not in err

    # Stand-ins for a DCGAN preset and a classifier (building a real DCGAN costs
    # ~15 s of XLA compilation of its initializers on JAX here).
    use_model(monkeypatch, Sampler())
    fails(["dcgan", str(single)], "'dcgan' is not an image-to-image model (it generates images")
    use_model(monkeypatch, object())
    fails(["classifier", str(single)], "'classifier' is not an image-to-image model; `translate` needs")
    use_model(monkeypatch, Recorder(invert))
    fails(["m", str(tmp_path / "nowhere.png")], "does not exist")
    (tmp_path / "empty").mkdir()
    fails(["m", str(tmp_path / "empty")], "has no .png, .jpg or .jpeg images")
    fails(["m", str(folder / "notes.txt")], "is not a .png, .jpg or .jpeg file")
    fails(["m", str(single), "--direction", "a2b"], "translates in one direction only")
    fails(["m", str(folder), "--mode", "error"], "translates 28x28 images (height x width); received 60x45")
    write_image(np.zeros((4, 4)), tmp_path / "photo.png")
    fails(["m", str(single), str(tmp_path / "photo.png")], "would both be written to")
    fails(["m", str(single), "--batch-size", "0"], "argument --batch-size: expected an integer >= 1; received 0")
    assert not out.exists()  # every failure came before the first write
    assert cli.main(["translate", "m", str(folder), "--out", str(folder)]) == 2
    assert "would overwrite an input" in capsys.readouterr().err
