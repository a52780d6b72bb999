"""Callbacks that draw what the model makes while it trains: sample grids,
latent walks and translation strips."""

import os

import keras
import numpy as np

from keras_gans import latent
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

    def samples(self):
        """The model's samples of the fixed latents, now."""
        if self._latents is None:
            self._latents = np.asarray(
                keras.ops.convert_to_numpy(
                    self.model.sample_latent(self.num_samples, seed=self.seed)
                )
            )
        return self.model.generate(self.num_samples, latents=self._latents)

    def write(self, name, step):
        """Writes the grid of `samples()` as `<directory>/<name>.png`."""
        path = save_grid(self.samples(), os.path.join(self.directory, name + ".png"))
        self.paths.append(path)

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self.every_n_steps and self._step % self.every_n_steps == 0:
            self.write(f"step_{self._step:06d}", self._step)

    def on_epoch_end(self, epoch, logs=None):
        if self.every_n_epochs and (epoch + 1) % self.every_n_epochs == 0:
            self.write(f"epoch_{epoch + 1:03d}", epoch)


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
