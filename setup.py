"""Maps the top-level `zoo/` folder into the wheel as `keras_gans._zoo`, so
`kg.zoo.load` finds the presets after a non-editable, offline install.
Everything else is declared in setup.cfg."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["keras_gans", "keras_gans.*", "keras_gans_cli"]) + ["keras_gans._zoo"],
    package_dir={"keras_gans._zoo": "zoo"},
    package_data={"keras_gans._zoo": ["*/*"]},
)
