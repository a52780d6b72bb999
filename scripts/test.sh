#!/usr/bin/env bash
# Runs the whole test suite on the TensorFlow backend, then on JAX, each in
# its own process (KERAS_BACKEND is fixed at import). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
status=0
for backend in tensorflow jax; do
  echo "=== KERAS_BACKEND=$backend"
  start=$(date +%s)
  KERAS_BACKEND=$backend .venv/bin/python -m pytest -q -p no:cacheprovider "$@" tests || status=$?
  echo "=== $backend: $(( $(date +%s) - start )) s"
done
exit $status
