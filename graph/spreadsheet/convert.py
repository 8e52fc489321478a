"""From the rows of a filled template to RDF records, remembering which cell gave each triple.

Sheets are converted in dependency order: sources, territories (their identifiers), contracts,
signatories (participations and organisations), then the territories' links, objectives,
axes and actions. IRIs follow ``identifiers.PATTERNS``; parts of a contract (period,
participations, objectives, axes, actions) take the contract's sources unless their row
names others. ``origins`` maps (subject, property path[, value]) to a cell, so that a SHACL
result on the graph can be shown at the cell it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from ..namespaces import CLS
from ..validation import compact
from .identifiers import DATA, fold, iri, is_identifier, keys_of, slug
from .layout import (
    ACTION,
    AXIS,
    CONTRACT,
    FIGURE,
    OBJECTIVE,
    PARTICIPATION,
    SOURCE,
    TERRITORY,
    TYPES,
)
from .problems import Cell, Problem, make
from .reading import Reading, Row
from .vocabulary import vocabularies

Origin = tuple[str, str, str | None]


@dataclass
class Entry:
    """A resource a row describes, as later rows refer to it."""

    subject: URIRef
    row: Row
    name: str = ""
    sources: list[Node] = field(default_factory=list)
    territory: URIRef | None = None


@dataclass
class Organisation:
    """An organisation of the Signataires sheet, merged over all its rows."""

    subject: URIRef
    first: Row
    values: dict[str, tuple[list[Node], Row]] = field(default_factory=dict)
    signs: Cell | None = None
    contracts: list[Entry] = field(default_factory=list)

    @property
    def described(self) -> bool:
        """True when some row says something about it beyond its identifier."""
        return bool(self.values)

    @property
    def name(self) -> str:
        """Its French name, else its identifier."""
        found = self.values.get("organisation")
        return found[1].text("organisation") if found else keys_of_org(self.subject)


def keys_of_org(subject: URIRef) -> str:
    """The identifier of an organisation IRI."""
    keys = keys_of("organisation", subject)
    return keys["organisation"] if keys else str(subject)


@dataclass
class Conversion:
    """The records built from a template, and where each of their triples came from."""

    graph: Graph = field(default_factory=Graph)
    origins: dict[Origin, Cell] = field(default_factory=dict)
    rows: dict[str, Cell] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    territories: dict[str, Entry] = field(default_factory=dict)
    contracts: dict[str, Entry] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    keys: dict[tuple[str, ...], Row] = field(default_factory=dict)
    organisation_ids: dict[str, str] = field(default_factory=dict)
    flagged: set[tuple[str, int | None, int | None]] = field(default_factory=set)
    uncertain: bool = False

    def report(
        self, key: str, row: Row, column: str, value: str | None = None, **values: object
    ) -> None:
        """A problem at one cell of a row."""
        self.problems.append(make(key, row.cells[column], "Violation", value, values))

    def claim(self, key: tuple[str, ...], row: Row, column: str, shown: str) -> bool:
        """Register a resource's key; a key seen on an earlier row is a duplicate."""
        earlier = self.keys.setdefault(key, row)
        if earlier is not row:
            self.report("duplicate", row, column, shown, other=earlier.number)
            return False
        return True

    def trace(self, subject: Node, path: str, cell: Cell, value: Node | None = None) -> None:
        """Remember the cell a (subject, path[, value]) comes from."""
        self.origins.setdefault((str(subject), path, None if value is None else str(value)), cell)

    def add(self, subject: URIRef, predicate: URIRef, value: Node, cell: Cell) -> None:
        """One triple, traced to its cell."""
        self.graph.add((subject, predicate, value))
        self.trace(subject, compact(predicate) or "", cell, value)

    def link(self, subject: URIRef, predicate: URIRef, target: URIRef, cell: Cell) -> None:
        """A link between two resources, traced both ways to the cell that makes it."""
        self.add(subject, predicate, target, cell)
        self.trace(target, f"^{compact(predicate)}", cell)

    def describe(self, subject: URIRef, kind: str, row: Row) -> None:
        """The resource's type, and its row as the fallback place of its problems."""
        self.graph.add((subject, RDF.type, TYPES[kind][0]))
        self.rows.setdefault(str(subject), Cell(row.sheet.name, row.number))


def emit(out: Conversion, row: Row, subjects: dict[str, URIRef], inherited: list[Node]) -> None:
    """The row's plain columns, each on the resource it describes; empty sources inherit."""
    for column in row.sheet.columns:
        subject = subjects.get(row.sheet.subject_of(column))
        if subject is None or not column.generic:
            continue
        assert column.predicate is not None
        cell = row.cells[column.key]
        out.trace(subject, compact(column.predicate) or "", cell)
        values = row.values.get(column.key) or (inherited if column.kind == "sources" else [])
        for value in values:
            out.add(subject, column.predicate, value, cell)


def identifier(row: Row, column: str, fallback: str) -> str:
    """The row's explicit identifier, else one made from its name."""
    given = row.one(column)
    return str(given) if given is not None else slug(fallback)


# --- Sources and territories ----------------------------------------------------------------


def add_sources(out: Conversion, rows: list[Row]) -> None:
    """Sources of the Sources sheet, each at source/{identifier}."""
    for row in rows:
        name = identifier(row, "identifiant", row.text("titre"))
        if not name or not out.claim(("source", name), row, "identifiant", name):
            continue
        subject = iri("source", source=name)
        out.describe(subject, "source", row)
        emit(out, row, {"source": subject}, [])


def register_territories(out: Conversion, rows: list[Row]) -> None:
    """Territory identifiers, so that contracts can name a territory by identifier or name."""
    for row in rows:
        name = identifier(row, "identifiant", row.text("nom"))
        if name and out.claim(("territory", name), row, "identifiant", name):
            out.territories[name] = Entry(iri("territory", territory=name), row, row.text("nom"))


def find(entries: dict[str, Entry], text: str) -> Entry | None:
    """An entry by identifier, else by name (ignoring case and accents)."""
    if text in entries:
        return entries[text]
    return next((e for e in entries.values() if fold(e.name) == fold(text)), None)


def territory_of(out: Conversion, row: Row) -> URIRef | None:
    """The territory a contract row names: in the Territoire sheet, else already published."""
    text = row.text("territoire")
    if not text:
        if len(out.territories) == 1:
            return next(iter(out.territories.values())).subject
        out.report("which-territory", row, "territoire")
        return None
    name = str(row.one("territoire") or text)
    entry = find(out.territories, name)
    return entry.subject if entry else iri("territory", territory=slug(name))


def add_territories(out: Conversion) -> None:
    """Territories, once contracts and organisations are known (sources, authority)."""
    for entry in out.territories.values():
        row = entry.row
        out.describe(entry.subject, "territory", row)
        on_it = (c for c in out.contracts.values() if c.territory == entry.subject)
        inherited = unique(source for contract in on_it for source in contract.sources)
        emit(out, row, {"territory": entry.subject}, inherited)
        named = row.one("autorite")
        if named is not None:
            authority = organisation_named(out, str(named))
            out.link(entry.subject, CLS.authority, authority, row.cells["autorite"])


def unique(values: Iterable[Node]) -> list[Node]:
    """Values without repeats, in first-seen order."""
    return list(dict.fromkeys(values))


# --- Contracts ------------------------------------------------------------------------------


def year_of(value: Node | None) -> str | None:
    """The year of a period bound or a date."""
    return str(value)[:4] if value is not None else None


def contract_name(out: Conversion, row: Row, territory: URIRef | None) -> str | None:
    """The contract's identifier: given, else territory + period, rank or signature year."""
    given = row.one("identifiant")
    if given is not None:
        return str(given)
    keys = keys_of("territory", territory) if territory is not None else None
    start, end = year_of(row.one("debut")), year_of(row.one("fin"))
    rank, signed = row.one("rang"), year_of(row.one("date-signature"))
    label = f"{start}-{end}" if start and end else f"cls{rank}" if rank else signed
    if keys is None or label is None:
        out.report("no-contract-identifier", row, "identifiant")
        return None
    return f"{keys['territory']}-{label}"


def ends_before(end: str, start: str) -> bool:
    """True when the end precedes the start, compared as precisely as both are given."""
    size = min(len(end), len(start))
    return end[:size] < start[:size]


def add_period(out: Conversion, row: Row, contract: URIRef, sources: list[Node]) -> URIRef | None:
    """The contract's period, from its start (and end) year or date."""
    start, end = row.one("debut"), row.one("fin")
    if start is None:
        if end is not None:
            out.report("end-without-start", row, "fin", str(end))
        return None
    if end is not None and ends_before(str(end), str(start)):
        out.report("end-before-start", row, "fin", str(end), start=str(start))
    period = URIRef(f"{contract}/period")
    out.describe(period, "period", row)
    out.link(contract, DCTERMS.temporal, period, row.cells["debut"])
    label = f"{start}-{end}" if end is not None else f"{start}-"
    out.add(period, RDFS.label, Literal(label, lang="fr"), row.cells["debut"])
    for source in sources:
        out.add(period, DCTERMS.source, source, row.cells["sources"])
    return period


def add_previous(out: Conversion, row: Row, contract: URIRef) -> None:
    """The previous generation's contract, in this file or already published."""
    text = row.text("precedent")
    if not text:
        return
    name = str(row.one("precedent") or text)
    if not is_identifier(name):
        out.report("bad-identifier", row, "precedent", text, suggestion=slug(text))
        return
    out.link(contract, CLS.previousContract, iri("contract", contract=name), row.cells["precedent"])


#: Cells an identifier may be made from: an unreadable one leaves the contract unknown.
IDENTITY = ("identifiant", "territoire", "debut", "fin", "rang", "date-signature")


def unreadable_identity(out: Conversion, row: Row) -> bool:
    """True when a cell the contract's identifier depends on could not be read.

    Rows of other sheets that name this contract are then not reported as naming an unknown
    one: the publisher fixes the cell first, the rest follows.
    """
    cells = (row.cells[key] for key in IDENTITY)
    unreadable = any((c.sheet, c.row, c.column) in out.flagged for c in cells)
    out.uncertain = out.uncertain or unreadable
    return unreadable


def add_contract(out: Conversion, row: Row) -> None:
    """One contract: its period, territory, previous contract and plain columns."""
    if unreadable_identity(out, row):
        return
    territory = territory_of(out, row)
    name = contract_name(out, row, territory)
    if name is None or not out.claim(("contract", name), row, "identifiant", name):
        return
    subject = iri("contract", contract=name)
    sources = list(row.values.get("sources", []))
    out.contracts[name] = Entry(subject, row, row.text("intitule"), sources, territory)
    out.describe(subject, "contract", row)
    out.trace(subject, "cls:territory", row.cells["territoire"])
    out.trace(subject, "dct:temporal", row.cells["debut"])
    if territory is not None:
        out.link(subject, CLS.territory, territory, row.cells["territoire"])
    period = add_period(out, row, subject, sources)
    subjects = {"contract": subject} | ({"period": period} if period is not None else {})
    emit(out, row, subjects, [])
    add_previous(out, row, subject)


def contract_of(out: Conversion, row: Row) -> tuple[str, Entry] | None:
    """The contract a row of another sheet belongs to."""
    text = row.text("contrat")
    name = str(row.one("contrat") or text)
    if not text and len(out.contracts) == 1:
        return next(iter(out.contracts.items()))
    if name in out.contracts:
        return name, out.contracts[name]
    if not out.uncertain:
        key = "unknown-contract" if text else "which-contract"
        out.report(key, row, "contrat", text, known=sorted(out.contracts))
    return None


# --- Signatories ----------------------------------------------------------------------------

ORGANISATION_COLUMNS = tuple(
    c for c in PARTICIPATION.columns if PARTICIPATION.subject_of(c) == "organisation"
)


def organisation_named(out: Conversion, text: str) -> URIRef:
    """An organisation by identifier or name in the Signataires sheet, else already published."""
    if text in out.organisations:
        return out.organisations[text].subject
    for organisation in out.organisations.values():
        if fold(organisation.name) == fold(text):
            return organisation.subject
    return iri("organisation", organisation=slug(text))


def merge(out: Conversion, organisation: Organisation, row: Row) -> None:
    """Add a row's description of an organisation; a different value elsewhere is a conflict."""
    for column in ORGANISATION_COLUMNS:
        if column.key not in row.values:
            continue
        earlier = organisation.values.setdefault(column.key, (row.values[column.key], row))
        if set(earlier[0]) != set(row.values[column.key]):
            out.report(
                "conflict",
                row,
                column.key,
                row.text(column.key),
                organisation=keys_of_org(organisation.subject),
                other=earlier[1].number,
                other_value=earlier[1].text(column.key),
            )


def register_organisations(out: Conversion, rows: list[Row]) -> None:
    """Names given with an identifier, so that a row naming the organisation only by its
    name finds the same organisation, whatever the order of the rows."""
    for row in rows:
        given, name = row.one("identifiant-organisation"), row.text("organisation")
        if given is not None and name:
            out.organisation_ids.setdefault(fold(name), str(given))


def organisation_id(out: Conversion, row: Row) -> str:
    """Given on the row, else given with the same name on another row, else made from it."""
    given = row.one("identifiant-organisation")
    if given is not None:
        return str(given)
    name = row.text("organisation")
    return out.organisation_ids.get(fold(name)) or slug(name)


def organisation_of(out: Conversion, row: Row) -> Organisation | None:
    """The organisation a Signataires row is about, merged with its other rows."""
    name = organisation_id(out, row)
    if not name:
        out.report("no-organisation", row, "organisation")
        return None
    subject = iri("organisation", organisation=name)
    organisation = out.organisations.setdefault(name, Organisation(subject, row))
    merge(out, organisation, row)
    return organisation


def participation_label(row: Row, organisation: Organisation, contract: Entry) -> Literal:
    """The participation's label: given, else organisation, role and contract."""
    role = row.one("role")
    role_label = vocabularies()["roles"].label(role) if role is not None else None
    return Literal(
        f"{organisation.name}, {(role_label or '').lower()} — {contract.name}", lang="fr"
    )


def add_participation(out: Conversion, row: Row) -> None:
    """One organisation's part in one contract, and its signature."""
    found, organisation = contract_of(out, row), organisation_of(out, row)
    if found is None or organisation is None:
        return
    name, contract = found
    org_name = keys_of_org(organisation.subject)
    if not out.claim(("participation", name, org_name), row, "identifiant-organisation", org_name):
        return
    subject = iri("participation", contract=name, organisation=org_name)
    organisation.contracts.append(contract)
    out.describe(subject, "participation", row)
    out.link(contract.subject, CLS.participation, subject, row.cells["contrat"])
    out.link(subject, CLS.agent, organisation.subject, row.cells["identifiant-organisation"])
    emit(out, row, {"participation": subject}, [])
    for source in contract.sources:
        out.add(subject, DCTERMS.source, source, row.cells["contrat"])
    if not row.values.get("libelle-participation"):
        label = participation_label(row, organisation, contract)
        out.add(subject, RDFS.label, label, row.cells["libelle-participation"])
    if row.one("signataire") == Literal(True):
        out.link(contract.subject, CLS.signatory, organisation.subject, row.cells["signataire"])
        organisation.signs = organisation.signs or row.cells["signataire"]


def add_organisation(out: Conversion, organisation: Organisation) -> None:
    """An organisation described in the sheet (one only named by identifier is left as is)."""
    if not organisation.described:
        return
    subject = organisation.subject
    out.describe(subject, "organisation", organisation.first)
    if organisation.signs is not None:
        out.graph.add((subject, RDF.type, CLS.Signatory))
        out.trace(subject, "^cls:signatory", organisation.signs)
    inherited = unique(s for contract in organisation.contracts for s in contract.sources)
    for column in ORGANISATION_COLUMNS:
        values, row = organisation.values.get(column.key, ([], organisation.first))
        assert column.predicate is not None
        out.trace(subject, compact(column.predicate) or "", row.cells[column.key])
        for value in values or (inherited if column.kind == "sources" else []):
            out.add(subject, column.predicate, value, row.cells[column.key])


# --- Objectives, axes, actions --------------------------------------------------------------


def number(row: Row, column: str) -> str | None:
    """A position number of the row, as text."""
    value = row.one(column)
    return str(value) if value is not None else None


def add_part(out: Conversion, row: Row, kind: str, link: URIRef) -> None:
    """An objective or an axis: a numbered part of a contract."""
    found, position = contract_of(out, row), number(row, "numero")
    if found is None or position is None:
        return
    name, contract = found
    if not out.claim((kind, name, position), row, "numero", position):
        return
    subject = iri(kind, contract=name, **{kind: position})
    out.describe(subject, kind, row)
    out.link(contract.subject, link, subject, row.cells["contrat"])
    emit(out, row, {kind: subject}, contract.sources)


def add_action(out: Conversion, row: Row) -> None:
    """An action, under an axis of the Axes sheet."""
    found, axis, position = contract_of(out, row), number(row, "axe"), number(row, "numero")
    if found is None or axis is None or position is None:
        return
    name, contract = found
    if ("axis", name, axis) not in out.keys:
        out.report("unknown-axis", row, "axe", axis, contract=name)
        return
    if not out.claim(("action", name, axis, position), row, "numero", f"{axis}.{position}"):
        return
    subject = iri("action", contract=name, axis=axis, action=position)
    out.describe(subject, "action", row)
    out.link(iri("axis", contract=name, axis=axis), CLS.hasAction, subject, row.cells["axe"])
    emit(out, row, {"action": subject}, contract.sources)


# --- Announced figures ----------------------------------------------------------------------

#: Where announced figures live under the data base: figure/{zone}-{indicator}-{date}.
FIGURE_PATH = "figure/"


def figure_iri(zone: Node, indicator: Node, date: Node) -> URIRef:
    """An announced figure's IRI from what identifies it: zone, indicator and date."""
    parts = (str(zone).removeprefix(DATA), str(indicator).rsplit("/", 1)[-1], str(date))
    return URIRef(DATA + FIGURE_PATH + slug("-".join(parts)))


def add_figure(out: Conversion, row: Row) -> None:
    """A figure a source announces for a zone at a date (Chiffres sheet)."""
    zone, indicator, date = row.one("zone"), row.one("indicateur"), row.one("date")
    if zone is None or indicator is None or date is None:
        return  # a missing mandatory cell is already reported
    subject = figure_iri(zone, indicator, date)
    key = ("figure", str(subject))
    if not out.claim(key, row, "indicateur", f"{row.text('zone')} {row.text('indicateur')}"):
        return
    out.describe(subject, "figure", row)
    shown = vocabularies()["indicateurs"].label(indicator) or str(indicator)
    label = f"{shown} — {str(zone).removeprefix(DATA)} — {date}"
    out.add(subject, RDFS.label, Literal(label, lang="fr"), row.cells["indicateur"])
    emit(out, row, {"figure": subject}, [])


# --- The whole workbook ---------------------------------------------------------------------


def convert(reading: Reading) -> Conversion:
    """The records a filled template describes, with the problems found on the way."""
    out = Conversion(problems=list(reading.problems))
    out.flagged = {(p.cell.sheet, p.cell.row, p.cell.column) for p in reading.problems}
    add_sources(out, reading.of(SOURCE))
    register_territories(out, reading.of(TERRITORY))
    for row in reading.of(CONTRACT):
        add_contract(out, row)
    out.uncertain = out.uncertain or not out.contracts
    register_organisations(out, reading.of(PARTICIPATION))
    for row in reading.of(PARTICIPATION):
        add_participation(out, row)
    for organisation in out.organisations.values():
        add_organisation(out, organisation)
    add_territories(out)
    for row in reading.of(OBJECTIVE):
        add_part(out, row, "objective", CLS.generalObjective)
    for row in reading.of(AXIS):
        add_part(out, row, "axis", CLS.hasAxis)
    for row in reading.of(ACTION):
        add_action(out, row)
    for row in reading.of(FIGURE):
        add_figure(out, row)
    return out
