"""The one-name rule of the suite: each file of the checkout loaded once, under one name.

pytest imports test modules and conftest files with ``--import-mode=importlib`` (pyproject.toml)
under their package names (``tests.server.conftest``); tests import helpers by package path
(``from ..support.served import LiveServer``, ``from ..support import national``), never by
file path or by a bare name put on ``sys.path``. A module loaded twice has two copies of its
globals (two caches, two locks, classes that ``isinstance`` tells apart); ``tests/conftest.py``
fails the run when it happened.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType


def loaded_twice(root: Path, modules: Mapping[str, ModuleType]) -> dict[Path, list[str]]:
    """Files under ``root`` (not of the running environment) present under several names."""
    names: defaultdict[Path, list[str]] = defaultdict(list)
    environment = Path(sys.prefix).resolve()
    for name, module in list(modules.items()):
        file = getattr(module, "__file__", None)
        if not file:
            continue
        path = Path(file).resolve()
        if path.is_relative_to(root) and not path.is_relative_to(environment):
            names[path].append(name)
    return {path: sorted(found) for path, found in names.items() if len(found) > 1}


def strays(
    root: Path, loaded: Iterable[ModuleType], modules: Mapping[str, ModuleType]
) -> list[str]:
    """Modules of ``root`` pytest loaded that are not what ``import`` gets under their name."""
    ours = (
        m
        for m in loaded
        if Path(getattr(m, "__file__", None) or "/").resolve().is_relative_to(root)
    )
    return sorted({m.__name__ for m in ours if modules.get(m.__name__) is not m})


def problems(root: Path, loaded: Iterable[ModuleType]) -> list[str]:
    """One line per breach of the rule, for the end of the run."""
    lines = [
        f"{path} loaded as {', '.join(names)}"
        for path, names in loaded_twice(root, sys.modules).items()
    ]
    lines += [
        f"{name}: pytest's module is not sys.modules[{name!r}]"
        for name in strays(root, loaded, sys.modules)
    ]
    return lines
