"""What an uploaded record may not contain, beyond the shapes: each finding is a violation.

- *relative IRIs*: a parser resolves them against the file's location, which is a folder of
  the server (``file:///…/staging/…``): published, they would leak a path and mean nothing.
  The publisher writes full IRIs, or declares ``@base`` (Turtle) / ``@base`` in the JSON-LD
  context;
- *named graphs* (JSON-LD ``@graph`` with an ``@id``): the records are one graph; the content
  of a named graph would otherwise be dropped without a word;
- *subjects outside the data*: every resource a record describes has an IRI under
  ``{base}id/`` (or the default base's, rebased at build), so that no upload describes, and
  the landing page links to, somebody else's resources.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from rdflib import Dataset, Graph, URIRef

from cls_kg.i18n import in_every_language

from .namespaces import DEFAULT_BASE, data_namespace
from .spreadsheet.problems import Cell, Problem

#: Findings listed one by one at most; beyond, one more problem says how many were left out.
MAX_LISTED = 20


def problem(rule: str, source: str, value: str, **values: str) -> Problem:
    """A violation of ``rule`` about ``value``, in every language (``i18n/upload.toml``)."""
    key = "upload." + rule.removeprefix("upload:")
    what = in_every_language(key, value=value, **values)
    fix = in_every_language(f"{key}.fix", value=value, **values)
    return Problem("Violation", Cell(source), rule, what, fix, value)


def listed(rule: str, source: str, values: Iterable[str], **extra: str) -> list[Problem]:
    """One problem per value, at most ``MAX_LISTED``, then one saying how many more."""
    found = sorted(set(values))
    problems = [problem(rule, source, value, **extra) for value in found[:MAX_LISTED]]
    if len(found) > MAX_LISTED:
        problems.append(problem("upload:more", source, str(len(found) - MAX_LISTED)))
    return problems


def iris(graph: Graph) -> set[str]:
    """Every IRI of a graph, in any position."""
    return {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}


def shown(iri: str, folder: Path) -> str:
    """An IRI resolved against the upload's folder, as written: relative to that folder, so
    that no report shows a path of the server."""
    if not iri.startswith("file:"):
        return iri
    parts = urlsplit(iri)
    relative = os.path.relpath(unquote(parts.path), folder.resolve())
    return relative + (f"#{parts.fragment}" if parts.fragment else "")


def relative_iris(graph: Graph, source: str, folder: Path) -> list[Problem]:
    """IRIs the parser resolved against the uploaded file's location (``file:``)."""
    found = (shown(iri, folder) for iri in iris(graph) if iri.startswith("file:"))
    return listed("upload:relative-iri", source, found)


def named_graphs(path: Path, source: str) -> list[Problem]:
    """Named graphs of a JSON-LD file (read again as a dataset; already checked as safe)."""
    data = path.read_bytes()
    try:
        json.loads(data)
    except ValueError:
        return []  # the parser of the records reported it already
    dataset = Dataset()
    dataset.parse(data=data, format="json-ld", publicID=path.resolve().as_uri())
    default = dataset.default_context.identifier
    named = (g.identifier for g in dataset.contexts() if g.identifier != default and len(g))
    return listed("upload:named-graph", source, (shown(str(n), path.parent) for n in named))


def outside_base(graph: Graph, source: str, base: str) -> list[Problem]:
    """IRI subjects that are not resources of the dataset (under the base's ``id/``)."""
    namespaces = (str(data_namespace(base)), str(data_namespace(DEFAULT_BASE)))
    subjects = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    found = (s for s in subjects if not s.startswith(namespaces) and not s.startswith("file:"))
    return listed("upload:outside-base", source, found, namespace=namespaces[0])


#: File extension -> the checks of that kind's file itself (before its triples).
FILE_CHECKS: dict[str, Callable[[Path, str], list[Problem]]] = {
    ".jsonld": named_graphs,
    ".json": named_graphs,
}


def check(graph: Graph, path: Path, source: str, base: str) -> list[Problem]:
    """Every finding about an upload read as ``graph`` from ``path``."""
    by_kind = FILE_CHECKS.get(path.suffix.lower())
    problems = by_kind(path, source) if by_kind else []
    problems += relative_iris(graph, source, path.parent)
    return problems + outside_base(graph, source, base)
