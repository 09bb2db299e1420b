"""The package's version, on its own: every layer may read it, and it imports nothing.

`summarise/__init__.py` re-exports the whole library, so a module that imported the
version from there would import, in turn, everything above it.
"""

__version__ = "0.1.0"
