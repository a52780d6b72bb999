"""`ZooModel`: what every model of the zoo declares about itself.

GANs (`AdversarialModel`) and likelihood models (`VAE`) train differently
but are used the same way: `keras-gans train NAME` builds and compiles them
from a recipe, `keras-gans export` measures them and writes a preset card,
`from_preset` loads them. This mixin holds those hooks once, so no module
ever tests a model's type (keras-hub style: the class carries its recipes
and hooks).

A class that mixes it in sets `data_shape` (one sample's shape) and
`value_range` (or `None`) in its constructor, and implements
`compile_recipe(recipe)`; it puts `ZooModel` before `keras.Model`:

```python
class MyModel(ZooModel, keras.Model):
    recipes = {"my_model": Recipe(learning_rate=1e-3)}

    def compile_recipe(self, recipe):
        self.compile(optimizer=keras.optimizers.Adam(recipe.learning_rate))
```
"""

import inspect
import os
import re
import sys
import warnings

import keras
import numpy as np

from keras_gans import callbacks as gan_callbacks
from keras_gans.core import presets
from keras_gans.core import recipe as recipe_registry
from keras_gans.core.io import atomic_path, weights_summary
from keras_gans.images import save_grid

_SEED_KEY = "seed_generator_"


class ZooModel:
    """Mixin of the zoo's hooks for a `keras.Model` subclass.

    Class attributes a model may override:

    - `recipes`: `{name: Recipe}` of `keras-gans train NAME`, registered
      when the class is defined.
    - `task`: the preset card's task, in words.
    - `figure_caption`: what `save_preset_figure` draws.
    - `measures_samples`: preset cards score the sample quality (FID, KID,
      precision/recall) of `generate`.
    - `compile_hint`: how to compile it, for the "must be compiled" error.

    Example:

    ```python
    model = keras_gans.models.DCGAN.from_preset("dcgan_fashion_mnist")
    keras_gans.models.VAE.preset_names()  # ['vae_fashion_mnist']
    ```
    """

    recipes = {}
    task = "unconditional image generation"
    figure_caption = "64 samples, seed 0"
    measures_samples = True
    # The measurement `keras_gans.callbacks.Evaluate` keeps the best model by.
    evaluation_monitor = "fid"
    compile_hint = "call `compile(...)`"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        recipe_registry.register(cls)

    # ------------------------------------------------------------------ recipes

    def compile_recipe(self, recipe):
        """Compiles the model with a `Recipe`'s training defaults (what
        `Recipe.compile(model)` calls). Each family implements it."""
        raise NotImplementedError(
            f"{type(self).__name__} does not declare how a Recipe compiles it: "
            "implement `compile_recipe(recipe)`."
        )

    @classmethod
    def data_arguments(cls, element_spec):
        """Constructor arguments read off a dataset's `element_spec` (the
        sample shape), for `keras-gans train`."""
        if isinstance(element_spec, tuple):  # (images, labels)
            element_spec = element_spec[0]
        elif isinstance(element_spec, dict):  # semi-supervised batches
            element_spec = element_spec["real"]
        return {"image_shape": tuple(element_spec.shape[1:])}

    # ------------------------------------------------------------------ presets

    @classmethod
    def from_preset(cls, name_or_path, **kwargs):
        """Loads a zoo preset of this class by name, folder or URL.

        Example:

        ```python
        gan = keras_gans.models.DCGAN.from_preset("dcgan_fashion_mnist")
        ```
        """
        model = presets.load(name_or_path, **kwargs)
        if not isinstance(model, cls):
            raise ValueError(
                f"Preset {name_or_path!r} holds a {type(model).__name__}, not a {cls.__name__}."
            )
        return model

    @classmethod
    def preset_names(cls):
        """Names of the shipped presets that hold this class or a subclass.

        Example:

        ```python
        keras_gans.models.SRGAN.preset_names()  # ['srgan_fashion_x4', 'srresnet_fashion_x4']
        ```
        """
        names = []
        for name in presets.names():
            card = presets.read_card(presets.resolve(name))
            held = keras.saving.get_registered_object(card["model"].get("registered_name", ""))
            if isinstance(held, type) and issubclass(held, cls):
                names.append(name)
        return names

    @property
    def metrics(self):
        """One `keras_gans.core.logged.LoggedValues`: the step's trackers and
        the measurements callbacks log, each declaring its direction, so
        that `keras.callbacks.EarlyStopping(monitor="g_loss")` needs no
        `mode=`."""
        return [self._logged_values]

    def purpose_metrics(self, evaluator, num_samples=10_000, run_dir=None):
        """Metrics of what the model is for, beyond sample quality (a
        preset card records them). Defaults to none.

        Args:
            evaluator: a `keras_gans.metrics.Evaluator`.
            num_samples: how many samples to score.
            run_dir: the training run's folder (for data the run recorded,
                such as the labelled indices of semi-supervised training).
        """
        return {}

    # ------------------------------------------------------------------ compile config
    # `compile` records its arguments in `_compile_arguments`, so `.keras`
    # files restore the optimizers (GANs: both players').

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {
            key: keras.saving.serialize_keras_object(value)
            for key, value in self._compile_arguments.items()
        }

    def compile_from_config(self, config):
        self.compile(
            **{key: keras.saving.deserialize_keras_object(value) for key, value in config.items()}
        )

    @staticmethod
    def evaluation_images(samples):
        """Samples as the 28x28 Fashion-MNIST evaluator sees them (a model
        of another size maps them, e.g. StyleGAN's 32x32 crop). Defaults to
        the samples themselves."""
        return samples

    def save_preset_figure(self, path, dataset=None):
        """Writes the preset card's picture (`figure_caption` describes it)."""
        save_grid(self.generate(64, seed=0), path)

    def evaluation_protocol(self, num_samples):
        """How `purpose_metrics` and the sample scores were measured, in words
        (recorded in the preset card)."""
        return (
            f"{num_samples} samples vs the 10,000 Fashion-MNIST test images, features "
            "of the fashion_mnist_classifier preset (`keras-gans evaluate`)"
        )

    def training_callbacks(self, directory, dataset=None, dataset_name=None):
        """The callbacks `keras-gans train` adds for this model: here a
        grid of samples from fixed latents written to `directory` every epoch.

        Args:
            directory: the run's picture folder.
            dataset: the training `tf.data.Dataset`.
            dataset_name: its `keras_gans.datasets.load` name.
        """
        return [gan_callbacks.SampleGrid(directory)]

    # ------------------------------------------------------------------ input checks

    def unpack_batch(self, data):
        """Turns what the dataset yields into a dict with `"real"` (and
        `"labels"` when the dataset provides them)."""
        if isinstance(data, dict):
            return dict(data)
        if isinstance(data, (tuple, list)):
            batch = {"real": data[0]}
            if len(data) > 1 and data[1] is not None:
                batch["labels"] = data[1]
            return batch
        return {"real": data}

    def check_batch_shapes(self, batch):
        """Fails at trace time when a batch does not match `data_shape`."""
        real = batch["real"]
        if tuple(real.shape[1:]) != self.data_shape:
            raise ValueError(
                f"{type(self).__name__} expects batches of shape "
                f"(batch,) + {self.data_shape}; received {tuple(real.shape)}."
            )

    def check_sample(self, sample):
        """Validates one batch (NumPy) before training: rank, shape, range."""
        self.check_data(self.unpack_batch(sample)["real"])

    def check_data(self, real):
        """Validates an array of samples against `data_shape` and
        `value_range`: rank, shape, channels, dtype, range."""
        real = np.asarray(real)
        expected = (None,) + self.data_shape
        if real.ndim != len(expected):
            raise ValueError(
                f"{type(self).__name__} expects data of rank {len(expected)} "
                f"with shape {expected}; received rank {real.ndim} with shape "
                f"{real.shape}."
            )
        if real.shape[1:] != self.data_shape:
            hint = ""
            if real.shape[1:-1] == self.data_shape[:-1]:
                hint = (
                    f" (channels: expected {self.data_shape[-1]}, "
                    f"received {real.shape[-1]})"
                )
            raise ValueError(
                f"{type(self).__name__} expects data of shape {expected}; "
                f"received {real.shape}{hint}."
            )
        if not np.issubdtype(real.dtype, np.floating):
            raise ValueError(
                f"Expected floating point data in {self.value_range}; received "
                f"dtype {real.dtype}. Rescale, e.g. `x / 127.5 - 1`."
            )
        finite = np.isfinite(real)
        if not finite.all():
            where = np.argwhere(~finite)[0]
            raise ValueError(
                f"Expected finite data; received {int((~finite).sum())} NaN or infinite "
                f"values (the first at index {tuple(int(i) for i in where)}: {real[tuple(where)]})."
            )
        if self.value_range is not None:
            low, high = self.value_range
            tolerance = 1e-3 * (high - low)
            lo, hi = float(real.min()), float(real.max())
            if low < 0 and lo >= 0 and 0 < hi <= 1:
                raise ValueError(
                    f"Expected data values in [{low}, {high}]; received values in "
                    f"[{lo:.4g}, {hi:.4g}], which look like images in [0, 1]. Rescale "
                    "them, e.g. `x * 2 - 1`."
                )
            if lo < low - tolerance or hi > high + tolerance:
                raise ValueError(
                    f"Expected data values in [{low}, {high}]; received values "
                    f"in [{lo:.4g}, {hi:.4g}]. Images must be scaled to "
                    "[-1, 1], e.g. `x / 127.5 - 1`."
                )

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit`, with every batch of the data validated.

        In-memory arrays are checked whole before training. A
        `tf.data.Dataset` or a Python generator has its first batch checked
        before training and every batch checked as it is read, before a step
        trains on it. Bad data (wrong rank, shape, channels, dtype or value
        range, NaN or Inf, labels out of range, an empty dataset) raises a
        `ValueError` that names the batch.
        """
        if not self.compiled:
            raise ValueError(
                f"{type(self).__name__} must be compiled before `fit`: {self.compile_hint}."
            )
        x = self.checked_data(x, y, kwargs.get("batch_size"))
        try:
            return super().fit(x, y, *args, **kwargs)
        except Exception as error:  # tf.data reports a bad batch as its own error type
            found = _BAD_BATCH.search(str(getattr(error, "message", error)))
            if found is None:
                raise
            raise ValueError(found.group(1)) from None

    def checked_data(self, x, y=None, batch_size=None):
        """Validates what `fit` received and returns it (datasets and
        generators wrapped so that every batch is checked as it is read)."""
        name = type(self).__name__
        if x is None:
            raise ValueError(f"{name}.fit needs training data; received x=None.")
        # A tf.data.Dataset exists only if TensorFlow was imported: a JAX user
        # training on NumPy arrays never loads it.
        tf = sys.modules.get("tensorflow")
        if tf is not None and isinstance(x, tf.data.Dataset):
            first = next(iter(x.take(1)), None)
            if first is None:
                raise ValueError(
                    f"{name}.fit received an empty dataset: it yields no batches (a batch "
                    "size larger than the dataset, with drop_remainder=True, yields none)."
                )
            self.check_sample(keras.tree.map_structure(np.asarray, first))
            return _checked_dataset(self, x)
        if inspect.isgenerator(x) or (hasattr(x, "__next__") and not hasattr(x, "shape")):
            return _checked_batches(self, x)
        if hasattr(x, "shape") or isinstance(x, dict):
            arrays = keras.tree.map_structure(np.asarray, x)
            size = len(next(iter(keras.tree.flatten(arrays))))
            if size == 0:
                raise ValueError(f"{name}.fit received no samples: x has length 0.")
            if batch_size is not None and int(batch_size) > size:
                raise ValueError(
                    f"{name}.fit: batch_size {batch_size} is larger than the {size} "
                    "samples given."
                )
            self.check_sample(arrays if y is None else (arrays, np.asarray(y)))
        return x

    # ------------------------------------------------------------------ saving
    # Keras saves layer variables but not `SeedGenerator` states, so a
    # reloaded model (or a resumed run) would restart its noise streams. The
    # model's own entry also holds the state of every seed generator of the
    # model and its layers, under `seed_generator_<i>` keys (files without
    # them, such as older presets, still load).

    def seed_generators(self):
        """Every `SeedGenerator` of the model and its layers, in a fixed order."""
        found, seen = [], set()
        for layer in self._flatten_layers(include_self=True):
            for generator in layer._seed_generators:
                if id(generator) not in seen:
                    seen.add(id(generator))
                    found.append(generator)
        return found

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, generator in enumerate(self.seed_generators()):
            store[f"{_SEED_KEY}{i}"] = generator.state

    def load_own_variables(self, store):
        keys = list(store.keys())
        seed_keys = [key for key in keys if key.startswith(_SEED_KEY)]
        super().load_own_variables({key: store[key] for key in keys if key not in seed_keys})
        generators = self.seed_generators()
        if seed_keys and len(seed_keys) != len(generators):
            raise ValueError(
                f"The file holds {len(seed_keys)} seed generator states; "
                f"{type(self).__name__} has {len(generators)}."
            )
        for i, generator in enumerate(generators[: len(seed_keys)]):
            generator.state.assign(store[f"{_SEED_KEY}{i}"])

    def save(self, filepath, *args, **kwargs):
        """`keras.Model.save` to a `.keras` file, written to a temporary file
        and then renamed, so that an interrupted save never leaves a broken
        file.

        Args:
            filepath: the `.keras` file to write.
            *args: passed to `keras.Model.save`.
            **kwargs: passed to `keras.Model.save`.

        Raises:
            ValueError: a name not ending in `.keras` (the legacy `.h5`
                format writes files `keras.models.load_model` can't read back
                into this class).

        Example:

        ```python
        gan.save("dcgan.keras")
        gan = keras.models.load_model("dcgan.keras")
        ```
        """
        _require_suffix(self, "save", filepath, ".keras")
        with atomic_path(filepath) as tmp:
            super().save(tmp, *args, **kwargs)

    def save_weights(self, filepath, *args, **kwargs):
        """`keras.Model.save_weights` to a `.weights.h5` file, atomic like `save`.

        Args:
            filepath: the `.weights.h5` file to write.
            *args: passed to `keras.Model.save_weights`.
            **kwargs: passed to `keras.Model.save_weights`.

        Raises:
            ValueError: a name not ending in `.weights.h5`.

        Example:

        ```python
        gan.save_weights("dcgan.weights.h5")
        ```
        """
        _require_suffix(self, "save_weights", filepath, ".weights.h5")
        with atomic_path(filepath) as tmp:
            super().save_weights(tmp, *args, **kwargs)

    def load_weights(self, filepath, *args, **kwargs):
        """`keras.Model.load_weights`, with errors that name the file and this
        model. A file that does not fit leaves the weights as they were.

        Args:
            filepath: a `.weights.h5` (or `.keras`) file of the same class
                built with the same arguments.
            *args: passed to `keras.Model.load_weights`.
            **kwargs: passed to `keras.Model.load_weights`.

        Raises:
            FileNotFoundError: `filepath` does not exist.
            ValueError: the file is truncated or corrupted, or holds the
                weights of another architecture.

        Example:

        ```python
        gan.load_weights("dcgan.weights.h5")
        ```
        """
        path = str(filepath)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No such weights file: {path!r}.")
        before = [variable.numpy() for variable in self.variables]
        try:
            # Keras warns about each part it skips before it raises: those
            # warnings are only shown when the file loads.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                super().load_weights(filepath, *args, **kwargs)
        except (ValueError, OSError) as error:
            for variable, value in zip(self.variables, before):
                variable.assign(value)
            raise ValueError(_weights_mismatch(self, path, error)) from error
        for warning in caught:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def _require_suffix(model, method, filepath, suffix):
    path = str(filepath)
    if path.endswith(suffix):
        return
    hint = ""
    if path.endswith(".h5") and suffix == ".keras":
        hint = (
            " The legacy HDF5 format (.h5) writes a file `keras.models.load_model` cannot "
            "read back into this class: save the model to a .keras file, or its weights "
            "alone with `save_weights` to a .weights.h5 file."
        )
    raise ValueError(
        f"{type(model).__name__}.{method}({path!r}): expected a file name ending in "
        f"{suffix}; received {os.path.splitext(path)[1] or 'no extension'!r}.{hint}"
    )


def _weights_mismatch(model, path, error):
    """Why `path` did not load into `model`, with what each holds."""
    what = f"{type(model).__name__} {model.name!r}"
    summary = weights_summary(path)
    if summary is None and not path.endswith(".keras"):
        return (
            f"Cannot load {path!r} into {what}: expected a .weights.h5 file written by "
            f"`save_weights`, but it is not a readable HDF5 file (truncated or corrupted?): "
            f"{error}"
        )
    held = f"the file holds {summary[0]} arrays ({summary[1]:,} values); " if summary else ""
    values = sum(int(np.prod(variable.shape)) for variable in model.variables)
    return (
        f"Cannot load {path!r} into {what}: the file holds the weights of another "
        f"architecture or configuration ({held}this {type(model).__name__} has "
        f"{len(model.variables)} arrays ({values:,} values)). Load a file saved by the same "
        f"class built with the same arguments. Keras: {error}"
    )


_BAD_BATCH = re.compile(r"keras-gans bad batch: ([^\n]*)")


def _checked_dataset(model, dataset):
    """`dataset`, with `model.check_sample` run on every batch (on the host,
    before the step that trains on it): a bad batch stops the pipeline with
    its index."""
    tf = sys.modules["tensorflow"]
    spec = dataset.element_spec

    def check(index, *flat):
        try:
            model.check_sample(tf.nest.pack_sequence_as(spec, list(flat)))
        except ValueError as error:
            raise ValueError(f"keras-gans bad batch: Batch {int(index)} of the dataset: {error}")
        return np.bool_(True)

    def checked(index, element):
        ok = tf.numpy_function(check, [index, *tf.nest.flatten(element)], tf.bool)
        with tf.control_dependencies([ok]):
            return tf.nest.map_structure(tf.identity, element)

    # The check runs in tf.data's threads, a batch ahead, rather than in the
    # training loop's thread as the batch is read.
    return dataset.enumerate().map(checked).prefetch(tf.data.AUTOTUNE)


def _checked_batches(model, batches):
    """A generator's batches, each validated with `model.check_sample`."""
    for index, batch in enumerate(batches):
        try:
            model.check_sample(keras.tree.map_structure(np.asarray, batch))
        except ValueError as error:
            raise ValueError(f"Batch {index} of the generator: {error}") from None
        yield batch
