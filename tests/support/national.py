"""A deterministic synthetic national graph: 600 CLS over real territories, as Turtle records.

Territories are drawn (seeded RNG) from the shipped reference data (EPCI and large
communes); each gets one to three generations of contracts (CLS1 2012-2015, CLS2 2016-2020,
CLS3 2023-2027, with jitter), 4-7 axes of 5-15 actions, themes and target publics from the
project's vocabularies, and signatories: the territory's authority, the ARS of its région,
the préfecture, the CPAM and sometimes the conseil départemental of its département. The
records conform to the shapes; ``cls_kg.graph.build.build(data_dir,
sources=default_sources(records_dir))`` merges them with the full reference data.

Test support shared with the benchmarks: the search, open-data and SHACL engine tests build
small samples of it, ``make bench``, ``make soak`` and ``make bench-search`` the 600 contracts.

    python -m tests.support.national OUT_DIR [--contracts 600] [--seed 2026]
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cls_kg.graph.reference.divisions import Divisions, Record, load

SEED = 2026
CONTRACTS = 600
SOURCE = "<source/synthetic-national>"
#: Share of territories with 1, 2 and 3 generations of contracts.
GENERATION_WEIGHTS = (0.45, 0.3, 0.25)
#: Generation -> (first start year, last start year, length in years).
ERAS = {1: (2011, 2013, 4), 2: (2016, 2018, 4), 3: (2022, 2024, 5)}
THEMES = (
    "acces-aux-soins",
    "addictions",
    "attractivite-professionnels-sante",
    "coordination-animation",
    "education-sante",
    "handicap",
    "medico-social",
    "nutrition-activite-physique",
    "parentalite",
    "perinatalite-petite-enfance",
    "precarite-acces-aux-droits",
    "prevention-promotion-sante",
    "sante-au-travail",
    "sante-environnementale",
    "sante-mentale",
    "vaccination",
    "vieillissement-autonomie",
)
PUBLICS = (
    "adolescents",
    "elus-collectivites",
    "enfants",
    "habitants-qpv",
    "jeunes",
    "parents",
    "personnes-agees",
    "personnes-handicapees",
    "personnes-precaires",
    "personnes-souffrance-psychique",
    "population-generale",
    "professionnels-sante",
)
AXIS_WORDS = ("Favoriser", "Renforcer", "Développer", "Améliorer", "Promouvoir", "Soutenir")
ACTION_WORDS = ("Mettre en place", "Organiser", "Accompagner", "Former", "Coordonner", "Créer")
TOPICS = {
    theme: theme.replace("-", " ").replace("sante", "santé").replace("acces", "accès")
    for theme in THEMES
}
#: EPCI type in the reference data -> territory kind.
EPCI_KINDS = {
    "CC": "communaute-de-communes",
    "CA": "communaute-d-agglomeration",
    "CU": "communaute-urbaine",
    "METRO": "metropole",
}
PREFIXES = """@base <https://w3id.org/cls-sante/id/> .
@prefix cls: <https://w3id.org/cls-sante/def#> .
@prefix theme: <https://w3id.org/cls-sante/def/theme/> .
@prefix public: <https://w3id.org/cls-sante/def/public/> .
@prefix statut: <https://w3id.org/cls-sante/def/statut/> .
@prefix role: <https://w3id.org/cls-sante/def/role/> .
@prefix tkind: <https://w3id.org/cls-sante/def/type-territoire/> .
@prefix okind: <https://w3id.org/cls-sante/def/type-organisation/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix org: <http://www.w3.org/ns/org#> .
"""


def text(value: str, lang: str = "fr") -> str:
    """A Turtle literal with a language tag."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}'


def typed(value: object, datatype: str) -> str:
    """A Turtle literal with an XSD datatype."""
    return f'"{value}"^^xsd:{datatype}'


def resource(subject: str, types: str, **properties: list[str] | str) -> str:
    """One subject in Turtle, its properties in the given order; dct:source added."""
    lines = [f"<{subject}> a {types}"]
    for name, values in {**properties, "dct:source": SOURCE}.items():
        listed = values if isinstance(values, list) else [values]
        if listed:
            lines.append(f"    {name.replace('__', ':')} {', '.join(listed)}")
    return " ;\n".join(lines) + " .\n"


@dataclass(frozen=True)
class Territory:
    """A drawn territory: its slug, label, kind, official unit and where it lies."""

    slug: str
    label: str
    kind: str
    unit: str
    authority_kind: str
    region: str
    departement: str
    siren: str | None = None


@dataclass
class Output:
    """Turtle text per file, and the organisations used (written once)."""

    files: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    organisations: dict[str, str] = field(default_factory=dict)


def epci_territory(epci: Record, divisions: Divisions) -> Territory:
    """An EPCI as a territory, placed by its first member commune."""
    first = divisions.communes_by_code[epci["membres"][0]]
    kind = EPCI_KINDS.get(epci["type"], "epci")
    return Territory(
        f"epci-{epci['code']}",
        epci["nom"],
        kind,
        f"epci/{epci['code']}",
        "epci",
        first["region"],
        first["departement"],
    )


def commune_territory(commune: Record) -> Territory:
    """A commune as a territory."""
    return Territory(
        f"commune-{commune['code']}",
        commune["nom"],
        "commune",
        f"commune/{commune['code']}",
        "commune",
        commune["region"],
        commune["departement"],
        commune.get("siren"),
    )


def draw_territories(divisions: Divisions, rng: random.Random) -> Iterator[Territory]:
    """Territories in a seeded order: mostly EPCI, some large communes, metropolitan France."""
    metro = {c["code"] for c in divisions.communes if c.get("zone") == "metro"}
    epcis = [e for e in divisions.epci if e["membres"] and e["membres"][0] in metro]
    large = [
        c for c in divisions.communes if c["code"] in metro and c.get("population", 0) > 20_000
    ]
    pool = [epci_territory(e, divisions) for e in epcis] + [commune_territory(c) for c in large]
    rng.shuffle(pool)
    yield from pool


def organisation(out: Output, slug: str, label: str, kind: str, siren: str | None = None) -> str:
    """The IRI of an organisation, described once in organisations.ttl."""
    iri = f"organisation/{slug}"
    if iri not in out.organisations:
        extra = {"cls__siren": f'"{siren}"'} if siren else {}
        out.organisations[iri] = resource(
            iri,
            "org:Organization, cls:Signatory",
            rdfs__label=text(label),
            cls__organisationKind=f"okind:{kind}",
            **extra,
        )
    return iri


def signatories(out: Output, t: Territory, rng: random.Random) -> list[tuple[str, str]]:
    """(organisation, role) pairs: the authority carries the contract, the others co-sign."""
    authority = organisation(out, t.slug, t.label, t.authority_kind, t.siren)
    partners = [
        organisation(out, f"ars-{t.region}", f"ARS (région {t.region})", "ars"),
        organisation(out, f"prefecture-{t.departement}", f"Préfecture ({t.departement})", "etat"),
        organisation(out, f"cpam-{t.departement}", f"CPAM ({t.departement})", "cpam"),
    ]
    if rng.random() < 0.4:
        partners.append(
            organisation(
                out,
                f"cd-{t.departement}",
                f"Conseil départemental ({t.departement})",
                "conseil-departemental",
            )
        )
    return [(authority, "porteur")] + [(p, "co-signataire") for p in partners]


def actions(axis: str, themes: list[str], rng: random.Random) -> Iterator[str]:
    """The actions of one axis (5 to 15)."""
    for n in range(1, rng.randint(5, 15) + 1):
        theme = rng.choice(themes)
        yield resource(
            f"{axis}/action/{n}",
            "cls:Action",
            rdfs__label=text(f"{rng.choice(ACTION_WORDS)} : {TOPICS[theme]} ({n})"),
            cls__position=typed(n, "positiveInteger"),
            cls__theme=f"theme:{theme}",
            cls__targetPublic=f"public:{rng.choice(PUBLICS)}",
        )


def axes(contract: str, rng: random.Random) -> tuple[list[str], list[str], int, set[str]]:
    """Axes (4 to 7) with their actions: IRIs, Turtle, number of actions, themes used."""
    iris, turtle, count, used = [], [], 0, set()
    for n in range(1, rng.randint(4, 7) + 1):
        axis = f"{contract}/axis/{n}"
        themes = rng.sample(THEMES, rng.randint(1, 3))
        listed = list(actions(axis, themes, rng))
        iris.append(f"<{axis}>")
        used.update(themes)
        count += len(listed)
        turtle.append(
            resource(
                axis,
                "cls:Axis",
                rdfs__label=text(f"{rng.choice(AXIS_WORDS)} {TOPICS[themes[0]]}"),
                cls__position=typed(n, "positiveInteger"),
                cls__theme=[f"theme:{t}" for t in themes],
                cls__hasAction=[f"<{axis}/action/{i + 1}>" for i in range(len(listed))],
            )
        )
        turtle.extend(listed)
    return iris, turtle, count, used


def contract(
    out: Output, t: Territory, generation: int, previous: str | None, rng: random.Random
) -> str:
    """One contract with its period, participations, axes and actions; returns its IRI."""
    first, last, length = ERAS[generation]
    start = rng.randint(first, last)
    end = start + length - 1
    iri = f"contract/{t.slug}-cls{generation}"
    axis_iris, axis_turtle, count, themes = axes(iri, rng)
    parties = signatories(out, t, rng)
    status = "en-vigueur" if end >= 2025 else "echu"
    participations = []
    for agent, role in parties:
        p = f"{iri}/participation/{agent.rsplit('/', 1)[1]}"
        participations.append(f"<{p}>")
        out.files[t.region].append(
            resource(
                p,
                "cls:Participation",
                rdfs__label=text(f"{role} du CLS{generation}"),
                cls__agent=f"<{agent}>",
                cls__role=f"role:{role}",
            )
        )
    out.files[t.region].append(
        resource(
            iri,
            "cls:Contract",
            rdfs__label=[
                text(f"CLS{generation} — {t.label} {start}-{end}"),
                text(f"Local health contract {generation} of {t.label}", "en"),
            ],
            cls__territory=f"<territory/{t.slug}>",
            cls__generation=typed(generation, "positiveInteger"),
            cls__previousContract=[f"<{previous}>"] if previous else [],
            dct__temporal=f"<{iri}/period>",
            cls__signatureDate=typed(
                f"{start}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date"
            ),
            cls__status=f"statut:{status}",
            cls__declaredActionCount=typed(count, "nonNegativeInteger"),
            cls__signatory=[f"<{agent}>" for agent, _ in parties],
            cls__participation=participations,
            cls__theme=[f"theme:{theme}" for theme in sorted(themes)],
            cls__targetPublic=[f"public:{p}" for p in rng.sample(PUBLICS, rng.randint(1, 4))],
            cls__hasAxis=axis_iris,
        )
    )
    out.files[t.region].append(
        resource(
            f"{iri}/period",
            "dct:PeriodOfTime",
            rdfs__label=text(f"{start}-{end}"),
            dcat__startDate=typed(start, "gYear"),
            dcat__endDate=typed(end, "gYear"),
        )
    )
    out.files[t.region].extend(axis_turtle)
    return iri


def territory(out: Output, t: Territory) -> None:
    """The territory, its authority and the official unit it covers."""
    out.files[t.region].append(
        resource(
            f"territory/{t.slug}",
            "cls:Territory",
            rdfs__label=text(t.label),
            cls__territoryKind=f"tkind:{t.kind}",
            cls__authority=f"<organisation/{t.slug}>",
            cls__coversUnit=f"<{t.unit}>",
            cls__compositionStatus="cls:CompositionComplete",
        )
    )


def generate(divisions: Divisions, contracts: int = CONTRACTS, seed: int = SEED) -> Output:
    """The records of ``contracts`` contracts, the same for the same seed and reference data."""
    rng, out, made = random.Random(seed), Output(), 0
    for t in draw_territories(divisions, rng):
        if made >= contracts:
            break
        generations = rng.choices((1, 2, 3), GENERATION_WEIGHTS)[0]
        generations = min(generations, contracts - made)
        territory(out, t)
        previous = None
        for generation in range(4 - generations, 4):
            previous = contract(out, t, generation, previous, rng)
            made += 1
    return out


def source() -> str:
    """The one source every generated fact cites."""
    return resource(
        SOURCE[1:-1],
        "cls:Source",
        rdfs__label=text("Données synthétiques nationales (benchmark)"),
        dct__description=text("Contrats générés pour mesurer le service à l'échelle nationale."),
    )


def write(out: Output, folder: Path) -> list[Path]:
    """One Turtle file per région, plus organisations and the source."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {f"contracts-{region}.ttl": body for region, body in sorted(out.files.items())}
    files["organisations.ttl"] = [out.organisations[k] for k in sorted(out.organisations)]
    files["sources.ttl"] = [source()]
    written = []
    for name, body in files.items():
        path = folder / name
        path.write_text(PREFIXES + "\n" + "\n".join(body), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    """Write the records."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--contracts", type=int, default=CONTRACTS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    written = write(generate(load(), args.contracts, args.seed), args.out)
    print(f"{len(written)} files in {args.out}")


if __name__ == "__main__":
    main()
