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
