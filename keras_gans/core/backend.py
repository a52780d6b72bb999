"""The only module that knows which Keras backend runs.

Everything else in keras-gans is written with `keras.ops` and calls the four
functions below. Each has one implementation per backend:

- `train_step(model, step_fn, *args)`: adapts a *stateful* step function
  (`step_fn(data) -> logs`, written as if variables were mutable) to the
  signature the backend's Keras trainer expects. TensorFlow calls
  `train_step(data)` and variables really are mutable; JAX calls
  `train_step(state, data)` and wants the new state back, so the step runs
  inside a `keras.StatelessScope` seeded with `state` and the updated values
  are read back out of the scope.
- `minimize(loss_fn, variables, optimizer)`: value-and-grad of `loss_fn` with
  respect to `variables`, then `optimizer.apply`. Non-trainable updates made
  inside `loss_fn` (BatchNorm statistics, seed generator state) are kept.
- `input_gradient(fn, x)`: gradient of `sum(fn(x))` with respect to the input
  `x` (for gradient penalties), differentiable again for the outer update.
- `test_step(model, step_fn, *args)`: like `train_step`, for `evaluate`.

Why the JAX path works with two optimizers: the JAX trainer threads only
`model.optimizer.variables` through its compiled step. `AdversarialModel`
makes `model.optimizer` an `OptimizerGroup` whose `variables` are those of the
discriminator and generator optimizers, so both survive every step.
"""

import contextlib
import threading

import keras

BACKEND = keras.backend.backend()

if BACKEND not in ("tensorflow", "jax"):
    raise ImportError(
        "keras-gans supports the 'tensorflow' and 'jax' Keras backends; "
        f"KERAS_BACKEND is '{BACKEND}'. Set KERAS_BACKEND=tensorflow or "
        "KERAS_BACKEND=jax before importing keras."
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

    def minimize(loss_fn, variables, optimizer):
        with tf.GradientTape() as tape:
            loss, logs = loss_fn()
        grads = tape.gradient(loss, variables)
        optimizer.apply(grads, variables)
        return loss, logs

    def input_gradient(fn, x):
        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(fn(x))
        return tape.gradient(y, x)

else:  # jax
    import jax

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
            updated = [scope.get_current_value(v) for v in others]
            return loss, (logs, updated)

        (loss, (logs, updated)), grads = jax.value_and_grad(pure_loss, has_aux=True)(
            [v.value for v in variables]
        )
        # Carry non-trainable updates (BatchNorm statistics, seed state) out
        # of the differentiated function into the step's scope.
        for variable, value in zip(others, updated):
            variable.assign(value)
        optimizer.apply(grads, variables)
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
