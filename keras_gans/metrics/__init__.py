"""Sample-quality metrics.

`fid`, `kid`, `precision_recall`, `density_coverage` and `inception_score`
work on features / logits (NumPy); `Evaluator` computes them on images with
the project's Fashion-MNIST classifier; `mode_coverage` scores 2-D toy samples;
`conditional_accuracy`, `code_clustering` and `semi_supervised_accuracy`
measure what conditional, InfoGAN and semi-supervised models are for, and
`measure` records what a preset card holds.
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
from keras_gans.metrics.image_quality import (
    mean_absolute_error,
    psnr,
    psnr_per_image,
    sharpness,
    ssim,
    ssim_per_image,
)
from keras_gans.metrics.mode_coverage import mode_coverage
from keras_gans.metrics.resize import area_resize
from keras_gans.metrics.neighbours import density_coverage, precision_recall
from keras_gans.metrics.variants import (
    clustering_accuracy,
    code_clustering,
    conditional_accuracy,
    labeled_training_images,
    measure,
    paired_translation_scores,
    semi_supervised_accuracy,
)
from keras_gans.metrics.video import copy_last, frame_mse, frame_scores
