"""Callbacks that write what a GAN is doing while it trains."""

import csv
import json
import os
import warnings

import keras
import numpy as np
from matplotlib.figure import Figure  # no pyplot: leaves the user's backend alone

from keras_gans import latent
from keras_gans.core.io import atomic_path
from keras_gans.images import save_grid


class SampleGrid(keras.callbacks.Callback):
    """Writes a PNG grid of samples from fixed latents while training.

    The latents are drawn once from `seed`, so successive grids show how the
    same points of latent space evolve.

    Args:
        directory: folder for the PNG files (`epoch_001.png`, `step_000500.png`).
        num_samples: images per grid.
        seed: seed of the fixed latents.
        every_n_epochs: write a grid at the end of every n-th epoch
            (0 disables).
        every_n_steps: also write one every n training batches (0 disables).

    Example:

    ```python
    gan.fit(ds, epochs=5, callbacks=[keras_gans.callbacks.SampleGrid("runs/dcgan")])
    ```
    """

    def __init__(self, directory, num_samples=64, seed=0, every_n_epochs=1, every_n_steps=0):
        super().__init__()
        self.directory = os.fspath(directory)
        self.num_samples = int(num_samples)
        self.seed = seed
        self.every_n_epochs = int(every_n_epochs)
        self.every_n_steps = int(every_n_steps)
        self.paths = []
        self._latents = None
        self._step = 0

    def _write(self, name):
        if self._latents is None:
            self._latents = np.asarray(
                keras.ops.convert_to_numpy(
                    self.model.sample_latent(self.num_samples, seed=self.seed)
                )
            )
        images = self.model.generate(self.num_samples, latents=self._latents)
        path = save_grid(images, os.path.join(self.directory, name))
        self.paths.append(path)

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self.every_n_steps and self._step % self.every_n_steps == 0:
            self._write(f"step_{self._step:06d}.png")

    def on_epoch_end(self, epoch, logs=None):
        if self.every_n_epochs and (epoch + 1) % self.every_n_epochs == 0:
            self._write(f"epoch_{epoch + 1:03d}.png")


class LossHistory(keras.callbacks.Callback):
    """Records the logged losses every batch and plots them.

    Writes `<directory>/losses.json` at every recorded point and
    `<directory>/losses.png` (one curve per logged value, per step) at every
    epoch end and when training ends, atomically. With `initial_step` (a
    resumed run) the curve recorded so far in `losses.json` is kept up to
    that step and continued.

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
        self._step = int(initial_step)
        path = os.path.join(self.directory, "losses.json")
        if self._step and os.path.exists(path):
            with open(path) as f:
                recorded = json.load(f)
            steps = recorded.pop("steps")
            keep = sum(1 for s in steps if s <= self._step)
            self.steps = steps[:keep]
            # A value logged from a later step on is aligned to the last steps.
            self.history = {
                key: values[: max(0, keep - (len(steps) - len(values)))]
                for key, values in recorded.items()
            }

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if (self._step - 1) % self.every_n_steps or not logs:
            return
        self.steps.append(self._step)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))
        self.write_json()

    def on_epoch_end(self, epoch, logs=None):
        self.write()

    def on_train_end(self, logs=None):
        self.write()

    def write_json(self):
        with atomic_path(os.path.join(self.directory, "losses.json")) as tmp:
            with open(tmp, "w") as f:
                json.dump({"steps": self.steps, **self.history}, f)

    def write(self):
        """Writes `losses.json` and `losses.png` (atomically)."""
        if not self.steps:
            return
        self.write_json()
        fig = Figure(figsize=(7, 4))
        ax = fig.subplots()
        for key, values in sorted(self.history.items()):
            ax.plot(self.steps[-len(values):], values, label=key)
        ax.set_xlabel("training step")
        ax.set_ylabel("running mean over the epoch")
        ax.legend()
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


class TrainingDiverged(RuntimeError):
    """Raised by `TerminateOnNaN(raise_error=True)` when a loss goes NaN or Inf."""


class TerminateOnNaN(keras.callbacks.Callback):
    """Stops training when any logged value (`d_loss`, `g_loss`, ...) is NaN
    or infinite, naming the step and the value that went bad.

    Keras' own `TerminateOnNaN` reads only `logs["loss"]`, which GANs do not
    log. As in Keras, `raise_error=True` raises at once (`TrainingDiverged`,
    a `RuntimeError`), so
    no other callback's `on_train_end` runs (a checkpoint written before the
    bad step stays the last one); the default stops gracefully with
    `model.stop_training`. Place it first in the callback list.

    Args:
        raise_error: raise `RuntimeError` instead of stopping gracefully.
        initial_step: steps trained before this `fit` (to number steps in a
            resumed run).

    Example:

    ```python
    gan.fit(ds, callbacks=[keras_gans.callbacks.TerminateOnNaN(raise_error=True)])
    ```
    """

    def __init__(self, raise_error=False, initial_step=0):
        super().__init__()
        self.raise_error = raise_error
        self.step = int(initial_step)
        self.bad_step = None

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        for key, value in (logs or {}).items():
            if np.size(value) == 1 and not np.isfinite(float(value)):
                self.bad_step = self.step
                message = (
                    f"Training diverged at step {self.step} (batch {batch} of the epoch): "
                    f"{key} is {float(value)}."
                )
                if self.raise_error:
                    raise TrainingDiverged(message)
                print(message + " Terminating training.")
                self.model.stop_training = True
                return


class LatentInterpolation(keras.callbacks.Callback):
    """Writes a grid of latent interpolations every `every_n_epochs` epochs.

    Each row walks from the latent of one seed to another's (spherically by
    default), so the grid shows how smooth the generator's latent space is.

    Example:

    ```python
    gan.fit(ds, epochs=5, callbacks=[keras_gans.callbacks.LatentInterpolation("runs/walks")])
    ```
    """

    def __init__(self, directory, seeds=((0, 1), (2, 3), (4, 5)), steps=8, method="slerp",
                 every_n_epochs=1):
        super().__init__()
        self.directory = os.fspath(directory)
        self.seeds, self.steps, self.method = seeds, steps, method
        self.every_n_epochs = max(1, int(every_n_epochs))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs == 0:
            latent.save_interpolation_grid(
                self.model, os.path.join(self.directory, f"interpolation_{epoch + 1:03d}.png"),
                self.seeds, self.steps, self.method,
            )


class TranslationStrip(keras.callbacks.Callback):
    """Writes a PNG of fixed inputs, their translations and targets while
    training an image-to-image model: one row per input, input | output |
    target (the target column only when `targets` is given).

    Args:
        directory: folder for the PNG files (`epoch_001.png`, ...).
        sources: NumPy inputs in [-1, 1], `(n,) + model.source_shape`.
        targets: their true outputs, or `None`.
        direction: the translation direction (CycleGAN), or `None`.
        every_n_epochs: write a strip every n-th epoch.

    Example:

    ```python
    inputs, targets = next(iter(ds))
    model.fit(ds, callbacks=[keras_gans.callbacks.TranslationStrip("runs/p2p", inputs[:8], targets[:8])])
    ```
    """

    def __init__(self, directory, sources, targets=None, direction=None, every_n_epochs=1):
        super().__init__()
        self.directory = os.fspath(directory)
        self.sources = np.asarray(sources, "float32")
        self.targets = None if targets is None else np.asarray(targets, "float32")
        self.direction = direction
        self.every_n_epochs = int(every_n_epochs)
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if self.every_n_epochs and (epoch + 1) % self.every_n_epochs == 0:
            path = os.path.join(self.directory, f"epoch_{epoch + 1:03d}.png")
            self.paths.append(
                self.model.save_translation_strip(path, self.sources, self.targets, self.direction)
            )


class CollapseGuard(keras.callbacks.Callback):
    """Watches a GAN for collapse; warns, and optionally stops and restores
    the best weights it saw.

    Every `every_n_steps` steps it measures two signals:

    - `d_accuracy`: the discriminator's accuracy on real vs generated
      samples (`model.discriminator_accuracy`). Pinned at or above
      `accuracy_threshold`, the discriminator has won and the generator's
      gradients vanish.
    - `diversity`: the mean pairwise distance between generated samples
      (in the `evaluator`'s feature space, else in pixels) divided by the
      same for real samples. Falling under `diversity_threshold` times the
      best diversity seen, samples have collapsed onto few modes (an
      untrained generator's diversity is low too, so the guard looks for a
      fall, not a level).

    When either signal is bad for `patience` checks in a row, the guard
    fires: it warns (naming the step, the signal and its value), records
    `fired_at_step` and `reason`, and with `stop=True` stops training and
    (with `restore_best=True`) sets back the weights of the check with the
    highest diversity.

    Args:
        real_images: real samples in the model's value range (a few
            hundred).
        real_labels: their labels, for conditional discriminators.
        every_n_steps: steps between checks.
        patience: consecutive bad checks before the guard fires.
        accuracy_threshold: `d_accuracy` at or above it is bad.
        diversity_threshold: `diversity` below this fraction of the best
            diversity seen is bad.
        evaluator: a `keras_gans.metrics.Evaluator` for the features;
            `None` compares pixels.
        num_samples: samples per check (at most `len(real_images)`).
        stop: stop training when the guard fires.
        restore_best: with `stop`, restore the best weights seen.

    Example:

    ```python
    guard = keras_gans.callbacks.CollapseGuard(real_images[:256], stop=True)
    gan.fit(ds, epochs=20, callbacks=[guard])
    guard.reason  # None, or e.g. "diversity 0.031 < 0.5 x best 0.912 for 3 checks"
    ```
    """

    def __init__(self, real_images, real_labels=None, every_n_steps=100, patience=3,
                 accuracy_threshold=0.99, diversity_threshold=0.5, evaluator=None,
                 num_samples=256, stop=False, restore_best=True):
        super().__init__()
        real_images = np.asarray(real_images, "float32")
        if real_images.ndim < 2 or len(real_images) < 2:
            raise ValueError(
                f"CollapseGuard needs at least 2 real images; received shape {real_images.shape}."
            )
        self.num_samples = min(int(num_samples), len(real_images))
        self.real_images = real_images[: self.num_samples]
        self.real_labels = None if real_labels is None else np.asarray(real_labels)[: self.num_samples]
        self.every_n_steps = max(1, int(every_n_steps))
        self.patience = max(1, int(patience))
        self.accuracy_threshold = float(accuracy_threshold)
        self.diversity_threshold = float(diversity_threshold)
        self.evaluator = evaluator
        self.stop = stop
        self.restore_best = restore_best
        self.history = []
        self.fired_at_step = None
        self.reason = None
        self._step = 0
        self._bad = 0
        self._real_spread = None
        self._best = (-np.inf, None)

    def _spread(self, samples):
        features = samples.reshape(len(samples), -1)
        if self.evaluator is not None:
            features = self.evaluator.features(samples)
        features = np.asarray(features, "float64")
        squared = (features**2).sum(axis=1)
        distances = np.sqrt(np.maximum(squared[:, None] + squared[None] - 2 * features @ features.T, 0))
        n = len(features)
        return distances.sum() / (n * (n - 1))

    def check(self):
        """Measures both signals now; returns `{"step", "d_accuracy", "diversity"}`."""
        model = self.model
        labels = None
        if self.real_labels is not None:
            labels = self.real_labels
        fake = model.generate(self.num_samples, seed=self._step, labels=labels)
        if self._real_spread is None:
            self._real_spread = self._spread(self.real_images)
        diversity = self._spread(np.asarray(fake)) / max(self._real_spread, 1e-12)
        accuracy = model.discriminator_accuracy(self.real_images, fake, labels)
        record = {"step": self._step, "d_accuracy": float(accuracy), "diversity": float(diversity)}
        self.history.append(record)
        if diversity > self._best[0]:
            self._best = (diversity, model.get_weights() if self.restore_best else None)
        return record

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self._step % self.every_n_steps or self.reason is not None:
            return
        best = self._best[0]
        record = self.check()
        reasons = []
        if record["d_accuracy"] >= self.accuracy_threshold:
            reasons.append(f"d_accuracy {record['d_accuracy']:.3f} >= {self.accuracy_threshold}")
        if record["diversity"] < self.diversity_threshold * best:
            reasons.append(
                f"diversity {record['diversity']:.3f} < {self.diversity_threshold} x best {best:.3f}"
            )
        self._bad = self._bad + 1 if reasons else 0
        if self._bad < self.patience:
            return
        self.fired_at_step = self._step
        self.reason = f"{' and '.join(reasons)} for {self.patience} checks"
        action = ""
        if self.stop:
            self.model.stop_training = True
            action = "; stopping"
            if self.restore_best and self._best[1] is not None:
                self.model.set_weights(self._best[1])
                action += f" and restoring the weights of diversity {self._best[0]:.3f}"
        warnings.warn(f"CollapseGuard: collapse at step {self._step}: {self.reason}{action}.",
                      stacklevel=2)
