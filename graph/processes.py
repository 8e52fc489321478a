"""Facts about other processes that crash-safe file handling needs."""

from __future__ import annotations

import os
from pathlib import Path


def alive(pid: int) -> bool:
    """Whether a process still runs (its hidden or scratch folders may still be in use).

    A zombie does not: it was killed and writes nothing more, though its parent (gunicorn's
    web process, killed too; then an init that may never reap it) has not collected it.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not zombie(pid)


def zombie(pid: int) -> bool:
    """Whether a process has ended but is not reaped yet (state ``Z`` in ``/proc``)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False  # no /proc here, or the process is gone
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]
