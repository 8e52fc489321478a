"""Ingests as jobs: each upload is published by a process of its own, outside the web request.

The admin API (``server/ops/admin.py``) hands the upload to ``submit``, which writes it into
``{data_dir}/jobs/{id}/`` and starts ``python -m cls_kg.graph.jobs {folder}``, then answers
``202`` at once. So an ingest of any size is never killed by a web worker's timeout, its memory
is given back to the system when it ends, and the web process never opens the store to write
(RocksDB does not survive a ``fork``). Ingests still run one at a time: each takes the data
folder's lock (``ingest.locked``) and waits for it in the ``waiting`` step.

The job's process writes ``status.json`` (atomically) at each step and its outcome at the
end; ``status`` reads it, and reports a job whose process died before its outcome (server
killed, machine restarted) as ``interrupted``: what the dead ingest left is removed by the
next ingest or build (``DataDir.clean_leftovers``), nothing published is lost.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .consistency import DEFAULT_TOLERANCE
from .datadir import DataDir
from .errors import ClsKgError
from .ingest import Outcome, Upload, check_upload, ingest
from .processes import alive
from .reports import report_body, write_atomically

SPEC_FILE = "job.json"
STATUS_FILE = "status.json"
PID_FILE = "pid"
UPLOAD_DIR = "upload"
JOB_ID = re.compile(r"[0-9a-f]{16}")
#: Finished jobs kept (their status and outcome); older ones are removed at the next upload.
KEEP = 100
#: States after which a job's process has nothing left to do.
FINAL = ("published", "refused", "failed", "interrupted")


@dataclass(frozen=True)
class Spec:
    """What a job publishes, and how: everything its process needs besides the upload."""

    data_dir: str
    name: str
    publisher: str
    record: str | None
    base: str
    tolerance: float


def now() -> str:
    """The time of a status, in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_status(folder: Path, state: str, **fields: Any) -> None:
    """The job's state for the status URL; readers see the old one or the new one."""
    body = {"job": folder.name, "state": state, "at": now(), **fields}
    write_atomically(folder / STATUS_FILE, json.dumps(body, ensure_ascii=False, indent=2))


def submit(data_dir: Path, upload: Upload, base: str, tolerance: float = DEFAULT_TOLERANCE) -> str:
    """Keep the upload and start its ingest in a process of its own; the job's id."""
    check_upload(upload)  # what cannot be a record is refused now, with a 400
    job = secrets.token_hex(8)
    folder = DataDir(data_dir).job(job)
    (folder / UPLOAD_DIR).mkdir(parents=True)
    (folder / UPLOAD_DIR / Path(upload.name).name).write_bytes(upload.data)
    spec = Spec(str(data_dir), upload.name, upload.publisher, upload.record, base, tolerance)
    (folder / SPEC_FILE).write_text(json.dumps(asdict(spec)), encoding="utf-8")
    write_status(folder, "queued", step="queued")
    start(folder)
    prune(data_dir)
    return job


def start(folder: Path) -> None:
    """Run the job in a new process (its own session: a web worker's restart does not stop
    it), reaped by a thread of this one."""
    command = [sys.executable, "-m", "cls_kg.graph.jobs", str(folder)]
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
    (folder / PID_FILE).write_text(str(child.pid), encoding="utf-8")
    threading.Thread(target=child.wait, name="cls-kg-job-reaper", daemon=True).start()


def prune(data_dir: Path) -> None:
    """Settle the jobs whose process died (their upload goes), then keep ``KEEP`` finished."""
    root = DataDir(data_dir).jobs
    finished = []
    for folder in root.iterdir():
        state = status(data_dir, folder.name) or {}
        if state.get("state") == "interrupted" and (folder / UPLOAD_DIR).exists():
            write_status(folder, "interrupted")
            shutil.rmtree(folder / UPLOAD_DIR, ignore_errors=True)
        if state.get("state") in FINAL:
            finished.append(folder)
    finished.sort(key=lambda f: f.stat().st_mtime, reverse=True)
    for folder in finished[KEEP:]:
        shutil.rmtree(folder, ignore_errors=True)


def read_status(folder: Path) -> dict[str, Any]:
    """The last status a job wrote, empty when there is none."""
    try:
        body: dict[str, Any] = json.loads((folder / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return body


def job_pid(folder: Path) -> int | None:
    """The id of the job's process, once started."""
    try:
        return int((folder / PID_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def status(data_dir: Path, job: str) -> dict[str, Any] | None:
    """A job's state and, once done, its outcome; None for an unknown job."""
    folder = DataDir(data_dir).job(job)
    if not JOB_ID.fullmatch(job) or not folder.is_dir():
        return None
    body = read_status(folder)
    pid = job_pid(folder)
    if body.get("state") not in FINAL and pid is not None and not alive(pid):
        body = read_status(folder)  # it may have written its outcome just before ending
        if body.get("state") not in FINAL:
            body = {"job": job, "state": "interrupted", "at": now()}
    return body


def outcome_fields(outcome: Outcome) -> dict[str, Any]:
    """The outcome of an ingest as the status URL reports it."""
    result = outcome.result
    body = report_body(outcome.record, "", outcome.report, result)
    fields: dict[str, Any] = {
        "record": outcome.record,
        "report": outcome.report_iri,
        "published": outcome.accepted,
        "conforms": body["conforms"],
        "summary": body["summary"],
        "problems": body["problems"],
    }
    if result is not None:
        fields |= {"version": result.version, "reused": result.reused, "counts": result.counts}
    return fields


def run(folder: Path) -> None:
    """The job's process: ingest the upload, writing each step and the outcome."""
    spec = Spec(**json.loads((folder / SPEC_FILE).read_text(encoding="utf-8")))
    source = folder / UPLOAD_DIR / Path(spec.name).name
    upload = Upload(spec.name, source.read_bytes(), spec.publisher, spec.record)

    def progress(step: str) -> None:
        write_status(folder, "running", step=step)

    try:
        outcome = ingest(Path(spec.data_dir), upload, spec.base, spec.tolerance, progress)
    except ClsKgError as error:
        write_status(folder, "failed", message=str(error))
    else:
        write_status(
            folder, "published" if outcome.accepted else "refused", **outcome_fields(outcome)
        )
    finally:
        shutil.rmtree(folder / UPLOAD_DIR, ignore_errors=True)


if __name__ == "__main__":
    run(Path(sys.argv[1]))
