"""The import as one step: file -> tables -> rows -> records -> SHACL -> problems at cells."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Namespace

from ..namespaces import CLSV, PREFIXES
from .check import shacl_problems
from .convert import convert
from .identifiers import DATA
from .layout import SHEETS
from .limits import Limits
from .problems import SEVERITY_ORDER, Problem, capped
from .reading import read_tables
from .workbook import Tables, read

#: Prefixes of the vocabularies, as the shipped records write them.
VOCABULARY_PREFIXES: dict[str, str] = {
    "theme": "theme/",
    "public": "public/",
    "statut": "statut/",
    "role": "role/",
    "tkind": "type-territoire/",
    "okind": "type-organisation/",
    "indicateur": "indicateur/",
}


@dataclass(frozen=True)
class Imported:
    """The records a spreadsheet gives, and every problem found, in reading order."""

    graph: Graph
    problems: tuple[Problem, ...]

    @property
    def conforms(self) -> bool:
        """True when nothing blocks publication (warnings and infos do not)."""
        return self.count("Violation") == 0

    def count(self, severity: str) -> int:
        """How many problems have this severity."""
        return sum(1 for p in self.problems if p.severity == severity)

    def summary(self) -> dict[str, int]:
        """Counts per severity, in severity order."""
        return {severity: self.count(severity) for severity in SEVERITY_ORDER}

    def turtle(self) -> str:
        """The records as Turtle, relative to the data base like the shipped records."""
        return turtle(self.graph)


def turtle(graph: Graph) -> str:
    """A graph as Turtle with the project's prefixes and the data base."""
    out = Graph()
    out += graph
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace)
    for prefix, path in VOCABULARY_PREFIXES.items():
        out.bind(prefix, Namespace(f"{CLSV}{path}"))
    return out.serialize(format="turtle", base=DATA)


def sort_key(problem: Problem) -> tuple[int, int, int, int]:
    """Sheets in workbook order, then rows and columns as the publisher reads them."""
    names = [sheet.name for sheet in SHEETS]
    sheet = names.index(problem.cell.sheet) if problem.cell.sheet in names else len(names)
    return (sheet, *problem.cell.order(), SEVERITY_ORDER.index(problem.severity))


def without_repeats(template: list[Problem], shacl: list[Problem]) -> list[Problem]:
    """SHACL results about a cell the template's own checks already flagged are dropped."""
    flagged = {(p.cell.sheet, p.cell.row, p.cell.column) for p in template}
    kept = [p for p in shacl if (p.cell.sheet, p.cell.row, p.cell.column) not in flagged]
    return sorted(template + kept, key=sort_key)


def import_tables(tables: Tables, validate: bool = True) -> Imported:
    """Records and problems from the tables of a filled template (the first problems only,
    and no SHACL check once reading stopped at its limit of problems)."""
    limits = Limits.from_environment()
    reading = read_tables(tables, limits)
    conversion = convert(reading)
    check = validate and not reading.stopped
    shacl = shacl_problems(conversion, turtle(conversion.graph)) if check else []
    problems = without_repeats(conversion.problems, shacl)
    return Imported(conversion.graph, capped(problems, limits.problems))


def import_path(path: Path, validate: bool = True) -> Imported:
    """Records and problems from an XLSX file, a folder of CSV files or a zip of them."""
    return import_tables(read(path), validate)
