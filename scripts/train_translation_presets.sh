#!/usr/bin/env bash
# Trains and exports the image-to-image presets (Pix2Pix and its L1-only
# U-Net, SRResNet then SRGAN, CycleGAN) with the project's own commands.
# Each preset card records the exact command; RESULTS.md is rebuilt from them.
set -euo pipefail
cd "$(dirname "$0")/.."
export KERAS_BACKEND=${KERAS_BACKEND:-tensorflow}
K=".venv/bin/keras-gans"
run() {  # run NAME VARIANT ARGS...
  local name=$1 variant=$2; shift 2
  $K train "$variant" --out "runs/$name" "$@"
  $K export "runs/$name" --name "$name"
}
run pix2pix_fashion_edges pix2pix --epochs 4 --steps-per-epoch 250
run pix2pix_l1_fashion_edges pix2pix_l1 --epochs 4 --steps-per-epoch 250
run srresnet_fashion_x4 srresnet --epochs 4 --steps-per-epoch 250
run srgan_fashion_x4 srgan --from-preset srresnet_fashion_x4 --epochs 2 --steps-per-epoch 250
run cyclegan_fashion_sneaker_boot cyclegan --epochs 40 --steps-per-epoch 150
