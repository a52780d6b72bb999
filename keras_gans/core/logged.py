"""The values a zoo model logs, each with the direction it should go.

Keras' monitor callbacks (`EarlyStopping`, `ModelCheckpoint`,
`ReduceLROnPlateau`) in `mode="auto"` decide whether to minimise or maximise
`monitor` by looking for a metric of that name, with a `_direction`, inside
a `MetricsList` among `model.metrics`. A GAN logs `d_loss`, `g_loss` and
extra terms from its own trackers, and an evaluation callback adds `fid`
and the like from outside the step; `LoggedValues` declares all of them, so
`EarlyStopping(monitor="fid")` and `ModelCheckpoint(monitor="g_loss")` work
without `mode=`.

Example:

```python
trackers = logged.trackers(("d_loss", "g_loss", "code_accuracy"))
self._logged = logged.LoggedValues(trackers)   # `model.metrics` returns [self._logged]
logged.direction("code_accuracy")              # "up"
```
"""

import keras
import numpy as np

# `MetricsList` is what Keras' monitor callbacks look inside for directions;
# Keras exports no public name for it.
from keras.src.trainers.compile_utils import MetricsList

UP, DOWN = "up", "down"

# Values measured outside the training step (by `keras_gans.callbacks.Evaluate`
# and the preset cards), and the direction in which each gets better.
MEASUREMENTS = {
    "fid": DOWN,
    "kid": DOWN,
    "kid_std": DOWN,
    "precision": UP,
    "recall": UP,
    "density": UP,
    "coverage": UP,
    "inception_score": UP,
    "conditional_accuracy": UP,
    "discriminator_test_accuracy": UP,
    "clustering_accuracy": UP,
    "code_class_accuracy": UP,
    "test_accuracy": UP,
    "supervised_only_test_accuracy": UP,
    "psnr": UP,
    "ssim": UP,
    "l1": DOWN,
    "a2b_target_class_rate": UP,
    "b2a_target_class_rate": UP,
    "a2b_cycle_l1": DOWN,
    "b2a_cycle_l1": DOWN,
    "mse_frame_1": DOWN,
    "mse_mean": DOWN,
    "psnr_mean": UP,
    "ssim_mean": UP,
    "test_elbo": UP,
    "test_reconstruction_loss": DOWN,
    "test_kl": DOWN,
}

# Name endings of the values logged by training steps.
_SUFFIXES = (
    ("_loss", DOWN), ("_penalty", DOWN), ("_distance", DOWN), ("_error", DOWN),
    ("accuracy", UP), ("_rate", UP), ("elbo", UP),
)


def direction(name):
    """`"up"` or `"down"`: the way `name` improves.

    Args:
        name: a logged value (`"g_loss"`, `"fid"`, `"val_code_accuracy"`).

    Raises:
        ValueError: for a name whose direction is not known.
    """
    name = name.removeprefix("val_")
    if name in MEASUREMENTS:
        return MEASUREMENTS[name]
    for suffix, way in _SUFFIXES:
        if name.endswith(suffix) or name == suffix.lstrip("_"):
            return way
    raise ValueError(
        f"No direction is known for the logged value {name!r}: name it with a known "
        f"ending ({', '.join(s for s, _ in _SUFFIXES)}) or add it to "
        "`keras_gans.core.logged.MEASUREMENTS`."
    )


def best_index(name, values):
    """Index of the best of `values` of `name`, or `None` when `name` has no
    known direction."""
    try:
        way = direction(name)
    except ValueError:
        return None
    return int((np.argmin if way == DOWN else np.argmax)(values))


def step_names(model):
    """The names a model's training step logs (its trackers), or `None` for
    a model that does not declare them."""
    for metric in getattr(model, "metrics", ()):
        if isinstance(metric, LoggedValues):
            return {m.name for m in metric.metrics[: metric.num_step_trackers]}
    return None


def trackers(names):
    """A `keras.metrics.Mean` per name, each declaring its direction."""
    means = []
    for name in names:
        mean = keras.metrics.Mean(name=name)
        mean._direction = direction(name)
        means.append(mean)
    return means


class Measured(keras.metrics.Metric):
    """A value logged from outside the training step (such as `fid`), declared
    so that monitor callbacks know its direction. It holds no state: the
    callback that measures it writes it into the logs."""

    def __init__(self, name, way):
        super().__init__(name=name)
        self._direction = way

    def update_state(self, *args, **kwargs):
        raise TypeError(f"{self.name!r} is measured by a callback, not updated in a step.")

    def result(self):
        return float("nan")

    def reset_state(self):
        pass


class LoggedValues(MetricsList):
    """A model's step trackers plus the measurements callbacks may log,
    each with a `_direction`.

    Args:
        step_trackers: the `keras.metrics.Mean` trackers the step updates.
    """

    def __init__(self, step_trackers):
        step_trackers = list(step_trackers)
        own = {tracker.name for tracker in step_trackers}
        measured = [Measured(n, way) for n, way in MEASUREMENTS.items() if n not in own]
        super().__init__(step_trackers + measured, name="logged_values")
        self.num_step_trackers = len(step_trackers)

    def result(self):
        return {m.name: m.result() for m in self.metrics[: self.num_step_trackers]}
