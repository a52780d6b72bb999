#!/usr/bin/env bash
# The main job: trains DCGAN on Fashion-MNIST for a short default run.
# Sample grids, the loss plot, a checkpoint and the metrics log go to
# ${OUT:-runs/demo}. Extra arguments go to `keras-gans train`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
out=${OUT:-runs/demo}
KERAS_BACKEND=${KERAS_BACKEND:-jax} .venv/bin/keras-gans train dcgan \
  --dataset fashion_mnist --epochs 2 --out "$out" "$@"
echo "Demo outputs in $out:"
ls -1 "$out" "$out/samples"
