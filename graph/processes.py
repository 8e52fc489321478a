"""Facts about other processes that crash-safe file handling needs."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """Whether a process still runs (its hidden or scratch folders may still be in use)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
