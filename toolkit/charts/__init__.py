"""Deterministic matplotlib charts with French labels (PNG, SVG or PDF).

``style`` holds what they share (French dates, print-safe palette, ``save_figure``);
``prefecture`` draws a préfecture's saturation from robot probes.
"""
