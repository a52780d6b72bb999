"""Side-by-side pictures of the image-to-image presets on test images.

- `benchmarks/figures/pix2pix_vs_l1.png`: edges | U-Net trained with L1 only
  | Pix2Pix (L1 + adversarial) | the real image, one row per test image.
- `benchmarks/figures/super_resolution_x4.png`: the 7x7 input (enlarged) |
  bicubic | SRResNet (MSE) | SRGAN (fine-tuned adversarially) | the real image.

Run: `python benchmarks/translation_figures.py` (about a minute on CPU).
"""

import os

import numpy as np

import keras_gans as kg
from keras_gans.datasets import translation
from keras_gans.images import save_grid
from keras_gans.models.srgan import bicubic_upsample

FIGURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "figures")
ROWS = 8


def _rows(columns):
    return np.stack(columns, axis=1).reshape((-1,) + columns[-1].shape[1:])


def pix2pix_vs_l1(path):
    edges, images = translation.edges_pairs("test", limit=ROWS)
    columns = [edges] + [kg.zoo.load(name).translate(edges)
                         for name in ("pix2pix_l1_fashion_edges", "pix2pix_fashion_edges")] + [images]
    return save_grid(_rows(columns), path, columns=len(columns), scale=3)


def super_resolution(path):
    low, images = translation.lowres_pairs("test", factor=4, limit=ROWS)
    columns = [low.repeat(4, axis=1).repeat(4, axis=2), bicubic_upsample(low, 4)]
    columns += [kg.zoo.load(name).translate(low) for name in ("srresnet_fashion_x4", "srgan_fashion_x4")]
    return save_grid(_rows(columns + [images]), path, columns=len(columns) + 1, scale=3)


if __name__ == "__main__":
    os.makedirs(FIGURES, exist_ok=True)
    print(pix2pix_vs_l1(os.path.join(FIGURES, "pix2pix_vs_l1.png")))
    print(super_resolution(os.path.join(FIGURES, "super_resolution_x4.png")))
