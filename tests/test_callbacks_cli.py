import json
import os

import numpy as np
from helpers import adam, random_images, small_dcgan

from keras_gans import callbacks, cli
from keras_gans.images import make_grid


def test_make_grid_layout():
    images = -np.ones((5, 4, 4, 1), "float32")
    images[0] = 1.0
    grid = make_grid(images, columns=3, padding=1)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 1, 1)
    assert grid[1:5, 1:5].min() == 255 and grid[1:5, 6:10].max() == 0


def test_sample_grid_and_loss_history_write_files(tmp_path):
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    grid = callbacks.SampleGrid(tmp_path / "samples", num_samples=16, every_n_steps=3)
    history = callbacks.LossHistory(tmp_path)
    gan.fit(random_images(64), batch_size=16, epochs=2, verbose=0, callbacks=[grid, history])
    names = sorted(os.listdir(tmp_path / "samples"))
    assert names == ["epoch_001.png", "epoch_002.png", "step_000003.png", "step_000006.png"]
    import matplotlib.image

    picture = matplotlib.image.imread(tmp_path / "samples" / "epoch_002.png")
    assert picture.shape[0] == picture.shape[1] > 4 * 28
    log = json.loads((tmp_path / "losses.json").read_text())
    assert len(log["steps"]) == 8 and len(log["d_loss"]) == 8
    assert (tmp_path / "losses.png").stat().st_size > 1000


def test_cli_train_writes_run_folder_and_resumes(tmp_path, capsys):
    out = str(tmp_path / "run")
    args = ["train", "dcgan", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "16",
            "--limit", "64", "--out", out]
    assert cli.main(args) == 0
    for name in ("checkpoint.keras", "metrics.csv", "losses.png", "run.json", "samples/epoch_001.png"):
        assert os.path.exists(os.path.join(out, name)), name
    args[args.index("--epochs") + 1] = "2"
    assert cli.main(args + ["--resume"]) == 0
    assert os.path.exists(os.path.join(out, "samples", "epoch_002.png"))
    rows = open(os.path.join(out, "metrics.csv")).read().strip().splitlines()
    assert rows[0].startswith("epoch") and len(rows) == 3
    assert json.load(open(os.path.join(out, "progress.json")))["epochs_done"] == 2


def test_cli_unknown_variant(capsys):
    assert cli.main(["train", "dcgna", "--out", "unused"]) == 2
    assert "did you mean 'dcgan'" in capsys.readouterr().err


def test_terminate_on_nan_reads_gan_losses():
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(1e30), g_optimizer=adam(1e30), loss="max_likelihood")
    stopper = callbacks.TerminateOnNaN()
    history = gan.fit(random_images(256), batch_size=8, epochs=3, verbose=0, callbacks=[stopper])
    assert gan.stop_training
    assert len(history.history["d_loss"]) == 1
    assert int(gan.g_optimizer.iterations) < 32


def test_cli_sample_with_labels_and_walk(tmp_path, capsys):
    from PIL import Image

    run = str(tmp_path / "run")
    assert cli.main(["train", "cgan", "--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "8",
                     "--limit", "64", "--out", run]) == 0
    grid = str(tmp_path / "sneakers.png")
    assert cli.main(["sample", run, "--n", "4", "--labels", "7", "--out", grid]) == 0
    assert cli.main(["sample", run, "--n", "4", "--labels", "10", "--out", grid]) == 2
    assert "labels in [0, 10)" in capsys.readouterr().err
    gif = str(tmp_path / "walk.gif")
    assert cli.main(["walk", run, "--seeds", "0", "1", "2", "--steps", "2", "--label", "3", "--out", gif]) == 0
    animation = Image.open(gif)
    assert animation.n_frames == 3 * 2  # a closed tour of three seeds, two frames per leg
    png = str(tmp_path / "walk.png")
    assert cli.main(["walk", run, "--seeds", "0", "1", "2", "--steps", "4", "--out", png]) == 0
    assert Image.open(png).size[0] > Image.open(png).size[1]  # two rows of four
    assert cli.main(["walk", run, "--seeds", "0", "--out", png]) == 2
