"""`Evaluate`, the logged values' directions, TensorBoard, and the best
checkpoint through `train --evaluate-every` and `export`."""

import csv
import json
import os

import keras
import numpy as np
import pytest
from helpers import adam, random_images, small_dcgan

from keras_gans import callbacks, cli, training
from keras_gans.callbacks import evaluate as evaluate_module
from keras_gans.core import logged
from keras_gans.models import VAE, InfoGAN


def _compiled_dcgan():
    gan = small_dcgan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    return gan


def _monitor_op(callback, model):
    callback.set_model(model)
    callback._set_monitor_op()
    return callback.monitor_op


@pytest.mark.parametrize("monitor, way", [
    ("d_loss", "min"), ("g_loss", "min"), ("val_g_loss", "min"), ("fid", "min"),
    ("recall", "max"), ("code_accuracy", "max"), ("info_loss", "min"),
])
def test_keras_monitor_callbacks_know_each_logged_values_direction(monitor, way):
    # Without declared directions Keras raises "isn't able to automatically
    # determine whether that metric should be maximized or minimized".
    gan = InfoGAN(noise_dim=8, num_categories=10, num_continuous=2, seed=0,
                  generator_filters=(16, 8), discriminator_filters=(8, 16))
    for callback in (keras.callbacks.EarlyStopping(monitor=monitor),
                     keras.callbacks.ModelCheckpoint("/tmp/unused.keras", monitor=monitor)):
        op = _monitor_op(callback, gan)
        assert op is (keras.ops.less if way == "min" else keras.ops.greater)


def test_vae_declares_its_elbo_to_grow():
    op = _monitor_op(keras.callbacks.EarlyStopping(monitor="elbo"), VAE(latent_dim=4))
    assert op is keras.ops.greater


def test_unknown_direction_is_a_clear_error():
    with pytest.raises(ValueError, match="No direction is known for the logged value 'wobble'"):
        logged.direction("wobble")


class _Scripted:
    """Stands in for `metrics.measure`: returns the next FID of a script."""

    def __init__(self, fids):
        self.fids = list(fids)

    def __call__(self, model, evaluator, num_samples, run_dir=None, seed=0):
        return {"fid": self.fids.pop(0), "recall": 0.5, "num_samples": num_samples}


def test_evaluate_logs_and_keeps_the_best_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluate_module.metrics, "measure", _Scripted([50.0, 30.0, 40.0]))
    gan = _compiled_dcgan()
    best = tmp_path / "best.keras"
    evaluate = callbacks.Evaluate(save_best=best, evaluator=object(), verbose=0,
                                  history_path=tmp_path / "evaluations.json")
    table = callbacks.MetricsCSV(tmp_path / "metrics.csv")
    curves = callbacks.LossHistory(tmp_path)
    saved = []
    original = gan.save
    monkeypatch.setattr(gan, "save", lambda path: (saved.append(path), original(path)))
    history = gan.fit(random_images(32), batch_size=16, epochs=3, verbose=0,
                      callbacks=[evaluate, table, curves])
    # In the epoch logs, so History and every later callback see it.
    assert history.history["fid"] == [50.0, 30.0, 40.0]
    assert (evaluate.best, evaluate.best_epoch, evaluate.best_step) == (30.0, 2, 4)
    assert len(saved) == 2  # epochs 1 and 2 improved; 3 did not
    record = json.loads((tmp_path / "best.json").read_text())
    assert (record["epoch"], record["step"], record["value"]) == (2, 4, 30.0)
    assert [m["fid"] for m in json.loads((tmp_path / "evaluations.json").read_text())] == [
        50.0, 30.0, 40.0
    ]
    assert "fid" in (tmp_path / "metrics.csv").read_text().splitlines()[0]
    losses = json.loads((tmp_path / "losses.json").read_text())
    # Measurements get their own points (step, value), not a per-step curve.
    assert losses["measured"]["fid"] == [[2, 50.0], [4, 30.0], [6, 40.0]]
    assert "fid" not in losses and len(losses["g_loss"]) == 6
    reloaded = keras.models.load_model(best)
    assert reloaded.generate(4, seed=1).shape == (4, 28, 28, 1)
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no temporary leftovers


def test_evaluate_every_n_steps_logs_into_the_batch_and_epoch(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluate_module.metrics, "measure", _Scripted([9.0, 8.0, 7.0]))
    evaluate = callbacks.Evaluate(every_n_epochs=0, every_n_steps=2, evaluator=object(),
                                  verbose=0)
    curves = callbacks.LossHistory(tmp_path)
    history = _compiled_dcgan().fit(random_images(48), batch_size=16, epochs=2, verbose=0,
                                    callbacks=[evaluate, curves])
    assert [m["step"] for m in evaluate.history] == [2, 4, 6]
    assert history.history["fid"] == [9.0, 7.0]  # the last measurement of each epoch
    assert json.loads((tmp_path / "losses.json").read_text())["measured"]["fid"] == [
        [2, 9.0], [4, 8.0], [6, 7.0]
    ]


def test_early_stopping_follows_the_measured_fid(monkeypatch):
    monkeypatch.setattr(evaluate_module.metrics, "measure", _Scripted([10.0, 12.0, 13.0, 1.0]))
    history = _compiled_dcgan().fit(
        random_images(32), batch_size=16, epochs=4, verbose=0,
        callbacks=[callbacks.Evaluate(evaluator=object(), verbose=0),
                   keras.callbacks.EarlyStopping(monitor="fid", patience=2)],
    )
    assert history.history["fid"] == [10.0, 12.0, 13.0]  # stopped before the 4th


def test_a_resumed_evaluate_keeps_the_recorded_best(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluate_module.metrics, "measure", _Scripted([20.0, 25.0]))
    gan = _compiled_dcgan()
    best = tmp_path / "best.keras"
    first = callbacks.Evaluate(save_best=best, evaluator=object(), verbose=0)
    gan.fit(random_images(32), batch_size=16, epochs=1, verbose=0, callbacks=[first])
    resumed = callbacks.Evaluate(save_best=best, evaluator=object(), verbose=0, initial_step=2)
    assert (resumed.best, resumed.best_epoch) == (20.0, 1)
    gan.fit(random_images(32), batch_size=16, initial_epoch=1, epochs=2, verbose=0,
            callbacks=[resumed])
    assert json.loads((tmp_path / "best.json").read_text())["value"] == 20.0  # 25 is worse


def test_evaluate_measures_a_real_model_with_the_evaluator(fashion_slice):
    evaluate = callbacks.Evaluate(num_samples=200, verbose=0)
    history = _compiled_dcgan().fit(fashion_slice[0][:64], batch_size=32, epochs=1, verbose=0,
                                    callbacks=[evaluate])
    fid = history.history["fid"][0]
    assert np.isfinite(fid) and fid > 0
    assert 0 <= history.history["recall"][0] <= 1 and evaluate.history[0]["evaluation_seconds"] > 0


@pytest.mark.parametrize("kwargs, message", [
    ({"every_n_epochs": 0}, "Pass `every_n_epochs` or `every_n_steps`"),
    ({"num_samples": 1}, "`num_samples` must be >= 2"),
    ({"save_best": "best.h5"}, "`save_best` must name a `.keras` file"),
    ({"every_n_steps": -1}, "`every_n_steps` must be an integer >= 0"),
])
def test_evaluate_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        callbacks.Evaluate(**kwargs)


def test_evaluate_names_the_measurements_when_the_monitor_is_missing(monkeypatch):
    monkeypatch.setattr(evaluate_module.metrics, "measure", _Scripted([1.0]))
    with pytest.raises(ValueError, match=r"monitor 'psnr' is not among the measurements \['fid'"):
        _compiled_dcgan().fit(random_images(16), batch_size=16, epochs=1, verbose=0,
                              callbacks=[callbacks.Evaluate(monitor="psnr", evaluator=object(),
                                                            verbose=0)])


def test_tensorboard_logs_losses_fid_and_sample_grids(tmp_path, monkeypatch):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    monkeypatch.setattr(evaluate_module.metrics, "measure", _Scripted([7.0, 6.0]))
    log_dir = str(tmp_path / "tb")
    _compiled_dcgan().fit(random_images(32), batch_size=16, epochs=2, verbose=0, callbacks=[
        callbacks.Evaluate(evaluator=object(), verbose=0),
        keras.callbacks.TensorBoard(log_dir),
        callbacks.TensorBoardImages(log_dir, num_samples=4),
    ])
    events = EventAccumulator(os.path.join(log_dir, "train"), size_guidance={"tensors": 0})
    events.Reload()
    tags = events.Tags()["tensors"]
    assert {"epoch_d_loss", "epoch_g_loss", "epoch_fid", "samples"} <= set(tags)
    fids = [float(tensor_util.make_ndarray(e.tensor_proto)) for e in events.Tensors("epoch_fid")]
    assert fids == [7.0, 6.0]
    assert [e.step for e in events.Tensors("samples")] == [0, 1]


def test_cli_evaluate_every_keeps_the_best_and_export_records_it(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluate_module.metrics, "measure", _Scripted([30.0, 20.0, 25.0]))
    out, dest = str(tmp_path / "run"), str(tmp_path / "zoo")
    assert cli.main(["train", "dcgan", "--epochs", "3", "--steps-per-epoch", "1",
                     "--batch-size", "16", "--limit", "64", "--evaluate-every", "1",
                     "--evaluate-samples", "100", "--out", out]) == 0
    assert json.loads(open(os.path.join(out, "best.json")).read())["epoch"] == 2
    with open(os.path.join(out, "metrics.csv")) as f:
        assert [float(row["fid"]) for row in csv.DictReader(f)] == [30.0, 20.0, 25.0]
    # Export measures the best checkpoint (epoch 2), not the last one.
    exported = {}
    monkeypatch.setattr(training.metrics, "measure",
                        lambda model, **kw: exported.update(model=model) or {"fid": 21.5})
    card = training.export_preset(out, "t", dest=dest, num_samples=100, verbose=0)
    best = keras.models.load_model(os.path.join(out, "best.keras"))
    np.testing.assert_allclose(exported["model"].generate(2, seed=3), best.generate(2, seed=3))
    assert (card["recipe"]["best_epoch"], card["recipe"]["best_step"]) == (2, 2)
    assert card["curve"] == {"monitor": "fid", "num_samples": 100, "epochs": [1, 2, 3],
                             "values": [30.0, 20.0, 25.0]}
    readme = open(os.path.join(dest, "t", "README.md")).read()
    assert "epoch 2" in readme and "(curve.png)" in readme
    assert os.path.getsize(os.path.join(dest, "t", "curve.png")) > 1000
    # Exporting again keeps the earlier numbers in the card's history.
    monkeypatch.setattr(training.metrics, "measure", lambda model, **kw: {"fid": 19.0})
    card = training.export_preset(out, "t", dest=dest, num_samples=100, verbose=0)
    assert card["metrics"] == {"fid": 19.0} and card["history"][0]["metrics"] == {"fid": 21.5}
