"""What the service says to people: French first, English when the client prefers it."""

from __future__ import annotations

from flask import Response, request

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600

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
    "long-query-busy": {
        "fr": "La requête a dépassé {detail} s, ce qui en fait une requête longue, et le "
        "service exécute déjà autant de requêtes longues que permis à la fois. Elle a été "
        "arrêtée : réessayez dans quelques secondes (en-tête Retry-After), ou restreignez-la "
        "(motifs plus précis, LIMIT).",
        "en": "The query ran past {detail} s, which makes it a long query, and the service is "
        "already running as many long queries at once as it allows. It was stopped: try again "
        "in a few seconds (Retry-After header), or narrow it down (more specific patterns, "
        "LIMIT).",
    },
    "memory-limit": {
        "fr": "La requête a demandé plus que les {detail} Mio de mémoire permis à une requête "
        "(CLS_KG_QUERY_MEMORY_MB) et a été arrêtée. Restreignez-la (moins de valeurs calculées, "
        "chaînes plus courtes, LIMIT) ou téléchargez les dumps.",
        "en": "The query needed more than the {detail} MiB of memory a query may take "
        "(CLS_KG_QUERY_MEMORY_MB) and was stopped. Narrow it down (fewer computed values, "
        "shorter strings, LIMIT) or download the dumps.",
    },
    "result-too-large": {
        "fr": "Le résultat dépasse la taille permise de {detail} octets (CLS_KG_MAX_RESULT_BYTES) "
        "dès sa première ligne : rien ne peut en être envoyé. Demandez moins de variables ou des "
        "valeurs plus courtes, ou téléchargez les dumps.",
        "en": "The result is larger than the {detail} bytes allowed (CLS_KG_MAX_RESULT_BYTES) "
        "from its first row on: none of it can be sent. Ask for fewer variables or shorter "
        "values, or download the dumps.",
    },
    "client-heavy-busy": {
        "fr": "Une requête longue de votre adresse est déjà en cours : le service en exécute une "
        "à la fois par adresse. Réessayez dans {detail} s, quand elle aura répondu.",
        "en": "A long query from your address is already running: the service runs one at a "
        "time per address. Try again in {detail} s, once it has answered.",
    },
    "heavy-busy": {
        "fr": "Les requêtes longues de plusieurs adresses occupent déjà les {detail} places qui "
        "leur sont réservées ; votre adresse prend son tour : réessayez dans quelques secondes "
        "(en-tête Retry-After).",
        "en": "Long queries from several addresses already take the {detail} places set aside "
        "for them; your address takes its turn: try again in a few seconds (Retry-After "
        "header).",
    },
    "no-build": {
        "fr": "Aucun graphe n'est encore publié : lancez « cls-kg build ». ({detail})",
        "en": "No graph is published yet: run 'cls-kg build'. ({detail})",
    },
    "store-error": {
        "fr": "Erreur du stockage : {detail}",
        "en": "Store error: {detail}",
    },
    "store-unavailable": {
        "fr": "Le stockage du graphe ne répond pas pour le moment ; réessayez dans quelques "
        "secondes. ({detail})",
        "en": "The graph store is not answering at the moment; try again in a few seconds. "
        "({detail})",
    },
    "no-publication": {
        "fr": "Aucune version n'est publiée dans le stockage distant : lancez « cls-kg publish "
        "--to URL ». ({detail})",
        "en": "No version is published in the remote store: run 'cls-kg publish --to URL'. "
        "({detail})",
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
    "too-deep": {
        "fr": "Requête trop imbriquée : {detail} niveaux de parenthèses ou d'accolades "
        "(200 au plus).",
        "en": "Query nested too deeply: {detail} levels of brackets or braces (200 at most).",
    },
    "query-too-long": {
        "fr": "Requête trop longue : {detail} caractères (limite réglée par "
        "CLS_KG_MAX_QUERY_CHARS). Pour des traitements massifs, téléchargez les dumps.",
        "en": "Query too long: {detail} characters (limit set by CLS_KG_MAX_QUERY_CHARS). "
        "For bulk processing, download the dumps.",
    },
    "query-too-many-tokens": {
        "fr": "Requête trop longue : {detail} éléments (mots, noms, valeurs, signes ; limite "
        "réglée par CLS_KG_MAX_QUERY_TOKENS).",
        "en": "Query too long: {detail} tokens (words, names, values, signs; limit set by "
        "CLS_KG_MAX_QUERY_TOKENS).",
    },
    "query-expression-too-long": {
        "fr": "Expression trop longue : {detail} opérateurs dans une même expression (limite "
        "réglée par CLS_KG_MAX_QUERY_OPERATORS). Utilisez IN (...) ou VALUES pour une liste.",
        "en": "Expression too long: {detail} operators in one expression (limit set by "
        "CLS_KG_MAX_QUERY_OPERATORS). Use IN (...) or VALUES for a list.",
    },
    "query-path-too-long": {
        "fr": "Chemin de propriétés trop long : {detail} étapes (/, |, ^) dans un même chemin "
        "(limite réglée par CLS_KG_MAX_QUERY_PATH_STEPS).",
        "en": "Property path too long: {detail} steps (/, |, ^) in one path (limit set by "
        "CLS_KG_MAX_QUERY_PATH_STEPS).",
    },
    "query-too-many-unions": {
        "fr": "Trop de UNION : {detail} (limite réglée par CLS_KG_MAX_QUERY_UNIONS). Utilisez "
        "VALUES pour une liste de valeurs.",
        "en": "Too many UNIONs: {detail} (limit set by CLS_KG_MAX_QUERY_UNIONS). Use VALUES "
        "for a list of values.",
    },
    "query-too-many-triples": {
        "fr": "Trop de motifs de triplets : {detail} (limite réglée par CLS_KG_MAX_QUERY_TRIPLES).",
        "en": "Too many triple patterns: {detail} (limit set by CLS_KG_MAX_QUERY_TRIPLES).",
    },
    "query-too-many-patterns": {
        "fr": "Trop de motifs de graphe ({{ }}, OPTIONAL, MINUS, FILTER, BIND, VALUES, UNION, "
        "GRAPH, SERVICE) : {detail} (limite réglée par CLS_KG_MAX_QUERY_PATTERNS).",
        "en": "Too many graph patterns ({{ }}, OPTIONAL, MINUS, FILTER, BIND, VALUES, UNION, "
        "GRAPH, SERVICE): {detail} (limit set by CLS_KG_MAX_QUERY_PATTERNS).",
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
    "service-failed": {
        "fr": "Le service distant appelé par SERVICE n'a pas donné de réponse SPARQL utilisable. "
        "Ajoutez SILENT au SERVICE pour continuer sans lui.",
        "en": "The remote service called by SERVICE gave no usable SPARQL answer. Add SILENT "
        "to the SERVICE to go on without it.",
    },
    "service-too-many-rows": {
        "fr": "Le service distant renvoie trop de lignes ({detail}) : restreignez le motif du "
        "SERVICE (réglage CLS_KG_MAX_ROWS).",
        "en": "The remote service returns too many rows ({detail}): narrow the SERVICE pattern "
        "(setting CLS_KG_MAX_ROWS).",
    },
    "service-nested": {
        "fr": "Un SERVICE imbriqué dans un autre SERVICE n'est pas pris en charge.",
        "en": "A SERVICE nested in another SERVICE is not supported.",
    },
    "service-unparsable": {
        "fr": "Bloc SERVICE illisible près de « {detail} ».",
        "en": "Unreadable SERVICE block near '{detail}'.",
    },
    "service-not-allowed": {
        "fr": "SERVICE refusé : {detail} n'est pas dans la liste des services autorisés "
        "(réglage CLS_KG_SERVICE_ALLOWLIST).",
        "en": "SERVICE refused: {detail} is not in the list of allowed services "
        "(setting CLS_KG_SERVICE_ALLOWLIST).",
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
    "http-408": {
        "fr": "Corps de requête reçu trop lentement (il doit arriver en {detail} s au plus).",
        "en": "Request body received too slowly (it must arrive within {detail} s).",
    },
    "http-431": {
        "fr": "En-têtes de requête trop longs (au plus {detail} octets).",
        "en": "Request header fields too large (at most {detail} bytes).",
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
    "long-query-rule": {
        "fr": " Une requête qui dure plus de {light} s devient longue : elle passe en priorité "
        "basse, et au plus {slots} requête(s) longue(s) à la fois par processus web ; au-delà, "
        "elle est arrêtée aussitôt (503, en-tête Retry-After).",
        "en": " A query running longer than {light} s becomes long: it runs at low priority, "
        "and at most {slots} long query(ies) at once per web process; beyond that, it is "
        "stopped at once (503, Retry-After header).",
    },
    "other-language": {"fr": "English", "en": "Français"},
    # linked-data pages (resources, ontology, landing, catalogue)
    "nav-home": {"fr": "Accueil", "en": "Home"},
    "nav-ontology": {"fr": "Ontologie", "en": "Ontology"},
    "nav-catalog": {"fr": "Catalogue", "en": "Catalogue"},
    "breadcrumb": {"fr": "Fil d'Ariane", "en": "Breadcrumb"},
    "type": {"fr": "Type", "en": "Type"},
    "type-is": {"fr": "Type :", "en": "Type:"},
    "properties": {"fr": "Propriétés", "en": "Properties"},
    "property": {"fr": "Propriété", "en": "Property"},
    "value": {"fr": "Valeur", "en": "Value"},
    "cited-by": {"fr": "Cité par", "en": "Referenced by"},
    "total": {"fr": "{detail} au total", "en": "{detail} in all"},
    "page-of": {"fr": "Page {page} sur {pages}", "en": "Page {page} of {pages}"},
    "previous": {"fr": "← Page précédente", "en": "← Previous page"},
    "next": {"fr": "Page suivante →", "en": "Next page →"},
    "in-sparql": {"fr": "Voir dans l'éditeur SPARQL", "en": "Open in the SPARQL editor"},
    "formats": {"fr": "Autres formats :", "en": "Other formats:"},
    "not-found-title": {"fr": "Ressource inconnue", "en": "Unknown resource"},
    "not-found-text": {
        "fr": "Le graphe ne contient rien sur {detail}.",
        "en": "The graph holds nothing about {detail}.",
    },
    "section-concepts": {"fr": "Concepts du schéma", "en": "Concepts of the scheme"},
    "section-outline": {"fr": "Axes et actions", "en": "Axes and actions"},
    "onto-contents": {"fr": "Sommaire", "en": "Contents"},
    "onto-classes": {"fr": "Classes", "en": "Classes"},
    "onto-object-properties": {"fr": "Propriétés d'objet", "en": "Object properties"},
    "onto-datatype-properties": {"fr": "Propriétés de données", "en": "Datatype properties"},
    "onto-individuals": {"fr": "Individus", "en": "Individuals"},
    "onto-super-class": {"fr": "Sous-classe de", "en": "Subclass of"},
    "onto-sub-class": {"fr": "Sous-classes", "en": "Subclasses"},
    "onto-super-property": {"fr": "Sous-propriété de", "en": "Subproperty of"},
    "onto-domain": {"fr": "Domaine", "en": "Domain"},
    "onto-range": {"fr": "Portée", "en": "Range"},
    "onto-inverse": {"fr": "Inverse de", "en": "Inverse of"},
    "onto-used-as-domain": {
        "fr": "Propriétés de ses instances",
        "en": "Properties of its instances",
    },
    "onto-used-as-range": {"fr": "Propriétés qui y mènent", "en": "Properties leading to it"},
    "onto-type": {"fr": "Type", "en": "Type"},
    "onto-version": {"fr": "Version", "en": "Version"},
    "onto-license": {"fr": "Licence", "en": "Licence"},
    "onto-modified": {"fr": "Modifiée le", "en": "Modified"},
    "onto-schemes": {"fr": "Vocabulaires", "en": "Vocabularies"},
    "onto-shapes": {"fr": "Formes SHACL", "en": "SHACL shapes"},
    "onto-shapes-intro": {
        "fr": "Les formes SHACL qui valident les données, avec leur gravité et leur message.",
        "en": "The SHACL shapes that validate the data, with their severity and message.",
    },
    "shapes-target": {"fr": "Classe cible", "en": "Target class"},
    "shapes-path": {"fr": "Chemin", "en": "Path"},
    "severity-Violation": {"fr": "Violation", "en": "Violation"},
    "severity-Warning": {"fr": "Avertissement", "en": "Warning"},
    "severity-Info": {"fr": "Information", "en": "Info"},
    "landing-title": {
        "fr": "Contrats locaux de santé — données ouvertes",
        "en": "French local health contracts — open data",
    },
    "landing-intro": {
        "fr": "Les contrats locaux de santé (CLS), créés par la loi HPST du 21 juillet 2009, "
        "lient une agence régionale de santé et des collectivités pour un territoire et une "
        "période, en axes stratégiques et en actions. Aucun registre national ne les publie : "
        "ce graphe de connaissances les décrit fait par fait, chaque fait avec sa source, et "
        "permet de les interroger d'un territoire à l'autre.",
        "en": "French local health contracts (contrats locaux de santé, CLS), created by the "
        "HPST act of 21 July 2009, bind a regional health agency and local authorities for a "
        "territory and a period, in strategic axes and actions. No national register "
        "publishes them: this knowledge graph describes them fact by fact, each fact with its "
        "source, and lets you query them across territories.",
    },
    "figures": {"fr": "En chiffres", "en": "Figures"},
    "count-contracts": {"fr": "contrats", "en": "contracts"},
    "count-territories": {"fr": "territoires", "en": "territories"},
    "count-signatories": {"fr": "signataires", "en": "signatories"},
    "count-axes": {"fr": "axes", "en": "axes"},
    "count-actions": {"fr": "actions décrites", "en": "described actions"},
    "count-declaredActions": {"fr": "actions annoncées", "en": "announced actions"},
    "themes-title": {
        "fr": "Contrats, axes et actions par thème",
        "en": "Contracts, axes and actions per theme",
    },
    "regions-title": {"fr": "Contrats par région", "en": "Contracts per région"},
    "regions-none": {
        "fr": "Aucun territoire n'est encore rattaché à une région.",
        "en": "No territory is linked to a région yet.",
    },
    "contracts-title": {"fr": "Les contrats", "en": "The contracts"},
    "filter-status": {"fr": "Statut", "en": "Status"},
    "filter-theme": {"fr": "Thème", "en": "Theme"},
    "filter-kind": {"fr": "Type de territoire", "en": "Territory kind"},
    "filter-any": {"fr": "(tous)", "en": "(any)"},
    "filter-apply": {"fr": "Filtrer", "en": "Filter"},
    "filter-reset": {"fr": "Tout afficher", "en": "Show all"},
    "no-contracts": {"fr": "Aucun contrat ne correspond.", "en": "No contract matches."},
    "contracts-shown": {"fr": "{detail} contrat(s)", "en": "{detail} contract(s)"},
    "col-contract": {"fr": "Contrat", "en": "Contract"},
    "col-territory": {"fr": "Territoire", "en": "Territory"},
    "col-status": {"fr": "Statut", "en": "Status"},
    "col-generation": {"fr": "Génération", "en": "Generation"},
    "col-period": {"fr": "Période", "en": "Period"},
    "col-theme": {"fr": "Thème", "en": "Theme"},
    "col-contracts": {"fr": "Contrats", "en": "Contracts"},
    "col-axes": {"fr": "Axes", "en": "Axes"},
    "col-actions": {"fr": "Actions", "en": "Actions"},
    "col-region": {"fr": "Région", "en": "Région"},
    "col-file": {"fr": "Fichier", "en": "File"},
    "col-size": {"fr": "Taille", "en": "Size"},
    "access-title": {"fr": "Accéder aux données", "en": "Get the data"},
    "access-sparql": {"fr": "Interroger en SPARQL", "en": "Query with SPARQL"},
    "access-ontology": {
        "fr": "L'ontologie et ses vocabulaires",
        "en": "The ontology and its vocabularies",
    },
    "access-shapes": {"fr": "Les formes SHACL", "en": "The SHACL shapes"},
    "access-catalog": {
        "fr": "Description DCAT-AP (catalogue)",
        "en": "DCAT-AP description (catalogue)",
    },
    "access-void": {"fr": "Description VoID", "en": "VoID description"},
    "dumps-title": {"fr": "Téléchargements", "en": "Downloads"},
    "licence": {
        "fr": "Données sous Licence Ouverte / Open Licence 2.0 (Etalab).",
        "en": "Data under the Licence Ouverte / Open Licence 2.0 (Etalab).",
    },
    "version-built": {
        "fr": "Version {version} publiée le {date}.",
        "en": "Version {version} published on {date}.",
    },
    # the admin API and the history (server/admin.py, server/history.py)
    "admin-disabled": {
        "fr": "API d'administration désactivée (aucun jeton CLS_KG_ADMIN_TOKEN configuré).",
        "en": "Admin API disabled (no CLS_KG_ADMIN_TOKEN configured).",
    },
    "admin-unauthorised": {
        "fr": "Jeton d'administration absent ou invalide (en-tête Authorization: Bearer …).",
        "en": "Missing or invalid admin token (header Authorization: Bearer …).",
    },
    "upload-refused": {
        "fr": "Envoi refusé : joignez un fichier .xlsx, .zip (CSV), .ttl ou .jsonld ({detail}).",
        "en": "Upload refused: send an .xlsx, .zip (CSV), .ttl or .jsonld file ({detail}).",
    },
    "version-not-found": {
        "fr": "Version inconnue ou plus conservée : {detail}",
        "en": "Unknown version, or no longer kept: {detail}",
    },
    "nav-history": {"fr": "Historique", "en": "History"},
    "history-title": {"fr": "Historique des publications", "en": "Publication history"},
    "history-intro": {
        "fr": "Chaque version publiée du graphe : quand, par qui, avec quels changements "
        "(enregistrés en PROV-O dans le graphe nommé de l'historique).",
        "en": "Every published version of the graph: when, by whom, with which changes "
        "(recorded as PROV-O in the history named graph).",
    },
    "history-version": {"fr": "Version", "en": "Version"},
    "history-date": {"fr": "Date (UTC)", "en": "Date (UTC)"},
    "history-publisher": {"fr": "Éditeur", "en": "Publisher"},
    "history-changes": {"fr": "Changements", "en": "Changes"},
    "history-dumps": {"fr": "Dumps", "en": "Dumps"},
    "history-report": {"fr": "rapport de « {record} »", "en": "report of “{record}”"},
    "history-triples": {
        "fr": "{added} triplet(s) ajouté(s), {removed} retiré(s)",
        "en": "{added} triple(s) added, {removed} removed",
    },
    "history-added": {"fr": "{count} contrat(s) ajouté(s)", "en": "{count} contract(s) added"},
    "history-changed": {"fr": "{count} contrat(s) modifié(s)", "en": "{count} contract(s) changed"},
    "history-removed": {"fr": "{count} contrat(s) retiré(s)", "en": "{count} contract(s) removed"},
    "history-empty": {
        "fr": "Aucune publication enregistrée pour cette version.",
        "en": "No publication recorded for this version.",
    },
    "catalog-title": {"fr": "Catalogue DCAT-AP", "en": "DCAT-AP catalogue"},
    "void-title": {"fr": "Description VoID", "en": "VoID description"},
    # the downloads page (server/downloads.py)
    "access-downloads": {
        "fr": "Toutes les données à télécharger (CSV, XLSX, RDF)",
        "en": "Every download (CSV, XLSX, RDF)",
    },
    "downloads-title": {"fr": "Données à télécharger", "en": "Downloads"},
    "downloads-intro": {
        "fr": "Chaque distribution de la version publiée : des tableaux CSV avec leur schéma "
        "(Table Schema) et leurs métadonnées CSV on the Web, un classeur XLSX, les dumps RDF "
        "et le point d'accès SPARQL. Les adresses /versions/… ne changent jamais.",
        "en": "Every distribution of the published version: CSV tables with their schema "
        "(Table Schema) and CSV on the Web metadata, an XLSX workbook, the RDF dumps and the "
        "SPARQL endpoint. The /versions/… addresses never change.",
    },
    "downloads-licence": {
        "fr": "Licence Ouverte / Open Licence 2.0 (Etalab)",
        "en": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    },
    "downloads-licence-short": {"fr": "Licence Ouverte 2.0", "en": "Licence Ouverte 2.0"},
    "downloads-licence-col": {"fr": "Licence", "en": "Licence"},
    "downloads-tables": {"fr": "Tableaux", "en": "Tables"},
    "downloads-tables-intro": {
        "fr": "CSV en UTF-8, séparateur virgule, une ligne d'en-tête ; chaque ligne a l'IRI de "
        "sa ressource (colonne iri), qui mène à sa page. Les liens multiples (thèmes, publics, "
        "signataires, unités officielles, sources) sont dans liens.csv.",
        "en": "UTF-8 CSV, comma separated, one header row; every row has the IRI of its "
        "resource (column iri), which leads to its page. Multiple links (themes, publics, "
        "signatories, official units, sources) are in liens.csv.",
    },
    "downloads-content": {"fr": "Contenu", "en": "Content"},
    "downloads-schema": {"fr": "Schéma", "en": "Schema"},
    "downloads-schema-link": {"fr": "schéma", "en": "schema"},
    "downloads-rows": {"fr": "Lignes", "en": "Rows"},
    "downloads-date": {"fr": "Date", "en": "Date"},
    "downloads-media": {"fr": "Type de média", "en": "Media type"},
    "downloads-preview": {"fr": "Aperçu de {name}", "en": "Preview of {name}"},
    "downloads-no-tables": {
        "fr": "Cette version n'a pas de tableaux (construite avant leur ajout).",
        "en": "This version has no tables (built before they were added).",
    },
    "downloads-rdf": {"fr": "Dumps RDF", "en": "RDF dumps"},
    "downloads-permalink": {"fr": "Adresse permanente", "en": "Permanent address"},
    "downloads-this-version": {"fr": "cette version", "en": "this version"},
    "downloads-services": {"fr": "Services", "en": "Services"},
    "downloads-sparql": {
        "fr": "SPARQL 1.1 Protocol, le graphe entier",
        "en": "SPARQL 1.1 Protocol, the whole graph",
    },
    "downloads-catalog": {
        "fr": "chaque distribution décrite en DCAT-AP 3.0, à moissonner (data.gouv.fr)",
        "en": "every distribution described in DCAT-AP 3.0, to harvest (data.gouv.fr)",
    },
    "unit-mb": {"fr": "Mo", "en": "MB"},
    "unit-kb": {"fr": "ko", "en": "kB"},
    # the search page (server/search.py)
    "nav-search": {"fr": "Rechercher", "en": "Search"},
    "skip-to-content": {"fr": "Aller au contenu", "en": "Skip to content"},
    "search-title": {"fr": "Recherche", "en": "Search"},
    "search-title-for": {"fr": "Recherche : {text}", "en": "Search: {text}"},
    "search-label": {"fr": "Rechercher", "en": "Search"},
    "search-placeholder": {
        "fr": "santé mentale, Bretagne, CPAM…",
        "en": "santé mentale, Bretagne, CPAM…",
    },
    "search-submit": {"fr": "Rechercher", "en": "Search"},
    "search-intro": {
        "fr": "Cherche dans les libellés, descriptions et notes des contrats, axes, actions, "
        "territoires et organisations, ainsi que dans leurs thèmes et les noms de leurs "
        "lieux ; accents, majuscules et pluriels ne comptent pas. Tous les mots doivent "
        "figurer.",
        "en": "Searches the labels, descriptions and notes of contracts, axes, actions, "
        "territories and organisations, and their themes and the names of their places; "
        "accents, case and plurals do not matter. Every word must be found.",
    },
    "search-filters": {"fr": "Filtres", "en": "Filters"},
    "search-filter-region": {"fr": "Région", "en": "Région"},
    "search-filter-departement": {"fr": "Département", "en": "Département"},
    "search-filter-theme": {"fr": "Thème", "en": "Theme"},
    "search-filter-status": {"fr": "Statut", "en": "Status"},
    "search-filter-year": {"fr": "En vigueur en", "en": "In force in"},
    "search-kinds": {"fr": "Résultats par type", "en": "Results by kind"},
    "search-all": {"fr": "Tout", "en": "All"},
    "search-kind-contract": {"fr": "Contrats", "en": "Contracts"},
    "search-kind-axis": {"fr": "Axes", "en": "Axes"},
    "search-kind-action": {"fr": "Actions", "en": "Actions"},
    "search-kind-territory": {"fr": "Territoires", "en": "Territories"},
    "search-kind-organisation": {"fr": "Organisations", "en": "Organisations"},
    "search-total": {"fr": "{count} résultat(s).", "en": "{count} result(s)."},
    "search-none": {"fr": "Aucun résultat.", "en": "No results."},
    "search-more": {"fr": "Voir les {count} {kind}", "en": "See the {count} {kind}"},
    # maps and charts (server/maps.py, server/charts.py)
    "decimal": {"fr": ",", "en": "."},
    "col-year": {"fr": "Année", "en": "Year"},
    "map-title": {
        "fr": "Part de la population couverte par un CLS en vigueur, par département, en {year}",
        "en": "Share of the population covered by a CLS in force, per département, in {year}",
    },
    "map-year": {"fr": "Année", "en": "Year"},
    "map-show": {"fr": "Afficher", "en": "Show"},
    "map-share-none": {"fr": "aucun CLS en vigueur", "en": "no CLS in force"},
    "map-share-range": {"fr": "de {low} à {high} %", "en": "{low} to {high} %"},
    "map-departement-title": {
        "fr": "{name} : {share} % de la population couverte, {n} contrat(s) en vigueur",
        "en": "{name}: {share} % of the population covered, {n} contract(s) in force",
    },
    "map-note": {
        "fr": "Calculé par la construction à partir des communes des territoires de composition "
        "sourcée : une borne basse de la couverture réelle. Contours IGN ADMIN EXPRESS "
        "(Licence Ouverte), simplifiés.",
        "en": "Derived by the build from the communes of territories whose composition is "
        "sourced: a lower bound of the real coverage. Boundaries IGN ADMIN EXPRESS "
        "(Licence Ouverte), simplified.",
    },
    "map-data": {"fr": "Données de la carte", "en": "Data of the map"},
    "map-query": {"fr": "La requête SPARQL de cette carte", "en": "The SPARQL query of this map"},
    "map-col-departement": {"fr": "Département", "en": "Département"},
    "map-col-share": {"fr": "Population couverte (%)", "en": "Population covered (%)"},
    "map-col-contracts": {"fr": "Contrats en vigueur", "en": "Contracts in force"},
    "map-geojson": {"fr": "Télécharger en GeoJSON", "en": "Download as GeoJSON"},
    "map-units": {"fr": "Communes et EPCI de la carte", "en": "Communes and EPCI of the map"},
    "map-col-unit": {"fr": "Unité", "en": "Unit"},
    "map-col-layer": {"fr": "Niveau", "en": "Level"},
    "map-col-code": {"fr": "Code", "en": "Code"},
    "map-layer-commune": {"fr": "commune", "en": "commune"},
    "map-layer-epci": {"fr": "EPCI", "en": "EPCI"},
    "section-map-territory": {"fr": "Carte du territoire", "en": "Map of the territory"},
    "section-map-contract": {"fr": "Territoire du contrat", "en": "Territory of the contract"},
    "section-timeline": {"fr": "Contrats successifs", "en": "Successive contracts"},
    "charts-title": {"fr": "Les contrats en graphiques", "en": "The contracts in charts"},
    "chart-data": {"fr": "Données du graphique", "en": "Data of the chart"},
    "chart-query": {
        "fr": "La requête SPARQL de ce graphique",
        "en": "The SPARQL query of this chart",
    },
    "chart-total": {"fr": "Total", "en": "Total"},
    "chart-generation": {"fr": "génération {n}", "en": "generation {n}"},
    "chart-generation-unknown": {"fr": "génération inconnue", "en": "unknown generation"},
    "chart-years-title": {
        "fr": "Contrats signés par année et par génération (année de début si la date de "
        "signature manque)",
        "en": "Contracts signed per year and per generation (start year when the signature "
        "date is missing)",
    },
    "chart-years-bar": {
        "fr": "{year}, {generation} : {n} contrat(s)",
        "en": "{year}, {generation}: {n} contract(s)",
    },
    "chart-themes-title": {
        "fr": "Thèmes des contrats en vigueur en {year}",
        "en": "Themes of the contracts in force in {year}",
    },
    "chart-themes-bar": {"fr": "{theme} : {n} contrat(s)", "en": "{theme}: {n} contract(s)"},
    "chart-in-force": {"fr": "Contrats en vigueur en {year}", "en": "Contracts in force in {year}"},
    "chart-timeline-title": {
        "fr": "Les contrats du territoire au fil des années",
        "en": "The territory's contracts over the years",
    },
    "chart-timeline-bar": {"fr": "{contract} ({period})", "en": "{contract} ({period})"},
}


def language() -> str:
    """The language of the request: ``?lang=``, the cookie, Accept-Language, else French."""
    for asked in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if asked in LANGUAGES:
            return asked
    return request.accept_languages.best_match(LANGUAGES, default="fr") or "fr"


def say(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled."""
    return MESSAGES[key][lang].format(**values)


def remember_language(response: Response) -> Response:
    """A ``?lang=`` switch is kept in a cookie, so the next pages are in that language too."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(LANGUAGE_COOKIE) != asked:
        response.set_cookie(LANGUAGE_COOKIE, asked, max_age=COOKIE_AGE, samesite="Lax")
    return response
