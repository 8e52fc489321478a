"""Messages of the command line, French first, English with ``--lang en``."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "built": {
        "fr": "Version {version} publiée dans {path}{reused}.",
        "en": "Version {version} published in {path}{reused}.",
    },
    "reused": {
        "fr": " (sources inchangées : version existante réutilisée)",
        "en": " (sources unchanged: existing version reused)",
    },
    "counts": {
        "fr": "{contracts} contrats, {territories} territoires, {signatories} signataires, "
        "{axes} axes, {actions} actions décrites ({declaredActions} actions annoncées).",
        "en": "{contracts} contracts, {territories} territories, {signatories} signatories, "
        "{axes} axes, {actions} actions described ({declaredActions} actions announced).",
    },
    "quads": {
        "fr": "{quads} triplets dans {graphs} graphes nommés.",
        "en": "{quads} triples in {graphs} named graphs.",
    },
    "refused": {
        "fr": "Build refusé : les données ne sont pas conformes, rien n'a été publié.",
        "en": "Build refused: the data does not conform, nothing was published.",
    },
    "unreadable": {
        "fr": "Fichier illisible : {error}",
        "en": "Unreadable file: {error}",
    },
    "error": {"fr": "Erreur : {error}", "en": "Error: {error}"},
    "serving": {
        "fr": "Point d'accès SPARQL : {url}",
        "en": "SPARQL endpoint: {url}",
    },
}


def say(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled."""
    return MESSAGES[key][lang].format(**values)
