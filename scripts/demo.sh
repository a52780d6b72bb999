#!/usr/bin/env bash
# The main job, on Fashion-MNIST:
#   1. trains DCGAN from scratch for a short default run (2 epochs),
#   2. loads the zoo's pretrained `dcgan_fashion_mnist` by name and writes a
#      sample grid, a class grid of `cgan_fashion_mnist` (sneakers) and a
#      latent walk (GIF),
#   3. fine-tunes that preset briefly on two classes (sandals and sneakers)
#      with the discriminator's first block frozen (Freeze-D).
# Everything goes to ${OUT:-runs/demo}. Extra arguments go to step 1's
# `keras-gans train` (e.g. --epochs 10).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
# TensorFlow trains this DCGAN on CPU as fast as any backend (benchmarks/RESULTS.md).
export KERAS_BACKEND=${KERAS_BACKEND:-tensorflow}
out=${OUT:-runs/demo}
kg=.venv/bin/keras-gans

echo "== 1. Train DCGAN on Fashion-MNIST"
$kg train dcgan --dataset fashion_mnist --epochs 2 --out "$out/train" "$@"

echo "== 2. Load the zoo preset dcgan_fashion_mnist and sample it"
$kg list
$kg sample dcgan_fashion_mnist --n 64 --out "$out/zoo_dcgan_samples.png"
$kg sample cgan_fashion_mnist --n 16 --labels 7 --out "$out/zoo_cgan_sneakers.png"
$kg walk dcgan_fashion_mnist --seeds 0 1 2 3 --out "$out/zoo_dcgan_walk.gif"

echo "== 3. Fine-tune the preset on sandals (5) and sneakers (7), Freeze-D"
$kg train dcgan --from-preset dcgan_fashion_mnist --classes 5 7 --freeze-d block_1 \
  --epochs 1 --out "$out/finetune"

echo "Demo outputs in $out:"
find "$out" -type f | sort
