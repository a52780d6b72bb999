import numpy as np
import pytest

from keras_gans import datasets
from keras_gans.datasets import fashion_mnist, toy


def test_fashion_mnist_pipeline_shapes_and_range():
    ds = datasets.load("fashion_mnist", split="test", batch_size=100, limit=300, with_labels=True)
    batches = list(ds.as_numpy_iterator())
    assert len(batches) == 3
    images, labels = batches[0]
    assert images.shape == (100, 28, 28, 1) and images.dtype == np.float32
    assert images.min() == -1.0 and images.max() == 1.0
    assert labels.shape == (100,) and set(labels) <= set(range(10))


def test_fashion_mnist_arrays():
    images, labels = fashion_mnist.load_arrays("train")
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [6000] * 10


def test_class_filter_and_no_labels():
    ds = datasets.load("fashion_mnist", split="test", batch_size=50, classes=[5, 7], with_labels=True)
    labels = np.concatenate([y for _, y in ds.as_numpy_iterator()])
    assert set(labels) == {5, 7}
    first = next(iter(datasets.load("fashion_mnist", split="test", batch_size=8)))
    assert first.shape == (8, 28, 28, 1)


def test_missing_data_names_the_debian_package(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="apt-get install -y dataset-fashion-mnist"):
        fashion_mnist.load_arrays("train", dirs=[str(tmp_path)], download=False)


def test_keras_cache_layout_is_found(tmp_path, monkeypatch):
    cache = tmp_path / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for name in fashion_mnist.FILES["train"] + fashion_mnist.FILES["test"]:
        (cache / name).symlink_to(f"{fashion_mnist.DEBIAN_DIR}/{name}")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert str(cache) in fashion_mnist.candidate_dirs()
    assert fashion_mnist.find_dir([str(tmp_path / "nowhere"), str(cache)]) == str(cache)


def test_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        fashion_mnist.load_arrays("validation")
    with pytest.raises(ValueError, match="batch_size"):
        datasets.load("fashion_mnist", batch_size=0)
    with pytest.raises(ValueError, match="No examples"):
        datasets.load("fashion_mnist", split="test", classes=[42])


def test_tfds_dataset_through_mock_data():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=40):
        ds = datasets.load("mnist", split="train", batch_size=16, with_labels=True)
        images, labels = next(iter(ds.as_numpy_iterator()))
    assert images.shape == (16, 28, 28, 1)
    assert -1.0 <= images.min() and images.max() <= 1.0
    assert labels.shape == (16,)


def test_unknown_tfds_name_fails_clearly():
    with pytest.raises(ValueError, match="Unknown dataset 'no_such_dataset'.*closest: "):
        datasets.load("no_such_dataset", download=False)


@pytest.mark.parametrize("name, modes", [("ring8", 8), ("grid25", 25)])
def test_toy_mixtures(name, modes):
    samples = np.concatenate(list(datasets.load(name, batch_size=500, num_samples=5000, seed=0).as_numpy_iterator()))
    centers = toy.ring_centers() if name == "ring8" else toy.grid_centers()
    std = 0.02 if name == "ring8" else 0.05
    from keras_gans.metrics import mode_coverage

    covered, quality = mode_coverage(samples, centers, std)
    assert covered == modes and quality > 0.98
    assert len(centers) == modes


def test_mode_coverage_counts_collapse():
    from keras_gans.metrics import mode_coverage

    centers = toy.ring_centers()
    collapsed = np.repeat(centers[:2], 500, axis=0)
    assert mode_coverage(collapsed, centers, 0.02) == (2, 1.0)
    far = np.zeros((100, 2))
    assert mode_coverage(far, centers, 0.02)[1] == 0.0
