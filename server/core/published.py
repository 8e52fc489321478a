"""What the served version carries besides its store: the manifest and the dumps folder.

Read once per version and app (``store.served()`` gives a key that changes with the version;
the app keeps the last ``Published.SIZE``). On the remote backend the manifest is the one
pushed to the store, and the dumps are served when this host has that version's folder
(built here, or copied from the build host).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from flask import Flask

from cls_kg.graph.datadir import VersionFolder

from . import state
from .store import Served, served


@dataclass(frozen=True)
class Dump:
    """One published dump: its file, size and digest."""

    name: str
    path: Path
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Version:
    """A published version: its folder, manifest and dumps."""

    folder: Path
    manifest: dict[str, Any]
    dumps: dict[str, Dump]

    @property
    def built_at(self) -> datetime:
        """When the version was built (the manifest's time, else the folder's)."""
        text = self.manifest.get("built_at")
        if text:
            return datetime.fromisoformat(text)
        return datetime.fromtimestamp(self.folder.stat().st_mtime).astimezone()


def read_version(now: Served) -> Version:
    """The dumps a version's manifest lists, in its folder (its key is the cache key)."""
    folder, manifest = now.folder, now.manifest
    files = VersionFolder(folder)
    dumps = {
        entry["name"]: Dump(
            entry["name"], files.dump(entry["name"]), entry["bytes"], entry["sha256"]
        )
        for entry in manifest.get("dumps", [])
    }
    return Version(folder, dict(manifest), dumps)


class Published(state.Recent[Served, Version]):
    """The versions an app served last, read once each."""

    NAME: ClassVar[str] = "published"


def init_app(app: Flask) -> None:
    """Give the app its table of versions read."""
    state.register(app, Published())


def current() -> Version:
    """The version served now."""
    now = served()
    return state.of(Published).get(now, partial(read_version, now))
