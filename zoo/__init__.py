"""The zoo's presets, one folder each (`<name>/preset.json`, weights, card).

This folder ships inside the wheel as the package `keras_gans._zoo`
(`setup.py` maps it); `keras_gans.core.presets` finds it in either place.
"""
