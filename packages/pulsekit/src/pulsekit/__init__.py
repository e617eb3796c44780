"""Reusable DRF machinery used by the Pulse backend."""

__version__ = "0.2.0"
