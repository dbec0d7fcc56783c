"""responses"""

from registry import case  # noqa: F401
