"""Generators for the bundled sample evidence (see ../README.md and ../make_sample.py).

Every module writes files from fixed data and seeded random numbers only: no clock,
no environment, so the same library versions always give the same bytes.
"""
