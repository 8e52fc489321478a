"""Search over the labels and texts of a version: built with it, read by the server.

``index.publish`` writes the index into the version folder at build time (``text.py`` is
the French-aware analysis both sides share); ``reader.Index`` opens it read-only and answers
``reader.Query`` with ranked results grouped by kind and facet counts.
"""

from __future__ import annotations

from .index import FILE, FOLDER, publish

__all__ = ["FILE", "FOLDER", "publish"]
