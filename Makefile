# Shortcuts for the scripts in scripts/ (which need only bash and Python 3.11).
.PHONY: setup demo test benchmark clean
setup: ; bash scripts/setup.sh
demo: ; bash scripts/demo.sh
test: ; bash scripts/test.sh
benchmark: setup
	KERAS_BACKEND=tensorflow .venv/bin/python benchmarks/throughput.py
	KERAS_BACKEND=jax .venv/bin/python benchmarks/throughput.py
	KERAS_BACKEND=tensorflow .venv/bin/python benchmarks/presets.py
clean: ; rm -rf .venv runs
