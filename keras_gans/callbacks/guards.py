"""Callbacks that stop a run going bad: NaN losses and mode collapse."""

import warnings

import keras
import numpy as np


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
