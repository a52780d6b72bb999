"""Sample-quality metrics.

`fid`, `kid`, `precision_recall`, `density_coverage` and `inception_score`
work on features / logits (NumPy); `Evaluator` computes them on images with
the project's Fashion-MNIST classifier; `mode_coverage` scores 2-D toy samples;
`variant_metrics` measures what conditional, InfoGAN and semi-supervised
models are for.
"""

from keras_gans.metrics.distances import fid, frechet_distance, kid, polynomial_mmd2
from keras_gans.metrics.evaluator import (
    Evaluator,
    build_classifier,
    evaluate_generator,
    fid_floor,
    inception_score,
    real_images,
)
from keras_gans.metrics.mode_coverage import mode_coverage
from keras_gans.metrics.neighbours import density_coverage, precision_recall
from keras_gans.metrics.variants import (
    code_clustering,
    conditional_accuracy,
    semi_supervised_accuracy,
    variant_metrics,
)
