"""Adversarial losses and discriminator regularizers, in pure `keras.ops`.

Discriminators in keras-gans output *logits* (no sigmoid). A loss object maps
logits to the two players' objectives:

| name             | discriminator                               | generator                               |
|------------------|---------------------------------------------|-----------------------------------------|
| `minimax`        | -E log D(x) - E log(1 - D(G(z)))            | E log(1 - D(G(z)))  (saturating)        |
| `non_saturating` | same as minimax                             | -E log D(G(z))                          |
| `max_likelihood` | same as minimax                             | -1/2 E exp(sigmoid^-1(D(G(z))))         |
| `least_squares`  | 1/2 E (D(x) - 1)^2 + 1/2 E D(G(z))^2        | 1/2 E (D(G(z)) - 1)^2                   |
| `hinge`          | E relu(1 - D(x)) + E relu(1 + D(G(z)))      | -E D(G(z))                              |
| `wasserstein`    | E D(G(z)) - E D(x)                          | -E D(G(z))                              |

where D(.) = sigmoid(logits) for the first three and the raw output otherwise.
Since sigmoid^-1(sigmoid(l)) = l, the maximum-likelihood generator loss is
-1/2 E exp(l) on the fake logits l (Goodfellow, 2014).

`gradient_penalty` (WGAN-GP) and `r1_penalty` regularize the discriminator
through the gradient of its output with respect to its input, on both
backends.

Example:

```python
loss = keras_gans.losses.get("non_saturating")
d_loss = loss.discriminator_loss(real_logits, fake_logits)
g_loss = loss.generator_loss(fake_logits)
```
"""

import difflib

import keras
from keras import ops

from keras_gans.core import backend


def _mean(x):
    return ops.mean(ops.cast(x, "float32"))


class AdversarialLoss:
    """Base class: a pair of discriminator and generator objectives.

    Subclasses implement `discriminator_loss(real_logits, fake_logits)` and
    `generator_loss(fake_logits)`; both return a scalar to minimize.

    Args:
        real_label: target for real samples in the cross-entropy losses;
            `0.9` gives one-sided label smoothing (Salimans et al., 2016).
    """

    name = None

    def __init__(self, real_label=1.0):
        if not 0.0 < float(real_label) <= 1.0:
            raise ValueError(
                f"`real_label` must be in (0, 1], received {real_label}."
            )
        self.real_label = float(real_label)

    def discriminator_loss(self, real_logits, fake_logits):
        raise NotImplementedError

    def generator_loss(self, fake_logits):
        raise NotImplementedError

    def get_config(self):
        return {"real_label": self.real_label}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}(real_label={self.real_label})"


class _CrossEntropyDiscriminator(AdversarialLoss):
    """-E log D(x) - E log(1 - D(G(z))) with optional smoothed real targets."""

    def discriminator_loss(self, real_logits, fake_logits):
        # BCE(t, sigmoid(l)) = t * softplus(-l) + (1 - t) * softplus(l).
        t = self.real_label
        real_term = t * ops.softplus(-real_logits) + (1.0 - t) * ops.softplus(
            real_logits
        )
        return _mean(real_term) + _mean(ops.softplus(fake_logits))


@keras.saving.register_keras_serializable(package="keras_gans")
class Minimax(_CrossEntropyDiscriminator):
    """The original minimax game; the generator minimizes E log(1 - D(G(z)))."""

    name = "minimax"

    def generator_loss(self, fake_logits):
        # log(1 - sigmoid(l)) = -softplus(l)
        return _mean(-ops.softplus(fake_logits))


@keras.saving.register_keras_serializable(package="keras_gans")
class NonSaturating(_CrossEntropyDiscriminator):
    """The generator maximizes log D(G(z)): strong gradients early on."""

    name = "non_saturating"

    def generator_loss(self, fake_logits):
        return _mean(ops.softplus(-fake_logits))


@keras.saving.register_keras_serializable(package="keras_gans")
class MaxLikelihood(_CrossEntropyDiscriminator):
    """The generator minimizes -1/2 E exp(sigmoid^-1(D(G(z))))."""

    name = "max_likelihood"

    def generator_loss(self, fake_logits):
        return -0.5 * _mean(ops.exp(fake_logits))


@keras.saving.register_keras_serializable(package="keras_gans")
class LeastSquares(AdversarialLoss):
    """LSGAN (Mao et al., 2017): the discriminator's targets are 0 for fake and
    `real_label` for real samples; the generator's target is 1."""

    name = "least_squares"

    def discriminator_loss(self, real_logits, fake_logits):
        return 0.5 * _mean(ops.square(real_logits - self.real_label)) + 0.5 * _mean(
            ops.square(fake_logits)
        )

    def generator_loss(self, fake_logits):
        return 0.5 * _mean(ops.square(fake_logits - 1.0))


@keras.saving.register_keras_serializable(package="keras_gans")
class Hinge(AdversarialLoss):
    """Hinge loss (Lim & Ye, 2017; used by SN-GAN and BigGAN)."""

    name = "hinge"

    def discriminator_loss(self, real_logits, fake_logits):
        return _mean(ops.relu(1.0 - real_logits)) + _mean(ops.relu(1.0 + fake_logits))

    def generator_loss(self, fake_logits):
        return -_mean(fake_logits)


@keras.saving.register_keras_serializable(package="keras_gans")
class Wasserstein(AdversarialLoss):
    """The WGAN critic objective; pair it with `gradient_penalty`."""

    name = "wasserstein"

    def discriminator_loss(self, real_logits, fake_logits):
        return _mean(fake_logits) - _mean(real_logits)

    def generator_loss(self, fake_logits):
        return -_mean(fake_logits)


_LOSSES = {
    cls.name: cls
    for cls in (Minimax, NonSaturating, MaxLikelihood, LeastSquares, Hinge, Wasserstein)
}


def names():
    """The names accepted by `get`."""
    return sorted(_LOSSES)


def get(identifier, **kwargs):
    """Returns an `AdversarialLoss` from a name, a config dict or an object.

    Args:
        identifier: one of `names()`, an `AdversarialLoss` instance, or a
            serialized loss.
        **kwargs: constructor arguments when `identifier` is a name, e.g.
            `real_label=0.9`.

    Example:

    ```python
    loss = keras_gans.losses.get("hinge")
    ```
    """
    if isinstance(identifier, AdversarialLoss):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, str):
        key = identifier.lower().replace("-", "_")
        if key in _LOSSES:
            return _LOSSES[key](**kwargs)
        close = difflib.get_close_matches(key, list(_LOSSES), n=3, cutoff=0.4)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"Unknown adversarial loss '{identifier}'. Expected one of "
            f"{names()}.{hint}"
        )
    raise ValueError(
        "Expected an adversarial loss name (one of "
        f"{names()}) or an AdversarialLoss instance; received {identifier!r} "
        f"of type {type(identifier).__name__}."
    )


def _squared_gradient_norm(gradients):
    rank = len(gradients.shape)
    return ops.sum(ops.square(gradients), axis=tuple(range(1, rank)))


def gradient_penalty(critic, real, fake, seed=None):
    """WGAN-GP penalty E[(||grad critic(x_hat)||_2 - 1)^2] (Gulrajani et al.).

    `x_hat` is drawn uniformly on the segments between paired real and fake
    samples.

    Args:
        critic: a callable mapping a batch of inputs to scores.
        real: a batch of real samples.
        fake: a batch of generated samples of the same shape.
        seed: a `keras.random.SeedGenerator` (or int) for the interpolation.

    Returns:
        A scalar tensor.
    """
    # In float32 under mixed precision too: the critic casts its inputs.
    real, fake = ops.cast(real, "float32"), ops.cast(fake, "float32")
    batch = ops.shape(real)[0]
    alpha_shape = (batch,) + (1,) * (len(real.shape) - 1)
    # Drawn for the global batch: the same points on any number of devices.
    alpha = backend.replica_slice(
        lambda n: keras.random.uniform((n,) + alpha_shape[1:], seed=seed), batch
    )
    interpolated = alpha * real + (1.0 - alpha) * fake
    gradients = backend.input_gradient(critic, interpolated)
    norm = ops.sqrt(_squared_gradient_norm(gradients) + 1e-12)
    return ops.mean(ops.square(norm - 1.0))


def r1_penalty(discriminator, real):
    """R1 penalty E[||grad D(x)||^2] on real samples (Mescheder et al., 2018).

    Multiply by gamma / 2 for the usual weighting.
    """
    gradients = backend.input_gradient(discriminator, real)
    return ops.mean(_squared_gradient_norm(gradients))
