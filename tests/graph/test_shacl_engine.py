"""The SPARQL SHACL engine gives exactly pyshacl's report, and falls back outside its subset."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from cls_kg.graph import build as b
from cls_kg.graph.link import link
from cls_kg.graph.namespaces import DEFAULT_BASE
from cls_kg.graph.reference import divisions
from cls_kg.graph.reference.template import on_scratch_copy, template
from cls_kg.graph.shacl import Unsupported, evaluate, supported
from cls_kg.graph.sources import default_sources, parse_files
from cls_kg.graph.validation import Report, validate

from ..support import national
from ..support.paths import TEST_DATA

SOURCES = default_sources()
SHAPES = parse_files(SOURCES.shapes)
ONTOLOGY = parse_files(SOURCES.ontology)
VOCABULARIES = parse_files(SOURCES.vocabularies)
CLS = "https://w3id.org/cls-sante/def#"
ID = "https://w3id.org/cls-sante/id/"
DCAT = "http://www.w3.org/ns/dcat#"
IGEO = "http://rdf.insee.fr/def/geo#"
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/shapes#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def both(data: Graph, shapes: Graph = SHAPES) -> tuple[Report, Report]:
    """The reports of pyshacl and of the SPARQL engine on the same graphs."""
    reference = validate(data, shapes, ontology=ONTOLOGY, engine="pyshacl")
    fast = validate(data, shapes, ontology=ONTOLOGY, engine="sparql")
    return reference, fast


def fixtures() -> list[Path]:
    """Every shape fixture, valid and invalid."""
    return sorted(TEST_DATA.glob("valid/*.ttl")) + sorted(TEST_DATA.glob("invalid/*.ttl"))


def test_the_project_shapes_are_supported() -> None:
    assert supported(SHAPES)


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_fixture_reports_are_identical(path: Path) -> None:
    reference, fast = both(parse_files([path]) + VOCABULARIES)
    assert fast == reference
    assert path.parent.name == "valid" or reference.results


# --- the seed records, linked as graph/build.py links them ---------------------------------


def test_seed_records_report_is_identical(tmp_path: Path) -> None:
    loaded = b.load_sources(SOURCES, DEFAULT_BASE)
    reference = template(tmp_path, loaded.reference)
    linked = on_scratch_copy(
        reference, lambda store: link(store, loaded.records, DEFAULT_BASE, 0.05)
    )
    loaded.derived, loaded.units = b.canonical(linked.derived), linked.units
    data = loaded.data()
    pyshacl_report = validate(data, loaded.shapes, ontology=loaded.ontology, engine="pyshacl")
    fast = validate(data, loaded.shapes, ontology=loaded.ontology, engine="sparql")
    assert fast == pyshacl_report
    assert pyshacl_report.results  # warnings and infos at least: the comparison means something


# --- a small generated national sample, with defects ----------------------------------------


@pytest.fixture(scope="module")
def national_sample(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """A dozen generated contracts (records and vocabularies, no reference data)."""
    folder = tmp_path_factory.mktemp("national")
    files = national.write(national.generate(divisions.load(), contracts=12), folder)
    return parse_files(files) + VOCABULARIES


def instances(graph: Graph, cls: str) -> list[URIRef]:
    """The instances of a class, by IRI order."""
    return sorted(s for s in graph.subjects(RDF.type, URIRef(CLS + cls)) if isinstance(s, URIRef))


def inject_defects(graph: Graph) -> Graph:
    """Missing labels, wrong datatypes, duplicates, wrong classes, broken links ..."""
    g = Graph() + graph
    p = {name: URIRef(CLS + name) for name in ("position", "territory", "theme", "generation")}
    actions, contracts = instances(g, "Action"), instances(g, "Contract")
    territories, axes = instances(g, "Territory"), instances(g, "Axis")
    # missing and wrong-language labels
    g.remove((actions[0], RDFS.label, None))
    g.remove((actions[1], RDFS.label, None))
    g.add((actions[1], RDFS.label, Literal("An action", lang="en")))
    g.add((actions[2], RDFS.label, Literal("Action", lang="FR")))
    # wrong or ill-typed datatypes, duplicates
    for action, value in zip(
        actions[3:9],
        [
            Literal("abc", datatype=XSD.positiveInteger),
            Literal("0", datatype=XSD.positiveInteger),
            Literal("3", datatype=XSD.integer),
            Literal("4"),
            Literal("5", datatype=XSD.string),
            Literal("1.50", datatype=XSD.decimal),
        ],
        strict=True,
    ):
        g.set((action, p["position"], value))
    g.add((actions[9], p["position"], Literal("12", datatype=XSD.positiveInteger)))
    g.add((actions[9], p["position"], Literal("12", datatype=XSD.integer)))
    g.add((contracts[0], URIRef(CLS + "signatureDate"), Literal("2020-13-45", datatype=XSD.date)))
    g.add((contracts[1], URIRef(CLS + "signatureDate"), Literal("2016", datatype=XSD.integer)))
    g.add((contracts[1], URIRef(CLS + "declaredActionCount"), Literal("-2", datatype=XSD.integer)))
    g.add((contracts[2], p["territory"], territories[-1]))
    # wrong classes, literals where resources are expected
    g.add((actions[10], p["theme"], URIRef(ID.replace("/id/", "/def/") + "role/porteur")))
    g.add((contracts[0], URIRef(CLS + "signatory"), actions[0]))
    g.add((contracts[0], URIRef(CLS + "hasAxis"), Literal("axe 1", lang="fr")))
    g.remove((axes[0], RDF.type, None))  # an axis nobody types: its actions' parent is untyped
    # contract links: a self loop, a generation order broken
    g.add((contracts[3], URIRef(CLS + "previousContract"), contracts[3]))
    g.set((contracts[3], p["generation"], Literal("2", datatype=XSD.positiveInteger)))
    # periods: end before start, ill-typed start, a blank-node period without dates
    periods = list(g.objects(contracts[4], URIRef("http://purl.org/dc/terms/temporal")))
    for period in periods:
        g.set((period, URIRef(DCAT + "endDate"), Literal("2001", datatype=XSD.gYear)))
        g.set((period, URIRef(DCAT + "startDate"), Literal("2020-02-30", datatype=XSD.date)))
    blank = BNode()
    g.add((contracts[5], URIRef("http://purl.org/dc/terms/temporal"), blank))
    g.add((blank, RDF.type, URIRef("http://purl.org/dc/terms/PeriodOfTime")))
    # territories: composition status outside the list, complete without units
    g.add((territories[0], URIRef(CLS + "compositionStatus"), URIRef(CLS + "Territory")))
    g.set((territories[1], URIRef(CLS + "compositionStatus"), URIRef(CLS + "CompositionComplete")))
    g.remove((territories[1], URIRef(CLS + "coversUnit"), None))
    # a commune with a bad code and SIREN; a theme with two French preferred labels
    commune = URIRef(ID + "commune/XXXXX")
    g.add((commune, RDF.type, URIRef(IGEO + "Commune")))
    g.add((commune, URIRef(IGEO + "codeINSEE"), Literal("ABC")))
    g.add((commune, URIRef(CLS + "siren"), Literal("12", datatype=XSD.string)))
    g.add((commune, URIRef(CLS + "siren"), Literal("123456789\n")))
    theme = instances(g, "Theme")[0]
    g.add((theme, SKOS.prefLabel, Literal("Autre libellé", lang="fr")))
    return g


def blank(node: Node | None) -> Node | None:
    """Blank nodes as one placeholder: the two engines name them differently."""
    return BNode("blank") if isinstance(node, BNode) else node


def pyshacl_components(data: Graph) -> set[tuple[Node | None, ...]]:
    """(focus, shape, component, value) of each result pyshacl writes."""
    _conforms, results, _text = pyshacl_validate(
        data, shacl_graph=SHAPES, ont_graph=ONTOLOGY, inference="none", allow_warnings=True
    )
    fields = (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent, SH.value)
    return {
        tuple(blank(results.value(r, field)) for field in fields)
        for r in results.subjects(RDF.type, SH.ValidationResult)
    }


def test_results_name_pyshacls_constraint_components(national_sample: Graph) -> None:
    data = inject_defects(national_sample)
    reference = pyshacl_components(data)
    fast = {
        (blank(r.focus), blank(r.shape), r.component, blank(r.value))
        for r in evaluate(data, SHAPES, ONTOLOGY)
    }
    assert fast == reference
    assert len({row[2] for row in reference}) >= 10  # most components of the table are seen


def test_national_sample_reports_are_identical(national_sample: Graph) -> None:
    reference, fast = both(national_sample)
    assert fast == reference


def test_national_sample_with_defects_reports_are_identical(national_sample: Graph) -> None:
    reference, fast = both(inject_defects(national_sample))
    assert fast == reference
    assert reference.count("Violation") > 20


# --- the supported subset, and the fallback --------------------------------------------------


UNSUPPORTED = {
    "target node": "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property ex:P .",
    "node-level class": "ex:S a sh:NodeShape ; sh:targetClass rdfs:Resource ; sh:class ex:C .",
    "min length": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q . "
    'ex:Q sh:path rdfs:label ; sh:minLength 3 ; sh:message "m"@en .',
    "nested node": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q . "
    'ex:Q sh:path rdfs:label ; sh:node ex:S ; sh:message "m"@en .',
    "alternative path": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q . "
    "ex:Q sh:path [ sh:alternativePath ( rdfs:label rdfs:comment ) ] ; sh:minCount 1 ; "
    'sh:message "m"@en .',
    "generic message": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q . "
    "ex:Q sh:path rdfs:label ; sh:minCount 1 .",
    "disjoint qualified": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q . "
    'ex:Q sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "fr" ) ] ; '
    'sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ; sh:message "m"@en .',
    "optional in SPARQL": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ "
    'sh:message "m"@en ; sh:select "SELECT $this WHERE { $this a ?c OPTIONAL { $this '
    'rdfs:label ?l } FILTER (!BOUND(?l)) }" ] .',
    "implicit class target": "ex:S a sh:NodeShape , rdfs:Class ; sh:property ex:Q . "
    'ex:Q sh:path rdfs:label ; sh:minCount 1 ; sh:message "m"@en .',
}


def shapes_from(text: str) -> Graph:
    """A shapes graph from a Turtle snippet."""
    return Graph().parse(data=PREFIXES + text, format="turtle")


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_shapes_outside_the_subset_are_not_supported(name: str) -> None:
    assert not supported(shapes_from(UNSUPPORTED[name]))


def test_a_minimal_supported_shape() -> None:
    text = (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q . "
        'ex:Q sh:path rdfs:label ; sh:minCount 1 ; sh:message "m"@en .'
    )
    assert supported(shapes_from(text))


def test_unsupported_shapes_still_validate_through_pyshacl() -> None:
    shapes = shapes_from(UNSUPPORTED["min length"])
    ex = "https://example.org/shapes#"
    data = Graph()
    data.add((URIRef(ex + "x"), RDF.type, URIRef(ex + "C")))
    data.add((URIRef(ex + "x"), RDFS.label, Literal("ab")))
    with pytest.raises(Unsupported):
        validate(data, shapes, engine="sparql")
    report = validate(data, shapes)
    assert report == validate(data, shapes, engine="pyshacl")
    assert len(report.results) == 1  # "ab" is shorter than 3


def test_this_inside_a_string_is_text_not_the_focus_node() -> None:
    """Only the variable ``$this`` is the focus node; the string "$this" stays a string, as
    in pyshacl (the compiler once replaced it too, and reported the wrong focus node)."""
    ex = "https://example.org/shapes#"
    select = (
        "SELECT $this WHERE { $this <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        "# $this in a comment\n"
        "FILTER (?l = \"$this\" || ?l = 'say $this') }"
    )
    shapes = shapes_from(
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m"@en ; '
        f"sh:select {Literal(select).n3()} ] ."
    )
    assert supported(shapes)
    data = Graph()
    for name, label in (("x", "$this"), ("y", "other"), ("z", "say $this")):
        data.add((URIRef(ex + name), RDF.type, URIRef(ex + "C")))
        data.add((URIRef(ex + name), RDFS.label, Literal(label)))
    reference = validate(data, shapes, engine="pyshacl")
    fast = validate(data, shapes, engine="sparql")
    assert fast == reference
    assert sorted(result.focus for result in fast.results) == [ex + "x", ex + "z"]


def test_the_wider_subset_gives_pyshacls_report() -> None:
    """Targets by node, subject and object, node-level constraints, a closed shape, value
    ranges, sh:not and sh:equals on a property shape with its own target: one report."""
    shapes = shapes_from(
        'ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b, "x" ; sh:targetSubjectsOf ex:p ; '
        'sh:nodeKind sh:IRI ; sh:message "iri"@en, "iri"@fr . '
        "ex:T a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:in ( ex:a ex:c ) ; "
        'sh:message "in"@en . '
        "ex:U a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; "
        'sh:ignoredProperties ( rdf:type ) ; sh:property ex:Q ; sh:message "closed"@en . '
        "ex:Q sh:path ex:p ; sh:minInclusive 3 ; sh:not [ sh:datatype xsd:string ] ; "
        'sh:message "q"@en . '
        "ex:V a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; sh:equals ex:q ; "
        'sh:message "eq"@en .'
    )
    data = Graph().parse(
        data=PREFIXES + 'ex:a a ex:C ; ex:p 1, "s", 5 ; ex:q 5 ; ex:r 2 . ex:b ex:p ex:a . '
        "[] ex:p ex:c .",
        format="turtle",
    )
    assert supported(shapes)
    fast = validate(data, shapes, engine="sparql")
    assert fast == validate(data, shapes, engine="pyshacl")
    assert len(fast.results) == 12


def test_an_ill_typed_literal_is_not_its_well_typed_twin() -> None:
    """rdflib holds "none"^^xsd:boolean as an ill-typed "false", equal to the well-typed
    "false": the ill-typed one still fails sh:datatype, whichever the engine meets first."""
    shapes = shapes_from(
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property ex:Q . "
        'ex:Q sh:path ex:p ; sh:datatype xsd:boolean ; sh:message "m"@en .'
    )
    ex = "https://example.org/shapes#"
    for order in ((True, "false"), (False, "none")), ((False, "none"), (True, "false")):
        data = Graph()
        for well_typed, text in order:
            subject = URIRef(ex + ("good" if well_typed else "bad"))
            data.add((subject, URIRef(ex + "p"), Literal(text, datatype=XSD.boolean)))
        fast = validate(data, shapes, engine="sparql")
        assert fast == validate(data, shapes, engine="pyshacl")
        assert [result.focus for result in fast.results] == [ex + "bad"]


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="engine"):
        validate(Graph(), SHAPES, engine="fast")


def test_upper_case_language_tags_give_the_same_report(national_sample: Graph) -> None:
    data = Graph() + national_sample
    theme = instances(data, "Theme")[0]
    data.add((theme, SKOS.prefLabel, Literal("Santé", lang="FR")))
    data.add((theme, SKOS.altLabel, Literal("Santé", lang="FR-fr")))
    reference, fast = both(data)
    assert fast == reference
    assert any(r.shape.endswith("uniqueLang") for r in reference.results)


def test_plain_and_xsd_string_literals_side_by_side_stay_supported(national_sample: Graph) -> None:
    data = Graph() + national_sample
    commune = URIRef(ID + "commune/XXXXX")
    data.add((commune, RDF.type, URIRef(IGEO + "Commune")))
    data.add((commune, URIRef(IGEO + "codeINSEE"), Literal("25056")))
    data.add((commune, URIRef(IGEO + "codeINSEE"), Literal("25056", datatype=XSD.string)))
    reference, fast = both(data)
    assert fast == reference


# --- components the project's shapes do not use, each held equal to pyshacl -----------------

XSD_PREFIX = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
OWNER = "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q . "
#: name -> (shapes, data, the components of the results, the shapes that report).
COMPONENT_CASES: dict[str, tuple[str, str, set[str], set[str]]] = {
    "nodeKind": (
        OWNER + 'ex:Q sh:path ex:link ; sh:nodeKind sh:IRI ; sh:message "m"@en .',
        'ex:x a ex:C ; ex:link ex:y , "text" , [ ex:p 1 ] . ex:z a ex:C ; ex:link ex:y .',
        {"NodeKindConstraintComponent"},
        {"Q"},
    ),
    "nodeKind in sh:or": (
        OWNER + "ex:Q sh:path ex:link ; sh:or ( [ sh:nodeKind sh:IRI ] "
        '[ sh:datatype xsd:integer ] ) ; sh:message "m"@en .',
        'ex:x a ex:C ; ex:link ex:y , 3 , "text" , [ ex:p 1 ] .',
        {"OrConstraintComponent"},
        {"Q"},
    ),
    "flags": (
        OWNER + 'ex:Q sh:path ex:code ; sh:pattern "^ab" ; sh:flags "i" ; sh:message "m"@en .',
        'ex:x a ex:C ; ex:code "ABc" , "abd" , "xAB" . ex:y a ex:C ; ex:code "Ab" .',
        {"PatternConstraintComponent"},
        {"Q"},
    ),
    "qualifiedMaxCount": (
        OWNER + "ex:Q sh:path ex:member ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
        'sh:qualifiedMaxCount 1 ; sh:message "m"@en .',
        "ex:x a ex:C ; ex:member ex:d1 , ex:d2 . ex:y a ex:C ; ex:member ex:d1 , ex:e . "
        "ex:d1 a ex:D . ex:d2 a ex:D . ex:e a ex:E .",
        {"QualifiedMaxCountConstraintComponent"},
        {"Q"},
    ),
    "lessThanOrEquals": (
        OWNER + 'ex:Q sh:path ex:start ; sh:lessThanOrEquals ex:end ; sh:message "m"@en .',
        "ex:x a ex:C ; ex:start 3 ; ex:end 2 . ex:y a ex:C ; ex:start 2 ; ex:end 2 . "
        'ex:z a ex:C ; ex:start 1 ; ex:end 2 , 5 . ex:w a ex:C ; ex:start "a" ; ex:end 2 .',
        {"LessThanOrEqualsConstraintComponent"},
        {"Q"},
    ),
    "deactivated": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Q , ex:R ; "
        'sh:sparql [ sh:deactivated true ; sh:message "s"@en ; '
        'sh:select "SELECT $this WHERE { $this a ?c }" ] . '
        'ex:Q sh:path ex:name ; sh:minCount 1 ; sh:deactivated true ; sh:message "q"@en . '
        'ex:R sh:path ex:code ; sh:minCount 1 ; sh:deactivated false ; sh:message "r"@en . '
        "ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:property ex:U . "
        'ex:U sh:path ex:other ; sh:minCount 1 ; sh:message "u"@en .',
        "ex:x a ex:C . ex:y a ex:C ; ex:code 1 .",
        {"MinCountConstraintComponent"},
        {"R"},
    ),
}


@pytest.mark.parametrize("name", sorted(COMPONENT_CASES))
def test_components_the_project_shapes_do_not_use(name: str) -> None:
    shapes_text, data_text, components, reporting = COMPONENT_CASES[name]
    shapes = Graph().parse(data=PREFIXES + XSD_PREFIX + shapes_text, format="turtle")
    data = Graph().parse(data=PREFIXES + XSD_PREFIX + data_text, format="turtle")
    assert supported(shapes)
    reference = validate(data, shapes, engine="pyshacl")
    fast = validate(data, shapes, engine="sparql")
    assert fast == reference
    assert {result.shape.rsplit("#", 1)[-1] for result in reference.results} == reporting
    assert {str(r.component).rsplit("#", 1)[-1] for r in evaluate(data, shapes)} == components
