#!/usr/bin/env bash
# Trains and exports the next-frame video predictors on Moving Fashion-MNIST
# with the project's own commands: MSE only, MSE + gradient-difference loss,
# and the adversarial predictor (MSE + GDL + adversarial, fine-tuned from
# the GDL one as SRGAN is from SRResNet). Each preset card records its
# command; `python benchmarks/video_figures.py` then draws the comparison.
#
# KG overrides the command (e.g. KG="python -P -m keras_gans.cli" to run a
# snapshot of the code on PYTHONPATH).
set -euo pipefail
cd "$(dirname "$0")/.."
export KERAS_BACKEND=${KERAS_BACKEND:-tensorflow}
K=${KG:-.venv/bin/keras-gans}
run() {  # run NAME VARIANT ARGS...
  local name=$1 variant=$2; shift 2
  $K train "$variant" --out "runs/$name" "$@"
  $K export "runs/$name" --name "$name" --n 1000
}
run video_mse_fashion video_mse --epochs 2 --steps-per-epoch 300
run video_gdl_fashion video_gdl --epochs 2 --steps-per-epoch 300
run video_next_frame_fashion video_adversarial --from-preset video_gdl_fashion --epochs 1 --steps-per-epoch 300
# The same adversarial run continued for a second epoch, exported as its own
# preset: sharper, but its rollouts drift (see benchmarks/RESULTS.md).
$K train video_adversarial --out runs/video_next_frame_fashion --from-preset video_gdl_fashion --epochs 2 --steps-per-epoch 300 --resume
$K export runs/video_next_frame_fashion --name video_adversarial_2epochs_fashion --n 1000
