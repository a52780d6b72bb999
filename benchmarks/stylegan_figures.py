"""The StyleGAN figures of benchmarks/RESULTS.md, from the zoo preset.

- `figures/stylegan_style_mixing.png`: the classic style-mixing grid
  (sources along the top and the left; each inner image takes its first
  two styles, the 4x4 ones, from its row's source and the rest from its
  column's).
- `figures/stylegan_truncation.png`: the same eight seeds at truncation
  psi = 1, 0.7, 0.5, 0.3 and 0 (one row each; psi = 0 is the image of the
  mean w in every column).

    KERAS_BACKEND=tensorflow .venv/bin/python benchmarks/stylegan_figures.py
"""

import os

import numpy as np

import keras_gans as kg
from keras_gans.images import save_grid

HERE = os.path.dirname(os.path.abspath(__file__))
FIGURES = os.path.join(HERE, "figures")
PSIS = (1.0, 0.7, 0.5, 0.3, 0.0)


def main(preset="stylegan_fashion_mnist"):
    os.makedirs(FIGURES, exist_ok=True)
    gan = kg.zoo.load(preset)
    print(gan.save_style_mixing_grid(os.path.join(FIGURES, "stylegan_style_mixing.png"),
                                     row_seeds=(1, 2, 3, 4, 5), column_seeds=(6, 7, 8, 9, 10, 11)))
    latents = gan.latents_of_seeds(range(8))
    rows = [gan.generate(latents=latents, truncation_psi=psi) for psi in PSIS]
    print(save_grid(np.concatenate(rows), os.path.join(FIGURES, "stylegan_truncation.png"), columns=8))


if __name__ == "__main__":
    main()
