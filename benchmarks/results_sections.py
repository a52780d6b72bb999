"""Rewrites one generated section of benchmarks/RESULTS.md in place.

Each benchmark script owns a section between its own markers
(`<!-- name:begin -->` ... `<!-- name:end -->`); running it again replaces
that section and leaves the rest of the file alone. The file is written to a
temporary name and renamed, so an interrupted run never truncates it.

Example:

```python
write_section("<!-- video:begin -->", "<!-- video:end -->", "Next-frame video prediction", block)
```
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "RESULTS.md")


def machine():
    """The machine a figure comes from, e.g. `x86_64 (AMD EPYC), 2 CPU cores`:
    the CPU model, where Linux names it, changes figures between machines of
    the same architecture."""
    model = ""
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        model = f" ({names[0]})" if names else ""
    return f"{platform.machine()}{model}, {os.cpu_count()} CPU cores"


def median_milliseconds(run, rounds, calls, warmup):
    """Milliseconds per call of `run()`: the median over `rounds` rounds of
    `calls` calls each, after `warmup` calls (compilation)."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            run()
        times.append(1000 * (time.perf_counter() - start) / calls)
    return statistics.median(times)


def report(result):
    """Prints a worker's result where `run_worker` finds it."""
    print("RESULT " + json.dumps(result), flush=True)


def is_worker(description):
    """Parses the command line of a benchmark that takes no arguments but
    the hidden `--worker` of `run_worker` (`--help` shows `description`'s
    first line): whether this process is a worker, which measures and
    `report`s, or the parent, which runs the workers and writes RESULTS.md."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args().worker


def run_worker(script, backend, arguments=(), environment=None):
    """Runs `script --worker *arguments` in a fresh process on `backend`.

    Each backend runs in its own process, which picks its backend (and XLA
    its flags) at start-up.

    Args:
        script: the benchmark's path.
        backend: `KERAS_BACKEND` of the worker.
        arguments: more command-line arguments.
        environment: more environment variables.

    Returns:
        The dict the worker passed to `report`.

    Raises:
        RuntimeError: with the worker's error output, when it reported nothing.
    """
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", **(environment or {}))
    done = subprocess.run([sys.executable, script, "--worker", *arguments], env=env, capture_output=True,
                          text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"The {backend} worker of {os.path.basename(script)} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def write_section(begin, end, heading, block, path=RESULTS):
    """Replaces the text from `begin` to `end` with `block` (which starts
    with `begin` and ends with `end`), or appends `## heading` and `block`.

    Args:
        begin: the section's opening marker.
        end: its closing marker.
        heading: the `##` heading put above a new section.
        block: the section, markers included.
        path: the results file. Defaults to benchmarks/RESULTS.md.
    """
    if not (block.startswith(begin) and block.rstrip().endswith(end)):
        raise ValueError(f"The section must start with {begin!r} and end with {end!r}.")
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block.rstrip(), text, flags=re.S)
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n" + block.rstrip() + "\n"
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
