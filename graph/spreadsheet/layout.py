"""The template's layout as one data table: sheets, French headers, notes, and the property
each column fills. The template, the import, the export, the Notes sheet and the coverage
of the round trip are all read from it.

A column's ``kind`` names its codec in ``cells.CODECS``; ``subject`` names the resource its
value describes (a Contrat row describes a contract and its period, a Signataires row a
participation and an organisation); ``vocabulary`` names a controlled list of ``LISTS``;
a ``link`` column holds a key (an identifier, a number) from which the sheet's code writes
the link named by ``predicate``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS

from ..namespaces import CLS, ORG


@dataclass(frozen=True)
class Column:
    """One column of a data sheet."""

    key: str
    header: str
    kind: str
    note: str
    predicate: URIRef | None = None
    subject: str | None = None
    required: bool = False
    multi: bool = False
    vocabulary: str | None = None
    lang: str | None = "fr"
    target: str | None = None
    link: bool = False
    example: str = ""
    width: int = 22

    @property
    def generic(self) -> bool:
        """True when the value goes to the property as is; links are written by the sheet."""
        return self.predicate is not None and not self.link


@dataclass(frozen=True)
class Sheet:
    """One data sheet: its rows describe resources of ``kind``."""

    name: str
    kind: str
    note: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)

    def subject_of(self, column: Column) -> str:
        """The resource kind a column's value describes."""
        return column.subject or self.kind


@dataclass(frozen=True)
class VocabularyList:
    """A controlled list of the Listes sheet: the concepts of one class, by French label."""

    key: str
    title: str
    rdf_class: URIRef


#: The controlled lists, read from ontology/vocabularies/ (and ontology/cls.ttl).
LISTS: tuple[VocabularyList, ...] = (
    VocabularyList("themes", "Thèmes", CLS.Theme),
    VocabularyList("publics", "Publics cibles", CLS.TargetPublic),
    VocabularyList("statuts", "Statuts", CLS.Status),
    VocabularyList("roles", "Rôles", CLS.Role),
    VocabularyList("types-territoire", "Types de territoire", CLS.TerritoryKind),
    VocabularyList("types-organisation", "Types d'organisation", CLS.OrganisationKind),
    VocabularyList("composition", "États de la composition", CLS.CompositionStatus),
    VocabularyList("indicateurs", "Indicateurs", CLS.CoverageIndicator),
)

#: The values of a yes/no column, offered as an inline list.
YES_NO = ("oui", "non")

#: Separator of several values in one cell (remarks are separated by line breaks instead).
SEPARATOR = ";"

NOTES_SHEET = "Notes"
LISTS_SHEET = "Listes"

# --- Columns shared by several sheets -------------------------------------------------------

SOURCES_NOTE = (
    "Identifiants de sources de la feuille Sources, séparés par « ; ». Vide : les sources "
    "du contrat. On peut aussi citer une source déjà publiée par son identifiant "
    "(001_bf1d75e5163262c4), un chemin sous https://w3id.org/cls-sante/id/ "
    "(dataset/decoupage-administratif) ou une adresse complète."
)


def contract_ref(note_tail: str = "") -> Column:
    """The column that attaches a row to its contract."""
    return Column(
        "contrat",
        "Contrat",
        "reference",
        "Identifiant du contrat de la feuille Contrat auquel la ligne se rattache. Peut rester "
        "vide si le fichier ne décrit qu'un contrat." + note_tail,
        target="contract",
        lang=None,
        example="pays-vosges-saonoises-2023-2027",
        width=30,
    )


def themes(note: str) -> Column:
    """Themes of a contract, an axis or an action."""
    return Column(
        "themes",
        "Thèmes",
        "concept",
        note + " Valeurs de la liste « Thèmes » (feuille Listes), séparées par « ; ».",
        CLS.theme,
        multi=True,
        vocabulary="themes",
        example="Accès aux soins ; Santé mentale",
        width=40,
    )


def publics(note: str) -> Column:
    """Target publics of a contract, an axis or an action."""
    return Column(
        "publics",
        "Publics cibles",
        "concept",
        note + " Valeurs de la liste « Publics cibles » (feuille Listes), séparées par « ; ».",
        CLS.targetPublic,
        multi=True,
        vocabulary="publics",
        example="Enfants ; Adolescents",
        width=36,
    )


def description(note: str, subject: str | None = None, header: str = "Description") -> Column:
    """A free-text description in French."""
    return Column(
        "description" if subject is None else f"description-{subject}",
        header,
        "text",
        note,
        DCTERMS.description,
        subject=subject,
        width=50,
    )


def remarks(note: str, subject: str | None = None, header: str = "Remarques") -> Column:
    """Remarks (skos:note): how a figure was read, what the source does not say."""
    return Column(
        "remarques" if subject is None else f"remarques-{subject}",
        header,
        "lines",
        note + " Plusieurs remarques : une par ligne dans la cellule (Alt+Entrée).",
        SKOS.note,
        subject=subject,
        multi=True,
        width=50,
    )


def sources(
    note: str = SOURCES_NOTE, subject: str | None = None, header: str = "Sources"
) -> Column:
    """Where the facts of the row come from."""
    return Column(
        "sources" if subject is None else f"sources-{subject}",
        header,
        "sources",
        note,
        DCTERMS.source,
        subject=subject,
        multi=True,
        lang=None,
        example="001_bf1d75e5163262c4",
        width=26,
    )


def identifier(kind: str, pattern: str, derived: str, example: str) -> Column:
    """The explicit identifier of a resource, which makes its IRI."""
    return Column(
        "identifiant",
        "Identifiant",
        "identifier",
        f"Identifiant stable, dans l'IRI https://w3id.org/cls-sante/id/{pattern} : lettres "
        f"minuscules sans accents, chiffres, tirets. Facultatif : vide, {derived}. Ne le "
        "changez plus une fois publié.",
        target=kind,
        lang=None,
        example=example,
        width=30,
    )


# --- The data sheets ------------------------------------------------------------------------

CONTRACT = Sheet(
    "Contrat",
    "contract",
    "Une ligne par contrat local de santé (une génération sur un territoire).",
    (
        identifier(
            "contract",
            "contract/{identifiant}",
            "il est formé de l'identifiant du territoire et de la période (besancon-2016-2018), "
            "sinon du rang (besancon-cls1), sinon de l'année de signature",
            "besancon-2016-2018",
        ),
        Column(
            "intitule",
            "Intitulé",
            "text",
            "Intitulé du contrat en français, tel que la source le donne.",
            RDFS.label,
            required=True,
            example="Contrat Local de Santé de Besançon 2016-2018",
            width=50,
        ),
        Column(
            "intitule-en",
            "Intitulé (anglais)",
            "text",
            "Traduction anglaise de l'intitulé (facultatif).",
            RDFS.label,
            lang="en",
            example="Local Health Contract of Besançon 2016-2018",
            width=40,
        ),
        Column(
            "territoire",
            "Territoire",
            "reference",
            "Identifiant ou nom d'un territoire de la feuille Territoire, ou identifiant d'un "
            "territoire déjà publié. Vide : le seul territoire de la feuille Territoire.",
            CLS.territory,
            target="territory",
            link=True,
            lang=None,
            example="besancon",
        ),
        Column(
            "rang",
            "Rang (génération)",
            "rank",
            "1 pour le premier CLS du territoire, 2 pour le deuxième, etc.",
            CLS.generation,
            example="2",
            width=12,
        ),
        Column(
            "debut",
            "Début",
            "year",
            "Première année d'application (2016) ou date de début (2016-03-01 ou 01/03/2016).",
            DCAT.startDate,
            subject="period",
            example="2016",
            width=12,
        ),
        Column(
            "fin",
            "Fin",
            "year",
            "Dernière année d'application (2018) ou date de fin ; avec une fin, le début est "
            "obligatoire.",
            DCAT.endDate,
            subject="period",
            example="2018",
            width=12,
        ),
        Column(
            "statut",
            "Statut",
            "concept",
            "État du contrat à la date de la source, de la liste « Statuts ».",
            CLS.status,
            vocabulary="statuts",
            example="Signé",
            width=16,
        ),
        Column(
            "date-signature",
            "Date de signature",
            "date",
            "Date (2017-01-31 ou 31/01/2017), mois (2012-06 ou 06/2012) ou année (2017).",
            CLS.signatureDate,
            example="2017-01-31",
            width=16,
        ),
        Column(
            "actions-annoncees",
            "Nombre d'actions annoncé",
            "count",
            "Nombre d'actions que la source annonce, même si elles ne sont pas détaillées.",
            CLS.declaredActionCount,
            example="20",
            width=14,
        ),
        Column(
            "precedent",
            "Contrat précédent",
            "reference",
            "Identifiant du contrat de la génération précédente sur le même territoire (dans ce "
            "fichier ou déjà publié).",
            CLS.previousContract,
            target="contract",
            link=True,
            lang=None,
            example="besancon-cls1",
            width=30,
        ),
        themes("Thèmes du contrat."),
        publics("Publics auxquels le contrat s'adresse."),
        description("Présentation du contrat en français."),
        remarks("Remarques sur la lecture de la source."),
        replace(
            sources(
                "Identifiants des sources (feuille Sources, ou sources déjà publiées) d'où "
                "viennent les informations du contrat, séparés par « ; »."
            ),
            required=True,
        ),
    ),
)

TERRITORY = Sheet(
    "Territoire",
    "territory",
    "Une ligne par territoire couvert par un contrat de la feuille Contrat.",
    (
        identifier(
            "territory",
            "territory/{identifiant}",
            "il est formé à partir du nom (Pays de Lure → pays-de-lure)",
            "besancon",
        ),
        Column(
            "nom",
            "Nom",
            "text",
            "Nom du territoire en français.",
            RDFS.label,
            required=True,
            example="Besançon",
            width=36,
        ),
        Column(
            "type",
            "Type de territoire",
            "concept",
            "Nature du territoire, de la liste « Types de territoire ».",
            CLS.territoryKind,
            vocabulary="types-territoire",
            example="Commune",
        ),
        Column(
            "autorite",
            "Collectivité compétente",
            "reference",
            "Identifiant ou nom de l'organisation compétente sur le territoire (commune, EPCI, "
            "pays…), décrite dans la feuille Signataires ou déjà publiée.",
            CLS.authority,
            target="organisation",
            link=True,
            lang=None,
            example="ville-besancon",
            width=28,
        ),
        Column(
            "population",
            "Population annoncée",
            "count",
            "Nombre d'habitants que la source annonce (entier, sans espace).",
            CLS.declaredPopulation,
            example="80000",
            width=14,
        ),
        Column(
            "communes",
            "Nombre de communes annoncé",
            "count",
            "Nombre de communes que la source annonce.",
            CLS.declaredCommuneCount,
            example="144",
            width=14,
        ),
        Column(
            "membres",
            "Nombre de membres annoncé",
            "count",
            "Nombre de groupements membres (par ex. communautés de communes) annoncé.",
            CLS.declaredMemberCount,
            example="6",
            width=14,
        ),
        Column(
            "unites",
            "Unités couvertes",
            "units",
            "Unités officielles qui forment le territoire, séparées par « ; » : commune/{code "
            "INSEE}, epci/{SIREN}, departement/{code}, region/{code}.",
            CLS.coversUnit,
            multi=True,
            lang=None,
            example="commune/25056",
            width=28,
        ),
        Column(
            "situe",
            "Situé dans",
            "units",
            "Départements ou régions où se trouve le territoire, séparés par « ; » : "
            "departement/{code}, region/{code}.",
            CLS.withinUnit,
            multi=True,
            lang=None,
            example="departement/70",
            width=24,
        ),
        Column(
            "composition",
            "Composition",
            "concept",
            "Les unités couvertes forment-elles tout le territoire, d'après une source ? Liste "
            "« États de la composition ».",
            CLS.compositionStatus,
            vocabulary="composition",
            example="composition non sourcée",
            width=26,
        ),
        description("Présentation du territoire."),
        remarks("Remarques sur le territoire."),
        sources(
            "Sources des informations sur le territoire, séparées par « ; ». Vide : les sources "
            "des contrats du fichier sur ce territoire."
        ),
    ),
)

PARTICIPATION = Sheet(
    "Signataires",
    "participation",
    "Une ligne par organisation et par contrat : qui porte, signe ou accompagne le contrat. "
    "Une organisation présente sur plusieurs lignes est décrite une seule fois ; les cellules "
    "qui la décrivent peuvent rester vides sur ses autres lignes.",
    (
        contract_ref(),
        Column(
            "identifiant-organisation",
            "Identifiant de l'organisation",
            "identifier",
            "Identifiant stable de l'organisation, dans l'IRI https://w3id.org/cls-sante/id/"
            "organisation/{identifiant}. Vide : formé à partir du nom. Pour une organisation "
            "déjà publiée, son identifiant suffit.",
            CLS.agent,
            subject="participation",
            link=True,
            target="organisation",
            lang=None,
            example="ville-besancon",
            width=30,
        ),
        Column(
            "organisation",
            "Organisation",
            "text",
            "Nom de l'organisation en français.",
            RDFS.label,
            subject="organisation",
            example="Ville de Besançon",
            width=36,
        ),
        Column(
            "autres-noms",
            "Autres noms",
            "text",
            "Autres noms ou sigles de l'organisation, séparés par « ; ».",
            SKOS.altLabel,
            subject="organisation",
            multi=True,
            example="Centre communal d'action sociale de Besançon",
            width=30,
        ),
        Column(
            "type-organisation",
            "Type d'organisation",
            "concept",
            "Nature de l'organisation, de la liste « Types d'organisation » ; plusieurs valeurs "
            "séparées par « ; ».",
            CLS.organisationKind,
            subject="organisation",
            multi=True,
            vocabulary="types-organisation",
            example="Commune",
            width=30,
        ),
        Column(
            "siren",
            "SIREN",
            "siren",
            "Numéro SIREN de l'organisation (9 chiffres), s'il est connu.",
            CLS.siren,
            subject="organisation",
            lang=None,
            example="212500565",
            width=14,
        ),
        Column(
            "role",
            "Rôle",
            "concept",
            "Rôle de l'organisation dans ce contrat, de la liste « Rôles ».",
            CLS.role,
            required=True,
            vocabulary="roles",
            example="Porteur",
            width=16,
        ),
        Column(
            "signataire",
            "Signataire",
            "yesno",
            "« oui » si l'organisation a signé ce contrat d'après la source, sinon « non ».",
            CLS.signatory,
            subject="contract",
            link=True,
            required=True,
            lang=None,
            example="oui",
            width=12,
        ),
        Column(
            "libelle-participation",
            "Libellé de la participation",
            "text",
            "Phrase qui résume la participation. Vide : « {organisation}, {rôle} — {intitulé du "
            "contrat} ».",
            RDFS.label,
            example="Ville de Besançon, porteur du CLS 2016-2018",
            width=40,
        ),
        remarks("Remarques sur la participation.", header="Remarques sur la participation"),
        description(
            "Présentation de l'organisation.",
            subject="organisation",
            header="Description de l'organisation",
        ),
        remarks(
            "Remarques sur l'organisation.",
            subject="organisation",
            header="Remarques sur l'organisation",
        ),
        sources(
            "Sources des informations sur l'organisation, séparées par « ; ». Vide : les "
            "sources des contrats auxquels elle prend part dans ce fichier.",
            subject="organisation",
            header="Sources de l'organisation",
        ),
    ),
)

OBJECTIVE = Sheet(
    "Objectifs",
    "objective",
    "Une ligne par objectif général d'un contrat.",
    (
        contract_ref(),
        Column(
            "numero",
            "N°",
            "rank",
            "Numéro de l'objectif dans la source (1, 2, 3…).",
            CLS.position,
            required=True,
            example="1",
            width=8,
        ),
        Column(
            "intitule",
            "Intitulé",
            "text",
            "Intitulé de l'objectif en français.",
            RDFS.label,
            required=True,
            width=60,
        ),
        sources(),
    ),
)

AXIS = Sheet(
    "Axes",
    "axis",
    "Une ligne par axe stratégique d'un contrat.",
    (
        contract_ref(),
        Column(
            "numero",
            "N° axe",
            "rank",
            "Numéro de l'axe dans la source (AXE 1 → 1).",
            CLS.position,
            required=True,
            example="1",
            width=8,
        ),
        Column(
            "intitule",
            "Intitulé",
            "text",
            "Intitulé de l'axe en français.",
            RDFS.label,
            required=True,
            example="Favoriser l'accès à la santé et renforcer l'attractivité",
            width=50,
        ),
        description("Présentation ou sous-titre de l'axe."),
        themes("Thèmes de l'axe."),
        publics("Publics de l'axe."),
        remarks("Remarques sur l'axe."),
        sources(),
    ),
)

ACTION = Sheet(
    "Actions",
    "action",
    "Une ligne par action (fiche-action) d'un axe.",
    (
        contract_ref(),
        Column(
            "axe",
            "N° axe",
            "rank",
            "Numéro de l'axe (feuille Axes) dont relève l'action.",
            CLS.hasAction,
            subject="axis",
            link=True,
            required=True,
            example="1",
            width=8,
        ),
        Column(
            "numero",
            "N° action",
            "rank",
            "Numéro de l'action dans son axe (1, 2, 3…).",
            CLS.position,
            required=True,
            example="1",
            width=10,
        ),
        Column(
            "intitule",
            "Intitulé",
            "text",
            "Intitulé de l'action en français.",
            RDFS.label,
            required=True,
            example="Favoriser l'exercice des professionnels de santé installés",
            width=60,
        ),
        description("Présentation de l'action."),
        themes("Thèmes de l'action."),
        publics("Publics de l'action."),
        remarks("Remarques sur l'action."),
        sources(),
    ),
)

SOURCE = Sheet(
    "Sources",
    "source",
    "Une ligne par document d'où viennent les informations (page web, délibération, PDF…).",
    (
        identifier(
            "source",
            "source/{identifiant}",
            "il est formé à partir du titre",
            "cls-besancon-2016",
        ),
        Column(
            "titre",
            "Titre",
            "text",
            "Titre du document en français.",
            RDFS.label,
            required=True,
            example="Contrat local de santé de Besançon",
            width=40,
        ),
        Column(
            "reference",
            "Référence du document",
            "text",
            "Adresse web ou cote du document.",
            DCTERMS.identifier,
            lang=None,
            example="https://www.besancon.fr/…",
            width=40,
        ),
        Column(
            "langue",
            "Langue",
            "language",
            "Code de la langue du document (fr, en…).",
            DCTERMS.language,
            lang=None,
            example="fr",
            width=10,
        ),
        Column(
            "publication",
            "Date de publication",
            "date",
            "Date de publication du document (2017-07-26 ou 26/07/2017).",
            DCTERMS.issued,
            example="2017-07-26",
            width=16,
        ),
        Column(
            "mise-a-jour",
            "Date de mise à jour",
            "date",
            "Date de dernière modification du document.",
            DCTERMS.modified,
            example="2018-06-12",
            width=16,
        ),
        Column(
            "consultation",
            "Date de consultation",
            "date",
            "Date à laquelle le document a été lu pour remplir le classeur (2026-12-05 ou "
            "05/12/2026) : une page web peut avoir changé depuis.",
            CLS.consulted,
            example="2026-12-05",
            width=16,
        ),
        description("Ce que contient le document."),
        remarks("Remarques sur le document (date absente, passages ignorés…)."),
    ),
)

FIGURE = Sheet(
    "Chiffres",
    "figure",
    "Une ligne par chiffre qu'une source annonce pour une région ou un département (nombre de "
    "CLS signés, part de la population couverte…), à la date où elle l'annonce. Le graphe "
    "compare ces chiffres à ce qu'il contient.",
    (
        Column(
            "zone",
            "Zone",
            "units",
            "La région ou le département du chiffre : region/{code} ou departement/{code}.",
            CLS.zone,
            required=True,
            lang=None,
            example="region/27",
            width=18,
        ),
        Column(
            "indicateur",
            "Indicateur",
            "concept",
            "Ce que le chiffre compte, de la liste « Indicateurs ». La part de la population "
            "couverte est en pourcentage (45 pour 45 %).",
            CLS.indicator,
            required=True,
            vocabulary="indicateurs",
            example="contrats signés",
            width=30,
        ),
        Column(
            "valeur",
            "Valeur",
            "decimal",
            "Le chiffre annoncé (nombre positif ; virgule ou point pour les décimales).",
            CLS.figureValue,
            required=True,
            lang=None,
            example="24",
            width=12,
        ),
        Column(
            "date",
            "Date",
            "date",
            "Date (2023-06-30), mois (2023-06) ou année (2023) à laquelle la source donne le "
            "chiffre (« au 30 juin 2023 »).",
            DCTERMS.date,
            required=True,
            example="2023-06",
            width=14,
        ),
        replace(
            sources("Identifiants des sources (feuille Sources) qui annoncent le chiffre."),
            required=True,
        ),
        remarks("Remarques sur la lecture du chiffre."),
    ),
)

#: The data sheets, in workbook order (also the order problems are reported in).
SHEETS: tuple[Sheet, ...] = (
    CONTRACT,
    TERRITORY,
    PARTICIPATION,
    OBJECTIVE,
    AXIS,
    ACTION,
    SOURCE,
    FIGURE,
)

#: The rdf:type each kind of resource gets.
TYPES: dict[str, tuple[URIRef, ...]] = {
    "contract": (CLS.Contract,),
    "period": (DCTERMS.PeriodOfTime,),
    "participation": (CLS.Participation,),
    "organisation": (ORG.Organization, CLS.Signatory),
    "territory": (CLS.Territory,),
    "objective": (CLS.GeneralObjective,),
    "axis": (CLS.Axis,),
    "action": (CLS.Action,),
    "source": (CLS.Source,),
    "figure": (CLS.AnnouncedFigure,),
}

#: Properties the sheets write without a column of their own: links and generated values.
STRUCTURAL: dict[str, tuple[URIRef, ...]] = {
    "contract": (RDF.type, CLS.participation, CLS.hasAxis, CLS.generalObjective, DCTERMS.temporal),
    "period": (RDF.type, RDFS.label, DCTERMS.source),
    "participation": (RDF.type, DCTERMS.source),
    "organisation": (RDF.type,),
    "territory": (RDF.type,),
    "objective": (RDF.type,),
    "axis": (RDF.type,),
    "action": (RDF.type,),
    "source": (RDF.type,),
    "figure": (RDF.type, RDFS.label),
}

#: What the template does not cover, by kind (docs/PUBLISHING.md): left out of a round trip.
NOT_COVERED: dict[str, tuple[URIRef, ...]] = {
    "contract": (CLS.meeting, CLS.evaluation, CLS.decision),
}


def sheet_named(name: str) -> Sheet:
    """The data sheet called ``name``."""
    return next(s for s in SHEETS if s.name == name)


def covered_properties(kind: str) -> frozenset[URIRef]:
    """Every property the template writes on a resource of ``kind``."""
    columns = {
        c.predicate
        for sheet in SHEETS
        for c in sheet.columns
        if c.predicate is not None and sheet.subject_of(c) == kind
    }
    return frozenset(columns) | frozenset(STRUCTURAL[kind])
