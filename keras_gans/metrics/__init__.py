"""Sample-quality metrics."""

from keras_gans.metrics.mode_coverage import mode_coverage
