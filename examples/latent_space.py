"""
Title: Lerp midpoints fall off the Gaussian shell; class vectors add and subtract
Author: keras-gans
Description: Lerp against slerp between the latents of a DCGAN, and "A - B + C" arithmetic
on class means of a cGAN's and a DCGAN's generator inputs, all judged by the Fashion-MNIST
evaluator.

This is experiment 4 of the course lecture on latent space (issue 11). It tests two claims
of the lecture.

**Claim 1: lerp cuts through the hollow middle of latent space.** A 100-d standard normal
latent almost never lies near the origin: its norm concentrates around sqrt(100) = 10, on
a thin shell. The midpoint of the straight line between two independent latents,
(a + b) / 2, is itself normal with variance 1/2 per coordinate, so its norm is about
sqrt(50) = 7.1: a latent the generator almost never saw in training. Spherical
interpolation (slerp, White 2016) walks along the great circle instead and keeps the norm
on the shell. The lecture's claim is that lerp's midpoints therefore look less like data
than slerp's. We measure the latent norm along both paths over many random pairs, and the
quality of the images on the way (FID against the real test images and the evaluator's
confidence), with a control that isolates the norm: a single prior latent shrunk to the
norm lerp has at the same t.

**Claim 2: class vectors add and subtract (Radford et al., 2016).** We average the
generator inputs of the samples the evaluator classifies most confidently as each class
and compute "A - B + C" (e.g. sneaker - sandal + ankle boot) with
`kg.latent.vector_arithmetic`. In the cGAN the generator input is the latent concatenated
with the one-hot label, so the arithmetic happens in the conditioning space; in the
unconditional DCGAN it happens in the latent space itself, as in the paper. The evaluator
then says what the result generates, against two references: the same arithmetic on
random class triples, and the class frequencies of ordinary samples.

Run it with

```
python examples/latent_space.py            # full: figures and results.json in
                                           # benchmarks/figures/experiments/latent_space
python examples/latent_space.py --quick --out /tmp/latent_space   # the CI smoke version
```

The script asserts the direction of each result and exits non-zero when one is wrong.
"""

"""
## Setup
"""

import os
import time

import keras
import numpy as np
from matplotlib.figure import Figure

import keras_gans as kg
from _common import parse_args, save_figure, write_results

CLASS_NAMES = ("T-shirt/top", "trouser", "pullover", "dress", "coat",
               "sandal", "shirt", "sneaker", "bag", "ankle boot")
# (A, B, C) of "A - B + C": one footwear, one upper-body and one sleeve equation.
EQUATIONS = ((7, 5, 9), (2, 0, 3), (4, 2, 6))

# Full and quick sizes. Quick mode (the CI run) keeps every step and figure but
# uses fewer pairs, fewer real reference images and fewer noise vectors.
SIZES = {
    False: dict(pairs=2000, real=10_000, path_t=(0.0, 0.125, 0.25, 0.375, 0.5), per_class=200,
                top=16, noise=200, triples=120, triple_noise=32),
    True: dict(pairs=400, real=2000, path_t=(0.0, 0.5), per_class=30,
               top=8, noise=32, triples=16, triple_noise=16),
}


def preset_version(name):
    """The card fields that identify a preset's weights."""
    card = kg.core.presets.read_card(kg.core.presets.resolve(name))
    recipe = card.get("recipe", {})
    return {"sha256": card.get("sha256"), "date": card.get("date"), "epochs": recipe.get("epochs"),
            "fid": card.get("metrics", {}).get("fid")}


def softmax(logits):
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def judge(evaluator, images, real_features=None):
    """What the evaluator says about a batch: its features and class
    probabilities, the mean max-softmax confidence and (given real features)
    the FID."""
    features, logits = evaluator.features_and_logits(images)
    probs = softmax(logits.astype("float64"))
    out = {"features": features, "probs": probs, "confidence": float(probs.max(axis=1).mean())}
    if real_features is not None:
        out["fid"] = kg.metrics.fid(real_features, features)
    return out


"""
## Part 1: interpolation, lerp against slerp

The zoo's DCGAN draws 100-d standard normal latents. We take `pairs` random pairs
`(a_i, b_i)` (rows of the latents of seeds 1 and 2; quick mode uses the first rows of the
same arrays) and the reference images: the Fashion-MNIST test set, through the evaluator's
128-d features.
"""


def interpolation_paths(za, zb, t):
    """Lerp and slerp paths for every pair: two arrays `(pairs, len(t), d)`."""
    lerp = np.stack([kg.latent.lerp(a, b, t) for a, b in zip(za, zb)])
    slerp = np.stack([kg.latent.slerp(a, b, t) for a, b in zip(za, zb)])
    return lerp, slerp


def part_interpolation(gan, evaluator, real_features, size, out):
    d = gan.latent_dim
    shell = float(np.sqrt(d))
    za = kg.latent.latent_for_seed(gan, 1, size["pairs"])
    zb = kg.latent.latent_for_seed(gan, 2, size["pairs"])

    # The latent norm along the path
    #
    # No images are needed here: the norm of every point of both paths, on 21 steps from
    # a (t = 0) to b (t = 1). For lerp, ||(1 - t) a + t b||^2 is about
    # d ((1 - t)^2 + t^2), since a and b are nearly orthogonal in 100 dimensions; we draw
    # that curve too.
    t_grid = np.linspace(0.0, 1.0, 21)
    lerp_path, slerp_path = interpolation_paths(za, zb, t_grid)
    norms = {"lerp": np.linalg.norm(lerp_path, axis=2), "slerp": np.linalg.norm(slerp_path, axis=2)}
    mid = len(t_grid) // 2  # t = 0.5
    prior_norms = np.linalg.norm(np.concatenate([za, zb]), axis=1)

    fig = Figure(figsize=(10, 3.8), dpi=100)
    ax_path, ax_hist = fig.subplots(1, 2)
    for name, color in (("lerp", "tab:red"), ("slerp", "tab:blue")):
        lo, hi = np.percentile(norms[name], [5, 95], axis=0)
        ax_path.fill_between(t_grid, lo, hi, color=color, alpha=0.2)
        ax_path.plot(t_grid, norms[name].mean(axis=0), color=color, label=f"{name} (mean, 5-95%)")
    ax_path.plot(t_grid, shell * np.sqrt((1 - t_grid) ** 2 + t_grid**2), "k:",
                 label=r"$\sqrt{d((1-t)^2+t^2)}$")
    ax_path.axhline(shell, color="k", ls="--", lw=1, label=rf"typical shell $\sqrt{{d}}$ = {shell:.0f}")
    ax_path.set(xlabel="t", ylabel="latent norm", ylim=(0, shell * 1.35),
                title=f"Latent norm along the path ({len(za)} pairs, d = {d})")
    ax_path.legend(loc="lower left", fontsize=8)
    bins = np.linspace(0, shell * 1.6, 60)
    ax_hist.hist(prior_norms, bins, color="0.6", alpha=0.6, density=True, label="prior samples N(0, I)")
    ax_hist.hist(norms["lerp"][:, mid], bins, color="tab:red", alpha=0.6, density=True, label="lerp, t = 0.5")
    ax_hist.hist(norms["slerp"][:, mid], bins, color="tab:blue", alpha=0.6, density=True,
                 label="slerp, t = 0.5", histtype="step", lw=2)
    ax_hist.axvline(shell, color="k", ls="--", lw=1)
    ax_hist.set(xlabel="latent norm", ylabel="density", title="Norms at the midpoint")
    ax_hist.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, out, "norm_along_path.png")

    # The images along the path
    #
    # Now the images at a few values of t, judged against the real test images. By symmetry
    # (a and b are drawn alike) t and 1 - t give the same statistics, so t in [0, 0.5]
    # covers the path; t = 0 is an ordinary sample, the same for both methods. The control,
    # "shrunk", is a single prior latent scaled by sqrt((1 - t)^2 + t^2): the norm lerp has
    # at t, with none of the mixing of two latents. If the shrunk control scores like lerp,
    # the norm explains lerp's midpoints.
    #
    # FID with a few hundred samples is biased upwards (quick mode's numbers are larger than
    # the full run's), but all methods here share the sample size, so they compare fairly.
    path_t = np.asarray(size["path_t"])
    lerp_q, slerp_q = interpolation_paths(za, zb, path_t)
    methods = {
        "lerp": lerp_q,
        "slerp": slerp_q,
        "shrunk": za[:, None] * np.sqrt((1 - path_t) ** 2 + path_t**2)[None, :, None],
    }
    quality = {name: {"fid": [], "confidence": []} for name in methods}
    at_midpoint = {}
    for j, t in enumerate(path_t):
        for name, latents in methods.items():
            if j == 0 and name != "lerp":  # t = 0: the same latents for every method
                for key in ("fid", "confidence"):
                    quality[name][key].append(quality["lerp"][key][0])
                continue
            images = gan.generate(len(latents), latents=np.ascontiguousarray(latents[:, j]))
            verdict = judge(evaluator, images, real_features)
            quality[name]["fid"].append(verdict["fid"])
            quality[name]["confidence"].append(verdict["confidence"])
            if j == 0:
                at_midpoint["samples (t = 0)"] = verdict
                endpoint_images = images
            if t == 0.5:
                at_midpoint[name] = verdict

    # Precision and recall (Kynkäänniemi et al., 2019) at the midpoint: is a worse FID a
    # matter of worse images (precision) or of less varied ones (recall)?
    reference = real_features[: max(2000, len(za))]
    for verdict in at_midpoint.values():
        verdict["precision"], verdict["recall"] = kg.metrics.precision_recall(
            reference, verdict["features"], k=3
        )

    fig = Figure(figsize=(10, 3.8), dpi=100)
    ax_fid, ax_conf = fig.subplots(1, 2)
    styles = {"lerp": ("tab:red", "o-"), "slerp": ("tab:blue", "s-"), "shrunk": ("tab:gray", "^--")}
    for name, (color, style) in styles.items():
        label = name if name != "shrunk" else "one latent shrunk to lerp's norm"
        ax_fid.plot(path_t, quality[name]["fid"], style, color=color, label=label)
        ax_conf.plot(path_t, quality[name]["confidence"], style, color=color, label=label)
    ax_fid.set(xlabel="t (t and 1 - t alike)", ylabel="FID vs real test images (lower is better)",
               title=f"FID along the path ({len(za)} images per point)")
    # A full-height axis: the differences between the methods are in the third decimal.
    ax_conf.set(xlabel="t (t and 1 - t alike)", ylabel="mean max-softmax", ylim=(0.5, 1.0),
                title="Evaluator confidence along the path")
    ax_fid.legend(fontsize=8)
    ax_conf.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, out, "quality_along_path.png")

    # A picture: lerp and slerp paths for a few seed pairs
    #
    # Rows come in pairs: lerp, then slerp, between the latents of the same two seeds
    # (`kg.latent.interpolate`). The two rows agree at both ends and differ most in the
    # middle.
    rows = []
    for seed_a, seed_b in ((10, 11), (12, 13), (14, 15), (16, 17)):
        for method in ("lerp", "slerp"):
            rows.append(kg.latent.interpolate(gan, seed_a, seed_b, steps=9, method=method))
    latents = np.concatenate(rows)
    path = kg.images.save_grid(gan.generate(len(latents), latents=latents),
                               os.path.join(out, "interpolation_grid.png"), columns=9)
    print(f"wrote {path}")

    results = {
        "pairs": int(len(za)),
        "latent_dim": int(d),
        "real_reference_images": int(len(real_features)),
        "midpoint_norm": {
            "lerp": float(norms["lerp"][:, mid].mean()),
            "slerp": float(norms["slerp"][:, mid].mean()),
            "prior": float(prior_norms.mean()),
            "sqrt_d": shell,
            "sqrt_d_over_2": float(np.sqrt(d / 2)),
        },
        "path_t": path_t.tolist(),
        "along_path": quality,
        "midpoint": {
            name: {k: float(v[k]) for k in ("fid", "confidence", "precision", "recall")}
            for name, v in at_midpoint.items()
        },
    }
    # The class mix of ordinary DCGAN samples and their latents, for part 2.
    samples = {"latents": za, "images": endpoint_images, "probs": at_midpoint["samples (t = 0)"]["probs"]}
    return results, samples


"""
## Part 2: vector arithmetic on class means

For each class k we take the `top` generated samples with the highest evaluator
probability of k, average their generator inputs, and compute
`kg.latent.vector_arithmetic(inputs_A, inputs_B, inputs_C)` = mean(A) - mean(B) + mean(C).

* **cGAN** (`kg.zoo.load("cgan_fashion_mnist")`): the generator's input is the 100-d latent
  concatenated with the one-hot label (layer `condition`), followed by a linear projection
  (`project`, no bias). The class means of the conditioning half are (nearly) one-hot
  vectors, and since `project` is linear, arithmetic on them is arithmetic on the learned
  class embeddings (the rows of `project`'s kernel that the labels select). The latent
  half carries the style and is drawn independently of the label, so its class means are
  close to zero; we replace it with fresh noise vectors, one per result image. To feed
  the generator a conditioning vector that is not one-hot we rebuild it from its
  `condition` layer on (the same layers, shared weights).
* **DCGAN** (the unconditional model of part 1, as in Radford et al.): the class means are
  means of latents; the result plus a little Gaussian noise (standard deviation 0.25,
  the paper's +-0.25 uniform noise) is generated.
"""


def generator_from_inputs(gan):
    """The cGAN's generator taking its concatenated input [latent, condition] directly."""
    gen = gan.generator
    names = [layer.name for layer in gen.layers]
    inputs = keras.Input(gen.get_layer("condition").output.shape[1:], name="generator_input")
    x = inputs
    for layer in gen.layers[names.index("condition") + 1 :]:
        x = layer(x)
    return keras.Model(inputs, x, name="generator_from_inputs")


def class_means(inputs, probs, top):
    """For each class: the generator inputs of the `top` samples with the highest
    evaluator probability of it, and their indices."""
    chosen = [np.argsort(-probs[:, k])[:top] for k in range(probs.shape[1])]
    return [inputs[i] for i in chosen], chosen


def shares(predicted, num_classes=10):
    return np.bincount(predicted, minlength=num_classes) / len(predicted)


def arithmetic(evaluator, generate, inputs, images, probs, result_inputs, size, rng):
    """Runs the equations and the random-triple control for one model.

    `generate(x)` maps generator inputs to images; `result_inputs(r, n, seed)` turns an
    arithmetic result `r` into `n` generator inputs (adds noise vectors)."""
    per_class, chosen = class_means(inputs, probs, size["top"])
    # The reference: how often an ordinary sample of this model is classified as each class.
    base = shares(probs.argmax(axis=1))
    report, panels = {}, []
    for a, b, c in EQUATIONS:
        result = kg.latent.vector_arithmetic(per_class[a], per_class[b], per_class[c])
        x = result_inputs(result, size["noise"], 1000 + 100 * a + 10 * b + c)
        out_images = generate(x)
        share = shares(evaluator.predict_classes(out_images))
        name = f"{CLASS_NAMES[a]} - {CLASS_NAMES[b]} + {CLASS_NAMES[c]}"
        report[name] = {
            "A": CLASS_NAMES[a], "B": CLASS_NAMES[b], "C": CLASS_NAMES[c],
            "shares": {CLASS_NAMES[k]: float(share[k]) for k in range(10)},
            "share_A": float(share[a]), "share_B": float(share[b]), "share_C": float(share[c]),
            "share_other": float(1 - share[a] - share[b] - share[c]),
            "most_common": CLASS_NAMES[int(share.argmax())],
            "result_norm": float(np.linalg.norm(result)),
        }
        panels.append(((a, b, c), [images[chosen[k][:8]] for k in (a, b, c)] + [out_images[:8]], share))

    # Control: the same arithmetic on random triples of distinct classes.
    triples = [rng.choice(10, 3, replace=False) for _ in range(size["triples"])]
    ctrl = {"A_or_C": [], "B": [], "other": [], "base_A_or_C": [], "base_B": []}
    for i, (a, b, c) in enumerate(triples):
        result = kg.latent.vector_arithmetic(per_class[a], per_class[b], per_class[c])
        images = generate(result_inputs(result, size["triple_noise"], 5000 + i))
        share = shares(evaluator.predict_classes(images))
        ctrl["A_or_C"].append(share[a] + share[c])
        ctrl["B"].append(share[b])
        ctrl["other"].append(1 - share[a] - share[b] - share[c])
        ctrl["base_A_or_C"].append(base[a] + base[c])
        ctrl["base_B"].append(base[b])
    control = {f"mean_share_{k}": float(np.mean(v)) for k, v in ctrl.items()}
    control["triples"] = len(triples)
    return {"equations": report, "random_triples": control,
            "sample_class_shares": {CLASS_NAMES[k]: float(base[k]) for k in range(10)}}, panels


def part_arithmetic(cgan, dcgan, evaluator, dcgan_samples, size, out):
    rng = np.random.default_rng(0)
    d = cgan.latent_dim
    eye = np.eye(cgan.num_classes, dtype="float32")

    # cGAN: `per_class` samples of every class, their generator inputs [z, one-hot].
    labels = np.repeat(np.arange(cgan.num_classes), size["per_class"])
    z = kg.latent.latent_for_seed(cgan, 3, len(labels))
    cgan_images = cgan.generate(len(labels), latents=z, labels=labels)
    cgan_inputs = np.concatenate([z, eye[labels]], axis=1)
    cgan_probs = judge(evaluator, cgan_images)["probs"]
    from_inputs = generator_from_inputs(cgan)

    def cgan_generate(x):
        return keras.ops.convert_to_numpy(from_inputs(x, training=False))

    def cgan_results(result, n, seed):
        # Fresh latents (the style), the arithmetic's conditioning half (the class).
        noise = kg.latent.latent_for_seed(cgan, seed, n)
        return np.concatenate([noise, np.tile(result[d:], (n, 1))], axis=1).astype("float32")

    # DCGAN: the ordinary samples of part 1 (t = 0) and their latents.
    def dcgan_generate(x):
        return dcgan.generate(len(x), latents=x)

    def dcgan_results(result, n, seed):
        return (result[None] + 0.25 * kg.latent.latent_for_seed(dcgan, seed, n)).astype("float32")

    results, panels = {}, {}
    results["cgan"], panels["cGAN (conditioning space)"] = arithmetic(
        evaluator, cgan_generate, cgan_inputs, cgan_images, cgan_probs, cgan_results, size, rng)
    results["cgan"]["samples_per_class"] = size["per_class"]
    results["dcgan"], panels["DCGAN (latent space)"] = arithmetic(
        evaluator, dcgan_generate, dcgan_samples["latents"], dcgan_samples["images"],
        dcgan_samples["probs"], dcgan_results, size, rng)
    results["dcgan"]["samples"] = int(len(dcgan_samples["latents"]))
    results["top_per_class"] = size["top"]
    results["result_images_per_equation"] = size["noise"]

    # The figure
    #
    # One panel per equation and model: rows A | B | C show the most confident samples
    # whose generator inputs were averaged (up to 8), the last row the result with 8 of the
    # noise vectors; the title gives the evaluator's three most common classes among all
    # the result images.
    fig = Figure(figsize=(8, 2.2 * len(EQUATIONS)))
    axes = fig.subplots(len(EQUATIONS), len(panels), squeeze=False)
    for col, (model_name, model_panels) in enumerate(panels.items()):
        for row, ((a, b, c), blocks, share) in enumerate(model_panels):
            grid = kg.images.make_grid(np.concatenate(blocks), columns=8)
            ax = axes[row, col]
            ax.imshow(grid[..., 0], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
            step = grid.shape[0] / 4
            ax.set_yticks([step * (i + 0.5) for i in range(4)])
            ax.set_yticklabels([f"A: {CLASS_NAMES[a]}", f"- B: {CLASS_NAMES[b]}",
                                f"+ C: {CLASS_NAMES[c]}", "= result"], fontsize=8)
            ax.set_xticks([])
            best = np.argsort(-share)[:3]
            verdict = ", ".join(f"{CLASS_NAMES[k]} {share[k]:.0%}" for k in best if share[k] > 0)
            equation = f"{CLASS_NAMES[a]} - {CLASS_NAMES[b]} + {CLASS_NAMES[c]}"
            ax.set_title(f"{model_name}\n{equation}\nresult: {verdict}", fontsize=8)
    fig.tight_layout()
    save_figure(fig, out, "vector_arithmetic.png")
    return results


"""
## Run, record, assert
"""


def main():
    args = parse_args("latent_space", __doc__.splitlines()[1].removeprefix("Title: "))
    size = SIZES[args.quick]
    start = time.time()

    dcgan = kg.zoo.load("dcgan_fashion_mnist")
    cgan = kg.zoo.load("cgan_fashion_mnist")
    evaluator = kg.metrics.Evaluator()
    real_images, _ = kg.metrics.real_images("test")
    real_images = real_images[: size["real"]]
    real_features = evaluator.features(real_images)

    seconds = {"setup": time.time() - start}
    interpolation, dcgan_samples = part_interpolation(dcgan, evaluator, real_features, size, args.out)
    seconds["interpolation"] = time.time() - start - sum(seconds.values())
    vector = part_arithmetic(cgan, dcgan, evaluator, dcgan_samples, size, args.out)
    seconds["vector_arithmetic"] = time.time() - start - sum(seconds.values())
    seconds["total"] = time.time() - start
    # `write_results` adds the mode of the run, the backend and the Keras version.
    results = write_results(
        args.out, bool(args.quick),
        interpolation=interpolation,
        vector_arithmetic=vector,
        # Which preset versions were measured (the zoo's presets are retrained now and then).
        presets={name: preset_version(name) for name in ("dcgan_fashion_mnist", "cgan_fashion_mnist")},
        seconds={k: round(v, 1) for k, v in seconds.items()},
    )

    norm, mid = interpolation["midpoint_norm"], interpolation["midpoint"]
    print(f"midpoint norm: lerp {norm['lerp']:.2f}, slerp {norm['slerp']:.2f}, "
          f"prior {norm['prior']:.2f} (sqrt(d) = {norm['sqrt_d']:.1f})")
    for name, v in mid.items():
        print(f"  {name:16s} FID {v['fid']:7.2f}  confidence {v['confidence']:.3f}  "
              f"precision {v['precision']:.3f}  recall {v['recall']:.3f}")
    for model in ("cgan", "dcgan"):
        for name, eq in vector[model]["equations"].items():
            top = sorted(eq["shares"].items(), key=lambda kv: -kv[1])[:3]
            print(f"  {model}: {name} -> " + ", ".join(f"{k} {v:.0%}" for k, v in top if v > 0))
        print(f"  {model}: random triples {vector[model]['random_triples']}")
    print(f"{results['backend']}: {results['seconds']} s")

    # The directions the lecture claims, with margins, never exact values:
    #
    # * slerp's midpoints stay on the shell, lerp's fall well inside it (deterministic);
    # * the FID of slerp's midpoints is lower than lerp's;
    # * for both models, A - B + C generates mostly A or C (far above their frequency among
    #   ordinary samples) and almost never B (far below its frequency), on random triples
    #   and on the chosen equations.
    assert abs(norm["slerp"] - norm["sqrt_d"]) < 0.05 * norm["sqrt_d"], norm
    assert norm["lerp"] < 0.8 * norm["sqrt_d"], norm
    assert mid["slerp"]["fid"] < mid["lerp"]["fid"], mid
    for model in ("cgan", "dcgan"):
        control = vector[model]["random_triples"]
        assert control["mean_share_A_or_C"] > 2 * control["mean_share_base_A_or_C"], (model, control)
        assert control["mean_share_B"] < 0.5 * control["mean_share_base_B"], (model, control)
        subtracted = np.mean([eq["share_B"] for eq in vector[model]["equations"].values()])
        assert subtracted < 0.5 * control["mean_share_base_B"], (model, subtracted)


"""
## What the full run says

The full run (TensorFlow; `benchmarks/figures/experiments/latent_space/results.json`,
which also records the sha256 of the two presets measured: the 30-epoch DCGAN of
2026-12-02 and the 10-epoch cGAN), 2000 pairs and the 10,000 test images as reference:

* **Norms.** The mean norm at t = 0.5 is 7.06 for lerp (theory: sqrt(50) = 7.07) and
  9.97 for slerp, on the prior's shell (9.96). The two histograms do not overlap.
* **FID along the path.** Slerp stays near the FID of ordinary samples (37.5 at the
  midpoint vs 35.7 at t = 0); lerp climbs to 46.4 at the midpoint. A single latent shrunk
  to lerp's norm climbs alike (44.2): the norm, more than the mixing of two images,
  explains lerp's worse midpoints. The lecture's claim holds for this DCGAN.
* **But not image by image.** The evaluator is about as confident on lerp's midpoints
  as on slerp's (mean max-softmax 0.791 vs 0.802). What changes is the mix: lerp's
  midpoints have a higher precision and a lower recall (0.693 / 0.671 vs 0.652 / 0.758),
  and so does the shrunk control (0.690 / 0.663). Short latents behave like the
  truncation trick: typical, plausible images, but fewer kinds of them. FID, which
  compares distributions, sees that; a per-image confidence barely does. On the picture
  grid the lerp and slerp rows look nearly the same, because both midpoints point the
  same way and slerp's is just about 1.4 times longer.
* **Arithmetic.** In both models A - B + C generates A or C and almost never B. Over 120
  random class triples, 85% (cGAN) and 77% (DCGAN) of the results are classified as A or
  C, against about 20% of ordinary samples, and 0.1% / 0.4% as B, against about 10%. So
  the arithmetic works as a set operation ("A and C, not B") rather than as an analogy
  with a fourth answer. In the cGAN the conditioning vectors are orthogonal one-hot codes,
  so A - B + C is symmetric in A and C. Sneaker - sandal + ankle boot gives ankle boots
  and sneakers (70% / 30% in the cGAN, 81% / 19% in the DCGAN). The nearest thing to an
  analogy is pullover - T-shirt/top + dress, which the cGAN turns into coats 42% of the
  time (pullovers 40%), a class it was not asked for; the DCGAN makes pullovers (92%).
  The DCGAN's class means can also go wrong: coat - pullover + shirt generates trousers
  (84%) there, while the cGAN gives shirts and coats (66% / 31%).

Quick mode draws fewer samples (400 pairs against 2000 test images), so its FIDs are
higher, but the directions are the same on both backends.
"""


if __name__ == "__main__":
    main()
