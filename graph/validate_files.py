"""Validation of files a publisher hands in, in the context of the shipped data."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from .link import reference_context
from .sources import default_sources, parse_files
from .validation import Report, validate


def context_for(handed_in: Graph, shipped: Graph) -> Graph:
    """Shipped records that describe nodes the files do not describe themselves.

    References to shipped resources (an ARS, a territory) then resolve, while a node the
    files describe is judged on the files alone: the shipped copy cannot hide an error.
    """
    described = set(handed_in.subjects())
    context = Graph()
    for triple in shipped:
        if triple[0] not in described:
            context.add(triple)
    return context


def validate_files(paths: Sequence[Path]) -> Report:
    """Validate the files with the ontology, vocabularies and shipped records as context."""
    sources = default_sources()
    handed_in = parse_files(paths)
    shipped = parse_files(sources.records)
    data = handed_in + context_for(handed_in, shipped) + parse_files(sources.vocabularies)
    data += reference_context(data)  # the official units the files point at
    report = validate(data, parse_files(sources.shapes), ontology=parse_files(sources.ontology))
    return report.restricted_to({str(s) for s in handed_in.subjects()})
