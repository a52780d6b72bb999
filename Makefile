# Shortcuts for the scripts in scripts/ (which need only bash and Python 3.11).
.PHONY: setup demo test benchmark clean
setup: ; bash scripts/setup.sh
demo: ; bash scripts/demo.sh
test: ; bash scripts/test.sh
benchmark: setup
	.venv/bin/python benchmarks/throughput.py
	.venv/bin/python benchmarks/throughput.py --model dcgan --upsampling subpixel
	.venv/bin/python benchmarks/throughput.py --model dcgan --batch-sizes 32 256 512 --steps 2 --rounds 3 --warmup 1
	.venv/bin/python benchmarks/throughput.py --model dcgan --policy mixed_bfloat16 --steps 2 --rounds 3 --warmup 1
	.venv/bin/python benchmarks/throughput.py --model dcgan --policy mixed_float16 --steps 2 --rounds 3 --warmup 1
	.venv/bin/python benchmarks/throughput.py --model dcgan --devices 2 --backends tensorflow jax --steps 2 --rounds 3 --warmup 1
	KERAS_BACKEND=torch .venv/bin/python benchmarks/torch_reference.py
	.venv/bin/python benchmarks/upsampling_layers.py
	.venv/bin/python benchmarks/conv_kernels.py
	KERAS_BACKEND=jax .venv/bin/python benchmarks/conv_weight_gradient.py
	KERAS_BACKEND=tensorflow .venv/bin/python benchmarks/presets.py
clean: ; rm -rf .venv runs
