"""Search over the labels and texts of a version: built with it, read by the server.

``index.write_index`` writes the index into the version folder at build time (``text.py`` is
the French-aware analysis both sides share); ``reader.Index`` opens it read-only and answers
``reader.Query`` with ranked results grouped by kind and facet counts.
"""

from __future__ import annotations

from ..datadir import SEARCH as FOLDER
from .index import FILE, write_index

__all__ = ["FILE", "FOLDER", "write_index"]
