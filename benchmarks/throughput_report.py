"""Writes the `throughput` section of benchmarks/RESULTS.md from
benchmarks/throughput.json (what benchmarks/throughput.py measured)."""

import json
import os

import results_sections

BEGIN, END = "<!-- throughput:begin -->", "<!-- throughput:end -->"
RESULTS_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "throughput.json")
BACKENDS = ("tensorflow", "jax", "torch")


def _cell(value, digits=0):
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(a, b):
    return None if a is None or b is None else a / b


def _rounds(rows):
    """How the cells were timed, e.g. "5 rounds of 6 steps"."""
    kinds = sorted({(r["rounds"], r["steps"]) for r in rows}, reverse=True)
    return " or ".join(f"{rounds} rounds of {steps} steps" for rounds, steps in kinds)


def write(results):
    rows = list(results.values())
    for r in rows:  # the image variants' rows name their upsampling
        r["label"] = r["model"] + (f" ({r['upsampling']})" if r.get("upsampling") else "")
    default = [r for r in rows if r["policy"] == "float32" and r["devices"] == 1]
    # The recipe's batch per model (rows of a --batch-sizes sweep say they are not).
    recipe_batch = {}
    for r in default:
        if r.get("recipe_batch", True):
            recipe_batch.setdefault(r["label"], []).append(r["batch_size"])
    recipe_batch = {m: max(set(b), key=b.count) for m, b in recipe_batch.items()}
    models = sorted(recipe_batch)
    machine = sorted({r["machine"] for r in rows})
    dates = sorted({r["date"] for r in rows})

    lines = [
        BEGIN,
        "Reproduce: `.venv/bin/python benchmarks/throughput.py` (every variant on every backend; "
        "`--model NAME`, `--backends`, `--batch-sizes`, `--policy`, `--devices` select). "
        f"Machine: {', '.join(machine)}; {dates[0]} to {dates[-1]}. Images per second after "
        f"warm-up, each cell in its own process; fit and loop alternate over {_rounds(default)} "
        "and the median round counts (*fit/loop* is the median of the rounds' ratios: "
        "this shared 2-core machine's speed drifts by tens of percent from minute to minute, so "
        "cross-backend ratios, measured minutes apart, are the less precise).",
        "",
        "*fit* is the variant's `fit` on its recipe's `tf.data` pipeline (the preset's "
        "architecture, its recipe's optimizers, loss and batch); *loop* is the plain "
        "hand-written loop of the same networks in `benchmarks/reference.py` (`tf.function` + "
        "`GradientTape`; `jax.jit` of `stateless_call`; eager `torch.autograd`). *JAX/TF* and "
        "*torch/TF* compare `fit` across backends.",
        "",
        "| variant | batch | TF fit | TF loop | TF fit/loop | JAX fit | JAX loop | JAX fit/loop "
        "| torch fit | torch loop | torch fit/loop | JAX/TF | torch/TF |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for model in models:
        batch = recipe_batch[model]
        cells = {r["backend"]: r for r in default if r["label"] == model and r["batch_size"] == batch}
        fit = {b: cells[b]["fit"] if b in cells else None for b in BACKENDS}
        loop = {b: cells[b].get("loop") if b in cells else None for b in BACKENDS}
        over = {b: cells[b].get("fit_over_loop") if b in cells else None for b in BACKENDS}
        parts = [model, str(batch)]
        for b in BACKENDS:
            parts += [_cell(fit[b]), _cell(loop[b]), _cell(over[b], 2)]
        parts += [_cell(_ratio(fit["jax"], fit["tensorflow"]), 2),
                  _cell(_ratio(fit["torch"], fit["tensorflow"]), 2)]
        lines.append("| " + " | ".join(parts) + " |")

    lines += [
        "",
        "Peak resident memory of each cell's process (the `fit` and loop runs of the table above), "
        "in MB, the frameworks' own memory included (what a process that trains nothing takes: the "
        "notes below the table).",
        "",
        "| variant | batch | " + " | ".join(f"{b} peak MB" for b in BACKENDS) + " |",
        "|---|---|" + "---|" * len(BACKENDS),
    ]
    for model in models:
        batch = recipe_batch[model]
        cells = {r["backend"]: r for r in default if r["label"] == model and r["batch_size"] == batch}
        peaks = [_cell(cells[b]["peak_rss_mb"]) if b in cells else _cell(None) for b in BACKENDS]
        lines.append(f"| {model} | {batch} | " + " | ".join(peaks) + " |")

    # The batch sweep: the DCGAN rows (of one upsampling) with the most batch sizes.
    dcgan_labels = {r["label"] for r in default if r["model"] == "dcgan"}
    swept = max(dcgan_labels, key=lambda label: len({r["batch_size"] for r in default
                                                      if r["label"] == label}), default=None)
    sweep = [r for r in default if r["label"] == swept]
    batches = sorted({r["batch_size"] for r in sweep})
    if len(batches) > 1:
        lines += [
            "",
            f"Step time against batch size ({swept}, `--model dcgan --batch-sizes 32 256 512 "
            "--steps 2 --rounds 3 --warmup 1`, and the recipe's batch from the table above): "
            "milliseconds per `fit` step, and the process's peak resident memory.",
            "",
            "| batch | " + " | ".join(f"{b} ms/step | {b} img/s | {b} peak MB" for b in BACKENDS) + " |",
            "|---|" + "---|" * (3 * len(BACKENDS)),
        ]
        for batch in batches:
            cells = {r["backend"]: r for r in sweep if r["batch_size"] == batch}
            parts = [str(batch)]
            for b in BACKENDS:
                r = cells.get(b)
                parts += [_cell(r and r["fit_step_ms"], 1), _cell(r and r["fit"]),
                          _cell(r and r["peak_rss_mb"])]
            lines.append("| " + " | ".join(parts) + " |")

    special = [r for r in rows if r["policy"] != "float32" or r["devices"] != 1]
    if special:
        lines += [
            "",
            "Mixed precision and data parallelism on this CPU (`--policy`, `--devices 2` on two "
            "virtual CPU devices: XLA's host platform on JAX, logical devices on TensorFlow). Both "
            "are correctness runs on a CPU: two virtual devices share the same cores, and reduced "
            "precision is faster only where the CPU has instructions for it (bfloat16 dot products: "
            "AVX512_BF16, AMX), in the backends whose kernels use them; their speed is a GPU "
            "question. *float32, 1 device* is the same variant's cell at the default settings.",
            "",
            "| variant | backend | batch | policy | devices | fit (img/s) | float32, 1 device (img/s) | ratio |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in sorted(special, key=lambda r: (r["model"], r["policy"], r["devices"], r["backend"])):
            base = next((d for d in default if d["label"] == r["label"] and d["backend"] == r["backend"]
                         and d["batch_size"] == r["batch_size"]), None)
            base_fit = base["fit"] if base else None
            lines.append(
                f"| {r['label']} | {r['backend']} | {r['batch_size']} | {r['policy']} | {r['devices']} | "
                f"{_cell(r['fit'])} | {_cell(base_fit)} | {_cell(_ratio(r['fit'], base_fit), 2)} |"
            )
    lines.append(END)
    results_sections.write_section(BEGIN, END, "Training throughput: fit vs a plain loop, per backend",
                                   "\n".join(lines) + "\n")


if __name__ == "__main__":
    # Rewrites the section from the measurements on record, measuring nothing.
    write(json.load(open(RESULTS_JSON)))
