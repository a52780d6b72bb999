"""Shared machinery: the adversarial train step, the backend bridge, I/O."""

from keras_gans.core.adversarial import AdversarialModel
from keras_gans.core.optimizer_group import OptimizerGroup
