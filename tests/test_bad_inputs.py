"""Bad inputs fail fast, with one clear message naming what was expected and
what was received."""

import os
import subprocess
import sys
import time
import types

import pytest

import keras_gans_cli


def assert_one_line_error(text, *expected):
    """`text` is one line, without a traceback, and contains every `expected`."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text, text
    for part in expected:
        assert part in lines[0], (part, lines[0])
    return lines[0]


# --- command line -------------------------------------------------------------------------


def run_cli(argv, capsys):
    """Runs `keras-gans ARGV` in-process; returns `(exit status, stderr)`."""
    capsys.readouterr()
    status = keras_gans_cli.main(argv)
    return status, capsys.readouterr().err


@pytest.fixture
def paths(tmp_path):
    """Placeholders of the cases: a run folder, a file, and an unwritable folder."""
    (tmp_path / "file.txt").write_text("not a folder")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):  # root writes anyway: use a folder no one can write in
        locked = "/proc/1"
    assert not os.access(locked, os.W_OK)
    yield {"{run}": str(tmp_path / "run"), "{file}": str(tmp_path / "file.txt"),
           "{locked}": str(locked), "{tmp}": str(tmp_path)}
    if locked != "/proc/1":
        os.chmod(locked, 0o700)


def fill(argv, paths):
    for placeholder, path in paths.items():
        argv = [arg.replace(placeholder, path) for arg in argv]
    return argv


TRAIN = ["train", "dcgan", "--out", "{run}"]

# (argv, parts of the message): every case is refused while parsing, before
# Keras is imported.
PARSE_ERRORS = {
    "no arguments": ([], ["expected a command", "train", "received none"]),
    "unknown command": (["trian"], ["unknown command 'trian'", "did you mean 'train'"]),
    "unknown option": (["train", "dcgan", "--out", "{run}", "--epocs", "2"],
                       ["unrecognized arguments: --epocs"]),
    "epochs negative": (TRAIN + ["--epochs", "-1"], ["--epochs", ">= 1", "received -1"]),
    "epochs zero": (TRAIN + ["--epochs", "0"], ["--epochs", ">= 1", "received 0"]),
    "epochs not a number": (TRAIN + ["--epochs", "five"], ["--epochs", "integer", "'five'"]),
    "batch size zero": (TRAIN + ["--batch-size", "0"], ["--batch-size", ">= 1", "received 0"]),
    "steps per epoch zero": (TRAIN + ["--steps-per-epoch", "0"],
                             ["--steps-per-epoch", ">= 1", "received 0"]),
    "limit zero": (TRAIN + ["--limit", "0"], ["--limit", ">= 1", "received 0"]),
    "seed negative": (TRAIN + ["--seed", "-1"], ["--seed", "[0, 4294967295]", "received -1"]),
    "seed 2**32": (TRAIN + ["--seed", str(2**32)], ["--seed", "[0, 4294967295]", str(2**32)]),
    "checkpoint every zero": (TRAIN + ["--checkpoint-every", "0"],
                              ["--checkpoint-every", ">= 1", "received 0"]),
    "num labeled zero": (["train", "sgan", "--out", "{run}", "--num-labeled", "0"],
                         ["--num-labeled", ">= 1", "received 0"]),
    "classes negative": (TRAIN + ["--classes", "7", "-2"], ["--classes", ">= 0", "received -2"]),
    "out missing": (["train", "dcgan"], ["required", "--out"]),
    "out is a file": (["train", "dcgan", "--out", "{file}"],
                      ["--out", "expected a folder", "{file}", "an existing file"]),
    "out under a file": (["train", "dcgan", "--out", "{file}/run"],
                         ["--out", "{file}/run", "inside the file", "{file}"]),
    "out not writable": (["train", "dcgan", "--out", "{locked}/run"],
                         ["--out", "writable", "{locked}/run", "not writable"]),
    "translate out is a file": (["translate", "m", "a.png", "--out", "{file}"],
                                ["--out", "expected a folder", "{file}"]),
    "translate batch size zero": (["translate", "m", "a.png", "--out", "{run}", "--batch-size", "0"],
                                  ["--batch-size", ">= 1", "received 0"]),
    "translate overlap negative": (["translate", "m", "a.png", "--out", "{run}", "--overlap", "-1"],
                                   ["--overlap", ">= 0", "received -1"]),
    "sample n zero": (["sample", "dcgan_fashion_mnist", "--n", "0"], ["--n", ">= 1", "received 0"]),
    "sample labels negative": (["sample", "cgan_fashion_mnist", "--labels", "-1"],
                               ["--labels", ">= 0", "received -1"]),
    "sample out is a folder": (["sample", "dcgan_fashion_mnist", "--out", "{tmp}"],
                               ["--out", "expected a file path", "{tmp}", "an existing folder"]),
    "sample out not writable": (["sample", "dcgan_fashion_mnist", "--out", "{locked}/grid.png"],
                                ["--out", "{locked}/grid.png", "not writable"]),
    "evaluate n zero": (["evaluate", "gan_fashion_mnist", "--n", "0"], ["--n", ">= 1", "received 0"]),
    "export n zero": (["export", "{run}", "--name", "x", "--n", "0"], ["--n", ">= 1", "received 0"]),
    "walk steps zero": (["walk", "dcgan_fashion_mnist", "--steps", "0"],
                        ["--steps", ">= 1", "received 0"]),
    "walk seeds negative": (["walk", "dcgan_fashion_mnist", "--seeds", "0", "-3"],
                            ["--seeds", "[0, 4294967295]", "received -3"]),
    "walk method unknown": (["walk", "dcgan_fashion_mnist", "--method", "cubic"],
                            ["--method", "'cubic'", "slerp"]),
}


@pytest.fixture
def no_commands(monkeypatch):
    """Fails the test if a command starts: these cases must be refused first."""
    stub = types.ModuleType("keras_gans.cli")

    def __getattr__(name):
        raise AssertionError(f"the command ran ({name}) instead of refusing its arguments")

    stub.__getattr__ = __getattr__
    monkeypatch.setitem(sys.modules, "keras_gans.cli", stub)
    if "keras_gans" in sys.modules:
        monkeypatch.setattr(sys.modules["keras_gans"], "cli", stub, raising=False)


@pytest.mark.parametrize("argv, expected", PARSE_ERRORS.values(), ids=PARSE_ERRORS.keys())
def test_cli_argument_errors(argv, expected, paths, no_commands, capsys):
    status, err = run_cli(fill(argv, paths), capsys)
    assert status == 2
    line = assert_one_line_error(err, "keras-gans: error:", *fill(expected, paths))
    assert len(line) < 300, line
    assert not os.path.exists(paths["{run}"])


# Cases refused once the commands (and Keras) are imported, before any work.
COMMAND_ERRORS = {
    "unknown variant": (["train", "dcgna", "--out", "{run}"],
                        ["Unknown variant 'dcgna'", "did you mean 'dcgan'", "wgan_gp"]),
    "unknown dataset": (TRAIN + ["--dataset", "fashon_mnist"],
                        ["Unknown dataset 'fashon_mnist'", "closest: fashion_mnist"]),
    "unknown preset": (["sample", "dcgan_fashon_mnist", "--out", "{tmp}/grid.png"],
                       ["Unknown preset 'dcgan_fashon_mnist'", "Closest: dcgan_fashion_mnist"]),
    "walk one seed": (["walk", "dcgan_fashion_mnist", "--seeds", "3"],
                      ["--seeds needs at least two seeds", "[3]"]),
    "translate missing input": (["translate", "m", "{tmp}/nowhere.png", "--out", "{run}"],
                                ["Input '{tmp}/nowhere.png' does not exist"]),
}


@pytest.mark.parametrize("argv, expected", COMMAND_ERRORS.values(), ids=COMMAND_ERRORS.keys())
def test_cli_command_errors(argv, expected, paths, capsys):
    status, err = run_cli(fill(argv, paths), capsys)
    assert status == 2
    assert_one_line_error(err, "keras-gans: error:", *fill(expected, paths))
    assert not os.path.exists(paths["{run}"])  # nothing written


def test_cli_unknown_dataset_names_only_the_closest(paths, capsys):
    status, err = run_cli(fill(TRAIN + ["--dataset", "nosuch"], paths), capsys)
    assert status == 2
    line = assert_one_line_error(err, "Unknown dataset 'nosuch'", "closest:")
    assert len(line) < 300, line  # TFDS alone knows ~450 names


@pytest.mark.parametrize("error, status, expected", [
    (KeyError("no 'generator' in the config"), 2, "keras-gans: error: no 'generator' in the config"),
    (PermissionError(13, "Permission denied", "runs/x"), 2, "keras-gans: error: [Errno 13]"),
    (KeyboardInterrupt(), 130, "keras-gans: interrupted"),
])
def test_cli_command_failures_are_one_line(error, status, expected, monkeypatch, capsys):
    from keras_gans import cli

    def fails(args):
        raise error

    monkeypatch.setattr(cli, "_list", fails)
    got, err = run_cli(["list"], capsys)
    assert got == status
    assert_one_line_error(err, expected)


def test_cli_help_answers_without_importing_keras(tmp_path):
    script = os.path.join(os.path.dirname(sys.executable), "keras-gans")
    command = [script] if os.path.exists(script) else [sys.executable, "-m", "keras_gans_cli"]
    start = time.perf_counter()
    result = subprocess.run(command + ["--help"], cwd=tmp_path, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    assert "usage: keras-gans" in result.stdout and "train" in result.stdout
    assert seconds < 3, f"`keras-gans --help` took {seconds:.1f} s"


# --- Python API ---------------------------------------------------------------------------
# Each case raises a ValueError naming what was expected and what came, before
# any training step (the models' optimizer iterations stay where they were),
# except bad batches deep in a stream, which stop at that batch (CASES_AT_A_BATCH).

import numpy as np  # noqa: E402
from helpers import adam, small_dcgan  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans import datasets, recipes, training  # noqa: E402

TINY = dict(generator_filters=(16, 8), discriminator_filters=(8,), seed=0)
TRANSLATION = dict(generator_filters=(8, 8), discriminator_filters=(8,))


@pytest.fixture(scope="module")
def models():
    dcgan = small_dcgan()
    dcgan.compile(d_optimizer=adam(), g_optimizer=adam())
    cgan = kg.models.CGAN(latent_dim=8, **TINY)
    cgan.compile(d_optimizer=adam(), g_optimizer=adam())
    pix2pix = kg.models.Pix2Pix(**TRANSLATION)
    pix2pix.compile(d_optimizer=adam(), g_optimizer=adam())
    cyclegan = kg.models.CycleGAN(num_residual=1, **TRANSLATION)
    cyclegan.compile(d_optimizer=adam(), g_optimizer=adam())
    return {"dcgan": dcgan, "cgan": cgan, "pix2pix": pix2pix, "cyclegan": cyclegan}


def images(n=64, shape=(28, 28, 1), low=-1.0, high=1.0, dtype="float32"):
    return np.random.default_rng(0).uniform(low, high, (n,) + shape).astype(dtype)


def with_value(x, index, value):
    x = x.copy()
    x[index] = value
    return x


def uint8_batches():
    for _ in range(4):
        yield (images(16, low=0, high=255, dtype="uint8"),)


def labels(values, n=64):
    return np.resize(np.asarray(values), n) if np.ndim(values) <= 1 else values


def fit(name, x, y=None, **kwargs):
    def run(models):
        kwargs.setdefault("batch_size", 16)
        if not isinstance(x, np.ndarray) or isinstance(x, dict):
            kwargs.pop("batch_size")
        models[name].fit(x, y, epochs=1, verbose=0, **kwargs)
    return run


def call(function):
    return lambda models: function()


API_ERRORS = {
    "rank": (fit("dcgan", images(shape=(28, 28))), r"rank 4 with shape \(None, 28, 28, 1\); received rank 3"),
    "shape": (fit("dcgan", images(shape=(32, 32, 1))), r"shape \(None, 28, 28, 1\); received \(64, 32, 32, 1\)"),
    "channels": (fit("dcgan", images(shape=(28, 28, 3))), r"channels: expected 1, received 3"),
    "uint8": (fit("dcgan", images(low=0, high=255, dtype="uint8")), r"floating point data .*received dtype uint8"),
    "floats in [0, 255]": (fit("dcgan", images(low=0, high=255)), r"values in \[-1.0, 1.0\]; received values in \[0.0\d*, 25\d"),
    "floats in [0, 1]": (fit("dcgan", images(low=0, high=1)), r"look like images in \[0, 1\].*x \* 2 - 1"),
    "NaN": (fit("dcgan", with_value(images(), (40, 1, 2, 0), np.nan)), r"finite data; received 1 NaN .*\(40, 1, 2, 0\)"),
    "Inf": (fit("dcgan", with_value(images(), (3, 0, 0, 0), np.inf)), r"finite data; received 1 NaN or infinite"),
    "[0, 255] after sample 64": (
        fit("dcgan", with_value(images(128), slice(100, 128), 200.0)), r"received values in \[-1, 200\]"),
    "NaN deep in a dataset": (
        fit("dcgan", datasets.from_arrays(with_value(images(128), (100, 0, 0, 0), np.nan), batch_size=16, shuffle=False)),
        r"Batch 6 of the dataset: Expected finite data"),
    "generator of uint8 batches": (fit("dcgan", uint8_batches()), r"Batch 0 of the generator: .*dtype uint8"),
    "empty dataset": (fit("dcgan", datasets.from_arrays(images(8), batch_size=16)), r"empty dataset: it yields no batches"),
    "empty array": (fit("dcgan", images(0)), r"no samples: x has length 0"),
    "batch larger than the data": (fit("dcgan", images(8), batch_size=64), r"batch_size 64 is larger than the 8 samples"),
    "labels >= num_classes": (fit("cgan", images(), labels([3, 10])), r"labels in \[0, 10\); received values in \[3, 10\]"),
    "negative labels": (fit("cgan", images(), labels([-1, 2])), r"labels in \[0, 10\); received values in \[-1, 2\]"),
    "float labels": (fit("cgan", images(), labels([0.5, 1.0])), r"integer class labels; received dtype float64 \(float labels would be truncated\)"),
    "one-hot labels": (fit("cgan", images(), np.eye(10)[labels([1, 2])]), r"shape \(64, 10\), which looks one-hot.*argmax"),
    "labels of the wrong shape": (fit("cgan", images(), np.zeros((64, 2), "int32")), r"one integer label per image, shape \(64,\); received shape \(64, 2\)"),
    "labels missing": (fit("cgan", images()), r"trains on \(images, labels\) batches; received images only"),
    "unpaired data missing a domain": (fit("cyclegan", {"a": images()}), r"unpaired dict batches \{'a': images, 'b': images\}.*keys \['a'\]"),
    "mismatched pair shapes": (fit("pix2pix", images(), images(shape=(32, 32, 1))), r"targets of shape \(None, 28, 28, 1\); received \(64, 32, 32, 1\)"),
    "pairs of unequal counts": (fit("pix2pix", images(64), images(32)), r"as many inputs as targets; received 64 and 32"),
    "latent_dim 0": (call(lambda: small_dcgan(latent_dim=0)), r"`latent_dim` must be a positive integer; received 0"),
    "latent_dim -3": (call(lambda: small_dcgan(latent_dim=-3)), r"`latent_dim` must be a positive integer; received -3"),
    "unknown loss": (call(lambda: small_dcgan().compile(loss="nosuch")), r"Unknown adversarial loss 'nosuch'.*Did you mean"),
    "unknown optimizer": (call(lambda: small_dcgan().compile(d_optimizer="adamm")), r"Unknown `d_optimizer` 'adamm': expected a keras.optimizers.Optimizer"),
    "compile missing an optimizer": (call(lambda: small_dcgan().compile(g_optimizer=None)), r"`g_optimizer` is required.*received None"),
    "fit before compile": (call(lambda: small_dcgan().fit(images(), verbose=0)), r"must be compiled before `fit`"),
    "preset with another image_shape": (call(lambda: kg.zoo.load("dcgan_fashion_mnist", image_shape=(32, 32, 3))), r"do not fit the DCGAN of preset .* image_shape=\(32, 32, 3\)"),
    "unknown preset": (call(lambda: kg.zoo.load("dcgan_fashon_mnist")), r"Unknown preset 'dcgan_fashon_mnist'. Closest: dcgan_fashion_mnist"),
    "unknown variant": (call(lambda: recipes.get("dcgna")), r"Unknown variant 'dcgna'"),
    "unknown dataset": (call(lambda: datasets.load("fashon_mnist")), r"Unknown dataset 'fashon_mnist'.*closest: fashion_mnist"),
    "generate with a negative seed": (call(lambda: small_dcgan().generate(2, seed=-1)), r"seed in \[0, 4294967295\]; received -1"),
    "generate labels out of range": (lambda models: models["cgan"].generate(2, labels=[0, 10]), r"labels in \[0, 10\)"),
    "save as .h5": (lambda models: models["dcgan"].save("/tmp/never-written.h5"), r"expected a file name ending in .keras; received '.h5'"),
    "train: limit smaller than a batch": (call(lambda: training.train("dcgan", "/tmp/never", limit=8, batch_size=16)), r"`limit` \(8 examples\) is smaller than one batch \(16\)"),
    "train: epochs 0": (call(lambda: training.train("dcgan", "/tmp/never", epochs=0)), r"`epochs` must be an integer >= 1; received 0"),
    "train: freeze-D without a preset": (call(lambda: training.train("dcgan", "/tmp/never", freeze_discriminator="block_1")), r"needs `from_preset`"),
    "train: resume without a checkpoint": (call(lambda: training.train("dcgan", "/tmp/never-a-run", resume=True)), r"holds no checkpoint.keras"),
    "collapse guard without real images": (call(lambda: kg.callbacks.CollapseGuard(images(1))), r"at least 2 real images; received shape \(1, 28, 28, 1\)"),
}


CASES_AT_A_BATCH = {"NaN deep in a dataset"}


@pytest.mark.parametrize("case", sorted(API_ERRORS))
def test_api_bad_input(case, models):
    run, message = API_ERRORS[case]
    steps = {name: int(model.optimizer.iterations) for name, model in models.items()}
    with pytest.raises(ValueError, match=message):
        run(models)
    if case not in CASES_AT_A_BATCH:  # nothing trained
        assert {name: int(model.optimizer.iterations) for name, model in models.items()} == steps
    assert not os.path.exists("/tmp/never") and not os.path.exists("/tmp/never-written.h5")
