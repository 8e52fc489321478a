"""Coverage by CLS in force, derived from the links: per département, région and for France,
for every year of ``YEARS``; the comparison of the figures sources announce with it; the
coverage table of the build.

"In force" (docs/MODEL.md): a contract whose status is "en élaboration" never is; any other
is in force every year of its period (its start year alone when it has no end), the year of
its signature, and, when its status is "en vigueur", the year of its latest dated source.
A commune is covered in a year when a contract in force that year is on a territory of
sourced composition that includes it; each commune counts once, whatever the number of
contracts. Territories of unsourced composition count their contracts, not their communes:
the derived figures are lower bounds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from rdflib.term import Node

from .consistency import TOTAL, Announced, RegionRow
from .namespaces import CLS, CLSV, data_namespace
from .store import Row

#: The years the build derives coverage figures for.
YEARS = range(2010, 2031)

STATUS = f"{CLSV}statut/"
DRAFT = f"{STATUS}en-elaboration"
IN_FORCE = f"{STATUS}en-vigueur"

REGION = "http://rdf.insee.fr/def/geo#Region"

#: The zone of the figures of all France (no cls:zone).
FRANCE = ""


def year(value: Node | None) -> int | None:
    """The year of a date, month or year literal."""
    text = str(value) if value is not None else ""
    return int(text[:4]) if text[:4].isdigit() else None


@dataclass
class Contract:
    """What says when one contract is in force."""

    territory: str
    start: int | None = None
    end: int | None = None
    signed: int | None = None
    status: str | None = None
    dated: int | None = None

    def years(self) -> frozenset[int]:
        """The years the contract is in force (module docstring)."""
        if self.status == DRAFT:
            return frozenset()
        found: set[int] = set()
        if self.start is not None:
            found.update(range(self.start, (self.end or self.start) + 1))
        if self.signed is not None:
            found.add(self.signed)
        if self.status == IN_FORCE and self.dated is not None:
            found.add(self.dated)
        return frozenset(found)


@dataclass(frozen=True)
class Zone:
    """A département, collectivité or région of the reference data."""

    iri: str
    kind: str
    code: str
    label: str


@dataclass(frozen=True)
class Coverage:
    """The coverage of one zone (``FRANCE``: all of it) in one year."""

    zone: str
    year: int
    contracts: int
    communes: int
    population: int
    zone_population: int
    unmeasured: int

    @property
    def share(self) -> float:
        """The covered population in percent of the zone's, to a tenth."""
        if not self.zone_population:
            return 0.0
        return round(100 * self.population / self.zone_population, 1)


@dataclass
class Holdings:
    """What the graph holds about contracts, territories and communes, read once."""

    contracts: dict[str, Contract] = field(default_factory=dict)
    zones_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    linked: set[str] = field(default_factory=set)
    complete: set[str] = field(default_factory=set)
    communes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    commune_zones: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    population: dict[str, int] = field(default_factory=dict)
    zone_population: dict[str, int] = field(default_factory=dict)
    zones: dict[str, Zone] = field(default_factory=dict)
    computed: dict[int, dict[str, Coverage]] = field(default_factory=dict, repr=False)

    def territory_zones(self, territory: str) -> set[str]:
        """The zones a territory lies in, and France."""
        return self.zones_of.get(territory, set()) | {FRANCE}

    def in_zone(self, zone: str) -> list[Contract]:
        """The contracts whose territory lies in a zone."""
        return [c for c in self.contracts.values() if zone in self.territory_zones(c.territory)]

    def coverage(self, when: int) -> dict[str, Coverage]:
        """The coverage of every zone with a contract in force in a year (computed once)."""
        if when not in self.computed:
            self.computed[when] = coverage_in(self, when)
        return self.computed[when]


def read_contracts(rows: Iterable[Mapping[str, Node]]) -> dict[str, Contract]:
    """The rows of coverage-contracts.rq grouped by contract."""
    contracts: dict[str, Contract] = {}
    for row in rows:
        found = contracts.setdefault(str(row["contract"]), Contract(str(row["territory"])))
        found.start = found.start or year(row.get("start"))
        found.end = found.end or year(row.get("end"))
        found.signed = found.signed or year(row.get("signed"))
        found.status = found.status or (str(row["status"]) if "status" in row else None)
        dated = year(row.get("dated"))
        if dated is not None and (found.dated is None or dated > found.dated):
            found.dated = dated
    return contracts


def read_holdings(queries: Mapping[str, list[Row]]) -> Holdings:
    """The holdings from the rows of the coverage queries, by query name."""
    held = Holdings(contracts=read_contracts(queries["coverage-contracts"]))
    for row in queries["coverage-territories"]:
        territory = str(row["territory"])
        held.zones_of[territory].update([str(row["zone"])] if "zone" in row else [])
        if row["linked"].toPython() is True:  # type: ignore[attr-defined]
            held.linked.add(territory)
        if row["complete"].toPython() is True:  # type: ignore[attr-defined]
            held.complete.add(territory)
    for row in queries["coverage-communes"]:
        commune = str(row["commune"])
        held.communes[str(row["territory"])].add(commune)
        held.population[commune] = int(str(row.get("population", 0)))
        if "zone" in row:
            held.commune_zones[commune].add(str(row["zone"]))
    for row in queries["zone-populations"]:
        held.zone_population[str(row.get("zone", FRANCE))] = int(str(row["total"]))
    for row in queries["zones"]:
        iri = str(row["zone"])
        label = str(row.get("label", row["code"]))
        held.zones[iri] = Zone(iri, str(row["kind"]), str(row["code"]), label)
    return held


def coverage_in(held: Holdings, when: int) -> dict[str, Coverage]:
    """Every zone's coverage in a year (module docstring); zones without a contract left out."""
    contracts: dict[str, int] = defaultdict(int)
    unmeasured: dict[str, set[str]] = defaultdict(set)
    covered: set[str] = set()
    for contract in held.contracts.values():
        if when not in contract.years():
            continue
        territory = contract.territory
        for zone in held.territory_zones(territory):
            contracts[zone] += 1
            if territory not in held.complete:
                unmeasured[zone].add(territory)
        if territory in held.complete:
            covered |= held.communes.get(territory, set())
    communes: dict[str, set[str]] = defaultdict(set)
    for commune in covered:
        for zone in held.commune_zones.get(commune, set()) | {FRANCE}:
            communes[zone].add(commune)
    return {
        zone: Coverage(
            zone,
            when,
            count,
            len(communes[zone]),
            sum(held.population.get(c, 0) for c in communes[zone]),
            held.zone_population.get(zone, 0),
            len(unmeasured[zone]),
        )
        for zone, count in contracts.items()
    }


# --- The derived graph ----------------------------------------------------------------------


def count(value: int) -> Literal:
    """A count as the ontology types it."""
    return Literal(str(value), datatype=XSD.nonNegativeInteger)


def zone_label(held: Holdings, zone: str) -> str:
    """A zone's French label (France for the whole)."""
    return held.zones[zone].label if zone in held.zones else "France"


def figure_iri(base: str, zone: str, when: int) -> URIRef:
    """coverage/{kind}-{code}-{year}, or coverage/france-{year}."""
    data = data_namespace(base)
    name = zone.removeprefix(data).replace("/", "-") if zone else "france"
    return URIRef(f"{data}coverage/{name}-{when}")


def describe(graph: Graph, held: Holdings, found: Coverage, base: str, dataset: Node) -> None:
    """One coverage figure's triples."""
    subject = figure_iri(base, found.zone, found.year)
    label = zone_label(held, found.zone)
    values: list[tuple[URIRef, Node]] = [
        (RDF.type, CLS.CoverageFigure),
        (RDFS.label, Literal(f"Couverture par les CLS en vigueur : {label}, {found.year}", "fr")),
        (RDFS.label, Literal(f"Coverage by CLS in force: {label}, {found.year}", "en")),
        (CLS.year, Literal(str(found.year), datatype=XSD.gYear)),
        (CLS.contractsInForce, count(found.contracts)),
        (CLS.coveredCommuneCount, count(found.communes)),
        (CLS.coveredPopulation, count(found.population)),
        (CLS.zonePopulation, count(found.zone_population)),
        (CLS.coveredShare, Literal(f"{found.share:.1f}", datatype=XSD.decimal)),
        (CLS.unmeasuredTerritories, count(found.unmeasured)),
        (DCTERMS.source, dataset),
    ]
    if found.zone:
        values.append((CLS.zone, URIRef(found.zone)))
    for predicate, value in values:
        graph.add((subject, predicate, value))


def coverage_graph(held: Holdings, base: str, dataset: Node) -> Graph:
    """Every coverage figure of ``YEARS`` as RDF (for the derived graph)."""
    graph = Graph()
    for when in YEARS:
        for found in held.coverage(when).values():
            describe(graph, held, found, base, dataset)
    return graph


# --- What the graph holds against what sources announce -------------------------------------


def signed_by(contract: Contract, when: int) -> bool:
    """Signed at a date of that year as far as the records say (undated contracts count)."""
    years = contract.years()
    return contract.status != DRAFT and (not years or min(years) <= when)


#: Indicator (notation) -> what the graph holds for it in a zone at a year.
HELD: dict[str, Any] = {
    "contrats-signes": lambda h, z, y: sum(signed_by(c, y) for c in h.in_zone(z)),
    "contrats-en-elaboration": lambda h, z, y: sum(c.status == DRAFT for c in h.in_zone(z)),
    "contrats-en-vigueur": lambda h, z, y: at(h, z, y).contracts,
    "communes-couvertes": lambda h, z, y: at(h, z, y).communes,
    "population-couverte": lambda h, z, y: at(h, z, y).population,
    "part-population-couverte": lambda h, z, y: at(h, z, y).share,
}


def at(held: Holdings, zone: str, when: int) -> Coverage:
    """One zone's coverage in a year (all zeros when nothing is in force there)."""
    found = held.coverage(when).get(zone)
    return found or Coverage(zone, when, 0, 0, 0, held.zone_population.get(zone, 0), 0)


def held_value(held: Holdings, notation: str, zone: str, when: int) -> float | None:
    """What the graph holds for an indicator, None for an indicator it does not know."""
    rule = HELD.get(notation)
    return None if rule is None else float(rule(held, zone, when))


def compare_announced(held: Holdings, rows: Iterable[Row]) -> tuple[Announced, ...]:
    """Each announced figure next to what the graph holds (announced-figures.rq rows)."""
    found: list[Announced] = []
    for row in rows:
        zone, date = str(row["zone"]), str(row["date"])
        notation = str(row.get("notation", str(row["indicator"]).rsplit("/", 1)[-1]))
        when = year(row["date"]) or YEARS.stop
        found.append(
            Announced(
                str(row["figure"]),
                zone,
                zone_label(held, zone),
                notation,
                float(str(row["value"])),
                date,
                held_value(held, notation, zone, when),
                str(row.get("sources", "")),
            )
        )
    return tuple(found)


def region_rows(held: Holdings, announced: Iterable[Announced]) -> tuple[RegionRow, ...]:
    """The coverage table: per région (and without one), contracts, territories, links, and
    the latest announced number of signed contracts next to the one held."""
    regions = sorted((z for z in held.zones.values() if z.kind == REGION), key=lambda z: z.code)
    signed = {a.zone: a for a in sorted(announced, key=lambda a: a.date)}
    signed = {k: v for k, v in signed.items() if v.indicator == "contrats-signes"}
    territories = {c.territory for c in held.contracts.values()} | set(held.zones_of)
    rows = [region_row(held, r.iri, r.label, territories, signed.get(r.iri)) for r in regions]
    homeless = {t for t in territories if not held.zones_of.get(t, set()) & set(held.zones)}
    rows.append(region_row(held, "", "", homeless, None, only=homeless))
    return tuple(rows)


def total_row(held: Holdings) -> RegionRow:
    """The coverage table's total: each contract and territory once, whatever its régions."""
    territories = {c.territory for c in held.contracts.values()} | set(held.zones_of)
    return region_row(held, "", TOTAL, territories, None, only=territories)


def region_row(
    held: Holdings,
    region: str,
    label: str,
    territories: set[str],
    announced: Announced | None,
    only: set[str] | None = None,
) -> RegionRow:
    """One row of the coverage table (``only``: the territories without a région)."""
    mine = only if only is not None else {t for t in territories if region in held.zones_of[t]}
    contracts = sum(c.territory in mine for c in held.contracts.values())
    return RegionRow(
        region,
        label,
        contracts,
        len(mine),
        len(mine & held.linked),
        len(mine & held.complete),
        announced.value if announced else None,
        announced.date if announced else None,
        announced.held if announced else None,
    )
