"""The product as the README deploys it: a wheel installed in a fresh venv, ``cls-kg serve``.

The wheel is built once per session from a copy of the sources (the checkout is not touched),
installed non-editable into a new venv without network (``--no-index``); the dependencies come
from the development venv through a ``.pth`` line, which adds its folder to ``sys.path`` without
running its ``.pth`` files, so the editable ``cls_kg`` there is never what gets imported.
A ``Server`` is a real process tree: ``cls-kg serve``, gunicorn's master and web processes, their
query processes and the publication jobs; ``kill`` sends SIGKILL to all of it at once.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..support.served import free_port

#: What a wheel is built from: the files pyproject.toml packages.
SOURCES = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "cli",
    "graph",
    "i18n",
    "server",
    "ontology",
    "shapes",
)
TOKEN = "deploy-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STARTUP = 180.0  # seconds a server may take to build, check and answer
JOB_DEADLINE = 120.0  # seconds an upload's job may take
#: Settings of every server: no rate limit (tests send bursts), two query processes each.
ENVIRONMENT = {
    "CLS_KG_RATE_LIMIT": "0",
    "CLS_KG_QUERY_WORKERS": "2",
    "CLS_KG_ADMIN_TOKEN": TOKEN,
    "CLS_KG_ADMIN_NAME": "Deploy",
    "CLS_KG_SEED_ONLY": "1",
}


@dataclass(frozen=True)
class Installed:
    """A venv holding the wheel: its interpreter and its ``cls-kg`` command."""

    venv: Path

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.venv / "bin" / "python"

    @property
    def command(self) -> Path:
        """The console script pip wrote."""
        return self.venv / "bin" / "cls-kg"

    def imported_from(self, cwd: Path, code: str = "") -> str:
        """Where ``import cls_kg`` finds the package, run from ``cwd`` (first on sys.path)."""
        script = f"{code}import cls_kg.graph, cls_kg.cli; print(cls_kg.graph.__file__)"
        done = subprocess.run(
            [str(self.python), "-c", script], cwd=cwd, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()


def seeded(built_data_dir: Path, target: Path) -> Path:
    """A copy of the seed build at ``target``."""
    shutil.copytree(built_data_dir, target, symlinks=True)
    return target


def copy_sources(repo: Path, target: Path) -> Path:
    """The packaged files of the checkout, without caches."""
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        source = repo / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def run(*command: str | Path, cwd: Path | None = None) -> None:
    """A command that must succeed (its output is shown if it does not)."""
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def install(repo: Path, work: Path) -> Installed:
    """Build the wheel of the checkout and install it, non-editable, into a fresh venv."""
    sources = copy_sources(repo, work / "sources")
    wheels, venv = work / "wheels", work / "venv"
    pip = (sys.executable, "-m", "pip")
    run(*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", wheels, ".", cwd=sources)
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    wheel = next(wheels.glob("cls_kg-*.whl"))
    run(
        *pip, "--python", venv / "bin" / "python", "install", "-q", "--no-deps", "--no-index", wheel
    )
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "cls-kg-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return Installed(venv)


@dataclass
class Reply:
    """An HTTP answer."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


def children_of(pid: int) -> list[int]:
    """Every process descended from ``pid`` (from /proc), deepest last."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def running(pid: int) -> bool:
    """Whether a process exists and has not ended (a zombie has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass
class Server:
    """``cls-kg serve`` of an installed package, started from ``cwd`` on a free port."""

    installed: Installed
    cwd: Path
    logs: Path
    environment: Mapping[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def start(self) -> Server:
        """Start, then wait until it answers ``/readyz`` (or fail with its log)."""
        self.log = self.logs / f"server-{uuid.uuid4().hex[:8]}.log"
        command = [str(self.installed.command), "serve", "--port", str(self.port), "--lang", "en"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.cwd,
                env={**os.environ, **ENVIRONMENT, **self.environment},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        end = time.monotonic() + STARTUP
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped:\n{self.output()}")
            if self.ready():
                return self
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"the server did not answer:\n{self.output()}")

    def ready(self) -> bool:
        """Whether ``/readyz`` answers 200."""
        try:
            return self.get("/readyz").status == 200
        except OSError:
            return False

    def output(self) -> str:
        """What the server printed (its log)."""
        return self.log.read_text(errors="replace") if self.log else ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] = {}
    ) -> Reply:
        """One HTTP request on loopback."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=dict(headers))
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Reply:
        """A GET."""
        return self.request("GET", path, headers=headers)

    def stop(self) -> None:
        """SIGTERM to the command and gunicorn, then SIGKILL to whatever is left."""
        if self.process is None or self.process.poll() is not None:
            return
        tree = children_of(self.process.pid)
        os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        self.kill(tree)

    def kill(self, tree: list[int] | None = None) -> None:
        """SIGKILL to the whole tree at once (jobs included, though in their own session)."""
        if self.process is None:
            return
        pids = [self.process.pid, *(tree or children_of(self.process.pid))]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        end = time.monotonic() + 30
        while any(running(pid) for pid in pids) and time.monotonic() < end:
            time.sleep(0.05)
