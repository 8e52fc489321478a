"""Records to upload, one of each accepted kind, each describing a contract of its own.

They are the filled template of the spreadsheet tests (``tests/spreadsheet/data/filled``, a
CLS of the "Val d'Exemple") with its name changed per kind ("Val d'Xlsx", "Val d'Csv" ...),
so that each upload adds a contract the others do not.
"""

from __future__ import annotations

import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..support.admin import FILLED_CSV, FILLED_TTL, fill_template
from .installed import AUTH, JOB_DEADLINE, Reply, Server

CONTRACT = "https://w3id.org/cls-sante/id/contract/val-d-{name}-2024-2028"


@dataclass(frozen=True)
class Record:
    """A file to upload and the contract it publishes."""

    filename: str
    data: bytes
    name: str

    @property
    def contract(self) -> str:
        """The IRI of the contract it adds."""
        return CONTRACT.format(name=self.name)

    @property
    def label(self) -> str:
        """The contract's French label, as its page shows it."""
        return f"Contrat local de santé du Val d'{self.name.capitalize()} 2024-2028"


def renamed(text: str, name: str) -> str:
    """The example's text about the "Val d'<name>" instead."""
    return text.replace("exemple", name).replace("Exemple", name.capitalize())


def tables(name: str, folder: Path) -> Path:
    """The CSV tables of the example, renamed."""
    folder.mkdir(parents=True)
    for table in FILLED_CSV.glob("*.csv"):
        (folder / table.name).write_text(renamed(table.read_text("utf-8"), name), "utf-8")
    return folder


def xlsx(name: str, work: Path) -> bytes:
    """The template filled with openpyxl."""
    return fill_template(work / "book.xlsx", tables(name, work / "tables")).read_bytes()


def csv_zip(name: str, work: Path) -> bytes:
    """The CSV tables in a zip."""
    path = work / "tables.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for table in sorted(tables(name, work / "tables").iterdir()):
            archive.write(table, table.name)
    return path.read_bytes()


def turtle(name: str, work: Path) -> bytes:
    """The example's Turtle (``cls-kg import`` of the template)."""
    return renamed(FILLED_TTL.read_text("utf-8"), name).encode()


def json_ld(name: str, work: Path) -> bytes:
    """The same records as JSON-LD (full IRIs, one default graph)."""
    graph = Graph().parse(data=turtle(name, work), format="turtle")
    return graph.serialize(format="json-ld").encode()


#: Kind -> file extension and how to write its bytes.
KINDS: dict[str, tuple[str, Callable[[str, Path], bytes]]] = {
    "xlsx": ("xlsx", xlsx),
    "csv": ("zip", csv_zip),
    "turtle": ("ttl", turtle),
    "jsonld": ("jsonld", json_ld),
}


def record(kind: str, work: Path, name: str | None = None) -> Record:
    """A record of ``kind`` about the "Val d'<name>" (default: the kind)."""
    extension, write = KINDS[kind]
    name = name or kind
    folder = work / uuid.uuid4().hex
    folder.mkdir(parents=True)
    return Record(f"val-d-{name}.{extension}", write(name, folder), name)


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body with one file (as ``curl -F file=@…`` sends it)."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def upload(server: Server, upload: Record, form: bool = True) -> Reply:
    """POST a record to the admin API: as a form (``curl -F``) or as the raw body."""
    if form:
        body, kind = multipart("file", upload.filename, upload.data)
        return server.request("POST", "/admin/records", body, {**AUTH, "Content-Type": kind})
    path = f"/admin/records?filename={upload.filename}"
    return server.request("POST", path, upload.data, AUTH)


def outcome(server: Server, accepted: Reply, **headers: str) -> Reply:
    """The job's outcome: its status URL polled until the job is done."""
    assert accepted.status == 202, accepted.body[:500]
    status_url = accepted.headers["Location"]
    end = time.monotonic() + JOB_DEADLINE
    while time.monotonic() < end:
        reply = server.get(status_url, **AUTH, **headers)
        if reply.status != 200 or reply.json()["state"] not in ("queued", "running"):
            return reply
        time.sleep(0.1)
    raise AssertionError(f"the job at {status_url} did not end:\n{server.output()[-3000:]}")


def publish(server: Server, upload_: Record, form: bool = True) -> Reply:
    """Upload, then wait for the job's outcome."""
    return outcome(server, upload(server, upload_, form))
