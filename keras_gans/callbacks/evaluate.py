"""`Evaluate`: measures sample quality while training and keeps the best model."""

import json
import os
import time

import keras
import numpy as np

from keras_gans import metrics
from keras_gans.core import logged
from keras_gans.core.presets import write_json


class Evaluate(keras.callbacks.Callback):
    """Measures the model with the evaluator every few epochs or steps, logs
    the measurement, and keeps the best checkpoint.

    Each measurement is `keras_gans.metrics.measure` on `num_samples`
    samples from a fixed seed: FID, KID, precision, recall, density,
    coverage and inception score in the evaluator's features (for models
    that generate samples), plus what the variant is for (its
    `purpose_metrics`: conditional accuracy, clustering accuracy, test
    accuracy, PSNR...). The scalar values go into the epoch logs (and, when
    measuring every `every_n_steps`, into that batch's logs), so that
    callbacks placed after this one record them: `MetricsCSV`,
    `LossHistory` (a panel per value), `History`, `keras.callbacks.TensorBoard`,
    and `keras.callbacks.EarlyStopping(monitor="fid")`, whose direction the
    model declares.

    Cost: with the default 2,000 samples, one measurement of a 28x28 model
    takes a few seconds on a 2-core CPU (generating the samples, then the
    evaluator's features of them and of the 10,000 test images, computed
    once); `history` records each measurement's `evaluation_seconds`.
    Measured every epoch of Fashion-MNIST that stays under 10% of training.

    Args:
        every_n_epochs: measure at the end of every n-th epoch (0: never).
        every_n_steps: measure every n training steps instead (0: never).
        num_samples: samples per measurement (2,000 by default; FID's bias
            grows as it shrinks, so compare only measurements of one size).
        seed: the samples' seed: every measurement scores the same latents.
        evaluator: a `keras_gans.metrics.Evaluator` (default: the zoo's
            Fashion-MNIST classifier).
        monitor: the value that decides the best checkpoint (default: the
            model's `evaluation_monitor`, e.g. `"fid"`). Its direction
            comes from `keras_gans.core.logged.direction`.
        save_best: path of a `.keras` file that always holds the best model
            so far, written atomically, with `<name>.json` beside it
            recording the epoch, step and measurement it was saved at.
        initial_step: steps trained before this `fit` (resumed runs); with
            `save_best`, a resumed run starts from the recorded best.
        run_dir: passed to `purpose_metrics` (e.g. an SGAN run's labelled
            indices, which makes it train its supervised baseline: slow).
        history_path: a `.json` file rewritten (atomically) after every
            measurement with `history`; a resumed run (`initial_step`) keeps
            the measurements recorded up to its step.
        verbose: print each measurement.

    Example:

    ```python
    evaluate = kg.callbacks.Evaluate(save_best="runs/dcgan/best.keras")
    gan.fit(ds, epochs=30, callbacks=[
        evaluate,
        keras.callbacks.EarlyStopping(monitor="fid", patience=5),
    ])
    evaluate.best, evaluate.best_epoch   # e.g. (21.3, 17)
    ```
    """

    def __init__(self, every_n_epochs=1, every_n_steps=0, num_samples=2000, seed=0,
                 evaluator=None, monitor=None, save_best=None, initial_step=0, run_dir=None,
                 history_path=None, verbose=1):
        super().__init__()
        for name, value in (("every_n_epochs", every_n_epochs), ("every_n_steps", every_n_steps),
                            ("num_samples", num_samples), ("initial_step", initial_step)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"`{name}` must be an integer >= 0; received {value!r}.")
        if not every_n_epochs and not every_n_steps:
            raise ValueError("Pass `every_n_epochs` or `every_n_steps` (both are 0).")
        if num_samples < 2:
            raise ValueError(f"`num_samples` must be >= 2; received {num_samples}.")
        if save_best is not None and not os.fspath(save_best).endswith(".keras"):
            raise ValueError(f"`save_best` must name a `.keras` file; received {save_best!r}.")
        self.every_n_epochs = int(every_n_epochs)
        self.every_n_steps = int(every_n_steps)
        self.num_samples = int(num_samples)
        self.seed = seed
        self.evaluator = evaluator
        self.monitor = monitor
        self.save_best = None if save_best is None else os.fspath(save_best)
        self.run_dir = run_dir
        self.history_path = None if history_path is None else os.fspath(history_path)
        self.verbose = verbose
        self.history = []
        if self.history_path and initial_step and os.path.exists(self.history_path):
            with open(self.history_path) as f:
                self.history = [m for m in json.load(f) if m["step"] <= initial_step]
        self.best = self.best_epoch = self.best_step = None
        self._step = int(initial_step)
        self._epoch = 0
        self._latest = {}
        if self.save_best and self._step and os.path.exists(self.best_record):
            with open(self.best_record) as f:
                record = json.load(f)
            if record["step"] <= self._step:
                self.monitor = self.monitor or record["monitor"]
                self.best, self.best_epoch, self.best_step = (
                    record["value"], record["epoch"], record["step"]
                )

    @property
    def best_record(self):
        """The `.json` file beside `save_best`."""
        return os.path.splitext(self.save_best)[0] + ".json"

    def measure(self, epoch):
        """Measures the model now; returns the scalar measurements."""
        start = time.monotonic()
        if self.evaluator is None:
            self.evaluator = metrics.Evaluator()
        scores = metrics.measure(self.model, self.evaluator, self.num_samples,
                                 run_dir=self.run_dir, seed=self.seed)
        scalars = {
            key: float(value) for key, value in scores.items()
            if key != "num_samples" and np.size(value) == 1 and not isinstance(value, str)
        }
        seconds = time.monotonic() - start
        self.history.append({"epoch": epoch + 1, "step": self._step, **scalars,
                             "evaluation_seconds": round(seconds, 2)})
        if self.history_path:
            write_json(self.history, self.history_path)
        monitor = self._monitor(scalars)
        value = scalars[monitor]
        improved = self.best is None or (
            value < self.best if logged.direction(monitor) == logged.DOWN else value > self.best
        )
        if improved and np.isfinite(value):
            self.best, self.best_epoch, self.best_step = value, epoch + 1, self._step
            if self.save_best:
                self._save_best(monitor, scalars)
        if self.verbose:
            print(f"\nEvaluate (step {self._step}, {self.num_samples} samples, {seconds:.1f} s): "
                  + ", ".join(f"{k} {v:.4g}" for k, v in scalars.items())
                  + (" (best)" if improved else f"; best {monitor} {self.best:.4g} at epoch "
                     f"{self.best_epoch}"))
        self._latest = scalars
        return scalars

    def _monitor(self, scalars):
        if self.monitor is None:
            self.monitor = self.model.evaluation_monitor
        if self.monitor not in scalars:
            raise ValueError(
                f"Evaluate: monitor {self.monitor!r} is not among the measurements "
                f"{sorted(scalars)}. Pass one of them as `monitor`."
            )
        logged.direction(self.monitor)  # a clear error for an unknown direction
        return self.monitor

    def _save_best(self, monitor, scalars):
        self.model.save(self.save_best)
        record = {"monitor": monitor, "value": self.best, "epoch": self.best_epoch,
                  "step": self.best_step, "num_samples": self.num_samples,
                  "measurements": scalars}
        write_json(record, self.best_record)

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self.every_n_steps and self._step % self.every_n_steps == 0:
            scalars = self.measure(self._epoch)
            if logs is not None:
                logs.update(scalars)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._latest = {}

    def on_epoch_end(self, epoch, logs=None):
        due = self.every_n_epochs and (epoch + 1) % self.every_n_epochs == 0
        if due and (not self.history or self.history[-1]["step"] != self._step):
            self.measure(epoch)
        if logs is not None:
            logs.update(self._latest)  # what was measured during this epoch, if anything
