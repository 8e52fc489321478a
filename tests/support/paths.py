"""Where the tests find the checkout, the shared folder beside it and their own data files."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SHARED = REPO.parent / "shared"
TEST_DATA = REPO / "tests" / "data"
#: The W3C test suites (SPARQL protocol and results), in the shared folder.
W3C = SHARED / "w3c"
