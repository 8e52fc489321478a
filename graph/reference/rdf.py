"""The reference copy as RDF, with the INSEE geographic ontology (``igeo:``).

The graph has some 340 000 triples: it is written with pyoxigraph's terms straight to
N-Quads (rdflib would take seconds), once per content digest and base in a process.
Each unit gets an IRI under ``{base}id/`` from its INSEE code (SIREN for an EPCI), its
``igeo:codeINSEE`` and ``igeo:nom``, an ``rdfs:label``, and its place in the hierarchy:
a commune is ``igeo:subdivisionDirecteDe`` its EPCI and ``igeo:subdivisionDe`` its
département and région (the arrondissement between them is not kept).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS, XSD

from ..errors import SourceError
from ..namespaces import CLS, CLSV, DEFAULT_BASE, IGEO, data_namespace
from .divisions import DATA_DIR, DATASET_FILE, Divisions, Record, load
from .update import DATASET_PATH

Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

COMMUNE, EPCI = str(IGEO.Commune), str(IGEO.Intercommunalite)
DEPARTEMENT, COM, REGION = (
    str(IGEO.Departement),
    str(IGEO.CollectiviteDOutreMer),
    str(IGEO.Region),
)

#: Every predicate the conversion writes, as a pyoxigraph IRI (looked up once, not per triple).
P: dict[str, ox.NamedNode] = {
    name: ox.NamedNode(str(iri))
    for name, iri in {
        "type": RDF.type,
        "label": RDFS.label,
        "code": IGEO.codeINSEE,
        "name": IGEO.nom,
        "within": IGEO.subdivisionDe,
        "directlyWithin": IGEO.subdivisionDirecteDe,
        "siren": CLS.siren,
        "population": CLS.municipalPopulation,
        "kind": CLS.intercommunalityKind,
    }.items()
}
NON_NEGATIVE = ox.NamedNode(str(XSD.nonNegativeInteger))

#: INSEE class of each kind of unit -> the folder of its IRIs under {base}id/.
UNIT_PATHS: dict[str, str] = {
    COMMUNE: "commune",
    EPCI: "epci",
    DEPARTEMENT: "departement",
    COM: "collectivite-outre-mer",
    REGION: "region",
}

#: Zone of a record of departements.json -> its INSEE class: a COM is not a département.
DEPARTEMENT_CLASSES: dict[str, str] = {"metro": DEPARTEMENT, "drom": DEPARTEMENT, "com": COM}

#: Zones whose records of regions.json are régions (the package repeats each COM there).
REGION_ZONES = frozenset({"metro", "drom"})

#: The DGCL's kind of an EPCI -> the concept of the territory-kind scheme.
EPCI_KINDS: dict[str, ox.NamedNode] = {
    code: ox.NamedNode(str(CLSV[f"type-territoire/{slug}"]))
    for code, slug in {
        "CC": "communaute-de-communes",
        "CA": "communaute-d-agglomeration",
        "CU": "communaute-urbaine",
        "METRO": "metropole",
        "MET69": "metropole",
    }.items()
}


def reference_graph(base: str) -> str:
    """Name of the named graph that holds the reference data under ``base``."""
    return f"{base}graph/reference"


def dataset_iri(base: str) -> str:
    """IRI of the reference dataset's description (a dcat:Dataset and cls:Source)."""
    return data_namespace(base) + DATASET_PATH


class Writer:
    """Collects the quads of the reference graph under one base."""

    def __init__(self, base: str) -> None:
        self.ids = data_namespace(base)
        self.graph = ox.NamedNode(reference_graph(base))
        self.folders = {kind: f"{self.ids}{folder}/" for kind, folder in UNIT_PATHS.items()}
        self.classes = {kind: ox.NamedNode(kind) for kind in UNIT_PATHS}
        self.quads: list[ox.Quad] = []

    def unit(self, insee_class: str, code: str) -> ox.NamedNode:
        """The IRI of an official unit from its class and code."""
        return ox.NamedNode(self.folders[insee_class] + code)

    def add(self, subject: Subject, predicate: ox.NamedNode, value: Object) -> None:
        """One triple of the reference graph."""
        self.quads.append(ox.Quad(subject, predicate, value, self.graph))

    def describe(self, insee_class: str, record: Record) -> ox.NamedNode:
        """Type, INSEE code, name and label: what every unit has."""
        node = self.unit(insee_class, record["code"])
        name = ox.Literal(record["nom"], language="fr")
        self.add(node, P["type"], self.classes[insee_class])
        self.add(node, P["code"], ox.Literal(record["code"]))
        self.add(node, P["name"], name)
        self.add(node, P["label"], name)
        return node


def region(writer: Writer, record: Record) -> None:
    """A région (the COM the package lists as régions are described as départements)."""
    if record["zone"] in REGION_ZONES:
        writer.describe(REGION, record)


def departement(writer: Writer, record: Record) -> None:
    """A département, or a collectivité d'outre-mer, within its région."""
    insee_class = DEPARTEMENT_CLASSES[record["zone"]]
    node = writer.describe(insee_class, record)
    if insee_class == DEPARTEMENT:
        writer.add(node, P["directlyWithin"], writer.unit(REGION, record["region"]))


def commune(writer: Writer, record: Record) -> None:
    """A commune: SIREN, population municipale, département (or COM) and région."""
    node = writer.describe(COMMUNE, record)
    if "siren" in record:
        writer.add(node, P["siren"], ox.Literal(record["siren"]))
    if "population" in record:
        population = ox.Literal(str(record["population"]), datatype=NON_NEGATIVE)
        writer.add(node, P["population"], population)
    parent_class = DEPARTEMENT_CLASSES[record["zone"]]
    writer.add(node, P["within"], writer.unit(parent_class, record["departement"]))
    if record["zone"] in REGION_ZONES:
        writer.add(node, P["within"], writer.unit(REGION, record["region"]))


def epci(writer: Writer, record: Record) -> None:
    """An EPCI: its SIREN (its INSEE code too), its kind, and its member communes."""
    node = writer.describe(EPCI, record)
    writer.add(node, P["siren"], ox.Literal(record["code"]))
    kind = EPCI_KINDS.get(record["type"])
    if kind:
        writer.add(node, P["kind"], kind)
    for member in record["membres"]:
        writer.add(writer.unit(COMMUNE, member), P["directlyWithin"], node)


#: File stem -> how each of its records becomes RDF.
CONVERTERS: dict[str, Callable[[Writer, Record], None]] = {
    "regions": region,
    "departements": departement,
    "communes": commune,
    "epci": epci,
}


#: Folder of a unit's IRI -> the file of the copy that describes it.
UNIT_FILES: dict[str, str] = {
    "commune": "communes",
    "epci": "epci",
    "departement": "departements",
    "collectivite-outre-mer": "departements",
    "region": "regions",
}


def unit_quads(divisions: Divisions, base: str, iris: Iterable[str]) -> list[ox.Quad]:
    """What the reference graph says of the given units only (the context to validate a file)."""
    writer = Writer(base)
    for iri in sorted(set(iris)):
        folder, _, code = iri.removeprefix(writer.ids).partition("/")
        stem = UNIT_FILES.get(folder) if iri.startswith(writer.ids) else None
        record = divisions.by_code[stem].get(code) if stem else None
        if stem and record:
            CONVERTERS[stem](writer, record)
    return writer.quads


Term = TypeVar("Term", ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)


def rebased(node: Term, ids: str) -> Term:
    """An IRI of the dataset description moved from the default base to ``ids``."""
    default = data_namespace(DEFAULT_BASE)
    if isinstance(node, ox.NamedNode) and node.value.startswith(default):
        return ox.NamedNode(ids + node.value[len(default) :])
    return node


def dataset_quads(writer: Writer, path: Path) -> None:
    """The dataset description shipped with the copy, moved to the writer's base."""
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, OSError) as error:
        raise SourceError(path, f"cannot read the dataset description: {error}") from error
    for triple in triples:
        subject = rebased(triple.subject, writer.ids)
        writer.add(subject, triple.predicate, rebased(triple.object, writer.ids))


def reference_quads(divisions: Divisions, base: str, directory: Path) -> list[ox.Quad]:
    """Every quad of the reference graph."""
    writer = Writer(base)
    for stem, convert in CONVERTERS.items():
        for record in divisions.records(stem):
            convert(writer, record)
    dataset_quads(writer, directory / DATASET_FILE)
    return writer.quads


@lru_cache(maxsize=2)
def nquads_for(directory: Path, content_digest: str, base: str) -> bytes:
    """The reference graph as N-Quads, one conversion per content and base."""
    quads = reference_quads(load(directory), base, directory)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def reference_nquads(base: str, directory: Path = DATA_DIR) -> bytes:
    """The reference graph under ``base`` as N-Quads (cached by the copy's digest)."""
    return nquads_for(directory, load(directory).digest, base)
