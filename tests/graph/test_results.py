"""Result serialisers: terms in each format, row caps, and OxigraphStore.answer."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from rdflib import Graph

from cls_kg.graph.errors import (
    NotAcceptable,
    QueryEvaluationError,
    QuerySyntaxError,
    ResultTooLarge,
)
from cls_kg.graph.results import (
    BINDINGS,
    BOOLEAN,
    GRAPH,
    NATIVE_FORMATS,
    RESULTS_NS,
    XSD,
    Answer,
    Full,
    capped,
    sink_for,
    term_csv,
    term_json,
    term_tsv,
    term_xml,
    write_bindings,
    write_solutions,
)
from cls_kg.graph.store import Dataset, OxigraphStore, QueryRequest

IRI = ox.NamedNode("http://e/a")
FR = ox.Literal("été", language="fr")
TYPED = ox.Literal("5", datatype=ox.NamedNode(XSD + "decimal"))
BNODE = ox.BlankNode("b1")


@pytest.mark.parametrize(
    ("term", "json_form", "xml", "csv", "tsv"),
    [
        (
            IRI,
            {"type": "uri", "value": "http://e/a"},
            "<uri>http://e/a</uri>",
            "http://e/a",
            "<http://e/a>",
        ),
        (
            FR,
            {"type": "literal", "value": "été", "xml:lang": "fr"},
            '<literal xml:lang="fr">été</literal>',
            "été",
            '"été"@fr',
        ),
        (
            TYPED,
            {"type": "literal", "value": "5", "datatype": XSD + "decimal"},
            f'<literal datatype="{XSD}decimal">5</literal>',
            "5",
            f'"5"^^<{XSD}decimal>',
        ),
        (
            ox.Literal("a<b"),
            {"type": "literal", "value": "a<b"},
            "<literal>a&lt;b</literal>",
            "a<b",
            '"a<b"',
        ),
        (BNODE, {"type": "bnode", "value": "b1"}, "<bnode>b1</bnode>", "_:b1", "_:b1"),
    ],
)
def test_terms(term: object, json_form: dict[str, str], xml: str, csv: str, tsv: str) -> None:
    assert term_json(term) == json_form
    assert term_xml(term) == xml
    assert term_csv(term) == csv
    assert term_tsv(term) == tsv


def test_capped() -> None:
    assert capped(iter(range(5)), 3) == ([0, 1, 2], True)
    assert capped(iter(range(3)), 3) == ([0, 1, 2], False)
    assert capped(iter(range(3)), None) == ([0, 1, 2], False)


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """Two named graphs in memory."""
    memory = ox.Store()
    for graph, value in (("http://e/g1", "1"), ("http://e/g2", "2")):
        memory.add(ox.Quad(IRI, ox.NamedNode("http://e/p"), ox.Literal(value), ox.NamedNode(graph)))
    return OxigraphStore(memory)


def test_answer_uses_the_union_and_the_format_of_the_kind(store: OxigraphStore) -> None:
    request = QueryRequest("SELECT ?o { ?s ?p ?o } ORDER BY ?o", {BINDINGS: "json", BOOLEAN: "xml"})
    answer = store.answer(request)
    assert (answer.kind, answer.format, answer.rows, answer.truncated) == (
        BINDINGS,
        "json",
        2,
        False,
    )
    assert [b["o"]["value"] for b in json.loads(answer.body)["results"]["bindings"]] == ["1", "2"]
    assert b"<boolean>true</boolean>" in store.answer(QueryRequest("ASK {}", request.formats)).body


def test_answer_with_a_protocol_dataset(store: OxigraphStore) -> None:
    request = QueryRequest("SELECT ?o { ?s ?p ?o }", {BINDINGS: "csv"}, Dataset(("http://e/g2",)))
    assert store.answer(request).body == b"o\r\n2\r\n"


def test_answer_graph_is_capped(store: OxigraphStore) -> None:
    request = QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", {GRAPH: "turtle"}, row_limit=1)
    answer = store.answer(request)
    assert answer.truncated and answer.rows == 1
    assert len(Graph().parse(data=answer.body, format="turtle")) == 1


def test_answer_refuses_an_unacceptable_kind(store: OxigraphStore) -> None:
    with pytest.raises(NotAcceptable):
        store.answer(QueryRequest("ASK {}", {BINDINGS: "csv"}))


def test_answer_errors(store: OxigraphStore) -> None:
    with pytest.raises(QuerySyntaxError):
        store.answer(QueryRequest("SELECT", {BINDINGS: "json"}))
    with pytest.raises(QueryEvaluationError):
        store.answer(
            QueryRequest("SELECT * { SERVICE <http://127.0.0.1:1/> {} }", {BINDINGS: "json"})
        )
    with pytest.raises(QuerySyntaxError):
        store.answer(QueryRequest("ASK {}", {BOOLEAN: "json"}, Dataset(("not an iri",))))


# --- pyoxigraph's writer (write_solutions) against the Python writers ----------------------

E = "http://e/"
#: Literals whose text looks like the marks the sinks count rows by.
TRICKY = (
    ',{"x":{"type":"',
    '{"',
    "a{",
    "<result>",
    'say "hi",\nthen\r\nbye',
    '"',
    "\t\\",
)


@pytest.fixture(scope="module")
def varied() -> ox.Store:
    """Terms of every kind, some missing (OPTIONAL), tricky text, a triple term."""
    memory = ox.Store()
    p, q, r = (ox.NamedNode(E + name) for name in ("p", "q", "r"))
    objects: list[object] = [
        FR,
        TYPED,
        BNODE,
        ox.Literal("plain"),
        ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("x", language="en-GB"),
        *(ox.Literal(text) for text in TRICKY),
    ]
    for index, value in enumerate(objects):
        subject = ox.NamedNode(f"{E}s{index}") if index % 3 else ox.BlankNode(f"n{index}")
        memory.add(ox.Quad(subject, p, value))  # type: ignore[arg-type]
        if index % 2:
            memory.add(ox.Quad(subject, q, ox.Literal(f"{index}", language="fr")))
    memory.add(ox.Quad(ox.NamedNode(E + "t"), r, ox.Triple(IRI, p, FR)))
    return memory


#: Queries and the formats they are compared in (CSV has no standard form for triple terms).
QUERIES = {
    "optional": ("SELECT ?s ?o ?l { ?s <http://e/p> ?o OPTIONAL { ?s <http://e/q> ?l } }", "jxc"),
    "sorted": ("SELECT * { ?s ?p ?o } ORDER BY STR(?o)", "jx"),
    "triple": ("SELECT ?t { ?s <http://e/r> ?t }", "jx"),
    "names": ("SELECT ?été ?_1 { ?été <http://e/p> ?_1 }", "jxc"),
    "none": ("SELECT ?s { ?s <http://e/nothing> ?o }", "jxc"),
    "no variable": ("SELECT * {}", "jxc"),
}
FORMAT_LETTERS = {"json": "j", "xml": "x", "csv": "c"}
CASES = [
    pytest.param(query, fmt, id=f"{name}-{fmt}")
    for name, (query, letters) in QUERIES.items()
    for fmt, letter in FORMAT_LETTERS.items()
    if letter in letters
]


def parsed(body: bytes, fmt: str) -> object:
    """A result in comparable form: the variables and rows, and the cut marks."""
    if fmt == "json":
        document = json.loads(body)
        marks = (document.get("truncated"), document.get("rowLimit"))
        return document["head"]["vars"], document["results"]["bindings"], marks
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode(), newline="")))
    root = ElementTree.fromstring(body)
    names = [v.get("name") for v in root.iter(f"{{{RESULTS_NS}}}variable")]
    rows = [
        {
            b.get("name"): [(c.tag, c.text, sorted(c.attrib.items())) for c in b.iter()][1:]
            for b in result
        }
        for result in root.iter(f"{{{RESULTS_NS}}}result")
    ]
    return names, rows, b"<!-- truncated: rowLimit=" in body


def both(store: ox.Store, query: str, fmt: str, limit: int | None) -> tuple[Answer, Answer]:
    """The native and the Python answer of a query."""
    native = write_solutions(store.query(query), fmt, limit, lambda: store.query(query))
    return native, write_bindings(store.query(query), fmt, limit)


def size_of(store: ox.Store, query: str) -> int:
    """How many solutions a query has."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return len(list(solutions))


@pytest.mark.parametrize(("query", "fmt"), CASES)
def test_native_writer_matches_python_writer(varied: ox.Store, query: str, fmt: str) -> None:
    total = size_of(varied, query)
    for limit in sorted({None, 0, 1, max(total - 1, 0), total, total + 1}, key=str):
        native, python = both(varied, query, fmt, limit)
        assert parsed(native.body, fmt) == parsed(python.body, fmt), limit
        assert (native.rows, native.truncated, native.row_limit) == (
            python.rows,
            python.truncated,
            python.row_limit,
        )


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_native_cut_at_and_one_past_the_cap(varied: ox.Store, fmt: str) -> None:
    query = QUERIES["optional"][0]
    total = size_of(varied, query)
    exact, _ = both(varied, query, fmt, total)
    assert (exact.rows, exact.truncated) == (total, False)
    cut, _ = both(varied, query, fmt, total - 1)
    assert (cut.rows, cut.truncated, cut.row_limit) == (total - 1, True, total - 1)
    if fmt == "json":
        document = json.loads(cut.body)
        assert (document["truncated"], document["rowLimit"]) == (True, total - 1)
        assert len(document["results"]["bindings"]) == total - 1
    if fmt == "xml":
        assert f"<!-- truncated: rowLimit={total - 1} -->".encode() in cut.body


def test_native_writer_is_used_and_tsv_is_not(varied: ox.Store) -> None:
    query = QUERIES["optional"][0]
    native = write_solutions(varied.query(query), "xml", None, pytest.fail)
    assert native.body.startswith(b'<?xml version="1.0"?>')  # pyoxigraph's, not ours
    tsv = write_solutions(varied.query(query), "tsv", None, pytest.fail)
    assert tsv.body == write_bindings(varied.query(query), "tsv", None).body


def test_rows_without_bindings_are_counted_by_parsing(varied: ox.Store) -> None:
    query = "SELECT ?x { ?s <http://e/p> ?o }"  # every row is {}
    total = size_of(varied, query)
    native = write_solutions(varied.query(query), "json", total, pytest.fail)
    assert (native.rows, native.truncated) == (total, False)
    assert json.loads(native.body)["results"]["bindings"] == [{}] * total


def test_unsure_count_past_the_cap_runs_the_python_writer(varied: ox.Store) -> None:
    query = "SELECT ?x { ?s <http://e/p> ?o }"
    runs: list[int] = []

    def again() -> object:
        runs.append(1)
        return varied.query(query)

    native = write_solutions(varied.query(query), "json", 2, again)
    assert runs == [1]
    assert native == write_bindings(varied.query(query), "json", 2)


def test_a_literal_with_braces_only_causes_a_parse(varied: ox.Store) -> None:
    query = 'SELECT ?o { VALUES ?o { "{}" "a,{}]" } }'
    native, python = both(varied, query, "json", 2)
    assert (native.rows, native.truncated) == (2, False)
    assert parsed(native.body, "json") == parsed(python.body, "json")
    cut, python = both(varied, query, "json", 1)
    assert cut == python  # cannot place the cut for sure: the Python writer, query run again


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 13, 64])
def test_sinks_count_across_any_chunking(varied: ox.Store, fmt: str, size: int) -> None:
    query = QUERIES["optional"][0] if fmt == "csv" else QUERIES["sorted"][0]
    body = varied.query(query).serialize(format=NATIVE_FORMATS[fmt])
    assert body is not None
    solutions = varied.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    total = size_of(varied, query)
    for limit in (None, total, total - 1, 1):
        whole, split = sink_for(fmt, names, limit), sink_for(fmt, names, limit)
        outcomes: list[tuple[int | None, bytes | None]] = []
        for sink, chunks in (
            (whole, [body]),
            (split, [body[i : i + size] for i in range(0, len(body), size)]),
        ):
            try:
                for chunk in chunks:
                    sink.write(chunk)
                outcomes.append((sink.rows, None))
            except Full:
                outcomes.append((limit, sink.cut()))
        assert outcomes[0] == outcomes[1]
        assert outcomes[0][0] == (total if limit is None else min(total, limit))


def test_large_result_through_answer_cut_and_whole() -> None:
    memory = ox.Store()
    p = ox.NamedNode(E + "p")
    memory.extend(ox.Quad(ox.NamedNode(f"{E}{i}"), p, ox.Literal(f"v{i}")) for i in range(3000))
    store = OxigraphStore(memory)
    query = "SELECT ?s ?o { ?s ?p ?o }"
    for fmt in ("json", "xml", "csv"):
        whole = store.answer(QueryRequest(query, {BINDINGS: fmt}, row_limit=3000))
        cut = store.answer(QueryRequest(query, {BINDINGS: fmt}, row_limit=2999))
        assert (whole.rows, whole.truncated, cut.rows, cut.truncated) == (3000, False, 2999, True)
        python = write_bindings(memory.query(query), fmt, 2999)
        assert parsed(cut.body, fmt) == parsed(python.body, fmt)


# --- the byte cap -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wide() -> ox.Store:
    """300 rows of unequal sizes, with quotes, commas and line breaks in the values."""
    memory = ox.Store()
    p = ox.NamedNode(E + "p")
    for i in range(300):
        text = f'v "{i}"\n,x' * (i % 7 + 1)
        memory.add(ox.Quad(ox.NamedNode(f"{E}s{i:03}"), p, ox.Literal(text)))
    return memory


WIDE = "SELECT ?s ?o { ?s ?p ?o } ORDER BY ?s"


def rows_of(body: bytes, fmt: str) -> list[object]:
    """The rows of a bindings document (the marks checked apart)."""
    if fmt == "json":
        return list(json.loads(body)["results"]["bindings"])
    if fmt in ("csv", "tsv"):
        delimiter = "," if fmt == "csv" else "\t"
        return list(csv.reader(io.StringIO(body.decode(), newline=""), delimiter=delimiter))[1:]
    root = ElementTree.fromstring(body)
    return list(root.iter(f"{{{RESULTS_NS}}}result"))


def every_writer(store: ox.Store, fmt: str, rows: int | None, limit: int) -> list[Answer]:
    """The native answer (where the format has one) and the Python one, under a byte cap."""
    answers = [write_bindings(store.query(WIDE), fmt, rows, limit)]
    if fmt in NATIVE_FORMATS:
        again = lambda: store.query(WIDE)  # noqa: E731
        answers.append(write_solutions(store.query(WIDE), fmt, rows, again, limit))
    return answers


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("limit", [5000, 700, -1])
@pytest.mark.parametrize("rows", [None, 100])
def test_a_result_past_the_byte_cap_is_cut_at_a_whole_row(
    wide: ox.Store, fmt: str, limit: int, rows: int | None
) -> None:
    if limit < 0:  # one byte short of the whole document (of the cut one, with a row cap)
        limit = len(write_bindings(wide.query(WIDE), fmt, rows).body) - 1
    for answer in every_writer(wide, fmt, rows, limit):
        assert len(answer.body) <= limit
        assert (answer.truncated, answer.byte_limit, answer.row_limit) == (True, limit, rows)
        assert len(rows_of(answer.body, fmt)) == answer.rows > 0
        if fmt == "json":
            document = json.loads(answer.body)
            assert (document["truncated"], document["byteLimit"]) == (True, limit)
        if fmt == "xml":
            assert f"byteLimit={limit} -->".encode() in answer.body
        if fmt == "csv":
            whole = write_bindings(wide.query(WIDE), fmt, None).body
            assert whole.startswith(answer.body)  # a prefix ending with a whole row


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_a_result_within_the_byte_cap_is_whole(wide: ox.Store, fmt: str) -> None:
    for answer in every_writer(wide, fmt, None, 10_000_000):
        assert (answer.rows, answer.truncated) == (300, False)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_nothing_fits_the_byte_cap_says_so(wide: ox.Store, fmt: str) -> None:
    for limit in (10, 25):
        with pytest.raises(ResultTooLarge) as refused:
            every_writer(wide, fmt, None, limit)
        assert refused.value.detail == str(limit)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_graphs_keep_the_first_triples_that_fit(wide: ox.Store, fmt: str) -> None:
    store = OxigraphStore(wide)
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    whole = store.answer(QueryRequest(query, {GRAPH: fmt}, row_limit=1000))
    cut = store.answer(QueryRequest(query, {GRAPH: fmt}, row_limit=1000, byte_limit=5000))
    assert (whole.rows, whole.truncated) == (300, False)
    assert len(cut.body) <= 5000 and cut.truncated and 0 < cut.rows < 300
    parsed_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
    assert len(Graph().parse(data=cut.body, format=parsed_format[fmt])) == cut.rows
    with pytest.raises(ResultTooLarge):
        store.answer(QueryRequest(query, {GRAPH: fmt}, byte_limit=50))


def test_ask_fits_any_sensible_byte_cap(wide: ox.Store) -> None:
    store = OxigraphStore(wide)
    answer = store.answer(QueryRequest("ASK {}", {BOOLEAN: "json"}, byte_limit=100))
    assert (answer.body, answer.byte_limit) == (b'{"head": {}, "boolean": true}', 100)
