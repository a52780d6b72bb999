"""The only module that knows which Keras backend runs.

Everything else in keras-gans is written with `keras.ops` and calls the
functions below. Each has one implementation per backend (TensorFlow, JAX,
PyTorch):

- `train_step(model, step_fn, *args)`: adapts a *stateful* step function
  (`step_fn(data) -> logs`, written as if variables were mutable) to the
  signature the backend's Keras trainer expects. TensorFlow and PyTorch call
  `train_step(data)` and variables really are mutable; JAX calls
  `train_step(state, data)` and wants the new state back, so the step runs
  inside a `keras.StatelessScope` seeded with `state` and the updated values
  are read back out of the scope.
- `minimize(loss_fn, variables, optimizer)`: value-and-grad of `loss_fn` with
  respect to `variables`, then `optimizer.apply`. Non-trainable updates made
  inside `loss_fn` (BatchNorm statistics, seed generator state) are kept.
  The gradient is that of `optimizer.scale_loss(loss)`, so a
  `keras.optimizers.LossScaleOptimizer` (mixed precision) scales and
  unscales it; under `tf.distribute` each replica's loss is divided by the
  number of replicas, so that the summed gradients are those of the global
  batch.
- `input_gradient(fn, x)`: gradient of `sum(fn(x))` with respect to the input
  `x` (for gradient penalties), differentiable again for the outer update.
- `test_step(model, step_fn, *args)`: like `train_step`, for `evaluate`.
- `replica_slice(draw, batch_size)`: this replica's part of a draw made for
  the whole global batch, so that random latents do not depend on how many
  devices share the batch (`tf.distribute`; elsewhere the draw itself).
- `steps_per_execution(steps)`: how many steps one compiled call may run
  (`compile(steps_per_execution=...)`): `steps`, but 1 on torch, whose
  Keras trainer runs one step per call.
- `data_parallel(num_devices)`: a context in which models are built and
  trained data-parallel on that many devices, through each backend's own
  engine: `keras.distribution.DataParallel` on JAX,
  `tf.distribute.MirroredStrategy` on TensorFlow. Keras' torch backend has
  no multi-device `fit`.
- `conv(inputs, kernel, ...)`: `keras.ops.conv`, whose gradients on JAX are
  written out. XLA's CPU convolution computes a kernel gradient faster, per
  sample, on a few samples than on a whole batch of large feature maps (the
  DCGAN generator's 28x28x64 -> 32 convolution's backward pass: 104 against
  290 ms at batch 128 and 230 against 1355 ms at batch 256 on one 2-core
  machine, 69 against 93 and 156 against 293 ms on an AMD EPYC one;
  `benchmarks/conv_weight_gradient.py`), so the
  kernel gradient is summed over chunks of the batch
  (`weight_gradient_chunk` samples, about 1 MiB of input each) where that
  is faster: for kernels up to 3x3 with 16 filters or more (with fewer
  filters or a larger window, the whole batch is). And the
  gradient of a gradient penalty differentiates the input gradient with
  respect to the kernel, which XLA runs 13x slower than the kernel gradient
  of the convolution itself (the WGAN-GP critic's 14x14x64 -> 128, stride 2:
  88 against 7 ms): the output, the input gradient and
  the kernel gradient are each other's derivatives, so each is a
  `jax.custom_vjp` that differentiates into the other two, and gradients of
  any order stay on XLA's fast kernels.
  A strided convolution whose kernel is a multiple of its strides (the
  4x4, stride-2 layers of the PatchGAN, U-Net and video networks) runs as
  a stride-1 convolution of the inputs' s x s blocks (space to depth),
  with the same products: its gradients are then 1.6 to 3x faster than
  XLA's strided ones (the video networks' layers; the video predictor's
  step 1.09 to 1.13x; `benchmarks/conv_weight_gradient.py`).
  A stride-1 convolution's input and kernel gradients are written as
  convolutions in the layout of XLA's fast CPU kernels (the kernel
  gradient takes the inputs' channels as its batch and their samples as its
  channels). XLA's CPU compiler brings only the convolutions of a program's
  top level into that layout: inside a `cond` branch (StyleGAN's lazy R1
  penalty) its own derivatives ran on its slow generic loops, 20 to 70x
  slower, and a StyleGAN step with R1 took 2.9 s instead of 0.24.
- `conv_transpose(inputs, kernel, ...)`: `keras.ops.conv_transpose`; on JAX
  the input gradient of the convolution it transposes, so that its kernel
  gradient is that convolution's (10 to 14x faster than XLA's own for the
  DCGAN's transposed blocks). Elsewhere both are Keras' ops.
- `standard_normal(shape, seed)`: `keras.random.normal`. On JAX it is the
  sum of two such draws over sqrt(2), standard normal too. XLA's CPU
  compiler copies a cheap elementwise producer into each fusion that reads
  it, so one draw (an inverse-error-function polynomial of random bits) was
  recomputed for every channel inside every fusion that read StyleGAN's
  per-pixel noise, kernel gradients' transposes included
  (`benchmarks/fused_transpose.py`); the sum is a reduction, which XLA
  computes once and does not copy.
- `batch_normalization(inputs, scale, offset, epsilon)` and
  `instance_normalization(...)`: training-mode batch normalization (over
  every axis but the channels') and instance normalization (over each
  sample's positions). On JAX on the CPU their sums are matrix products with
  a vector of ones and their gradients are written out (one
  `jax.custom_vjp`, differentiable again): XLA's CPU reductions over leading
  axes run 3 to 10x slower than those products. Elsewhere Keras' ops.

Why the JAX path works with two optimizers: the JAX trainer threads only
`model.optimizer.variables` through its compiled step. `AdversarialModel`
makes `model.optimizer` an `OptimizerGroup` whose `variables` are those of the
discriminator and generator optimizers, so both survive every step.
"""

import contextlib
import functools
import math
import threading

import keras

BACKEND = keras.backend.backend()

SUPPORTED = ("tensorflow", "jax", "torch")

if BACKEND not in SUPPORTED:
    raise ImportError(
        "keras-gans supports the 'tensorflow', 'jax' and 'torch' Keras backends; "
        f"KERAS_BACKEND is '{BACKEND}'. Set KERAS_BACKEND to one of them before "
        "importing keras."
    )

_context = threading.local()


@contextlib.contextmanager
def _state_variables(variables):
    """Records every variable a JAX step may read (see `minimize`)."""
    previous = getattr(_context, "variables", None)
    _context.variables = variables
    try:
        yield
    finally:
        _context.variables = previous


def _current_state_variables():
    return getattr(_context, "variables", None)


def _devices_error(num_devices, found):
    return ValueError(
        f"Asked for {num_devices} devices; this machine has {len(found)} usable ones "
        f"({', '.join(found) or 'none'}). On a CPU, test with virtual devices: "
        "XLA_FLAGS=--xla_force_host_platform_device_count=N (JAX) or "
        "tf.config.set_logical_device_configuration (TensorFlow)."
    )


def _check_num_devices(num_devices):
    if isinstance(num_devices, bool) or not isinstance(num_devices, int) or num_devices < 1:
        raise ValueError(f"`num_devices` must be an integer >= 1; received {num_devices!r}.")


def steps_per_execution(steps):
    """`steps` for `compile(steps_per_execution=...)`, or 1 where the
    backend's Keras trainer runs one step per call (torch)."""
    return 1 if BACKEND == "torch" else int(steps)


# JAX sums a convolution's kernel gradient over chunks of about this many
# input elements (1 MiB of float32), and at most this many chunks per call
# (each is its own XLA convolution: more would lengthen compilation).
WEIGHT_GRADIENT_CHUNK_ELEMENTS = 2**18
WEIGHT_GRADIENT_MAX_CHUNKS = 16
# Only kernels of at most this size with at least this many filters are
# chunked. With fewer filters or a larger window the whole batch is faster
# (the SRGAN's 9x9 image layer's kernel gradient: 11 against 41 ms at batch
# 64, `benchmarks/conv_weight_gradient.py`; whole steps 1.17x for the SRGAN
# and 1.08x for the video predictor), while chunking the wide 3x3 ones keeps
# StyleGAN's step 1.04x faster (`benchmarks/train_step_ab.py`).
WEIGHT_GRADIENT_CHUNK_MAX_WINDOW = 3
WEIGHT_GRADIENT_CHUNK_MIN_FILTERS = 16
# JAX runs a strided convolution whose kernel is a multiple of its strides
# as a stride-1 convolution of the inputs' blocks (`conv`); `False` keeps
# XLA's strided one (`benchmarks/train_step_ab.py` compares the two).
SPACE_TO_DEPTH_STRIDED_CONV = True
# JAX writes a stride-1 convolution's gradients in the layout of XLA's fast
# CPU convolutions (`conv`); `False` leaves them to XLA (slow inside `cond`).
CANONICAL_CONV_GRADIENTS = True
# ... and the kernel gradient of a "same" one with fewer filters than input
# channels moves its filters, not its channels, to the front (image layers'
# kernel gradients 3 to 4.5x faster alone; whole steps 1.02 to 1.09x:
# `benchmarks/train_step_ab.py NAME --setting KERNEL_GRADIENT_NARROW_SIDE=False`).
# Under "valid" padding that form falls onto a slow XLA path (20x).
KERNEL_GRADIENT_NARROW_SIDE = True
# JAX draws `standard_normal` as the sum of two normal draws over sqrt(2),
# which XLA computes once (StyleGAN's JAX step 1.04x; `False`: one
# `keras.random.normal` draw, recomputed in every fusion that reads it:
# `benchmarks/train_step_ab.py stylegan --setting NORMAL_NOISE_AS_A_SUM=False`).
NORMAL_NOISE_AS_A_SUM = True


def weight_gradient_chunk(batch_size, elements_per_sample, kernel_shape=None):
    """Samples per chunk of a convolution's kernel gradient on JAX (the
    whole batch where that is `batch_size` or more).

    Args:
        batch_size: the batch's size.
        elements_per_sample: input elements per sample.
        kernel_shape: the kernel's shape `(*window, channels, filters)`;
            kernels larger than `WEIGHT_GRADIENT_CHUNK_MAX_WINDOW` or with
            fewer than `WEIGHT_GRADIENT_CHUNK_MIN_FILTERS` filters take the
            whole batch. `None`: by input size alone.
    """
    if kernel_shape is not None:
        *window, _, filters = kernel_shape
        if filters < WEIGHT_GRADIENT_CHUNK_MIN_FILTERS or max(window) > WEIGHT_GRADIENT_CHUNK_MAX_WINDOW:
            return batch_size
    chunk = max(1, WEIGHT_GRADIENT_CHUNK_ELEMENTS // max(1, elements_per_sample))
    return max(chunk, -(-batch_size // WEIGHT_GRADIENT_MAX_CHUNKS))


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`keras.ops.conv` (the JAX backend redefines it below)."""
    return keras.ops.conv(inputs, kernel, strides=strides, padding=padding,
                          data_format=data_format, dilation_rate=dilation_rate)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """`keras.ops.conv_transpose` (the JAX backend redefines it below)."""
    return keras.ops.conv_transpose(inputs, kernel, strides=strides, padding=padding,
                                    output_padding=output_padding, data_format=data_format,
                                    dilation_rate=dilation_rate)


def standard_normal(shape, seed, dtype=None):
    """Standard normal noise: `keras.random.normal(shape, seed=seed)` (the
    JAX backend redefines it below).

    Args:
        shape: the noise's shape.
        seed: a `keras.random.SeedGenerator` (or an integer seed).
        dtype: the noise's dtype. Defaults to Keras' float type.
    """
    return keras.random.normal(shape, seed=seed, dtype=dtype)


def _keras_batch_normalization(inputs, scale, offset, epsilon):
    axes = list(range(len(inputs.shape) - 1))
    mean, variance = keras.ops.moments(inputs, axes)
    outputs = keras.ops.batch_normalization(inputs, mean, variance, axis=-1, offset=offset,
                                            scale=scale, epsilon=epsilon)
    return outputs, mean, variance


def batch_normalization(inputs, scale, offset, epsilon):
    """Batch normalization in training mode, over every axis but the last:
    `(outputs, mean, variance)`, with this batch's statistics; Keras' ops
    (the JAX backend redefines it below)."""
    return _keras_batch_normalization(inputs, scale, offset, epsilon)


def _keras_instance_normalization(inputs, scale, offset, epsilon):
    axes = list(range(1, len(inputs.shape) - 1))
    mean, variance = keras.ops.moments(inputs, axes, keepdims=True)
    return (inputs - mean) * keras.ops.rsqrt(variance + epsilon) * scale + offset


def instance_normalization(inputs, scale, offset, epsilon):
    """Each sample's channels normalized over its positions (every axis but
    the first and the last); Keras' ops (the JAX backend redefines it
    below)."""
    return _keras_instance_normalization(inputs, scale, offset, epsilon)


def _model_state_groups(model, with_optimizer=True):
    groups = [model.trainable_variables, model.non_trainable_variables]
    if with_optimizer:
        groups.append(model.optimizer.variables if model.optimizer else [])
    groups.append(model.metrics_variables)
    return groups


if BACKEND == "tensorflow":
    import tensorflow as tf

    def train_step(model, step_fn, data):
        return step_fn(data)

    def test_step(model, step_fn, data):
        return step_fn(data)

    def _replicas():
        context = tf.distribute.get_replica_context()
        if context is None:  # cross-replica context
            return 1, 0
        return context.num_replicas_in_sync, context.replica_id_in_sync_group

    def minimize(loss_fn, variables, optimizer):
        replicas, _ = _replicas()
        with tf.GradientTape() as tape:
            loss, logs = loss_fn()
            # Replicas' gradients are summed: each contributes its share of
            # the global batch's mean (as Keras' own losses do).
            scaled = optimizer.scale_loss(loss / replicas if replicas > 1 else loss)
        grads = tape.gradient(scaled, variables)
        optimizer.apply(grads, variables)
        return loss, logs

    def input_gradient(fn, x):
        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(fn(x))
        return tape.gradient(y, x)

    def replica_slice(draw, batch_size):
        replicas, index = _replicas()
        if replicas == 1:
            return draw(batch_size)
        start = index * batch_size
        return draw(batch_size * replicas)[start : start + batch_size]

    @contextlib.contextmanager
    def data_parallel(num_devices):
        _check_num_devices(num_devices)
        if num_devices == 1:
            yield
            return
        # GPUs first; else CPUs (virtual ones, set up before TensorFlow starts).
        found = [d.name for d in tf.config.list_logical_devices("GPU")]
        if len(found) < num_devices:
            found = [d.name for d in tf.config.list_logical_devices("CPU")]
        if len(found) < num_devices:
            raise _devices_error(num_devices, found)
        devices = tuple(found[:num_devices])
        # One strategy per set of devices for the process: a second
        # MirroredStrategy over the same devices restarts the collective
        # instance keys, and its all-reduces collide with the first's.
        if devices not in _strategies:
            _strategies[devices] = tf.distribute.MirroredStrategy(list(devices))
        with _strategies[devices].scope():
            yield

    _strategies = {}

elif BACKEND == "torch":
    import torch

    def train_step(model, step_fn, data):
        return step_fn(data)

    def test_step(model, step_fn, data):
        return step_fn(data)

    def _detached(value):
        return value.detach() if isinstance(value, torch.Tensor) else value

    def minimize(loss_fn, variables, optimizer):
        with torch.enable_grad():
            loss, logs = loss_fn()
            scaled = optimizer.scale_loss(loss)
        # `autograd.grad` rather than `backward`: no `.grad` accumulates on
        # the other player's weights, which this update leaves alone.
        grads = torch.autograd.grad(scaled, [v.value for v in variables], allow_unused=True)
        with torch.no_grad():
            optimizer.apply(list(grads), variables)
        return _detached(loss), {key: _detached(value) for key, value in logs.items()}

    def input_gradient(fn, x):
        x = keras.ops.convert_to_tensor(x)
        if not x.requires_grad:  # e.g. real images (R1): a leaf to differentiate
            x = x.detach().requires_grad_(True)
        with torch.enable_grad():
            y = torch.sum(fn(x))
            # create_graph: the penalty built on it is differentiated again.
            return torch.autograd.grad(y, x, create_graph=True)[0]

    def replica_slice(draw, batch_size):
        return draw(batch_size)

    @contextlib.contextmanager
    def data_parallel(num_devices):
        _check_num_devices(num_devices)
        if num_devices > 1:
            raise ValueError(
                f"Asked for {num_devices} devices: Keras' torch backend trains on one device "
                "(`fit` has no multi-device engine). Use KERAS_BACKEND=jax "
                "(keras.distribution) or tensorflow (tf.distribute) for data parallelism."
            )
        yield

else:  # jax
    import jax

    def _xla_conv(inputs, kernel, options):
        return keras.ops.conv(inputs, kernel, **dict(options))

    # A convolution is linear in its inputs and in its kernel, and its three
    # linear maps are each other's derivatives: the output y = conv(x, k), the
    # input gradient dx = input_gradient(dy, k) and the kernel gradient
    # dk = kernel_gradient(x, dy). Each is XLA's own kernel, the kernel
    # gradient summed over chunks of the batch where `weight_gradient_chunk`
    # says so, and each differentiates into
    # the other two, so that gradients of any order stay on those kernels.
    # (XLA's own derivative of a strided convolution's input gradient with
    # respect to the kernel, which a gradient penalty takes, runs 13x slower
    # than its kernel gradient at 14x14x64 -> 128, stride 2.) For a stride-1
    # convolution both gradients are written as convolutions in the layout
    # of XLA's fast CPU kernels, which XLA would otherwise bring them into
    # only at a program's top level, not inside a `cond` branch.

    def _spec(x):
        return tuple(x.shape), str(x.dtype)

    def _transpose(linear_fn, spec, cotangent):
        return jax.linear_transpose(linear_fn, jax.ShapeDtypeStruct(*spec))(cotangent)[0]

    @functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
    def _conv(inputs, kernel, options):
        return _xla_conv(inputs, kernel, options)

    def _conv_forward(inputs, kernel, options):
        # `_conv`, not XLA's op: a second derivative differentiates this
        # function too, and must meet the rules below.
        return _conv(inputs, kernel, options), (inputs, kernel)

    def _conv_backward(options, residuals, output_gradient):
        inputs, kernel = residuals
        return (_input_gradient(output_gradient, kernel, options, _spec(inputs)),
                _kernel_gradient(inputs, output_gradient, options, _spec(kernel)))

    def _plain_2d(options, window):
        """Whether a convolution is 2D, channels-last, undilated and "same"
        or "valid" padded (the forms written out below)."""
        options = dict(options)
        data_format = options["data_format"] or keras.config.image_data_format()
        return (len(window) == 2 and data_format == "channels_last"
                and options["dilation_rate"] in (1, (1, 1)) and options["padding"] in ("same", "valid"))

    def _stride_one_pads(options, window):
        """The (low, high) zero padding of each spatial axis of a plain 2D
        (`_plain_2d`) stride-1 convolution, else `None`."""
        options = dict(options)
        if not CANONICAL_CONV_GRADIENTS or not _plain_2d(options, window) or options["strides"] not in (1, (1, 1)):
            return None
        if options["padding"] == "valid":
            return ((0, 0), (0, 0))
        return tuple(((k - 1) // 2, k - 1 - (k - 1) // 2) for k in window)

    def _reach(window, pads):
        """The padding that makes a stride-1 convolution's output gradient
        reach every input position its window touched: the full
        correlation's (k - 1) less the forward pass's padding."""
        return [(k - 1 - low, k - 1 - high) for k, (low, high) in zip(window, pads)]

    _CHANNELS_LAST = ("NHWC", "HWIO", "NHWC")

    def _stride_one_input_gradient(output_gradient, kernel, pads):
        """dx of a stride-1 convolution: the output gradient convolved with
        the kernel flipped and its channels swapped, with the padding that
        restores the inputs' size."""
        flipped = jax.numpy.transpose(kernel[::-1, ::-1], (0, 1, 3, 2))
        return jax.lax.conv_general_dilated(output_gradient, flipped, (1, 1), _reach(kernel.shape[:2], pads),
                                            dimension_numbers=_CHANNELS_LAST)

    def _stride_one_kernel_gradient(inputs, output_gradient, pads, window):
        """dk[i, j, c, o] = sum over samples and positions of
        x_padded[b, h + i, w + j, c] * dy[b, h, w, o], as a convolution whose
        batch is one side's channels, moved to the front (the one full
        transpose), and whose kernel is the other side, samples as its input
        channels: the inputs' channels, or the output gradient's filters
        where a "same" convolution has fewer filters than channels."""
        same_size = output_gradient.shape[1:3] == inputs.shape[1:3]
        if not (KERNEL_GRADIENT_NARROW_SIDE and same_size and output_gradient.shape[-1] < inputs.shape[-1]):
            channels_as_batch = jax.numpy.transpose(inputs, (3, 1, 2, 0))
            gradient_as_kernel = jax.numpy.transpose(output_gradient, (1, 2, 0, 3))
            taps = jax.lax.conv_general_dilated(channels_as_batch, gradient_as_kernel, (1, 1), pads,
                                                dimension_numbers=_CHANNELS_LAST)
            return jax.numpy.transpose(taps, (1, 2, 0, 3))
        # Fewer filters than channels (image layers), "same" size: the
        # output gradient, padded by the kernel's reach, correlated with the
        # inputs gives the taps reversed.
        filters_as_batch = jax.numpy.transpose(output_gradient, (3, 1, 2, 0))
        inputs_as_kernel = jax.numpy.transpose(inputs, (1, 2, 0, 3))
        taps = jax.lax.conv_general_dilated(filters_as_batch, inputs_as_kernel, (1, 1), _reach(window, pads),
                                            dimension_numbers=_CHANNELS_LAST)
        return jax.numpy.transpose(taps[:, ::-1, ::-1, :], (1, 2, 3, 0))

    @functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
    def _input_gradient(output_gradient, kernel, options, inputs_spec):
        pads = _stride_one_pads(options, kernel.shape[:-2])
        if pads is not None:
            return _stride_one_input_gradient(output_gradient, kernel, pads)
        return _transpose(lambda x: _xla_conv(x, kernel, options), inputs_spec, output_gradient)

    def _input_gradient_forward(output_gradient, kernel, options, inputs_spec):
        value = _input_gradient(output_gradient, kernel, options, inputs_spec)
        return value, (output_gradient, kernel)

    def _input_gradient_backward(options, inputs_spec, residuals, cotangent):
        output_gradient, kernel = residuals
        return (_conv(cotangent, kernel, options),
                _kernel_gradient(cotangent, output_gradient, options, _spec(kernel)))

    @functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
    def _kernel_gradient(inputs, output_gradient, options, kernel_spec):
        pads = _stride_one_pads(options, kernel_spec[0][:-2])

        def gradient(x, dy):
            if pads is not None:
                return _stride_one_kernel_gradient(x, dy, pads, kernel_spec[0][:2])
            return _transpose(lambda k: _xla_conv(x, k, options), kernel_spec, dy)

        batch_size = inputs.shape[0]
        chunk = weight_gradient_chunk(batch_size, math.prod(inputs.shape[1:]), kernel_spec[0])
        if chunk >= batch_size:
            return gradient(inputs, output_gradient)
        total = sum(  # in float32: mixed precision's float16 would round
            gradient(inputs[start : start + chunk], output_gradient[start : start + chunk]).astype("float32")
            for start in range(0, batch_size, chunk)
        )
        return total.astype(kernel_spec[1])

    def _kernel_gradient_forward(inputs, output_gradient, options, kernel_spec):
        value = _kernel_gradient(inputs, output_gradient, options, kernel_spec)
        return value, (inputs, output_gradient)

    def _kernel_gradient_backward(options, kernel_spec, residuals, cotangent):
        inputs, output_gradient = residuals
        return (_input_gradient(output_gradient, cotangent, options, _spec(inputs)),
                _conv(inputs, cotangent, options))

    _conv.defvjp(_conv_forward, _conv_backward)
    _input_gradient.defvjp(_input_gradient_forward, _input_gradient_backward)
    _kernel_gradient.defvjp(_kernel_gradient_forward, _kernel_gradient_backward)

    # Batch and instance normalization's statistics and their parameters'
    # gradients are sums over the batch's or each sample's positions. XLA's
    # CPU reduction over those (leading) axes runs 3 to 10x slower than the
    # same sum as a matrix product with a vector of ones, and autodiff of
    # Keras' normalizations takes six of them and a dozen elementwise passes.
    # Written out below, the DCGAN's four batch normalizations' forward passes
    # and gradients take 11 ms instead of 26 at batch 128, and the zoo's
    # normalization layers run 1.05 to 3.4x faster each
    # (benchmarks/normalization_layers.py); whole JAX steps 1.03 to 1.18x.

    def _position_sum(x):
        """[groups, positions, channels] -> [groups, channels]: the sum
        over positions, as a batched matrix product."""
        ones = jax.numpy.ones(x.shape[:2], x.dtype)
        return jax.lax.dot_general(ones, x, (((1,), (1,)), ((0,), (0,))))

    @functools.partial(jax.custom_vjp, nondiff_argnums=(3,))
    def _normalization(inputs, scale, offset, epsilon):
        return _normalization_forward(inputs, scale, offset, epsilon)[0]

    def _normalization_forward(inputs, scale, offset, epsilon):
        """`inputs` [groups, positions, channels] normalized over positions:
        (outputs, mean, variance), the statistics [groups, channels]."""
        count = inputs.shape[1]
        mean = _position_sum(inputs) / count
        centered = inputs - mean[:, None]
        variance = _position_sum(centered * centered) / count
        inverse_deviation = jax.lax.rsqrt(variance + epsilon)
        normalized = centered * inverse_deviation[:, None]
        outputs = normalized * scale + offset
        return (outputs, mean, variance), (normalized, inverse_deviation, scale)

    def _normalization_backward(epsilon, residuals, cotangents):
        normalized, inverse_deviation, scale = residuals
        output_gradient, mean_gradient, variance_gradient = cotangents
        count = normalized.shape[1]
        summed = _position_sum(output_gradient)
        summed_normalized = _position_sum(output_gradient * normalized)
        inputs_gradient = (
            (scale * (inverse_deviation / count)[:, None])
            * (count * output_gradient - summed[:, None] - normalized * summed_normalized[:, None])
            + (mean_gradient / count)[:, None]
            + ((2.0 / count) * variance_gradient / inverse_deviation)[:, None] * normalized
        )
        scale_gradient = jax.numpy.sum(summed_normalized, axis=0)
        offset_gradient = jax.numpy.sum(summed, axis=0)
        return inputs_gradient, scale_gradient, offset_gradient

    _normalization.defvjp(_normalization_forward, _normalization_backward)

    def batch_normalization(inputs, scale, offset, epsilon):
        """Batch normalization in training mode over every axis but the
        last, `(outputs, mean, variance)`: on the CPU its sums are matrix
        products and its gradient is written out (see above); elsewhere
        Keras' ops."""
        if jax.default_backend() != "cpu":
            return _keras_batch_normalization(inputs, scale, offset, epsilon)
        channels = inputs.shape[-1]
        outputs, mean, variance = _normalization(
            jax.numpy.reshape(inputs, (1, -1, channels)), scale, offset, float(epsilon))
        return jax.numpy.reshape(outputs, inputs.shape), mean[0], variance[0]

    def instance_normalization(inputs, scale, offset, epsilon):
        """Each sample's channels normalized over its positions (every axis
        but the first and the last): on the CPU, sums as matrix products and
        the gradient written out (see above); elsewhere Keras' ops."""
        if jax.default_backend() != "cpu":
            return _keras_instance_normalization(inputs, scale, offset, epsilon)
        batch_size, channels = inputs.shape[0], inputs.shape[-1]
        outputs, _, _ = _normalization(
            jax.numpy.reshape(inputs, (batch_size, -1, channels)), scale, offset, float(epsilon))
        return jax.numpy.reshape(outputs, inputs.shape)

    def standard_normal(shape, seed, dtype=None):
        """Standard normal noise. On the CPU, the sum of two independent
        standard normal draws over sqrt(2): a reduction, which XLA computes
        once instead of recomputing the draw inside each fusion that reads
        it (see above); elsewhere `keras.random.normal`."""
        if jax.default_backend() != "cpu" or not NORMAL_NOISE_AS_A_SUM:
            return keras.random.normal(shape, seed=seed, dtype=dtype)
        pair = keras.random.normal(tuple(shape) + (2,), seed=seed, dtype=dtype)
        return keras.ops.sum(pair, axis=-1) * math.sqrt(0.5)

    def _prepared(inputs, kernel, strides, padding, data_format, dilation_rate):
        """Tensors in the kernel's dtype, and the options as a hashable tuple
        (a `custom_vjp`'s static argument)."""
        kernel = keras.ops.convert_to_tensor(kernel)
        inputs = keras.ops.convert_to_tensor(inputs, dtype=kernel.dtype)
        as_tuple = lambda value: tuple(value) if isinstance(value, (list, tuple)) else value  # noqa: E731
        options = (("strides", as_tuple(strides)), ("padding", padding),
                   ("data_format", data_format), ("dilation_rate", as_tuple(dilation_rate)))
        return inputs, kernel, options

    def _space_to_depth_strides(inputs, kernel, options):
        """The strides of a 2D channels-last, "same" or "valid" convolution
        whose kernel is a multiple of them (a 4x4 kernel with stride 2), else
        `None`."""
        strides = dict(options)["strides"]
        strides = (strides,) * 2 if isinstance(strides, int) else tuple(strides)
        window = kernel.shape[:-2]
        if (not SPACE_TO_DEPTH_STRIDED_CONV or inputs.ndim != 4 or not _plain_2d(options, window)
                or kernel.shape[-2] != inputs.shape[-1]
                or strides == (1, 1) or any(k % s for k, s in zip(window, strides))):
            return None
        return strides

    def _strided_as_space_to_depth(inputs, kernel, strides, padding):
        """A convolution with stride s and a kernel of k = m * s taps, as a
        stride-1 convolution of the inputs' s x s blocks (space to depth)
        with an m-tap kernel: the same products, and gradients without
        XLA's strided (dilated) convolutions, which its CPU kernels run 1.6
        to 3x slower (the video networks' 4x4, stride-2 layers)."""
        batch_size, channels, filters = inputs.shape[0], inputs.shape[-1], kernel.shape[-1]
        pads, blocks = [], []
        for size, k, s in zip(inputs.shape[1:3], kernel.shape[:2], strides):
            if padding == "same":
                outputs = -(-size // s)
                before = max((outputs - 1) * s + k - size, 0) // 2
            else:
                outputs, before = (size - k) // s + 1, 0
            blocks.append(outputs + k // s - 1)
            pads.append((before, s * blocks[-1] - size - before, 0))
        padded = jax.lax.pad(inputs, jax.numpy.zeros((), inputs.dtype), [(0, 0, 0), *pads, (0, 0, 0)])
        (sh, sw), (bh, bw), (kh, kw) = strides, blocks, kernel.shape[:2]
        folded = jax.numpy.reshape(padded, (batch_size, bh, sh, bw, sw, channels))
        folded = jax.numpy.reshape(jax.numpy.transpose(folded, (0, 1, 3, 2, 4, 5)),
                                   (batch_size, bh, bw, sh * sw * channels))
        taps = jax.numpy.reshape(kernel, (kh // sh, sh, kw // sw, sw, channels, filters))
        taps = jax.numpy.reshape(jax.numpy.transpose(taps, (0, 2, 1, 3, 4, 5)),
                                 (kh // sh, kw // sw, sh * sw * channels, filters))
        options = (("strides", 1), ("padding", "valid"), ("data_format", "channels_last"),
                   ("dilation_rate", 1))
        return _conv(folded, taps, options)

    def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
        """`keras.ops.conv`, whose gradients of every order are XLA's
        convolution kernels, the kernel gradient summed over chunks of the
        batch, and a strided convolution whose kernel is a multiple of its
        strides a stride-1 one of the inputs' blocks (see the module's
        docstring)."""
        inputs, kernel, options = _prepared(inputs, kernel, strides, padding, data_format,
                                            dilation_rate)
        block_strides = _space_to_depth_strides(inputs, kernel, options)
        if block_strides is not None:
            return _strided_as_space_to_depth(inputs, kernel, block_strides, padding)
        return _conv(inputs, kernel, options)

    def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                       data_format=None, dilation_rate=1):
        """`keras.ops.conv_transpose`, computed as the input gradient of
        the convolution it transposes, so that its kernel gradient is that
        convolution's (chunked) kernel gradient, not XLA's own, which runs
        about 10x slower on CPU (see the module's docstring)."""
        inputs, kernel, options = _prepared(inputs, kernel, strides, padding, data_format,
                                            dilation_rate)
        transposed = functools.partial(
            keras.ops.conv_transpose, kernel=kernel, strides=strides, padding=padding,
            output_padding=output_padding, data_format=data_format, dilation_rate=dilation_rate)
        outputs = jax.eval_shape(transposed, inputs)
        # The convolution it transposes maps the outputs' shape back to the
        # inputs' (an output_padding makes several shapes map to one).
        forward = jax.eval_shape(lambda x: _xla_conv(x, kernel, options), outputs)
        if output_padding is not None or forward.shape != inputs.shape:
            return transposed(inputs)
        return _input_gradient(inputs, kernel, options, _spec(outputs))

    def _run_stateless(model, step_fn, state, data, with_optimizer):
        groups = _model_state_groups(model, with_optimizer)
        mapping = [
            (variable, value)
            for group, values in zip(groups, state)
            for variable, value in zip(group, values)
        ]
        all_variables = [v for group in groups for v in group]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            with _state_variables(all_variables):
                logs = step_fn(data)
        new_state = tuple(
            [scope.get_current_value(v) for v in group] for group in groups
        )
        return logs, new_state

    def train_step(model, step_fn, state, data):
        return _run_stateless(model, step_fn, state, data, True)

    def test_step(model, step_fn, state, data):
        return _run_stateless(model, step_fn, state, data, False)

    def _require_state_variables(what):
        state_variables = _current_state_variables()
        if state_variables is None:
            raise RuntimeError(
                f"`{what}` on the JAX backend must run inside "
                "`AdversarialModel.train_step` (e.g. through `model.fit`), "
                "which provides the model state. Received a call outside of it."
            )
        return state_variables

    def minimize(loss_fn, variables, optimizer):
        state_variables = _require_state_variables("minimize")
        differentiated = {id(v) for v in variables}
        others = [v for v in state_variables if id(v) not in differentiated]
        other_values = [v.value for v in others]

        def pure_loss(values):
            mapping = list(zip(variables, values)) + list(zip(others, other_values))
            with keras.StatelessScope(state_mapping=mapping) as scope:
                with _state_variables(state_variables):
                    loss, logs = loss_fn()
                    scaled = optimizer.scale_loss(loss)
            updated = [scope.get_current_value(v) for v in others]
            return scaled, (loss, logs, updated)

        (_, (loss, logs, updated)), grads = jax.value_and_grad(pure_loss, has_aux=True)(
            [v.value for v in variables]
        )
        # Carry non-trainable updates (BatchNorm statistics, seed state) out
        # of the differentiated function into the step's scope.
        for variable, value in zip(others, updated):
            variable.assign(value)
        # The optimizer's pure update, as Keras' JAX trainer applies it: a
        # stateful `apply` would assign inside `LossScaleOptimizer`'s
        # `cond` branches, whose values cannot leave them.
        new_values, new_slots = optimizer.stateless_apply(
            [v.value for v in optimizer.variables], grads, [v.value for v in variables]
        )
        for variable, value in zip(variables + list(optimizer.variables), new_values + new_slots):
            variable.assign(value)
        return loss, logs

    def input_gradient(fn, x):
        state_variables = _current_state_variables()

        def summed(inputs):
            if state_variables is None:
                return jax.numpy.sum(fn(inputs))
            # A private scope so that state updates made by `fn` (which would
            # be tracers of this inner gradient) never leak into the step.
            mapping = [(v, v.value) for v in state_variables]
            with keras.StatelessScope(state_mapping=mapping):
                return jax.numpy.sum(fn(inputs))

        return jax.grad(summed)(x)

    def replica_slice(draw, batch_size):
        # `keras.distribution` runs one program over the global batch.
        return draw(batch_size)

    @contextlib.contextmanager
    def data_parallel(num_devices):
        _check_num_devices(num_devices)
        if num_devices == 1:
            yield
            return
        found = keras.distribution.list_devices()
        if len(found) < num_devices:
            raise _devices_error(num_devices, found)
        previous = keras.distribution.distribution()
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=found[:num_devices])
        )
        try:
            yield
        finally:
            keras.distribution.set_distribution(previous)
