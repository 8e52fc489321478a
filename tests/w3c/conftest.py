"""The W3C suites run against the same live server as the server tests."""

from __future__ import annotations

from ..server.conftest import (  # noqa: F401 (fixtures)
    protocol_app,
    protocol_data_dir,
    protocol_server,
    serve_app,
)
