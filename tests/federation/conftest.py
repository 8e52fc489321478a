"""The loopback listener fixture of the server tests, for the federation tests too."""

from ..server.conftest import listener

__all__ = ["listener"]
