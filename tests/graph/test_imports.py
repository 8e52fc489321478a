"""Each module of ``graph/`` imports on its own, and no two of them import each other.

A cycle works by luck of the import order (and a ``TYPE_CHECKING`` import hides one from the
interpreter, not from mypy or a reader): ``errors`` imported ``validation`` for the report
``ValidationFailed`` carries, and ``validation`` led back to ``errors`` through the store.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

GRAPH = Path(__file__).resolve().parents[2] / "graph"
PACKAGE = "cls_kg.graph"

#: Imports each module named on the command line in a process of its own, forked from one
#: that has loaded the third-party libraries but nothing of the project (forking spares each
#: module a second of interpreter start), all at once; prints what failed.
ISOLATED = """
import importlib, os, sys, traceback
import pyoxigraph, pyshacl, rdflib
assert not [name for name in sys.modules if name.startswith("cls_kg")]
children = {}
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            print(name, traceback.format_exc(), flush=True)
            os._exit(1)
        os._exit(0)
    children[pid] = name
for pid, name in children.items():
    if os.waitpid(pid, 0)[1]:
        print(name, "failed", flush=True)
"""


def module_name(path: Path) -> str:
    """The dotted name a file of ``graph/`` is installed under."""
    parts = path.relative_to(GRAPH).with_suffix("").parts
    return ".".join((PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts)))


MODULES = {module_name(path): path for path in sorted(GRAPH.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The project modules a module imports, ``TYPE_CHECKING`` blocks included (not its
    own packages, which Python imports before it anyway)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.update(
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            )
    return {other for other in found & MODULES.keys() if not name.startswith(other + ".")}


def test_errors_imports_nothing_of_the_project() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, cls_kg.graph.errors; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('cls_kg.graph.'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == ["cls_kg.graph.errors"]


def test_no_module_of_graph_imports_itself_back() -> None:
    graph = {name: imported(name, path) for name, path in MODULES.items()}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as cycle:
        raise AssertionError(f"import cycle: {' imports '.join(reversed(cycle.args[1]))}") from None


def test_each_module_of_graph_imports_alone() -> None:
    run = subprocess.run(
        [sys.executable, "-c", ISOLATED, *MODULES], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
