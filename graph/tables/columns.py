"""The tabular distributions, as one table of column definitions.

Each ``Table`` is one CSV file of a version (``tables/{name}.csv``); its rows come from
``queries/{name}.rq`` (one variable per column, same name). From the same definitions the
writer derives the file's Table Schema (frictionless ``{name}.schema.json``: types, formats,
required fields, enumerations from the SKOS schemes, primary and foreign keys) and its part of
the CSV on the Web metadata (``csv-metadata.json``: the property, datatype or IRI template of
each column, so that a CSVW processor turns the rows back into the graph's triples).

Column names are lower-case French snake_case (schema.data.gouv.fr); every table has an
``iri`` column naming the resource (its page on the server), except ``liens``, whose rows are
the multi-valued links (themes, publics, sources, units ...) of the other tables' resources.
"""

from __future__ import annotations

from dataclasses import dataclass

CLS = "https://w3id.org/cls-sante/def#"
CLSV = "https://w3id.org/cls-sante/def/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Prefixes the column definitions write properties and classes with.
NAMESPACES: dict[str, str] = {
    "cls": CLS,
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "org": "http://www.w3.org/ns/org#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}

#: Table Schema type -> CSVW (XSD) datatype of a literal column, unless the column names one.
DATATYPES: dict[str, str] = {
    "string": "string",
    "integer": "integer",
    "number": "decimal",
    "date": "date",
    "yearmonth": "gYearMonth",
    "year": "gYear",
}


def expand(curie: str) -> str:
    """A full IRI from ``prefix:local``."""
    prefix, local = curie.split(":", 1)
    return NAMESPACES[prefix] + local


@dataclass(frozen=True)
class Column:
    """One column: its Table Schema constraints and its mapping to the ontology.

    ``prop`` is the property the cell states (None: a convenience column, its facts are in
    another column or table, and CSVW output is suppressed); ``value_url`` makes the cell an
    IRI (``{+col}`` for a full IRI in the cell, a vocabulary template for a notation);
    ``about`` the subject when it is not the row's ``iri`` (``{+contrat}``).
    """

    name: str
    description: str
    type: str = "string"
    prop: str | None = None
    datatype: str | None = None
    value_url: str | None = None
    about: str | None = None
    lang: str | None = None
    required: bool = False
    scheme: str | None = None
    enum: tuple[str, ...] = ()
    references: str | None = None  # the table whose ``iri`` this column names
    pattern: str | None = None
    minimum: int | None = None
    format: str | None = None
    #: A convenience list filled from ``liens``: (property, kinds of IRI kept, e.g.
    #: ``("region",)``; empty: all); each value is the last segment of the linked IRI (a
    #: concept's notation, a unit's official code).
    listing: tuple[str, tuple[str, ...]] | None = None

    @property
    def is_iri(self) -> bool:
        """Whether the cell stands for an IRI (a link to a page)."""
        return self.value_url is not None


@dataclass(frozen=True)
class Table:
    """One CSV file: what its rows are, and its columns."""

    name: str
    title: str
    description: str
    rdf_class: str | None
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ("iri",)
    about: str = "{+iri}"


def iri(description: str) -> Column:
    """The row's resource: its IRI (and its page on the server)."""
    return Column(
        "iri", description, format="uri", required=True, value_url="{+iri}", pattern="https?://.+"
    )


def link(
    name: str,
    description: str,
    prop: str,
    table: str | None,
    about: str | None = None,
    required: bool = False,
) -> Column:
    """A column naming another resource by its IRI; with ``about``, the link goes from that
    resource to the row's (``{+contrat}`` cls:hasAxis ``{+iri}``)."""
    return Column(
        name,
        description,
        format="uri",
        prop=prop,
        value_url="{+iri}" if about else f"{{+{name}}}",
        about=about,
        required=required,
        references=table,
        pattern="https?://.+",
    )


def concept(name: str, description: str, prop: str, scheme: str, required: bool = False) -> Column:
    """A column holding the notation of a concept of one of the SKOS schemes."""
    return Column(
        name,
        description,
        prop=prop,
        value_url=f"{CLSV}{scheme}/{{{name}}}",
        scheme=scheme,
        required=required,
    )


def text(
    name: str, description: str, prop: str, lang: str = "fr", required: bool = False
) -> Column:
    """A language-tagged text column."""
    return Column(name, description, prop=prop, lang=lang, required=required)


def count(name: str, description: str, prop: str, required: bool = False) -> Column:
    """A non-negative integer."""
    return Column(
        name,
        description,
        "integer",
        prop=prop,
        datatype="nonNegativeInteger",
        minimum=0,
        required=required,
    )


def rank(name: str, description: str, prop: str) -> Column:
    """A positive integer (a generation, a position)."""
    return Column(name, description, "integer", prop=prop, datatype="positiveInteger", minimum=1)


def dates(stem: str, description: str, prop: str, about: str | None = None) -> tuple[Column, ...]:
    """A date that sources give to the day, the month or the year: three columns, one filled
    (``date_{stem}``, ``mois_{stem}``, ``annee_{stem}``), each typed as the graph types it."""
    return (
        Column(f"date_{stem}", f"{description} (au jour)", "date", prop=prop, about=about),
        Column(f"mois_{stem}", f"{description} (au mois)", "yearmonth", prop=prop, about=about),
        Column(f"annee_{stem}", f"{description} (à l'année)", "year", prop=prop, about=about),
    )


def label() -> tuple[Column, ...]:
    """The French label (required) and the English one."""
    return (
        text("libelle", "Libellé en français", "rdfs:label", required=True),
        text("libelle_en", "Libellé en anglais", "rdfs:label", lang="en"),
    )


def display(name: str, description: str, references: str | None = None) -> Column:
    """A convenience column for spreadsheet users: its facts are stated elsewhere."""
    return Column(name, description, references=references)


def listing(name: str, description: str, prop: str, *kinds: str) -> Column:
    """A convenience column listing, separated by « ; », what ``liens`` links by ``prop``."""
    return Column(
        name, f"{description}, séparés par « ; » (repris de liens.csv)", listing=(prop, kinds)
    )


THEMES = listing("thematiques", "Thèmes (notations du vocabulaire « theme »)", "cls:theme")

CONTRACTS = Table(
    "contrats",
    "Contrats locaux de santé",
    "Un contrat local de santé par ligne (une génération sur un territoire).",
    "cls:Contract",
    (
        iri("IRI du contrat (sa page)"),
        display("identifiant", "Identifiant du contrat (fin de son IRI)"),
        *label(),
        link(
            "territoire", "IRI du territoire couvert", "cls:territory", "territoires", required=True
        ),
        display("libelle_territoire", "Libellé du territoire"),
        rank("generation", "Génération (1 pour le premier CLS du territoire)", "cls:generation"),
        concept("statut", "Statut (vocabulaire « statut »)", "cls:status", "statut"),
        *dates("signature", "Date de signature", "cls:signatureDate"),
        link("periode", "IRI de la période de validité", "dct:temporal", None),
        *dates("debut", "Début de la période", "dcat:startDate", about="{+periode}"),
        *dates("fin", "Fin de la période", "dcat:endDate", about="{+periode}"),
        link(
            "contrat_precedent",
            "IRI du contrat de la génération précédente",
            "cls:previousContract",
            "contrats",
        ),
        count(
            "nombre_actions_annoncees",
            "Nombre d'actions que la source annonce",
            "cls:declaredActionCount",
        ),
        text("description", "Description", "dct:description"),
        THEMES,
    ),
)

TERRITORIES = Table(
    "territoires",
    "Territoires",
    "Un territoire couvert par au moins un contrat par ligne, avec ses codes officiels.",
    "cls:Territory",
    (
        iri("IRI du territoire (sa page)"),
        display("identifiant", "Identifiant du territoire (fin de son IRI)"),
        *label(),
        concept(
            "type_territoire",
            "Type de territoire (vocabulaire « type-territoire »)",
            "cls:territoryKind",
            "type-territoire",
        ),
        link(
            "autorite",
            "IRI de la collectivité ou du groupement compétent",
            "cls:authority",
            "organisations",
        ),
        Column(
            "etat_composition",
            "Composition en unités officielles : complète et sourcée, ou non sourcée",
            prop="cls:compositionStatus",
            value_url=CLS + "{etat_composition}",
            enum=("CompositionComplete", "CompositionUnknown"),
        ),
        listing(
            "codes_unites",
            "Codes officiels des unités couvertes (code INSEE des communes, SIREN des EPCI, "
            "code des départements et régions)",
            "cls:coversUnit",
        ),
        listing(
            "codes_departements",
            "Codes INSEE des départements (et collectivités d'outre-mer) où il se trouve",
            "cls:withinUnit",
            "departement",
            "collectivite-outre-mer",
        ),
        listing(
            "codes_regions", "Codes INSEE des régions où il se trouve", "cls:withinUnit", "region"
        ),
        count("population_annoncee", "Population que la source annonce", "cls:declaredPopulation"),
        count(
            "communes_annoncees",
            "Nombre de communes que la source annonce",
            "cls:declaredCommuneCount",
        ),
        count(
            "membres_annonces",
            "Nombre de groupements membres que la source annonce",
            "cls:declaredMemberCount",
        ),
        count(
            "population_calculee",
            "Population municipale de ses communes (calculée)",
            "cls:derivedPopulation",
        ),
        count("communes_calculees", "Nombre de ses communes (calculé)", "cls:derivedCommuneCount"),
        count("membres_calcules", "Nombre d'EPCI couverts (calculé)", "cls:derivedMemberCount"),
        text("description", "Description", "dct:description"),
    ),
)

ORGANISATIONS = Table(
    "organisations",
    "Organisations",
    "Une organisation signataire ou partenaire d'au moins un contrat par ligne.",
    "org:Organization",
    (
        iri("IRI de l'organisation (sa page)"),
        display("identifiant", "Identifiant de l'organisation (fin de son IRI)"),
        *label(),
        concept(
            "type_organisation",
            "Type d'organisation (vocabulaire « type-organisation »)",
            "cls:organisationKind",
            "type-organisation",
        ),
        Column(
            "siren",
            "Numéro SIREN (9 chiffres)",
            prop="cls:siren",
            datatype="string",
            pattern="[0-9]{9}",
        ),
        text("description", "Description", "dct:description"),
    ),
)

PARTICIPATIONS = Table(
    "participations",
    "Participations",
    "La part d'une organisation dans un contrat, avec son rôle : une ligne par participation.",
    "cls:Participation",
    (
        iri("IRI de la participation"),
        link(
            "contrat",
            "IRI du contrat",
            "cls:participation",
            "contrats",
            about="{+contrat}",
            required=True,
        ),
        link("organisation", "IRI de l'organisation", "cls:agent", "organisations", required=True),
        concept("role", "Rôle (vocabulaire « role »)", "cls:role", "role", required=True),
        display(
            "signataire",
            "« oui » si l'organisation a signé le contrat (liens.csv : "
            "cls:signatory), sinon « non »",
        ),
        *label(),
    ),
)

AXES = Table(
    "axes",
    "Axes stratégiques",
    "Un axe stratégique d'un contrat par ligne.",
    "cls:Axis",
    (
        iri("IRI de l'axe (sa page)"),
        link("contrat", "IRI du contrat", "cls:hasAxis", "contrats", about="{+contrat}"),
        rank("position", "Numéro de l'axe dans la source", "cls:position"),
        *label(),
        text("description", "Description", "dct:description"),
        THEMES,
    ),
)

ACTIONS = Table(
    "actions",
    "Actions",
    "Une action (fiche-action) d'un axe par ligne.",
    "cls:Action",
    (
        iri("IRI de l'action (sa page)"),
        link("axe", "IRI de l'axe", "cls:hasAction", "axes", about="{+axe}"),
        display("contrat", "IRI du contrat de l'axe", references="contrats"),
        rank("position", "Numéro de l'action dans l'axe", "cls:position"),
        *label(),
        text("description", "Description", "dct:description"),
        THEMES,
        listing(
            "publics", "Publics cibles (notations du vocabulaire « public »)", "cls:targetPublic"
        ),
    ),
)

SOURCES = Table(
    "sources",
    "Sources",
    "Un document d'où viennent les informations par ligne (page web, délibération, PDF…).",
    "cls:Source",
    (
        iri("IRI de la source"),
        *label(),
        Column(
            "reference", "Adresse web ou cote du document", prop="dct:identifier", datatype="string"
        ),
        *dates("document", "Date du document", "dct:date"),
        *dates("publication", "Date de publication", "dct:issued"),
        *dates("mise_a_jour", "Date de mise à jour", "dct:modified"),
        *dates("consultation", "Date à laquelle le document a été lu", "cls:consulted"),
        text("description", "Description", "dct:description"),
        text("description_en", "Description en anglais", "dct:description", lang="en"),
    ),
)

COVERAGE = Table(
    "couverture",
    "Couverture par les CLS en vigueur",
    "La couverture calculée d'une zone (département, collectivité d'outre-mer, région, ou la "
    "France) par les contrats en vigueur une année : une ligne par zone et par année.",
    "cls:CoverageFigure",
    (
        iri("IRI du chiffre calculé"),
        link("zone", "IRI de la zone (vide : la France)", "cls:zone", None),
        display("type_zone", "departement, collectivite-outre-mer, region ou france"),
        display("code_zone", "Code INSEE de la zone (vide : la France)"),
        display("libelle_zone", "Nom de la zone"),
        Column("annee", "Année", "year", prop="cls:year", required=True),
        count(
            "contrats_en_vigueur",
            "Contrats en vigueur sur un territoire de la zone",
            "cls:contractsInForce",
            required=True,
        ),
        count(
            "communes_couvertes",
            "Communes couvertes (compositions sourcées seulement)",
            "cls:coveredCommuneCount",
            required=True,
        ),
        count(
            "population_couverte",
            "Population municipale des communes couvertes",
            "cls:coveredPopulation",
            required=True,
        ),
        count(
            "population_zone",
            "Population municipale de la zone",
            "cls:zonePopulation",
            required=True,
        ),
        Column(
            "part_population_couverte",
            "Part de la population couverte, en %",
            "number",
            prop="cls:coveredShare",
            minimum=0,
            required=True,
        ),
        count(
            "territoires_non_mesures",
            "Territoires sous contrat en vigueur de composition non sourcée",
            "cls:unmeasuredTerritories",
            required=True,
        ),
        *label(),
    ),
)

#: Properties whose values are listed in ``liens`` (several per resource).
LINK_PROPERTIES = (
    "cls:theme",
    "cls:targetPublic",
    "cls:signatory",
    "cls:coversUnit",
    "cls:withinUnit",
    "cls:generalObjective",
    "cls:meeting",
    "cls:evaluation",
    "cls:decision",
    "dct:source",
    "dct:language",
    "dct:license",
)

LINKS = Table(
    "liens",
    "Liens",
    "Les liens multiples des ressources des autres tables (thèmes, publics, signataires, "
    "unités officielles, sources…) : une ligne par lien.",
    None,
    (
        Column("sujet", "IRI de la ressource", format="uri", required=True, pattern="https?://.+"),
        Column(
            "propriete",
            "IRI de la propriété",
            format="uri",
            required=True,
            enum=tuple(expand(p) for p in LINK_PROPERTIES),
        ),
        Column(
            "objet",
            "IRI de la valeur (concept, organisation, unité officielle, source…)",
            format="uri",
            required=True,
            prop="{+propriete}",
            value_url="{+objet}",
            pattern="https?://.+",
        ),
    ),
    primary_key=("sujet", "propriete", "objet"),
    about="{+sujet}",
)

#: Every table, in the order of the workbook and of the downloads page.
TABLES: tuple[Table, ...] = (
    CONTRACTS,
    TERRITORIES,
    ORGANISATIONS,
    PARTICIPATIONS,
    AXES,
    ACTIONS,
    SOURCES,
    COVERAGE,
    LINKS,
)


def literal_datatype(column: Column) -> str:
    """The XSD datatype (full IRI) of a literal column's values."""
    return XSD + (column.datatype or DATATYPES[column.type])
