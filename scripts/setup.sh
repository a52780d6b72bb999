#!/usr/bin/env bash
# Creates .venv with keras-gans (editable), the three backends and the test tools,
# and installs Debian's Fashion-MNIST package. Safe to run again: it only
# reinstalls when setup.cfg or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export PIP_DISABLE_PIP_VERSION_CHECK=1

apt_install() {
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ]; then
  "$PYTHON" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && "$PYTHON" -m venv "$VENV"; }
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # PyTorch first, pinned: the CPU build of 2.13.0 lies on this project's
  # machines (pip's find-links), where a bare `torch` would fetch a CUDA build
  # of several GB. TORCH_VERSION picks another.
  "$VENV/bin/python" -m pip install -q "torch==${TORCH_VERSION:-2.13.0}"
  "$VENV/bin/python" -m pip install -q -e ".[test,tf-cpu,jax,torch,tensorboard]"
  touch "$stamp"
fi

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  apt_install dataset-fashion-mnist
fi
