#!/usr/bin/env bash
# Runs the whole test suite on every supported backend (TensorFlow, JAX,
# PyTorch), each in its own process (KERAS_BACKEND is fixed at import).
# Extra arguments go to pytest.
#
# The slow learning tests (@pytest.mark.large) run on one backend per run,
# in rotation: the backend is picked by the commit count of HEAD, so
# consecutive commits exercise them on TensorFlow, JAX and PyTorch in turn
# (the other backends run everything else). This keeps CI on 2 cores near
# 25 minutes instead of 40. LARGE_BACKEND=all runs them everywhere;
# LARGE_BACKEND=jax (say) picks one.
#
# The backends run at the same time by default: one process alone leaves
# a core idle much of the time (Python overhead, small ops), so parallel
# runs halve the wall-clock less than they cost. Each backend's output is
# printed when it finishes (and kept in .test-logs/). PARALLEL_BACKENDS=0
# runs them one after the other, with live output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
backends=(tensorflow jax torch)

commits=$(git rev-list --count HEAD 2>/dev/null || date +%j)
LARGE_BACKEND=${LARGE_BACKEND:-${backends[$(( commits % ${#backends[@]} ))]}}
echo "=== slow learning tests (@pytest.mark.large) on: $LARGE_BACKEND"

run_backend() {  # run_backend BACKEND PYTEST_ARGS...
  local backend=$1 start status=0 select=()
  shift
  if [[ "$LARGE_BACKEND" != "all" && "$LARGE_BACKEND" != "$backend" ]]; then
    select=(-m "not large")
  fi
  start=$(date +%s)
  KERAS_BACKEND=$backend .venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 \
    "${select[@]}" "$@" tests || status=$?
  echo "=== $backend: $(( $(date +%s) - start )) s, exit $status"
  return $status
}

status=0
if [[ "${PARALLEL_BACKENDS:-1}" == "0" ]]; then
  for backend in "${backends[@]}"; do
    echo "=== KERAS_BACKEND=$backend"
    run_backend "$backend" "$@" || status=$?
  done
  exit $status
fi

mkdir -p .test-logs
start=$(date +%s)
pids=()
for backend in "${backends[@]}"; do
  run_backend "$backend" "$@" > ".test-logs/$backend.log" 2>&1 &
  pids+=($!)
done
for i in "${!backends[@]}"; do
  wait "${pids[$i]}" || status=$?
  echo "=== KERAS_BACKEND=${backends[$i]}"
  cat ".test-logs/${backends[$i]}.log"
done
echo "=== all backends: $(( $(date +%s) - start )) s"
exit $status
