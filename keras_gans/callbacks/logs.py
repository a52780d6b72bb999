"""Callbacks that record the logged values: loss curves, the per-epoch CSV
and held-out accuracy."""

import csv
import json
import os

import keras
import numpy as np
from matplotlib.figure import Figure  # no pyplot: leaves the user's backend alone

from keras_gans.core import logged
from keras_gans.core.io import atomic_path


class LossHistory(keras.callbacks.Callback):
    """Records the logged losses every batch and plots them, with the
    measurements of an `Evaluate` callback (FID, ...) beside them.

    Writes `<directory>/losses.json` at every recorded point and
    `<directory>/losses.png` (one curve per logged value, per step; one
    panel per measurement, at the steps it was measured) at every epoch end
    and when training ends, atomically. With `initial_step` (a resumed run)
    the curves recorded so far in `losses.json` are kept up to that step
    and continued.

    Args:
        directory: output folder.
        every_n_steps: record one point every n steps (from the first).
        initial_step: steps trained before this run; `0` starts a new curve.

    Example:

    ```python
    gan.fit(ds, epochs=5, callbacks=[keras_gans.callbacks.LossHistory("runs/dcgan")])
    ```
    """

    def __init__(self, directory, every_n_steps=1, initial_step=0):
        super().__init__()
        self.directory = os.fspath(directory)
        self.every_n_steps = max(1, int(every_n_steps))
        self.history = {}
        self.steps = []
        self.measured = {}  # name -> [[step, value], ...]
        self._step_names = None
        self._step = int(initial_step)
        path = os.path.join(self.directory, "losses.json")
        if self._step and os.path.exists(path):
            with open(path) as f:
                recorded = json.load(f)
            steps = recorded.pop("steps")
            measured = recorded.pop("measured", {})
            keep = sum(1 for s in steps if s <= self._step)
            self.steps = steps[:keep]
            # A value logged from a later step on is aligned to the last steps.
            self.history = {
                key: values[: max(0, keep - (len(steps) - len(values)))]
                for key, values in recorded.items()
            }
            self.measured = {
                key: [point for point in points if point[0] <= self._step]
                for key, points in measured.items()
            }

    def _is_measured(self, key):
        if self._step_names is None:
            self._step_names = logged.step_names(self.model) or set()
        return bool(self._step_names) and key not in self._step_names

    def _record_measured(self, logs):
        for key, value in (logs or {}).items():
            if self._is_measured(key) and np.size(value) == 1:
                points = self.measured.setdefault(key, [])
                # The epoch logs repeat a measurement taken during the epoch.
                if not points or points[-1][0] != self._step and points[-1][1] != float(value):
                    points.append([self._step, float(value)])

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        self._record_measured(logs)
        if (self._step - 1) % self.every_n_steps or not logs:
            return
        self.steps.append(self._step)
        for key, value in logs.items():
            if not self._is_measured(key):
                self.history.setdefault(key, []).append(float(value))
        self.write_json()

    def on_epoch_end(self, epoch, logs=None):
        self._record_measured(logs)
        self.write()

    def on_train_end(self, logs=None):
        self.write()

    def write_json(self):
        with atomic_path(os.path.join(self.directory, "losses.json")) as tmp:
            with open(tmp, "w") as f:
                json.dump({"steps": self.steps, **self.history, "measured": self.measured}, f)

    def write(self):
        """Writes `losses.json` and `losses.png` (atomically)."""
        if not self.steps:
            return
        self.write_json()
        panels = 1 + len(self.measured)
        fig = Figure(figsize=(7, 4 + 2.2 * (panels - 1)))
        axes = np.atleast_1d(fig.subplots(panels, 1, sharex=True))
        for key, values in sorted(self.history.items()):
            axes[0].plot(self.steps[-len(values):], values, label=key)
        axes[0].set_ylabel("running mean over the epoch")
        axes[0].legend()
        for ax, (key, points) in zip(axes[1:], sorted(self.measured.items())):
            steps, values = zip(*points)
            ax.plot(steps, values, "o-", color="black")
            best = logged.best_index(key, values)
            if best is not None:
                ax.plot(steps[best], values[best], "*", color="red", markersize=12,
                        label=f"best {values[best]:.4g} at step {steps[best]}")
                ax.legend()
            ax.set_ylabel(key)
        axes[-1].set_xlabel("training step")
        fig.tight_layout()
        with atomic_path(os.path.join(self.directory, "losses.png")) as tmp:
            fig.savefig(tmp, format="png", dpi=100)


class MetricsCSV(keras.callbacks.Callback):
    """`keras.callbacks.CSVLogger`, rewritten atomically at every epoch end.

    One row per epoch (`epoch` counted from 0, then the epoch logs). A
    killed run never leaves a half-written row, and a resumed run
    (`initial_epoch`) keeps the rows of the epochs before it.

    Args:
        path: the `.csv` file.
        initial_epoch: the epoch this run starts at; rows from it on are
            dropped (a resumed run writes them again).

    Example:

    ```python
    gan.fit(ds, epochs=5, callbacks=[keras_gans.callbacks.MetricsCSV("runs/dcgan/metrics.csv")])
    ```
    """

    def __init__(self, path, initial_epoch=0):
        super().__init__()
        self.path = os.fspath(path)
        self.rows = []
        if initial_epoch and os.path.exists(self.path):
            with open(self.path, newline="") as f:
                self.rows = [row for row in csv.DictReader(f) if int(row["epoch"]) < initial_epoch]

    def on_epoch_end(self, epoch, logs=None):
        self.rows.append({"epoch": epoch, **{k: float(v) for k, v in (logs or {}).items()}})
        keys = list(dict.fromkeys(key for row in self.rows for key in row))
        with atomic_path(self.path) as tmp:
            with open(tmp, "w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=keys, restval="NA")
                writer.writeheader()
                writer.writerows(self.rows)


class ClassifierAccuracy(keras.callbacks.Callback):
    """Adds the accuracy of a model's classifier on held-out images to the
    epoch logs (so `CSVLogger` and `History` record it; place it first).

    For models with a `predict_classes(images)` method, such as `SGAN`.

    Args:
        images: held-out images in the model's value range.
        labels: their integer labels.
        name: the log key.

    Example:

    ```python
    gan.fit(ds, epochs=10, callbacks=[ClassifierAccuracy(test_images, test_labels)])
    ```
    """

    def __init__(self, images, labels, name="test_accuracy"):
        super().__init__()
        self.images = np.asarray(images, "float32")
        self.labels = np.asarray(labels)
        self.name = name

    def on_epoch_end(self, epoch, logs=None):
        accuracy = float((self.model.predict_classes(self.images) == self.labels).mean())
        if logs is not None:
            logs[self.name] = accuracy
