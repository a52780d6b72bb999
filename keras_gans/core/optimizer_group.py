"""`OptimizerGroup`: several optimizers presented to Keras as one."""

import keras


@keras.saving.register_keras_serializable(package="keras_gans")
class OptimizerGroup(keras.optimizers.Optimizer):
    """Holds the optimizers of a multi-network model behind `model.optimizer`.

    Keras' trainers know a single `model.optimizer`. The JAX trainer in
    particular carries only `model.optimizer.variables` from one compiled step
    to the next, so the state of any other optimizer would be silently reset
    every step. This group exposes the variables of all its members, in a fixed
    order, so both the discriminator's and the generator's slots (and
    `iterations`) survive on every backend, in `BackupAndRestore` and in saved
    models.

    The group never applies gradients itself: each member is built on the
    variables of its own network (by object, never by path) and applied by
    the model's `train_step`.

    Args:
        optimizers: list of `keras.optimizers.Optimizer` instances, all
            distinct.
        name: name of the group.

    Example:

    ```python
    group = OptimizerGroup([keras.optimizers.Adam(2e-4), keras.optimizers.Adam(1e-4)])
    len(group.optimizers)  # 2
    ```
    """

    def __init__(self, optimizers, name="optimizer_group", **kwargs):
        kwargs.pop("learning_rate", None)
        # The group's own learning rate is never used; members keep theirs.
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        optimizers = [keras.optimizers.get(o) for o in optimizers]
        if len({id(o) for o in optimizers}) != len(optimizers):
            raise ValueError(
                "Each network needs its own optimizer instance; the same "
                "optimizer object was passed more than once."
            )
        self.optimizers = optimizers
        self.built = True

    @property
    def variables(self):
        return [v for optimizer in self.optimizers for v in optimizer.variables]

    @property
    def iterations(self):
        # The last member (the generator's) counts full adversarial steps.
        return self.optimizers[-1].iterations

    def build(self, variables):
        # Members are built on their own networks' variables by the model.
        self.built = True

    def apply(self, grads, trainable_variables=None):
        raise NotImplementedError(
            "OptimizerGroup does not apply gradients itself; apply them with "
            "the member optimizer of the network they belong to."
        )

    def finalize_variable_values(self, var_list):
        # Keras calls this at the end of `fit` (e.g. to swap in EMA weights);
        # each member finalizes the variables it was built on.
        for optimizer in self.optimizers:
            known = optimizer._trainable_variables_indices
            optimizer.finalize_variable_values(
                [v for v in var_list if optimizer._var_key(v) in known]
            )

    def save_own_variables(self, store):
        # Members are saved as children of this object (and of the model).
        pass

    def load_own_variables(self, store):
        pass

    def get_config(self):
        return {
            "name": self.name,
            "optimizers": [
                keras.saving.serialize_keras_object(o) for o in self.optimizers
            ],
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizers"] = [
            keras.saving.deserialize_keras_object(o, custom_objects=custom_objects)
            for o in config["optimizers"]
        ]
        return cls(**config)
