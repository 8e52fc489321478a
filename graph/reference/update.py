"""Refresh the shipped copy from the npm package ``@etalab/decoupage-administratif``.

``npm pack`` fetches the package tarball (or a tarball given with ``--from`` is used); the
four JSON files are trimmed to the records and fields the project uses, compressed
reproducibly (gzip without a timestamp), and written next to a description of the dataset
(``dataset.ttl``: version, vintage, licence) and a notice. Nothing is executed from the
package: its files are read from the archive as data.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from cls_kg.i18n import say

from ..errors import ReferenceDataError, SourceError
from ..namespaces import CLS, DEFAULT_BASE, PREFIXES, data_namespace
from .divisions import DATA_DIR, DATASET_FILE, FILES, SUFFIX, Record

PACKAGE = "@etalab/decoupage-administratif"
DATASET_PATH = "dataset/decoupage-administratif"
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
LICENCE_WORDS = "Licence Ouverte"
NPM_TIMEOUT = 300
EPCI_KINDS = frozenset({"CC", "CA", "CU", "METRO", "MET69"})


def keep_all(record: Record) -> bool:
    """Every record of the file is kept."""
    return True


@dataclass(frozen=True)
class Trim:
    """Which records of one package file the copy keeps, and which of their fields."""

    fields: tuple[str, ...]
    keep: Callable[[Record], bool] = keep_all
    #: list field -> the one field kept of each of its items
    lists: Mapping[str, str] = field(default_factory=dict)


#: File stem -> how it is trimmed. Only current communes are kept (not the associated or
#: delegated communes nor the municipal arrondissements of Paris, Lyon and Marseille).
TRIMS: dict[str, Trim] = {
    "regions": Trim(("code", "nom", "zone")),
    "departements": Trim(("code", "nom", "region", "zone")),
    "communes": Trim(
        ("code", "nom", "siren", "population", "departement", "region", "zone"),
        keep=lambda record: record.get("type") == "commune-actuelle",
    ),
    "epci": Trim(("code", "nom", "type", "membres"), lists={"membres": "code"}),
}


@dataclass(frozen=True)
class Package:
    """What the package says about itself."""

    name: str
    version: str
    vintage: str | None
    repository: str | None
    integrity: str


@dataclass(frozen=True)
class Updated:
    """The outcome of a refresh, for the command line."""

    package: Package
    counts: dict[str, int]
    folder: Path

    def to_text(self, lang: str) -> str:
        """One line saying what was written."""
        vintage = self.package.vintage or "?"
        return say(
            "reference.divisions-refreshed",
            lang,
            package=PACKAGE,
            version=self.package.version,
            vintage=vintage,
            folder=self.folder,
            **self.counts,
        )


def npm_pack(folder: Path, spec: str = PACKAGE) -> Path:
    """Fetch the package tarball with npm into ``folder``."""
    command = ["npm", "pack", spec, "--silent"]
    try:
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReferenceDataError(f"cannot run {' '.join(command)}: {error}") from error
    if done.returncode != 0:
        raise ReferenceDataError(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return folder / done.stdout.strip().splitlines()[-1]


def member_names() -> dict[str, str]:
    """Archive member -> short name, for the files a refresh reads."""
    names = {f"package/data/{stem}.json": stem for stem in FILES}
    names.update({f"package/{name}": name for name in ("package.json", "README.md", "LICENSE")})
    return names


def read_tarball(path: Path) -> dict[str, bytes]:
    """The files a refresh needs, read from the archive without extracting it."""
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member, name in member_names().items():
                if member in archive.getnames() and (entry := archive.extractfile(member)):
                    found[name] = entry.read()
    except (OSError, tarfile.TarError, EOFError) as error:
        raise SourceError(path, f"not a readable npm tarball: {error}") from error
    missing = sorted({*FILES, "package.json"} - set(found))
    if missing:
        raise SourceError(path, f"the package lacks {', '.join(missing)}")
    return found


def parse_json(path: Path, name: str, data: bytes) -> Any:
    """One JSON file of the package."""
    try:
        return json.loads(data)
    except ValueError as error:
        raise SourceError(path, f"{name}: not JSON: {error}") from error


def trim_record(record: Record, trim: Trim) -> Record:
    """The kept fields of one record; list fields reduced to one field per item."""
    kept = {name: record[name] for name in trim.fields if name in record}
    for name, inner in trim.lists.items():
        kept[name] = sorted(item[inner] for item in kept.get(name, []))
    return kept


def trim(path: Path, stem: str, records: Any) -> list[Record]:
    """The copy of one package file, checked for the fields the build relies on."""
    if not isinstance(records, list):
        raise SourceError(path, f"{stem}.json: expected a list of records")
    spec = TRIMS[stem]
    kept = [trim_record(r, spec) for r in records if isinstance(r, dict) and spec.keep(r)]
    for record in kept:
        missing = [name for name in FILES[stem] if name not in record]
        if missing:
            raise SourceError(path, f"{stem}.json: {record.get('code')!r} lacks {missing}")
    unknown = sorted({str(r["type"]) for r in kept if stem == "epci"} - EPCI_KINDS)
    if unknown:
        raise SourceError(path, f"epci.json: unknown EPCI kinds {unknown}: map them first")
    return sorted(kept, key=lambda record: str(record["code"]))


def vintage_of(readme: str, version: str) -> str | None:
    """The year the package README gives for this version in its vintage table."""
    row = re.search(rf"^\|\s*(\d{{4}})\s*\|\s*{re.escape(version)}\s*\|", readme, re.MULTILINE)
    return row.group(1) if row else None


def package_of(path: Path, files: dict[str, bytes], integrity: str) -> Package:
    """Name, version and vintage of the package; refuses another package or licence."""
    meta = parse_json(path, "package.json", files["package.json"])
    readme = files.get("README.md", b"").decode("utf-8", errors="replace")
    if not isinstance(meta, dict) or meta.get("name") != PACKAGE:
        raise SourceError(path, f"not the {PACKAGE} package")
    if LICENCE_WORDS not in readme:
        raise SourceError(path, f"the package README no longer says '{LICENCE_WORDS}'")
    repository = meta.get("repository")
    url = repository.get("url") if isinstance(repository, dict) else repository
    version = str(meta.get("version", ""))
    return Package(PACKAGE, version, vintage_of(readme, version), url, integrity)


def gzip_json(data: Any) -> bytes:
    """Compressed JSON that is byte-identical for the same content (no gzip timestamp)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def dataset_graph(package: Package) -> Graph:
    """The description of the reference dataset (written to dataset.ttl)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    node = URIRef(data_namespace(DEFAULT_BASE) + DATASET_PATH)
    release = f"{package.name} {package.version}"
    for triple in (
        (RDF.type, DCAT.Dataset),
        (RDF.type, CLS.Source),
        (RDFS.label, Literal(f"Découpage administratif de la France ({release})", lang="fr")),
        (RDFS.label, Literal(f"French administrative divisions ({release})", lang="en")),
        (DCTERMS.identifier, Literal(f"{package.name}@{package.version}")),
        (OWL.versionInfo, Literal(package.version)),
        (DCTERMS.license, LICENCE),
        (DCTERMS.description, Literal(DESCRIPTION["fr"], lang="fr")),
        (DCTERMS.description, Literal(DESCRIPTION["en"], lang="en")),
        (SKOS.note, Literal(f"Intégrité du paquet npm : {package.integrity}", lang="fr")),
    ):
        graph.add((node, *triple))
    if package.vintage:
        graph.add((node, DCTERMS.date, Literal(package.vintage, datatype=XSD.gYear)))
    if package.repository:
        graph.add((node, DCAT.landingPage, URIRef(package.repository)))
    return graph


DESCRIPTION = {
    "fr": "Communes (code INSEE, SIREN, population municipale), EPCI à fiscalité propre "
    "(nature, membres), départements, collectivités d'outre-mer et régions, tirés du paquet "
    "npm " + PACKAGE + ", lui-même issu du Code officiel géographique de l'INSEE, de la liste "
    "des EPCI de la DGCL et des populations légales de l'INSEE. Copie allégée livrée avec "
    "cls-kg (graph/reference/data).",
    "en": "Communes (INSEE code, SIREN, municipal population), EPCI with their own taxation "
    "(kind, members), départements, overseas collectivities and régions, taken from the npm "
    "package " + PACKAGE + ", itself derived from INSEE's official geographic code, the "
    "DGCL's list of EPCI and INSEE's legal populations. Trimmed copy shipped with cls-kg "
    "(graph/reference/data).",
}


def notice(package: Package, counts: dict[str, int]) -> str:
    """The notice that travels with the copy: what, which version, which licence."""
    kept = ", ".join(f"{counts[stem]} {stem}" for stem in FILES)
    return NOTICE.format(
        name=package.name,
        version=package.version,
        vintage=package.vintage or "not stated",
        repository=package.repository or "not stated",
        integrity=package.integrity,
        kept=kept,
    )


NOTICE = """# Reference data: {name} {version}

This folder is generated by `cls-kg reference update`; do not edit it by hand.

- **Package**: `{name}`, version **{version}** (npm), repository {repository}.
- **Vintage** (millésime, from the package README's table): **{vintage}**.
- **npm integrity** of the tarball read: `{integrity}`.
- **Origin of the data** (per the package README): INSEE's Code officiel géographique,
  the DGCL's list of EPCI à fiscalité propre, INSEE's legal populations (population
  municipale).
- **Licence of the data**: Licence Ouverte / Open Licence (Etalab), as the package README
  states. The package's code is under the MIT licence, copied in `PACKAGE-LICENSE`.
- **Kept**: {kept}. Only current communes (`commune-actuelle`) and the fields the project
  uses (code, nom, siren, population, departement, region, zone; for EPCI code, nom, type and
  the INSEE codes of their members), compressed with gzip without timestamps.

Refresh: `cls-kg reference update` (runs `npm pack {name}`) or
`cls-kg reference update --from {name_file}-X.Y.Z.tgz` for a tarball fetched beforehand
(`npm pack {name}@X.Y.Z` pins a version).
""".replace("{name_file}", "etalab-decoupage-administratif")


def integrity_of(path: Path) -> str:
    """The tarball's digest in npm's integrity notation (sha512, base64)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def write_atomically(path: Path, data: bytes) -> None:
    """Replace one file of the copy without ever leaving it half-written."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def outputs(
    path: Path, files: dict[str, bytes], package: Package
) -> tuple[dict[str, bytes], dict[str, int]]:
    """File name -> content of the new copy, and how many records each data file keeps."""
    trimmed = {stem: trim(path, stem, parse_json(path, stem, files[stem])) for stem in FILES}
    counts = {stem: len(records) for stem, records in trimmed.items()}
    written = {f"{stem}{SUFFIX}": gzip_json(records) for stem, records in trimmed.items()}
    written[DATASET_FILE] = dataset_graph(package).serialize(format="turtle").encode("utf-8")
    written["NOTICE.md"] = notice(package, counts).encode("utf-8")
    written["PACKAGE-LICENSE"] = files.get("LICENSE", b"")
    return written, counts


def refresh_from(tarball: Path, folder: Path) -> Updated:
    """Write the copy from one tarball; every file is checked before any is replaced."""
    files = read_tarball(tarball)
    package = package_of(tarball, files, integrity_of(tarball))
    written, counts = outputs(tarball, files, package)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in written.items():
        write_atomically(folder / name, data)
    return Updated(package, counts, folder)


def update(folder: Path = DATA_DIR, tarball: Path | None = None) -> Updated:
    """Refresh the copy from the given tarball, else from ``npm pack``."""
    if tarball is not None:
        return refresh_from(tarball, folder)
    with tempfile.TemporaryDirectory() as tmp:
        return refresh_from(npm_pack(Path(tmp)), folder)
