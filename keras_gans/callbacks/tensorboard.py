"""`TensorBoardImages`: the fixed-seed sample grid in TensorBoard, beside the
scalars of `keras.callbacks.TensorBoard`."""

import os

from keras_gans.callbacks.pictures import SampleGrid
from keras_gans.images import make_grid


class TensorBoardImages(SampleGrid):
    """Logs a grid of samples from fixed latents as a TensorBoard image.

    It writes to `<log_dir>/train`, where `keras.callbacks.TensorBoard(log_dir)`
    writes the epoch scalars (`epoch_d_loss`, `epoch_g_loss`, and `epoch_fid`
    with an `Evaluate` callback placed before it), so TensorBoard shows the
    pictures next to the curves. Image steps are epochs (0-based, like the
    scalars), or training steps with `every_n_steps`. Needs the `tensorboard`
    extra (`pip install keras-gans[tensorboard]`) and TensorFlow (for
    `tf.summary`), whichever backend trains.

    Args:
        log_dir: the TensorBoard log folder.
        num_samples: images per grid.
        seed: seed of the fixed latents.
        every_n_epochs: log a grid every n-th epoch (0 disables).
        every_n_steps: also log one every n training batches (0 disables).
        name: the image's tag.

    Example:

    ```python
    gan.fit(ds, epochs=10, callbacks=[
        kg.callbacks.Evaluate(),
        keras.callbacks.TensorBoard("runs/tb"),
        kg.callbacks.TensorBoardImages("runs/tb"),
    ])
    # tensorboard --logdir runs/tb
    ```
    """

    def __init__(self, log_dir, num_samples=64, seed=0, every_n_epochs=1, every_n_steps=0,
                 name="samples"):
        super().__init__(os.path.join(os.fspath(log_dir), "train"), num_samples, seed,
                         every_n_epochs, every_n_steps)
        self.name = name
        self._writer = None

    def write(self, name, step):
        """Logs the grid of `samples()` at `step`."""
        summary = _summary()
        if self._writer is None:
            self._writer = summary.create_file_writer(self.directory)
        with self._writer.as_default():
            summary.image(self.name, make_grid(self.samples())[None], step=int(step))
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _summary():
    try:
        import tensorboard  # noqa: F401 - tf.summary writes nothing without it
        import tensorflow as tf
    except ImportError as error:
        raise ImportError(
            f"TensorBoardImages needs TensorFlow and TensorBoard ({error}); install them "
            "with `pip install keras-gans[tensorboard,tf-cpu]`."
        ) from error
    return tf.summary
