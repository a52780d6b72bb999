#!/usr/bin/env bash
# Runs the whole test suite on every supported backend (TensorFlow, JAX,
# PyTorch), each in its own process (KERAS_BACKEND is fixed at import).
# Extra arguments go to pytest.
#
# The slow learning tests (@pytest.mark.large) each run on one backend per
# run, in rotation: test i (by node id) goes to backend (i + c) mod 3, where
# c is the commit count of HEAD, so the three processes share them evenly
# and every learning test meets TensorFlow, JAX and PyTorch within three
# commits (tests/conftest.py does the sharing). This keeps CI on 2 cores
# under 35 minutes. LARGE_BACKEND=all runs them everywhere; LARGE_BACKEND=jax
# (say) runs them all on one backend.
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
export LARGE_BACKEND=${LARGE_BACKEND:-rotate} LARGE_ROTATION=$commits TEST_BACKENDS="${backends[*]}"
echo "=== slow learning tests (@pytest.mark.large): $LARGE_BACKEND (rotation $commits)"

run_backend() {  # run_backend BACKEND PYTEST_ARGS...
  local backend=$1 start status=0
  shift
  start=$(date +%s)
  # Test-speed settings (the product's runs keep the defaults): the suite
  # builds hundreds of small models, so XLA's compilation, not the steps,
  # dominates JAX outside the large tests (tests/conftest.py turns most
  # optimizations off for those: test_models + test_conditional 89 s -> 58 s);
  # PyTorch's small eager ops run no slower on one thread, which leaves the
  # second core to the other backends.
  local speed=(TEST_JAX_FAST_COMPILE="${TEST_JAX_FAST_COMPILE:-1}")
  [[ $backend == torch ]] && speed+=(OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}")
  env "${speed[@]}" KERAS_BACKEND=$backend .venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 \
    "$@" tests || status=$?
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
