import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from keras_gans import datasets
from keras_gans.datasets import fashion_mnist, folders, translation


@pytest.fixture(scope="module")
def fashion_test():
    """The first 1,000 Fashion-MNIST test images in [-1, 1] and their labels."""
    images, labels = fashion_mnist.load_arrays("test", download=False)
    return datasets.to_unit_range(images[:1000]), labels[:1000]


def batches(ds):
    return list(ds.as_numpy_iterator())


# Edges -------------------------------------------------------------------------------------


def test_sobel_magnitude_is_the_normalised_sobel_operator():
    images = np.random.default_rng(0).uniform(-1, 1, (3, 9, 11, 1)).astype("float32")
    expected = np.stack([
        np.hypot(ndimage.sobel(x, axis=1, mode="nearest"), ndimage.sobel(x, axis=0, mode="nearest"))
        for x in images[..., 0]
    ])[..., None] / 8.0
    np.testing.assert_allclose(translation.sobel_magnitude(images), expected, atol=1e-5)
    # A full step from -1 to +1 reads 1.0.
    step = np.where(np.arange(8) < 4, -1.0, 1.0)[None, None, :, None].repeat(8, axis=1)
    assert translation.sobel_magnitude(step)[0, 4, 3:5, 0].tolist() == [1.0, 1.0]


def test_edges_are_binary_deterministic_and_absent_from_constant_images():
    images = np.random.default_rng(1).uniform(-1, 1, (4, 12, 12, 1)).astype("float32")
    edges = translation.sobel_edges(images)
    assert edges.dtype == np.float32 and edges.shape == (4, 12, 12, 1)
    assert set(np.unique(edges)) == {-1.0, 1.0}
    np.testing.assert_array_equal(edges, translation.sobel_edges(images.copy()))
    for value in (-1.0, 0.3, 1.0):
        assert (translation.sobel_edges(np.full((2, 12, 12, 1), value, "float32")) == -1).all()


def test_edges_outline_a_square_and_nothing_else():
    square = np.full((1, 16, 16, 1), -1.0, "float32")
    square[0, 4:12, 4:12] = 1.0
    edges = translation.sobel_edges(square)[0, ..., 0] > 0
    inside = np.zeros((16, 16), bool)
    inside[4:12, 4:12] = True
    ring = np.ones((3, 3), bool)
    contour = inside & ~ndimage.binary_erosion(inside, ring)
    assert edges[contour].all()  # the whole outline ...
    far = ~ndimage.binary_dilation(contour, ring)
    assert not edges[far].any()  # ... and nothing inside or out


def test_fashion_edges_land_on_garment_outlines(fashion_test):
    images, _ = fashion_test
    edges = translation.sobel_edges(images)[..., 0] > 0
    ring = np.ones((1, 3, 3), bool)
    garment = images[..., 0] > -0.5
    contour = garment & ~ndimage.binary_erosion(garment, ring)
    near_edge = ndimage.binary_dilation(edges, ring)
    assert (contour & near_edge).sum() / contour.sum() > 0.9  # outlines are drawn
    band = ndimage.binary_dilation(garment, ring, iterations=2) & ~ndimage.binary_erosion(
        garment, ring, iterations=2
    )
    assert (edges & band).sum() / edges.sum() > 0.9  # edges sit on outlines
    background = ~ndimage.binary_dilation(images[..., 0] > -1.0, ring)
    assert not edges[background].any()  # flat background has none
    assert 0.1 < edges.mean() < 0.4


def test_edges_pairs_line_up(fashion_test):
    images, _ = fashion_test
    inputs, targets = translation.edges_pairs("test", limit=64)
    np.testing.assert_array_equal(targets, images[:64])
    np.testing.assert_array_equal(inputs, translation.sobel_edges(images[:64]))
    (edges, image), *_ = batches(datasets.load("fashion_edges", split="test", limit=64,
                                               batch_size=16, seed=0))
    np.testing.assert_array_equal(edges, translation.sobel_edges(image))


def test_sobel_edges_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(n, h, w, c\).*\(28, 28\)"):
        translation.sobel_edges(np.zeros((28, 28)))
    with pytest.raises(ValueError, match="threshold"):
        translation.sobel_edges(np.zeros((1, 4, 4, 1)), threshold=0)


# Low resolution ---------------------------------------------------------------------------


def test_downsample_is_the_mean_of_each_block():
    images = np.random.default_rng(2).uniform(-1, 1, (2, 8, 12, 3)).astype("float32")
    small = translation.downsample(images, 4)
    assert small.shape == (2, 2, 3, 3)
    for i in range(2):
        for j in range(3):
            block = images[:, 4 * i : 4 * i + 4, 4 * j : 4 * j + 4]
            np.testing.assert_allclose(small[:, i, j], block.mean(axis=(1, 2)), rtol=1e-6)


@pytest.mark.parametrize("factor", [1, 0, 2.0, True, "2"])
def test_downsample_rejects_bad_factors(factor):
    with pytest.raises(ValueError, match="integer >= 2"):
        translation.downsample(np.zeros((1, 28, 28, 1)), factor)


def test_downsample_rejects_sizes_not_divisible():
    with pytest.raises(ValueError, match="28x28 is not divisible by `factor`=3"):
        translation.downsample(np.zeros((1, 28, 28, 1)), 3)


@pytest.mark.parametrize("name, factor", [("fashion_lowres_x4", 4), ("fashion_lowres_x2", 2)])
def test_lowres_pairs_line_up_through_the_shuffled_pipeline(name, factor):
    inputs, targets = translation.lowres_pairs("test", factor=factor, limit=32)
    assert inputs.shape == (32, 28 // factor, 28 // factor, 1)
    np.testing.assert_array_equal(inputs, translation.downsample(targets, factor))
    found = batches(datasets.load(name, split="test", limit=96, batch_size=32, seed=0))
    assert len(found) == 3
    for lowres, highres in found:
        assert lowres.shape == (32, 28 // factor, 28 // factor, 1) and highres.shape == (32, 28, 28, 1)
        np.testing.assert_allclose(lowres, translation.downsample(highres, factor), atol=1e-6)


# Unpaired class domains -------------------------------------------------------------------


def test_class_domains_hold_only_their_class(fashion_test):
    images, labels = fashion_mnist.load_arrays("test", download=False)
    sneakers, boots = translation.class_domains("test", 7, 9)
    np.testing.assert_array_equal(sneakers, datasets.to_unit_range(images[labels == 7]))
    np.testing.assert_array_equal(boots, datasets.to_unit_range(images[labels == 9]))
    known = {7: {x.tobytes() for x in sneakers}, 9: {x.tobytes() for x in boots}}
    found = batches(datasets.load("fashion_sneaker_boot", split="test", batch_size=100, seed=0))
    assert len(found) == 10  # 1,000 of each in the test split
    for batch in found:
        assert set(batch) == {"a", "b"} and batch["a"].shape == (100, 28, 28, 1)
        assert all(x.tobytes() in known[7] for x in batch["a"])
        assert all(x.tobytes() in known[9] for x in batch["b"])
    first = next(iter(datasets.load("fashion_domains", classes=(0, 1), split="test",
                                    limit=50, batch_size=10, seed=0).as_numpy_iterator()))
    tops, trousers = translation.class_domains("test", 0, 1, limit=50)
    assert {x.tobytes() for x in first["a"]} <= {x.tobytes() for x in tops}
    assert {x.tobytes() for x in first["b"]} <= {x.tobytes() for x in trousers}


def test_class_domains_reject_bad_classes():
    with pytest.raises(ValueError, match="must differ"):
        translation.class_domains("test", 3, 3)
    with pytest.raises(ValueError, match=r"`class_b` must be a Fashion-MNIST label in 0\.\.9"):
        translation.class_domains("test", 3, 10)
    with pytest.raises(ValueError, match="fixed to classes"):
        datasets.load("fashion_sneaker_boot", classes=(1, 2))
    with pytest.raises(ValueError, match="needs `classes=\\(class_a, class_b\\)`"):
        datasets.load("fashion_domains")


def coded(n, offset=0):
    """`n` images whose pixels all hold their index (+ offset), for tracking."""
    return (np.arange(offset, offset + n, dtype="float32")[:, None, None, None] / 100.0
            * np.ones((1, 2, 2, 1), "float32"))


def codes(images):
    return np.round(images[:, 0, 0, 0] * 100).astype(int).tolist()


def test_unpaired_epoch_covers_the_larger_domain_and_repeats_the_smaller():
    ds = translation.unpaired(coded(10), coded(25, offset=50), batch_size=5, seed=0)
    for _ in range(2):  # two epochs, each a fresh order
        found = batches(ds)
        assert len(found) == 25 // 5
        a = sum((codes(batch["a"]) for batch in found), [])
        b = sum((codes(batch["b"]) for batch in found), [])
        assert sorted(b) == list(range(50, 75))  # every image of B once
        assert set(a) == set(range(10)) and max(a.count(i) for i in range(10)) <= 3


def test_unpaired_domains_are_shuffled_independently_and_reproducibly():
    images = coded(40)
    first = batches(translation.unpaired(images, images, batch_size=40, seed=3))[0]
    again = batches(translation.unpaired(images, images, batch_size=40, seed=3))[0]
    other = batches(translation.unpaired(images, images, batch_size=40, seed=4))[0]
    assert codes(first["a"]) != codes(first["b"])  # two different derived seeds
    assert codes(first["a"]) == codes(again["a"]) and codes(first["b"]) == codes(again["b"])
    assert codes(first["a"]) != codes(other["a"])
    assert translation.domain_seeds(3)[0] != translation.domain_seeds(3)[1]
    unshuffled = batches(translation.unpaired(images, images, batch_size=40, shuffle=False))[0]
    assert codes(unshuffled["a"]) == list(range(40))


# Paired pipelines -------------------------------------------------------------------------


def test_paired_keeps_pairs_together_and_converts_uint8():
    targets = np.arange(64, dtype=np.uint8)[:, None, None, None] * np.ones((1, 3, 3, 1), np.uint8)
    inputs = coded(64)
    found = batches(translation.paired(inputs, targets, batch_size=16, seed=0))
    assert len(found) == 4
    for x, y in found:
        assert x.dtype == y.dtype == np.float32
        np.testing.assert_allclose((y[:, 0, 0, 0] + 1.0) * 127.5, codes(x), atol=1e-4)
    order = [c for x, _ in found for c in codes(x)]
    assert sorted(order) == list(range(64)) and order != list(range(64))


def test_paired_rejects_bad_input():
    with pytest.raises(ValueError, match="same number of examples; received 3 inputs and 4"):
        translation.paired(coded(3), coded(4))
    with pytest.raises(ValueError, match="`batch_size`=8 is larger than the 3 pairs"):
        translation.paired(coded(3), coded(3), batch_size=8)
    with pytest.raises(ValueError, match=r"in \[-1, 1\].*\[0, 255\]"):
        translation.paired(coded(3) * 255, coded(3), batch_size=1)
    with pytest.raises(ValueError, match="dtype int64"):
        translation.paired(np.zeros((3, 2, 2, 1), "int64"), coded(3), batch_size=1)


def test_load_rejects_options_that_do_not_apply():
    with pytest.raises(ValueError, match="no labels"):
        datasets.load("fashion_edges", with_labels=True)
    with pytest.raises(ValueError, match="`image_size` applies to cycle_gan/"):
        datasets.load("fashion_mnist", image_size=(8, 8))
    assert set(datasets.TRANSLATION_TASKS) == set(translation.TASKS)


# Folders ----------------------------------------------------------------------------------


def write(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    array = np.asarray(array, np.uint8)
    Image.fromarray(array[..., 0] if array.ndim == 3 and array.shape[-1] == 1 else array).save(path)
    return path


def gray(value, h=8, w=8):
    return np.full((h, w), value, np.uint8)


def rgb(value, h=8, w=8):
    return np.full((h, w, 3), value, np.uint8)


def test_paired_folders_match_files_by_name(tmp_path):
    values = {"x": 10, "y": 120, "z": 240}
    for name, ext_a, ext_b in (("x", "png", "png"), ("y", "PNG", "jpg"), ("z", "png", "JPEG")):
        write(tmp_path / "a" / f"{name}.{ext_a}", gray(values[name]))
        write(tmp_path / "b" / f"{name}.{ext_b}", rgb(255 - values[name], 16, 16))
    (tmp_path / "a" / "notes.txt").write_text("not an image")
    found = batches(folders.paired_folders(tmp_path / "a", tmp_path / "b", seed=0))
    assert len(found) == 3
    for a, b in found:
        assert a.shape == (1, 8, 8, 1) and b.shape == (1, 16, 16, 3)
        a_value, b_value = (a[0, 0, 0, 0] + 1) * 127.5, (b[0, 0, 0, 0] + 1) * 127.5
        assert abs(a_value + b_value - 255) < 3  # the partner of the same name (JPEG: +-2)


def test_paired_folders_list_the_unmatched_names(tmp_path):
    for name in ("shared", "only_here"):
        write(tmp_path / "a" / f"{name}.png", gray(0))
    for name in ("shared", "only_there"):
        write(tmp_path / "b" / f"{name}.png", gray(0))
    with pytest.raises(ValueError, match=r"Only in .*a'?: \[only_here\]; only in .*b'?: \[only_there\]"):
        folders.paired_folders(tmp_path / "a", tmp_path / "b")


def test_side_by_side_folder_splits_each_file_in_the_middle(tmp_path):
    for i, value in enumerate((30, 90, 200)):
        ab = np.concatenate([rgb(value, 6, 5), rgb(255 - value, 6, 5)], axis=1)
        write(tmp_path / f"{i}.png", ab)
    a2b = batches(folders.side_by_side_folder(tmp_path, batch_size=3, shuffle=False))[0]
    b2a = batches(folders.side_by_side_folder(tmp_path, direction="b2a", batch_size=3,
                                              shuffle=False))[0]
    a, b = a2b
    assert a.shape == b.shape == (3, 6, 5, 3)
    np.testing.assert_allclose((a[:, 0, 0, 0] + 1) * 127.5, [30, 90, 200], atol=1e-4)
    np.testing.assert_allclose((b + 1) * 127.5, 255 - (a + 1) * 127.5, atol=1e-4)
    np.testing.assert_array_equal(b2a[0], b)
    np.testing.assert_array_equal(b2a[1], a)
    resized = batches(folders.side_by_side_folder(tmp_path, image_size=(4, 4), channels=1,
                                                  batch_size=3))[0]
    assert resized[0].shape == resized[1].shape == (3, 4, 4, 1)
    with pytest.raises(ValueError, match="direction"):
        folders.side_by_side_folder(tmp_path, direction="up")


def test_side_by_side_folder_rejects_an_odd_width(tmp_path):
    write(tmp_path / "odd.png", rgb(0, 6, 15))
    with pytest.raises(ValueError, match="odd.png .* is 15 pixels wide.*even width"):
        folders.side_by_side_folder(tmp_path)


def test_folders_resize_or_reject_mixed_sizes(tmp_path):
    write(tmp_path / "big.png", gray(0, 10, 12))
    write(tmp_path / "small.png", gray(255, 5, 6))
    with pytest.raises(ValueError, match=r"differ in size: big\.png is 10x12.*small\.png is 5x6.*image_size"):
        folders.read_folder(tmp_path)
    images, names = folders.read_folder(tmp_path, image_size=(4, 6))
    assert images.shape == (2, 4, 6, 1) and images.dtype == np.uint8 and names == ["big", "small"]
    assert images[0].max() == 0 and images[1].min() == 255
    with pytest.raises(ValueError, match="image_size"):
        folders.read_folder(tmp_path, image_size=(0, 4))


def test_folders_convert_grayscale_and_rgb(tmp_path):
    color = np.zeros((4, 4, 3), np.uint8)
    color[..., 0] = 200  # pure red
    write(tmp_path / "mixed" / "color.png", color)
    write(tmp_path / "mixed" / "gray.png", gray(77, 4, 4))
    write(tmp_path / "gray_only" / "g.png", gray(77, 4, 4))
    inferred, _ = folders.read_folder(tmp_path / "mixed")
    assert inferred.shape == (2, 4, 4, 3)
    assert (inferred[1] == 77).all()  # gray -> RGB: the same value in every channel
    as_gray, _ = folders.read_folder(tmp_path / "mixed", channels=1)
    assert as_gray.shape == (2, 4, 4, 1)
    assert abs(int(as_gray[0, 0, 0, 0]) - round(0.299 * 200)) <= 1  # ITU-R 601 luma
    assert folders.read_folder(tmp_path / "gray_only")[0].shape == (1, 4, 4, 1)
    assert folders.read_folder(tmp_path / "gray_only", channels=3)[0].shape == (1, 4, 4, 3)
    deep = (np.arange(16, dtype=np.uint16).reshape(4, 4) * 4369)  # 16-bit, 0 .. 65535
    Image.fromarray(deep).save(tmp_path / "deep.png")
    read = folders.read_images([tmp_path / "deep.png"])
    np.testing.assert_array_equal(read[0, ..., 0], deep >> 8)  # scaled, not clipped
    with pytest.raises(ValueError, match="`channels` must be None, 1 or 3"):
        folders.read_folder(tmp_path / "gray_only", channels=2)


def test_folders_reject_empty_missing_and_broken(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "readme.txt").write_text("hello")
    with pytest.raises(ValueError, match=r"No images in .*empty.*\.png, \.jpg, \.jpeg"):
        folders.unpaired_folders(tmp_path / "empty", tmp_path / "empty")
    with pytest.raises(ValueError, match="found 1 other entries"):
        folders.read_folder(tmp_path / "texts")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        folders.paired_folders(tmp_path / "nowhere", tmp_path / "empty")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "bad.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match="Could not read image .*bad.png"):
        folders.read_folder(tmp_path / "broken")


def test_unpaired_folders_yield_both_domains(tmp_path):
    for i in range(3):
        write(tmp_path / "a" / f"{i}.png", gray(10 * i, 6, 6))
    for i in range(5):
        write(tmp_path / "b" / f"{i}.jpg", rgb(200, 9, 9))
    found = batches(folders.unpaired_folders(tmp_path / "a", tmp_path / "b",
                                             image_size=((4, 4), (8, 8)), seed=0))
    assert len(found) == 5
    assert found[0]["a"].shape == (1, 4, 4, 1) and found[0]["b"].shape == (1, 8, 8, 3)


# TFDS cycle_gan (mock data: offline) ------------------------------------------------------


def test_tfds_cycle_gan_through_mock_data():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=6):
        ds = folders.tfds_unpaired("cycle_gan/horse2zebra", image_size=(32, 32), batch_size=2,
                                   seed=0)
        found = batches(ds)
        limited = batches(datasets.load("cycle_gan/horse2zebra", split="test", batch_size=2,
                                        limit=4, image_size=(16, 24), seed=0))
        gray_batch = next(iter(folders.tfds_unpaired("cycle_gan/horse2zebra", image_size=(8, 8),
                                                     channels=1, batch_size=3)))
        with pytest.raises(ValueError, match="pass `image_size=\\(height, width\\)`"):
            folders.tfds_unpaired("cycle_gan/horse2zebra")
    assert len(found) == 3
    for batch in found:
        assert set(batch) == {"a", "b"}
        for images in batch.values():
            assert images.shape == (2, 32, 32, 3) and images.dtype == np.float32
            assert -1.0 <= images.min() and images.max() <= 1.0 and images.std() > 0.1
    assert len(limited) == 2 and limited[0]["a"].shape == (2, 16, 24, 3)
    assert gray_batch["a"].shape == (3, 8, 8, 1)
    with pytest.raises(ValueError, match="`split` must be 'train'"):
        folders.tfds_unpaired("cycle_gan/horse2zebra", split="validation")
