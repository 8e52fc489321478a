"""Messages of the command line, French first, English with ``--lang en``."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "built": {
        "fr": "Version {version} publiée dans {path}{reused}.",
        "en": "Version {version} published in {path}{reused}.",
    },
    "rollback-done": {
        "fr": "La version {version} est de nouveau servie.",
        "en": "Version {version} is served again.",
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
    "published-remote": {
        "fr": "Version {version} servie par {url} (précédente : {previous}) en {seconds:.1f} s.",
        "en": "Version {version} served by {url} (previous: {previous}) in {seconds:.1f} s.",
    },
    "publish-graphs": {
        "fr": "{sent} graphe(s) envoyé(s), {kept} inchangé(s) déjà en place.",
        "en": "{sent} graph(s) sent, {kept} unchanged already in place.",
    },
    "publish-unchanged": {
        "fr": "La version {version} est déjà celle que sert {url} : rien à faire.",
        "en": "Version {version} is already the one {url} serves: nothing to do.",
    },
    "rolled-back": {
        "fr": "Retour arrière : {url} sert de nouveau la version {version} (au lieu de "
        "{previous}). Un second « --rollback » revient à {previous}.",
        "en": "Rolled back: {url} serves version {version} again (instead of {previous}). "
        "A second '--rollback' goes back to {previous}.",
    },
    "none": {"fr": "aucune", "en": "none"},
    "embedded": {
        "fr": "le store embarqué de la version servie",
        "en": "the served version's embedded store",
    },
    "locations": {
        "fr": "Données : {data}\nCache (dumps compressés) : {cache}\nRapports de validation : "
        "{reports}\nPublications en cours (tâches) : {jobs}\nStore : {store}\nJournaux : "
        "accès sur la sortie standard, erreurs sur la sortie d'erreur (gunicorn).",
        "en": "Data: {data}\nCache (compressed dumps): {cache}\nValidation reports: {reports}"
        "\nPublications (jobs): {jobs}\nStore: {store}\nLogs: access on standard output, "
        "errors on standard error (gunicorn).",
    },
    "check-ok": {
        "fr": "Prêt : un processus de requête a démarré et répond sur la version {version} "
        "({seconds:.1f} s).",
        "en": "Ready: a query process started and answers on version {version} ({seconds:.1f} s).",
    },
    "check-failed": {
        "fr": "ÉCHEC : aucune requête ne peut être servie ({error}). Les messages ci-dessus "
        "disent pourquoi ; le serveur ne démarre pas.",
        "en": "FAILED: no query can be served ({error}). The messages above say why; the "
        "server does not start.",
    },
}


def say(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled."""
    return MESSAGES[key][lang].format(**values)
