"""Connections a client can hold (issue items 4 and 5)."""

from registry import case  # noqa: F401
