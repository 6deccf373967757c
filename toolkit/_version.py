"""The tool version written into custody records and generated files."""

__version__ = "0.1.0"
