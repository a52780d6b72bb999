"""Plain hand-written training loops of the zoo's networks, on each backend.

`benchmarks/throughput.py` times `fit` against these loops: the *same*
networks and optimizers (taken from a freshly loaded preset, compiled with
its recipe), the same losses and the same number of network passes per step,
written the way one would by hand for each backend, with none of keras-gans'
machinery (no trainer, no `OptimizerGroup`, no trackers, no data checks):

- TensorFlow: one `tf.function` (no XLA, TensorFlow's CPU default) with a
  `GradientTape` per update;
- JAX: one `jax.jit` of `stateless_call` + `jax.value_and_grad` +
  `stateless_apply` over explicit state;
- PyTorch: eager `torch.autograd.grad` and `optimizer.apply` under
  `torch.no_grad()`, as Keras' own torch trainer does.

Each variant's objective is a `Spec`: its networks, its players (the
networks one optimizer trains and the loss it minimizes, `repeats` times a
step), the noise it draws (on the host, with NumPy, included in the batch),
and the moving averages it keeps. Losses are written with `keras.ops` on a
`ctx`: `ctx("G", z)` runs network "G" in training mode, and
`ctx.input_gradient("D", x)` is the gradient of the sum of D's output with
respect to `x` (gradient penalties).

Where the reference is lighter than the variant (stated on the spec), the
difference is small: StyleGAN's reference uses one w per image (no style
mixing) and no `w_avg` update; CycleGAN's skips the image pools; moving
averages use a constant decay instead of the ramped one.
"""

import functools

import keras
import numpy as np
from keras import ops

from keras_gans.models.next_frame import gradient_difference

BACKEND = keras.backend.backend()


# ---------------------------------------------------------------- losses


def d_loss(kind, real, fake):
    if kind == "least_squares":
        return 0.5 * ops.mean(ops.square(real - 1.0)) + 0.5 * ops.mean(ops.square(fake))
    if kind == "wasserstein":
        return ops.mean(fake) - ops.mean(real)
    if kind == "hinge":
        return ops.mean(ops.relu(1.0 - real)) + ops.mean(ops.relu(1.0 + fake))
    return ops.mean(ops.softplus(-real)) + ops.mean(ops.softplus(fake))


def g_loss(kind, fake):
    if kind == "least_squares":
        return 0.5 * ops.mean(ops.square(fake - 1.0))
    if kind in ("wasserstein", "hinge"):
        return -ops.mean(fake)
    if kind == "minimax":
        return -ops.mean(ops.softplus(fake))
    return ops.mean(ops.softplus(-fake))


def cross_entropy(labels, logits):
    return ops.mean(keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))


def l1(a, b):
    return ops.mean(ops.abs(a - b))


def mse(a, b):
    return ops.mean(ops.square(a - b))


# ---------------------------------------------------------------- specs


class Player:
    """The networks one optimizer trains and the loss it minimizes,
    `repeats` times a step (`loss(ctx, batch, repeat, extra)`)."""

    def __init__(self, name, networks, loss, optimizer, repeats=1):
        self.name, self.networks, self.loss = name, list(networks), loss
        self.optimizer, self.repeats = optimizer, int(repeats)


class Spec:
    """A variant's objective for the reference loops.

    Args:
        networks: `{name: keras.Model}`.
        players: `Player`s, in update order.
        noise: `noise(rng, batch) -> dict` of host-drawn arrays added to
            each batch.
        averages: `(average_name, network_name, decay)` moving averages
            updated after each step (the average network is frozen).
        extra_every: a step with `extra=True` every this many steps
            (StyleGAN's lazy R1); 0: never.
    """

    def __init__(self, networks, players, noise, averages=(), extra_every=0):
        self.networks, self.players, self.noise = networks, players, noise
        self.averages, self.extra_every = list(averages), int(extra_every)


def _normal(rng, *shape):
    return rng.standard_normal(shape, dtype=np.float32)


def _latents(model, rng, repeats, batch):
    if getattr(model, "latent_distribution", "normal") == "uniform":
        return rng.uniform(-1, 1, (repeats, batch, model.latent_dim)).astype("float32")
    return _normal(rng, repeats, batch, model.latent_dim)


def _averages(model):
    if getattr(model, "average_generator", None) is None:
        return []
    return [("G_average", "G", model.ema_decay)]


def _networks(model):
    nets = {"G": model.generator, "D": model.discriminator}
    if getattr(model, "average_generator", None) is not None:
        nets["G_average"] = model.average_generator
    return nets


def unconditional_spec(model, gradient_penalty=0.0):
    """GAN, DCGAN, WGAN-GP: D on real and G(z) batches, then G."""
    kind, repeats = model.adversarial_loss.name, model.d_steps

    def noise(rng, batch):
        out = {"z_d": _latents(model, rng, repeats, batch), "z_g": _latents(model, rng, 1, batch)[0]}
        if gradient_penalty:
            out["alpha"] = rng.uniform(size=(repeats, batch) + (1,) * len(model.data_shape)).astype("float32")
        return out

    def discriminator(ctx, batch, r, extra):
        real = batch["real"]
        fake = ops.stop_gradient(ctx("G", batch["z_d"][r]))
        loss = d_loss(kind, ctx("D", real), ctx("D", fake))
        if gradient_penalty:
            alpha = batch["alpha"][r]
            grads = ctx.input_gradient("D", alpha * real + (1.0 - alpha) * fake)
            norm = ops.sqrt(ops.sum(ops.square(grads), axis=tuple(range(1, len(grads.shape)))) + 1e-12)
            loss = loss + gradient_penalty * ops.mean(ops.square(norm - 1.0))
        return loss

    def generator(ctx, batch, r, extra):
        return g_loss(kind, ctx("D", ctx("G", batch["z_g"])))

    players = [Player("D", ["D"], discriminator, model.d_optimizer, repeats),
               Player("G", ["G"], generator, model.g_optimizer)]
    return Spec(_networks(model), players, noise, _averages(model))


def wgan_gp_spec(model):
    return unconditional_spec(model, gradient_penalty=model.gp_weight)


def _label_noise(model, rng, batch):
    return {"z_d": _latents(model, rng, 1, batch)[0], "z_g": _latents(model, rng, 1, batch)[0],
            "y_d": rng.integers(0, model.num_classes, batch).astype("int32"),
            "y_g": rng.integers(0, model.num_classes, batch).astype("int32")}


def cgan_spec(model):
    """cGAN: labels enter both networks."""
    kind = model.adversarial_loss.name

    def discriminator(ctx, batch, r, extra):
        fake = ops.stop_gradient(ctx("G", batch["z_d"], batch["y_d"]))
        return d_loss(kind, ctx("D", batch["real"], batch["labels"]), ctx("D", fake, batch["y_d"]))

    def generator(ctx, batch, r, extra):
        return g_loss(kind, ctx("D", ctx("G", batch["z_g"], batch["y_g"]), batch["y_g"]))

    players = [Player("D", ["D"], discriminator, model.d_optimizer),
               Player("G", ["G"], generator, model.g_optimizer)]
    return Spec(_networks(model), players, functools.partial(_label_noise, model))


def acgan_spec(model):
    """AC-GAN: D also classifies, real and fake."""
    kind, weight = model.adversarial_loss.name, model.class_weight

    def discriminator(ctx, batch, r, extra):
        fake = ops.stop_gradient(ctx("G", batch["z_d"], batch["y_d"]))
        real_logit, real_classes = ctx("D", batch["real"])
        fake_logit, fake_classes = ctx("D", fake)
        classes = cross_entropy(batch["labels"], real_classes) + cross_entropy(batch["y_d"], fake_classes)
        return d_loss(kind, real_logit, fake_logit) + weight * classes

    def generator(ctx, batch, r, extra):
        logit, classes = ctx("D", ctx("G", batch["z_g"], batch["y_g"]))
        return g_loss(kind, logit) + weight * cross_entropy(batch["y_g"], classes)

    players = [Player("D", ["D"], discriminator, model.d_optimizer),
               Player("G", ["G"], generator, model.g_optimizer)]
    return Spec(_networks(model), players, functools.partial(_label_noise, model))


def infogan_spec(model):
    """InfoGAN: Q (D's second and third heads) recovers the codes."""
    kind = model.adversarial_loss.name
    categories, continuous = model.num_categories, model.num_continuous

    def noise(rng, batch):
        out = {}
        for key in ("d", "g"):
            codes = rng.integers(0, categories, batch)
            out[f"z_{key}"] = np.concatenate([
                _normal(rng, batch, model.noise_dim), np.eye(categories, dtype="float32")[codes],
                rng.uniform(-1, 1, (batch, continuous)).astype("float32")], axis=1)
            out[f"c_{key}"] = codes.astype("int32")
        return out

    def information(batch, key, category_logits, continuous_codes):
        codes = batch[f"z_{key}"][:, model.noise_dim + categories:]
        loss = cross_entropy(batch[f"c_{key}"], category_logits)
        if continuous:
            loss = loss + model.continuous_weight * mse(continuous_codes, codes)
        return model.info_weight * loss

    def discriminator(ctx, batch, r, extra):
        fake = ops.stop_gradient(ctx("G", batch["z_d"]))
        real_logit, _, _ = ctx("D", batch["real"])
        fake_logit, category_logits, codes = ctx("D", fake)
        return d_loss(kind, real_logit, fake_logit) + information(batch, "d", category_logits, codes)

    def generator(ctx, batch, r, extra):
        logit, category_logits, codes = ctx("D", ctx("G", batch["z_g"]))
        return g_loss(kind, logit) + information(batch, "g", category_logits, codes)

    players = [Player("D", ["D"], discriminator, model.d_optimizer),
               Player("G", ["G"], generator, model.g_optimizer)]
    return Spec(_networks(model), players, noise, _averages(model))


def sgan_spec(model):
    """SGAN: D's K class logits; realness is their logsumexp."""
    kind = model.adversarial_loss.name

    def noise(rng, batch):
        return {"z_d": _latents(model, rng, 1, batch)[0], "z_g": _latents(model, rng, 1, batch)[0]}

    def discriminator(ctx, batch, r, extra):
        fake = ops.stop_gradient(ctx("G", batch["z_d"]))
        real_logits, _ = ctx("D", batch["real"])
        fake_logits, _ = ctx("D", fake)
        labeled_logits, _ = ctx("D", batch["labeled"])
        unsupervised = d_loss(kind, ops.logsumexp(real_logits, axis=1), ops.logsumexp(fake_logits, axis=1))
        return unsupervised + model.supervised_weight * cross_entropy(batch["labels"], labeled_logits)

    def generator(ctx, batch, r, extra):
        fake_logits, fake_features = ctx("D", ctx("G", batch["z_g"]))
        if not model.feature_matching:
            return g_loss(kind, ops.logsumexp(fake_logits, axis=1))
        _, real_features = ctx("D", batch["real"])
        target = ops.stop_gradient(ops.mean(real_features, axis=0))
        return ops.mean(ops.square(target - ops.mean(fake_features, axis=0)))

    players = [Player("D", ["D"], discriminator, model.d_optimizer),
               Player("G", ["G"], generator, model.g_optimizer)]
    return Spec(_networks(model), players, noise, _averages(model))


def paired_spec(model):
    """Pix2Pix, SRGAN, next-frame prediction: G(source) against targets,
    D on `(source, sample)` pairs or on samples alone."""
    kind = model.adversarial_loss.name
    conditional = model.conditional_discriminator

    def judge(ctx, source, sample):
        return ctx("D", source, sample) if conditional else ctx("D", sample)

    def terms(batch, fake):
        real = batch["real"]
        name = type(model).__name__
        if name == "Pix2Pix":
            return model.l1_weight * l1(real, fake)
        total = model.mse_weight * mse(real, fake)
        if name == "SRGAN" and model.content_distance is not None:
            total = total + model.content_weight * model.content_distance(real, fake)
        if name == "NextFramePredictor" and model.gdl_weight:
            total = total + model.gdl_weight * gradient_difference(real, fake)
        return total

    def discriminator(ctx, batch, r, extra):
        fake = ops.stop_gradient(ctx("G", batch["source"]))
        return d_loss(kind, judge(ctx, batch["source"], batch["real"]), judge(ctx, batch["source"], fake))

    def generator(ctx, batch, r, extra):
        fake = ctx("G", batch["source"])
        total = terms(batch, fake)
        if model.adversarial_weight:
            total = total + model.adversarial_weight * g_loss(kind, judge(ctx, batch["source"], fake))
        return total

    players = [Player("G", ["G"], generator, model.g_optimizer)]
    if model.adversarial_weight:
        players.insert(0, Player("D", ["D"], discriminator, model.d_optimizer))
    return Spec(_networks(model), players, lambda rng, batch: {})


def cyclegan_spec(model):
    """CycleGAN: two generators, two discriminators, cycle and identity."""
    kind = model.adversarial_loss.name
    networks = {"G_ab": model.generator, "G_ba": model.generator_ba,
                "D_b": model.discriminator, "D_a": model.discriminator_a}

    def discriminator(ctx, batch, r, extra):
        a, b = batch["a"], batch["b"]
        fake_b = ops.stop_gradient(ctx("G_ab", a))
        fake_a = ops.stop_gradient(ctx("G_ba", b))
        return 0.5 * (d_loss(kind, ctx("D_b", b), ctx("D_b", fake_b))
                      + d_loss(kind, ctx("D_a", a), ctx("D_a", fake_a)))

    def generator(ctx, batch, r, extra):
        a, b = batch["a"], batch["b"]
        fake_b, fake_a = ctx("G_ab", a), ctx("G_ba", b)
        total = g_loss(kind, ctx("D_b", fake_b)) + g_loss(kind, ctx("D_a", fake_a))
        total = total + model.cycle_weight * (l1(ctx("G_ba", fake_b), a) + l1(ctx("G_ab", fake_a), b))
        if model.identity_weight:
            total = total + model.identity_weight * (l1(ctx("G_ba", a), a) + l1(ctx("G_ab", b), b))
        return total

    players = [Player("D", ["D_a", "D_b"], discriminator, model.d_optimizer),
               Player("G", ["G_ab", "G_ba"], generator, model.g_optimizer)]
    return Spec(networks, players, lambda rng, batch: {})


def stylegan_spec(model):
    """StyleGAN: non-saturating loss, lazy R1 on real images every
    `r1_interval` steps, the EMA generator (one w per image: no mixing)."""
    networks = {"G": model.generator, "D": model.discriminator, "G_ema": model.generator_ema}

    def noise(rng, batch):
        return {"z_d": _normal(rng, batch, model.latent_dim), "z_g": _normal(rng, batch, model.latent_dim)}

    def discriminator(ctx, batch, r, extra):
        fake = ops.stop_gradient(ctx("G", batch["z_d"]))
        loss = d_loss("non_saturating", ctx("D", batch["real"]), ctx("D", fake))
        if extra:
            grads = ctx.input_gradient("D", batch["real"])
            r1 = ops.mean(ops.sum(ops.square(grads), axis=(1, 2, 3)))
            loss = loss + 0.5 * model.r1_gamma * model.r1_interval * r1
        return loss

    def generator(ctx, batch, r, extra):
        return g_loss("non_saturating", ctx("D", ctx("G", batch["z_g"])))

    players = [Player("D", ["D"], discriminator, model.d_optimizer),
               Player("G", ["G"], generator, model.g_optimizer)]
    decay = 0.5 ** (32 / model.ema_half_life)  # the ramped-up decay at batch 32
    return Spec(networks, players, noise, [("G_ema", "G", decay)],
                extra_every=model.r1_interval if model.r1_gamma else 0)


def vae_spec(model):
    """VAE: one optimizer, the negative ELBO with Bernoulli pixels."""
    networks = {"encoder": model.encoder, "decoder": model.decoder}

    def noise(rng, batch):
        return {"eps": _normal(rng, batch, model.latent_dim)}

    def elbo(ctx, batch, r, extra):
        images = batch["real"]
        mean, log_var = ctx("encoder", images)
        logits = ctx("decoder", mean + ops.exp(0.5 * log_var) * batch["eps"])
        targets = (images + 1.0) / 2.0
        reconstruction = ops.sum(
            ops.reshape(ops.softplus(logits) - targets * logits, (ops.shape(logits)[0], -1)), axis=1
        )
        kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=1)
        return ops.mean(reconstruction + model.kl_weight * kl)

    return Spec(networks, [Player("model", list(networks), elbo, model.optimizer)], noise)


SPECS = {
    "GAN": unconditional_spec, "DCGAN": unconditional_spec, "WGANGP": wgan_gp_spec,
    "CGAN": cgan_spec, "ACGAN": acgan_spec, "InfoGAN": infogan_spec, "SGAN": sgan_spec,
    "Pix2Pix": paired_spec, "SRGAN": paired_spec, "NextFramePredictor": paired_spec,
    "CycleGAN": cyclegan_spec, "StyleGAN": stylegan_spec, "VAE": vae_spec,
}


def spec_for(model):
    """The reference objective of a compiled zoo model."""
    return SPECS[type(model).__name__](model)


# ---------------------------------------------------------------- the loops


def _variables(spec, player):
    return [v for name in player.networks for v in spec.networks[name].trainable_variables]


def make_step(spec):
    """`step(batch, extra) -> loss`: one training step of `spec` on a dict of
    NumPy arrays, hand-written for the running backend."""
    for player in spec.players:
        # `stateless_apply` pairs gradients and slots by position: the
        # player's variables must be in the order its optimizer was built on.
        variables = _variables(spec, player)
        if not player.optimizer.built:
            player.optimizer.build(variables)
        built = getattr(player.optimizer, "_trainable_variables", None)
        if built is not None:
            assert [id(v) for v in built] == [id(v) for v in variables], player.name
    return {"tensorflow": _tensorflow_step, "jax": _jax_step, "torch": _torch_step}[BACKEND](spec)


def _call(networks, name, inputs):
    inputs = inputs[0] if len(inputs) == 1 else list(inputs)
    return networks[name](inputs, training=True)


def _tensorflow_step(spec):
    import tensorflow as tf

    class Context:
        def __call__(self, name, *inputs):
            return _call(spec.networks, name, inputs)

        def input_gradient(self, name, x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = tf.reduce_sum(self(name, x))
            return tape.gradient(y, x)

    ctx = Context()

    @tf.function(jit_compile=False)
    def step(batch, extra):
        for player in spec.players:
            variables = _variables(spec, player)
            for r in range(player.repeats):
                with tf.GradientTape() as tape:
                    loss = player.loss(ctx, batch, r, extra)
                player.optimizer.apply(tape.gradient(loss, variables), variables)
        for average, name, decay in spec.averages:
            for a, c in zip(spec.networks[average].weights, spec.networks[name].weights):
                a.assign(c + (a - c) * decay if c.trainable else c)
        return loss

    def run(batch, extra):
        return float(step({k: tf.constant(v) for k, v in batch.items()}, bool(extra)))

    return run


def _torch_step(spec):
    import torch

    class Context:
        def __call__(self, name, *inputs):
            return _call(spec.networks, name, inputs)

        def input_gradient(self, name, x):
            x = x.detach().requires_grad_(True)
            return torch.autograd.grad(self(name, x).sum(), x, create_graph=True)[0]

    ctx = Context()

    def run(batch, extra):
        batch = {k: ops.convert_to_tensor(v) for k, v in batch.items()}
        for player in spec.players:
            variables = _variables(spec, player)
            for r in range(player.repeats):
                loss = player.loss(ctx, batch, r, extra)
                grads = torch.autograd.grad(loss, [v.value for v in variables])
                with torch.no_grad():
                    player.optimizer.apply(list(grads), variables)
        with torch.no_grad():
            for average, name, decay in spec.averages:
                for a, c in zip(spec.networks[average].weights, spec.networks[name].weights):
                    a.assign(c + (a - c) * decay if c.trainable else c)
        return float(loss.detach())

    return run


def _jax_step(spec):
    import jax
    import jax.numpy as jnp

    networks = spec.networks

    class Context:
        """Networks called statelessly on `trainable` values; their new
        non-trainable values (BatchNorm statistics) collect in `updates`."""

        def __init__(self, trainable, non_trainable, record=True):
            self.trainable, self.non_trainable = trainable, non_trainable
            self.updates, self.record = {}, record

        def __call__(self, name, *inputs):
            inputs = inputs[0] if len(inputs) == 1 else list(inputs)
            state = self.updates.get(name, self.non_trainable[name])
            outputs, new_state = networks[name].stateless_call(
                self.trainable[name], state, inputs, training=True
            )
            if self.record:
                self.updates[name] = new_state
            return outputs

        def input_gradient(self, name, x):
            inner = Context(self.trainable, {**self.non_trainable, **self.updates}, record=False)
            return jax.grad(lambda v: jnp.sum(inner(name, v)))(x)

    def loss_of(player, r, extra, batch, trainable, non_trainable, own):
        trainable = {**trainable, **dict(zip(player.networks, own))}
        ctx = Context(trainable, non_trainable)
        return player.loss(ctx, batch, r, extra), ctx.updates

    @functools.partial(jax.jit, static_argnums=(2,))
    def step(state, batch, extra):
        trainable, non_trainable, slots = state
        slots = dict(slots)
        for player in spec.players:
            for r in range(player.repeats):
                own = [trainable[n] for n in player.networks]
                (loss, updates), grads = jax.value_and_grad(
                    lambda values: loss_of(player, r, extra, batch, trainable, non_trainable, values),
                    has_aux=True,
                )(own)
                non_trainable = {**non_trainable, **updates}
                sizes = [len(values) for values in own]
                flat, slots[player.name] = player.optimizer.stateless_apply(
                    slots[player.name], sum(grads, []), sum(own, [])
                )
                for name, size in zip(player.networks, sizes):
                    trainable = {**trainable, name: flat[:size]}
                    flat = flat[size:]
        for average, name, decay in spec.averages:
            net, copy = networks[name], networks[average]
            current = _by_weight(net, trainable[name], non_trainable[name])
            # The frozen copy holds its weights (and seed states) as
            # non-trainable variables: update those that mirror a weight.
            slot = {id(v): i for i, v in enumerate(copy.non_trainable_variables)}
            values = list(non_trainable[average])
            for w_copy, w, c in zip(copy.weights, net.weights, current):
                i = slot[id(w_copy)]
                values[i] = c + (values[i] - c) * decay if w.trainable else c
            non_trainable = {**non_trainable, average: values}
        return (trainable, non_trainable, slots), loss

    state = [(
        {n: [v.value for v in net.trainable_variables] for n, net in networks.items()},
        {n: [v.value for v in net.non_trainable_variables] for n, net in networks.items()},
        {p.name: [v.value for v in p.optimizer.variables] for p in spec.players},
    )]
    for average, _, _ in spec.averages:
        assert not networks[average].trainable_variables, average

    def run(batch, extra):
        state[0], loss = step(state[0], batch, bool(extra))
        return float(loss.block_until_ready())

    return run


def _by_weight(network, trainable, non_trainable):
    """The values of `network.weights`, in order, from its two lists."""
    position = {id(v): ("t", i) for i, v in enumerate(network.trainable_variables)}
    position.update({id(v): ("n", i) for i, v in enumerate(network.non_trainable_variables)})
    values = {"t": trainable, "n": non_trainable}
    return [values[kind][i] for kind, i in (position[id(w)] for w in network.weights)]
