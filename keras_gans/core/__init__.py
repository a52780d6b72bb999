"""Shared machinery: the adversarial train step (`core.adversarial`), the
backend bridge (`core.backend`), the optimizer group, recipes, preset I/O and
atomic writes. Import the submodules directly: this package imports none of
them, so that the low ones (`core.io`, `core.presets`) can be used by any
module without pulling in the train step."""
