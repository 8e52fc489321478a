"""CSV on the Web: the CSVW metadata of the tables turns the CSV files back into the graph's
own triples for the resources they describe (graph/tables/csvw.py reads the metadata).

"Those triples", compared with ``rdflib.compare.isomorphic`` to the merged N-Triples dump of
the same version, are exactly:

- every triple whose subject is a resource of a table (a contract, territory, organisation,
  participation, axis, action, source of the records — not the reference dataset, which
  ``reference.nq.gz`` describes — or derived coverage figure), whatever its predicate,
  except ``skos:note`` and ``skos:altLabel`` (free remarks and spellings: on the pages and in
  the RDF dumps only) and ``rdf:type`` values other than the table's class (``cls:Signatory``,
  superclasses);
- the start and end dates (``dcat:startDate``, ``dcat:endDate``) of the contracts' periods.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF, SKOS

from cls_kg.graph.build import BuildResult
from cls_kg.graph.tables import TABLES
from cls_kg.graph.tables.columns import expand
from cls_kg.graph.tables.csvw import METADATA, to_rdf

DCAT = "http://www.w3.org/ns/dcat#"  # (rdflib's closed DCAT namespace upsets pytest's collector)
DATASET, START, END = (URIRef(DCAT + n) for n in ("Dataset", "startDate", "endDate"))
CLASSES = {URIRef(expand(t.rdf_class)) for t in TABLES if t.rdf_class}
LEFT_OUT = {SKOS.note, SKOS.altLabel}
PERIOD = (START, END)


def those_triples(dump: Graph) -> Graph:
    """The triples the tables stand for, as the module docstring defines them."""
    rows = {s for c in CLASSES for s in dump.subjects(RDF.type, c)}
    rows -= set(dump.subjects(RDF.type, DATASET))
    expected = Graph()
    for s in rows:
        for p, o in dump.predicate_objects(s):
            if p not in LEFT_OUT and (p != RDF.type or o in CLASSES):
                expected.add((s, p, o))
    for period in {o for s in rows for o in dump.objects(s, DCTERMS.temporal)}:
        for p in PERIOD:
            for o in dump.objects(period, p):
                expected.add((period, p, o))
    return expected


def difference(expected: Graph, got: Graph) -> str:
    """The first triples one graph has and not the other, to read in a failure."""
    _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(got))
    return "\n".join(
        [f"missing {t}" for t in sorted(missing)[:10]] + [f"extra {t}" for t in sorted(extra)[:10]]
    )


@pytest.mark.parametrize("name", ["seed_build", "national_build"])
def test_the_csv_files_turn_back_into_the_graphs_triples(
    name: str, request: pytest.FixtureRequest
) -> None:
    result: BuildResult = request.getfixturevalue(name)
    dump = Graph().parse(result.path / "dumps" / "cls-kg.nt", format="nt")
    expected, got = those_triples(dump), to_rdf(result.path / "tables")
    assert len(expected) > 1000
    assert isomorphic(expected, got), difference(expected, got)


def test_a_changed_cell_breaks_the_round_trip(seed_build: BuildResult, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    for path in (seed_build.path / "tables").glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / METADATA).write_bytes((seed_build.path / "tables" / METADATA).read_bytes())
    text = (folder / "axes.csv").read_text(encoding="utf-8")
    (folder / "axes.csv").write_text(text.replace(",1,", ",7,", 1), encoding="utf-8")
    dump = Graph().parse(seed_build.path / "dumps" / "cls-kg.nt", format="nt")
    assert not isomorphic(those_triples(dump), to_rdf(folder))


def test_every_column_is_mapped_or_named_as_a_convenience() -> None:
    for table in TABLES:
        for column in table.columns:
            if column.prop is None:  # stated elsewhere: the row's IRI, a list from liens ...
                assert (
                    column.name in ("iri", "sujet", "propriete")
                    or column.listing is not None
                    or "(fin de son IRI)" in column.description
                    or column.references
                    or column.name in ("libelle_territoire", "signataire")
                    or column.name.endswith("_zone")
                ), (table.name, column.name)
