"""What the service says to people: French first, English when the client prefers it."""

from __future__ import annotations

from flask import request

LANGUAGES = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # errors
    "syntax": {
        "fr": "Requête SPARQL invalide (erreur de syntaxe) : {detail}",
        "en": "Invalid SPARQL query (syntax error): {detail}",
    },
    "evaluation": {
        "fr": "L'évaluation de la requête a échoué : {detail}",
        "en": "The query failed during evaluation: {detail}",
    },
    "not-acceptable": {
        "fr": "Aucun des formats acceptés (en-tête Accept ou paramètre format) ne convient à ce "
        "résultat ({detail}). Formats possibles : {formats}.",
        "en": "None of the accepted formats (Accept header or format parameter) fits this "
        "result ({detail}). Available formats: {formats}.",
    },
    "timeout": {
        "fr": "La requête a dépassé le délai de {detail} s et a été arrêtée. Restreignez-la "
        "(motifs plus précis, LIMIT) ou téléchargez les dumps.",
        "en": "The query ran past the {detail} s limit and was stopped. Narrow it down "
        "(more specific patterns, LIMIT) or download the dumps.",
    },
    "busy": {
        "fr": "Le service est occupé : aucun processus de requête ne s'est libéré en {detail} s. "
        "Réessayez plus tard.",
        "en": "The service is busy: no query process became free within {detail} s. "
        "Try again later.",
    },
    "no-build": {
        "fr": "Aucun graphe n'est encore publié : lancez « cls-kg build ». ({detail})",
        "en": "No graph is published yet: run 'cls-kg build'. ({detail})",
    },
    "store-error": {
        "fr": "Erreur du stockage : {detail}",
        "en": "Store error: {detail}",
    },
    "query-error": {"fr": "Requête impossible : {detail}", "en": "Query failed: {detail}"},
    "missing-query": {
        "fr": "Paramètre « query » manquant : envoyez une requête SPARQL (GET ?query=..., POST "
        "formulaire ou POST application/sparql-query).",
        "en": "Missing 'query' parameter: send a SPARQL query (GET ?query=..., form POST or "
        "POST application/sparql-query).",
    },
    "repeated-parameter": {
        "fr": "Le paramètre « {detail} » ne peut être donné qu'une fois.",
        "en": "The '{detail}' parameter may be given only once.",
    },
    "wrong-media-type": {
        "fr": "Type de contenu non pris en charge pour une requête POST : « {detail} ». Utilisez "
        "application/x-www-form-urlencoded ou application/sparql-query.",
        "en": "Unsupported content type for a POST query: '{detail}'. Use "
        "application/x-www-form-urlencoded or application/sparql-query.",
    },
    "not-utf8": {
        "fr": "Le corps de la requête doit être en UTF-8 ({detail}).",
        "en": "The request body must be UTF-8 ({detail}).",
    },
    "read-only": {
        "fr": "Ce point d'accès est en lecture seule : les mises à jour SPARQL (INSERT, DELETE, "
        "LOAD, CLEAR, DROP ...) sont refusées.",
        "en": "This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, "
        "DROP ...) are refused.",
    },
    "service-not-allowed": {
        "fr": "SERVICE refusé : {detail} n'est pas dans la liste des services autorisés "
        "(réglage CLS_KG_SERVICE_ALLOWLIST).",
        "en": "SERVICE refused: {detail} is not in the list of allowed services "
        "(setting CLS_KG_SERVICE_ALLOWLIST).",
    },
    "service-unverifiable": {
        "fr": "SERVICE refusé : la requête mentionne « service » mais n'a pas pu être vérifiée "
        "({detail}).",
        "en": "SERVICE refused: the query mentions 'service' but could not be checked ({detail}).",
    },
    "rate-limited": {
        "fr": "Trop de requêtes depuis votre adresse : réessayez dans {detail} s.",
        "en": "Too many requests from your address: try again in {detail} s.",
    },
    "http-404": {"fr": "Ressource introuvable.", "en": "Not found."},
    "http-405": {
        "fr": "Méthode non autorisée ; méthodes permises : {detail}.",
        "en": "Method not allowed; allowed methods: {detail}.",
    },
    "http-413": {
        "fr": "Corps de requête trop volumineux (au plus {detail} octets).",
        "en": "Request body too large (at most {detail} bytes).",
    },
    "http-error": {"fr": "Requête refusée : {detail}", "en": "Request refused: {detail}"},
    "internal": {
        "fr": "Erreur interne du service : {detail}",
        "en": "Internal error of the service: {detail}",
    },
    # the query page
    "page-title": {"fr": "Requêtes SPARQL — CLS", "en": "SPARQL queries — CLS"},
    "page-intro": {
        "fr": "Interrogez les contrats locaux de santé de tous les territoires. Le point "
        "d'accès SPARQL 1.1 est {endpoint} ; il est en lecture seule.",
        "en": "Query the local health contracts of every territory. The SPARQL 1.1 endpoint "
        "is {endpoint}; it is read-only.",
    },
    "query": {"fr": "Requête", "en": "Query"},
    "run": {"fr": "Exécuter", "en": "Run"},
    "examples": {"fr": "Exemples", "en": "Examples"},
    "results": {"fr": "Résultats", "en": "Results"},
    "rows": {"fr": "{detail} ligne(s)", "en": "{detail} row(s)"},
    "no-rows": {"fr": "Aucun résultat.", "en": "No results."},
    "download": {"fr": "Télécharger :", "en": "Download:"},
    "truncated": {
        "fr": "Résultat tronqué : seules les {detail} premières lignes sont renvoyées.",
        "en": "Truncated result: only the first {detail} rows are returned.",
    },
    "limits": {
        "fr": "Limites : {timeout} s par requête, {rows} lignes par résultat.",
        "en": "Limits: {timeout} s per query, {rows} rows per result.",
    },
    "other-language": {"fr": "English", "en": "Français"},
}


def language() -> str:
    """The language of the current request: ``?lang=``, else Accept-Language, else French."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="fr") or "fr"


def say(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled."""
    return MESSAGES[key][lang].format(**values)
