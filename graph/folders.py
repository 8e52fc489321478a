"""Curated records kept in the publishers' format: ``graph/records/{folder}/*.csv``.

Each folder is read by the code of ``cls-kg import`` (``spreadsheet/``), without its SHACL step:
the build validates the whole records set together. A folder the template's own checks refuse
stops the build with the importer's messages (file, row, column, rule). Two folders, or a
folder and the seed Turtle records, that describe the same resource differently are refused
too, naming both (the same facts with other sources are merged).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from cls_kg.i18n import DEFAULT, say

from .errors import SourceError
from .sources import parse_files
from .spreadsheet.convert import convert
from .spreadsheet.problems import Problem
from .spreadsheet.reading import read_tables
from .spreadsheet.workbook import read


@dataclass
class Imported:
    """The records of every folder, and the folder each described resource comes from."""

    graph: Graph = field(default_factory=Graph)
    owners: dict[Node, Path] = field(default_factory=dict)


def problem_line(folder: Path, problem: Problem, lang: str) -> str:
    """One problem as the build prints it: the CSV file, the cell, the message, the rule."""
    file = folder / f"{problem.cell.sheet}.csv"
    return say(
        "records.problem",
        lang,
        file=file,
        where=problem.cell.describe(lang),
        what=problem.what[lang],
        rule=problem.rule,
    )


def refusal(folder: Path, problems: Sequence[Problem], lang: str = "fr") -> SourceError:
    """The error that stops the build: every blocking problem of the folder, one per line."""
    lines = [say("records.refused", lang, count=len(problems), folder=folder)]
    lines.extend(problem_line(folder, p, lang) for p in problems)
    first = problems[0].cell
    return SourceError(folder / f"{first.sheet}.csv", "\n".join(lines), first.row)


def import_folder(folder: Path) -> Graph:
    """The records of one folder; its blocking problems raise a SourceError."""
    conversion = convert(read_tables(read(folder)))
    blocking = [p for p in conversion.problems if p.severity == "Violation"]
    if blocking:
        raise refusal(folder, blocking)
    return conversion.graph


def described(graph: Graph) -> Iterable[Node]:
    """The resources a graph describes (gives a type to)."""
    return set(graph.subjects(RDF.type, None))


def description(graph: Graph, subject: Node) -> set[tuple[Node, Node]]:
    """What a graph says about one resource, but its sources: two folders may state the same
    facts (an ARS that signs contracts in both), each citing its own pages."""
    return {(p, o) for p, o in graph.predicate_objects(subject) if p != DCTERMS.source}


def clash(subject: Node, first: str, second: str, lang: str = "fr") -> SourceError:
    """The error naming the two places that describe one resource."""
    text = say("records.clash", lang, subject=subject, first=first, second=second)
    return SourceError(Path(second), text)


def import_folders(folders: Sequence[Path]) -> Imported:
    """Every folder's records together; a resource two folders describe differently (sources
    aside) is refused."""
    imported = Imported()
    for folder in folders:
        graph = import_folder(folder)
        for subject in described(graph):
            owner = imported.owners.get(subject)
            if owner is None:
                imported.owners[subject] = folder
            elif description(graph, subject) != description(imported.graph, subject):
                raise clash(subject, str(owner), str(folder))
        imported.graph += graph
    return imported


def check_against_turtle(imported: Imported, turtle: Graph) -> None:
    """A resource the seed Turtle records describe is not described again by a folder."""
    typed = {s for s in imported.owners if isinstance(s, URIRef)}
    for subject in sorted(typed & set(described(turtle)), key=str):
        raise clash(subject, say("records.turtle", DEFAULT), str(imported.owners[subject]))


def parse_records(turtle: Sequence[Path], folders: Sequence[Path]) -> Graph:
    """The records of Turtle files and CSV folders as one graph (under the default base)."""
    graph = parse_files(turtle)
    if folders:
        imported = import_folders(folders)
        check_against_turtle(imported, graph)
        graph += imported.graph
    return graph
