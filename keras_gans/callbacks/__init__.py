"""Callbacks that write what a GAN is doing while it trains, measure it,
and stop it going bad.

- pictures: `SampleGrid`, `LatentInterpolation`, `TranslationStrip`;
- logs: `LossHistory`, `MetricsCSV`, `ClassifierAccuracy`;
- measurement: `Evaluate` (FID and the variant's own metrics, best checkpoint);
- TensorBoard: `TensorBoardImages` (sample grids next to the losses);
- guards: `TerminateOnNaN`, `CollapseGuard`.
"""

from keras_gans.callbacks.evaluate import Evaluate
from keras_gans.callbacks.guards import CollapseGuard, TerminateOnNaN, TrainingDiverged
from keras_gans.callbacks.logs import ClassifierAccuracy, LossHistory, MetricsCSV
from keras_gans.callbacks.pictures import LatentInterpolation, SampleGrid, TranslationStrip
from keras_gans.callbacks.tensorboard import TensorBoardImages
