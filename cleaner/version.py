"""The version of cleaner: written once, here; the package metadata reads it too."""

__version__ = "0.1.0"
