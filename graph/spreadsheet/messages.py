"""What a publisher reads: each problem in French and English, as "what is wrong" and "how to
fix it", and the words of the report around them. Placeholders are filled by ``problems``.
"""

from __future__ import annotations

#: Problem key -> language -> (what is wrong, how to fix it).
PROBLEMS: dict[str, dict[str, tuple[str, str]]] = {
    "missing-sheet": {
        "fr": (
            "La feuille « {sheet} » manque : le fichier ne décrit aucun contrat.",
            "Repartez du modèle (cls-kg template) et remplissez la feuille « {sheet} ».",
        ),
        "en": (
            "Sheet “{sheet}” is missing: the file describes no contract.",
            "Start again from the template (cls-kg template) and fill in sheet “{sheet}”.",
        ),
    },
    "no-contract": {
        "fr": (
            "La feuille « Contrat » ne décrit aucun contrat.",
            "Remplissez au moins une ligne sous les en-têtes (ligne 2).",
        ),
        "en": (
            "Sheet “Contrat” describes no contract.",
            "Fill in at least one row below the headers (row 2).",
        ),
    },
    "unknown-sheet": {
        "fr": (
            "La feuille « {sheet} » n'est pas une feuille du modèle : elle est ignorée.",
            "Vérifiez son nom (feuilles du modèle : {expected}) ou supprimez-la.",
        ),
        "en": (
            "Sheet “{sheet}” is not a sheet of the template: it is ignored.",
            "Check its name (template sheets: {expected}) or delete it.",
        ),
    },
    "missing-column": {
        "fr": (
            "La colonne obligatoire « {header} » manque dans la feuille.",
            "Ajoutez l'en-tête « {header} » en ligne 1, comme dans le modèle.",
        ),
        "en": (
            "Mandatory column “{header}” is missing from the sheet.",
            "Add the header “{header}” in row 1, as in the template.",
        ),
    },
    "unknown-column": {
        "fr": (
            "La colonne « {header} » n'est pas une colonne du modèle : elle est ignorée.",
            "Vérifiez l'orthographe de l'en-tête (voir la feuille Notes) ou supprimez la colonne.",
        ),
        "en": (
            "Column “{header}” is not a column of the template: it is ignored.",
            "Check the spelling of the header (see sheet Notes) or delete the column.",
        ),
    },
    "duplicate-column": {
        "fr": (
            "La colonne « {header} » apparaît deux fois ; seule la première est lue.",
            "Supprimez ou renommez la seconde colonne.",
        ),
        "en": (
            "Column “{header}” appears twice; only the first one is read.",
            "Delete or rename the second column.",
        ),
    },
    "missing-value": {
        "fr": (
            "La cellule est vide alors que la colonne « {header} » est obligatoire.",
            "Remplissez-la ; la feuille Notes dit ce qu'elle attend.",
        ),
        "en": (
            "The cell is empty but column “{header}” is mandatory.",
            "Fill it in; sheet Notes says what it expects.",
        ),
    },
    "unknown-value": {
        "fr": (
            "« {value} » n'est pas une valeur de la liste « {list} ».",
            "Choisissez une valeur de la feuille Listes, colonne « {list} » ; "
            "valeurs proches : {suggestions}.",
        ),
        "en": (
            "“{value}” is not a value of the list “{list}”.",
            "Pick a value from sheet Listes, column “{list}”; closest values: {suggestions}.",
        ),
    },
    "unknown-value-far": {
        "fr": (
            "« {value} » n'est pas une valeur de la liste « {list} ».",
            "Choisissez une valeur de la feuille Listes, colonne « {list} ».",
        ),
        "en": (
            "“{value}” is not a value of the list “{list}”.",
            "Pick a value from sheet Listes, column “{list}”.",
        ),
    },
    "single-value": {
        "fr": (
            "La cellule contient plusieurs valeurs alors que la colonne « {header} » n'en "
            "accepte qu'une.",
            "Gardez une seule valeur.",
        ),
        "en": (
            "The cell holds several values but column “{header}” takes only one.",
            "Keep a single value.",
        ),
    },
    "bad-year": {
        "fr": (
            "« {value} » n'est ni une année ni une date.",
            "Écrivez une année sur 4 chiffres (2016) ou une date (2016-03-01 ou 01/03/2016).",
        ),
        "en": (
            "“{value}” is neither a year nor a date.",
            "Write a 4-digit year (2016) or a date (2016-03-01 or 01/03/2016).",
        ),
    },
    "bad-date": {
        "fr": (
            "« {value} » n'est ni une date, ni un mois, ni une année.",
            "Écrivez une date (2017-01-31 ou 31/01/2017), un mois (2012-06 ou 06/2012) "
            "ou une année (2017).",
        ),
        "en": (
            "“{value}” is not a date, a month or a year.",
            "Write a date (2017-01-31 or 31/01/2017), a month (2012-06 or 06/2012) "
            "or a year (2017).",
        ),
    },
    "bad-count": {
        "fr": (
            "« {value} » n'est pas un nombre entier positif ou nul.",
            "Écrivez un nombre entier sans espace ni texte, par ex. 20.",
        ),
        "en": (
            "“{value}” is not a non-negative whole number.",
            "Write a whole number without spaces or words, e.g. 20.",
        ),
    },
    "bad-decimal": {
        "fr": (
            "« {value} » n'est pas un nombre positif ou nul.",
            "Écrivez un nombre, avec une virgule ou un point pour les décimales, par ex. 45,5.",
        ),
        "en": (
            "“{value}” is not a non-negative number.",
            "Write a number, with a comma or a point before the decimals, e.g. 45.5.",
        ),
    },
    "bad-rank": {
        "fr": (
            "« {value} » n'est pas un nombre entier supérieur ou égal à 1.",
            "Écrivez un numéro : 1, 2, 3…",
        ),
        "en": (
            "“{value}” is not a whole number of at least 1.",
            "Write a number: 1, 2, 3…",
        ),
    },
    "bad-yesno": {
        "fr": ("« {value} » n'est ni « oui » ni « non ».", "Écrivez « oui » ou « non »."),
        "en": ("“{value}” is neither “oui” (yes) nor “non” (no).", "Write “oui” or “non”."),
    },
    "bad-siren": {
        "fr": (
            "« {value} » n'est pas un numéro SIREN.",
            "Écrivez les 9 chiffres du SIREN, par ex. 212500565.",
        ),
        "en": (
            "“{value}” is not a SIREN number.",
            "Write the 9 digits of the SIREN, e.g. 212500565.",
        ),
    },
    "bad-unit": {
        "fr": (
            "« {value} » ne désigne pas une unité officielle.",
            "Écrivez le type puis le code : {kinds}, par ex. commune/25056 ou departement/70.",
        ),
        "en": (
            "“{value}” does not name an official unit.",
            "Write the kind then the code: {kinds}, e.g. commune/25056 or departement/70.",
        ),
    },
    "bad-language": {
        "fr": (
            "« {value} » n'est pas un code de langue.",
            "Écrivez le code à deux lettres de la langue : fr, en, de…",
        ),
        "en": (
            "“{value}” is not a language code.",
            "Write the two-letter code of the language: fr, en, de…",
        ),
    },
    "bad-reference": {
        "fr": (
            "« {value} » ne désigne pas une source.",
            "Écrivez l'identifiant d'une ligne de la feuille Sources, un chemin "
            "(dataset/decoupage-administratif) ou une adresse complète (https://…).",
        ),
        "en": (
            "“{value}” does not name a source.",
            "Write the identifier of a row of sheet Sources, a path "
            "(dataset/decoupage-administratif) or a full address (https://…).",
        ),
    },
    "bad-identifier": {
        "fr": (
            "« {value} » n'est pas un identifiant valide.",
            "Utilisez des lettres minuscules sans accents, des chiffres et des tirets, "
            "par ex. « {suggestion} ».",
        ),
        "en": (
            "“{value}” is not a valid identifier.",
            "Use lowercase letters without accents, digits and hyphens, e.g. “{suggestion}”.",
        ),
    },
    "duplicate": {
        "fr": (
            "« {value} » est déjà décrit ligne {other} de cette feuille.",
            "Donnez un identifiant ou un numéro différent, ou supprimez la ligne en double.",
        ),
        "en": (
            "“{value}” is already described in row {other} of this sheet.",
            "Give a different identifier or number, or delete the duplicate row.",
        ),
    },
    "unknown-contract": {
        "fr": (
            "Le contrat « {value} » n'est pas décrit dans la feuille Contrat.",
            "Écrivez l'identifiant d'un contrat de la feuille Contrat : {known}.",
        ),
        "en": (
            "Contract “{value}” is not described in sheet Contrat.",
            "Write the identifier of a contract of sheet Contrat: {known}.",
        ),
    },
    "which-contract": {
        "fr": (
            "Le fichier décrit plusieurs contrats : la ligne ne dit pas auquel elle se rattache.",
            "Écrivez l'identifiant de son contrat : {known}.",
        ),
        "en": (
            "The file describes several contracts: the row does not say which one it belongs to.",
            "Write the identifier of its contract: {known}.",
        ),
    },
    "which-territory": {
        "fr": (
            "Le contrat ne dit pas quel territoire il couvre.",
            "Écrivez l'identifiant ou le nom d'un territoire de la feuille Territoire.",
        ),
        "en": (
            "The contract does not say which territory it covers.",
            "Write the identifier or name of a territory of sheet Territoire.",
        ),
    },
    "unknown-axis": {
        "fr": (
            "L'axe n° {value} du contrat « {contract} » n'est pas décrit dans la feuille Axes.",
            "Ajoutez cet axe dans la feuille Axes ou corrigez le numéro d'axe.",
        ),
        "en": (
            "Axis no. {value} of contract “{contract}” is not described in sheet Axes.",
            "Add this axis to sheet Axes or correct the axis number.",
        ),
    },
    "no-contract-identifier": {
        "fr": (
            "Impossible de former l'identifiant du contrat : ni identifiant, ni période, "
            "ni rang, ni date de signature.",
            "Remplissez la colonne « Identifiant » (par ex. besancon-2016-2018) ou la période.",
        ),
        "en": (
            "The contract's identifier cannot be formed: no identifier, period, rank or "
            "signature date.",
            "Fill in column “Identifiant” (e.g. besancon-2016-2018) or the period.",
        ),
    },
    "no-organisation": {
        "fr": (
            "La ligne ne nomme aucune organisation.",
            "Remplissez « Organisation » (son nom) ou « Identifiant de l'organisation ».",
        ),
        "en": (
            "The row names no organisation.",
            "Fill in “Organisation” (its name) or “Identifiant de l'organisation”.",
        ),
    },
    "conflict": {
        "fr": (
            "L'organisation « {organisation} » est décrite autrement ligne {other} "
            "(« {other_value} »).",
            "Donnez la même valeur sur toutes ses lignes, ou laissez la cellule vide ici.",
        ),
        "en": (
            "Organisation “{organisation}” is described differently in row {other} "
            "(“{other_value}”).",
            "Give the same value on all its rows, or leave this cell empty.",
        ),
    },
    "end-before-start": {
        "fr": (
            "La fin de la période ({value}) précède son début ({start}).",
            "Corrigez le début ou la fin.",
        ),
        "en": (
            "The end of the period ({value}) comes before its start ({start}).",
            "Correct the start or the end.",
        ),
    },
    "end-without-start": {
        "fr": (
            "La période a une fin ({value}) mais pas de début.",
            "Remplissez la colonne « Début ».",
        ),
        "en": (
            "The period has an end ({value}) but no start.",
            "Fill in column “Début”.",
        ),
    },
    "shacl-rows": {
        "fr": (
            "{message}",
            "Complétez la feuille « {sheet} » pour ce contrat (colonne « Contrat » : {contract}).",
        ),
        "en": (
            "{message}",
            "Complete sheet “{sheet}” for this contract (column “Contrat”: {contract}).",
        ),
    },
    "shacl": {
        "fr": (
            "{message}",
            "Complétez ou corrigez {place} ; la feuille Notes dit ce que la colonne attend.",
        ),
        "en": (
            "{message}",
            "Fill in or correct {place}; sheet Notes says what the column expects.",
        ),
    },
    # --- limits of the work an upload may cost (limits.py) and sheets that cannot be read
    "too-many-rows": {
        "fr": (
            "La feuille « {sheet} » a des valeurs au-delà de la ligne {last} (au plus {limit} "
            "lignes sous les en-têtes) : elle n'est pas lue plus loin et le fichier est refusé.",
            "Découpez le fichier en plusieurs envois, ou videz les cellules remplies par "
            "erreur en bas de la feuille (limite : CLS_KG_UPLOAD_MAX_ROWS).",
        ),
        "en": (
            "Sheet “{sheet}” has values beyond row {last} (at most {limit} rows below the "
            "headers): it is read no further and the file is refused.",
            "Split the file into several uploads, or empty the cells filled by mistake at the "
            "bottom of the sheet (limit: CLS_KG_UPLOAD_MAX_ROWS).",
        ),
    },
    "too-many-columns": {
        "fr": (
            "La feuille « {sheet} » a des valeurs au-delà de la colonne {letter} (au plus {limit} "
            "colonnes) : le fichier est refusé.",
            "Supprimez les colonnes en trop ; le modèle en a bien moins (voir la feuille Notes).",
        ),
        "en": (
            "Sheet “{sheet}” has values beyond column {letter} (at most {limit} columns): the "
            "file is refused.",
            "Delete the extra columns; the template has far fewer (see sheet Notes).",
        ),
    },
    "too-many-cells": {
        "fr": (
            "Le fichier a plus de {limit} cellules remplies ; la lecture s'est arrêtée dans la "
            "feuille « {sheet} » et le fichier est refusé.",
            "Découpez le fichier en plusieurs envois (limite : CLS_KG_UPLOAD_MAX_CELLS).",
        ),
        "en": (
            "The file has more than {limit} filled cells; reading stopped in sheet “{sheet}” "
            "and the file is refused.",
            "Split the file into several uploads (limit: CLS_KG_UPLOAD_MAX_CELLS).",
        ),
    },
    "unreadable-sheet": {
        "fr": (
            "La feuille « {sheet} » est illisible : son contenu XML est tronqué ou abîmé "
            "({detail}).",
            "Ouvrez le fichier dans votre tableur, enregistrez-le de nouveau au format XLSX et "
            "renvoyez-le.",
        ),
        "en": (
            "Sheet “{sheet}” cannot be read: its XML content is truncated or damaged ({detail}).",
            "Open the file in your spreadsheet software, save it again as XLSX and send it again.",
        ),
    },
    "reading-stopped": {
        "fr": (
            "Lecture arrêtée à la ligne {row} après {limit} problèmes : les lignes suivantes "
            "n'ont pas été vérifiées.",
            "Corrigez les problèmes listés, puis renvoyez le fichier pour vérifier la suite.",
        ),
        "en": (
            "Reading stopped at row {row} after {limit} problems: the next rows were not checked.",
            "Correct the problems listed, then send the file again to check the rest.",
        ),
    },
    "more-problems": {
        "fr": (
            "… et {count} autre(s) problème(s) non listé(s), dont {violations} erreur(s) : le "
            "rapport montre les {limit} premiers.",
            "Corrigez ceux-ci, puis renvoyez le fichier pour voir les suivants.",
        ),
        "en": (
            "… and {count} more problem(s) not listed, {violations} of them error(s): the report "
            "shows the first {limit}.",
            "Correct these, then send the file again to see the next ones.",
        ),
    },
}

#: The words of the reports.
WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "summary": "Import : {Violation} erreur(s), {Warning} avertissement(s), "
        "{Info} information(s).",
        "Violation": "ERREUR",
        "Warning": "AVERTISSEMENT",
        "Info": "INFO",
        "sheet": "feuille « {sheet} »",
        "row": "ligne {row}",
        "column": "colonne {letter} (« {header} »)",
        "missing-column": "colonne « {header} »",
        "fix": "Correction :",
        "value": "Valeur :",
        "resource": "Ressource :",
        "rule": "Règle :",
        "title": "Rapport d'import du tableur",
        "file": "Fichier :",
        "ok": "Le fichier est conforme : aucune erreur.",
        "refused": "Le fichier a des erreurs : aucun enregistrement n'a été écrit.",
        "severity": "Gravité",
        "where": "Emplacement",
        "what": "Problème",
        "how": "Correction",
        "quote": "« {} »",
        "template": "Modèle écrit dans {path}.",
        "exported": "{contracts} contrat(s) exporté(s) dans {path}.",
        "name-contracts": "Nommez au moins un contrat (identifiant ou IRI), ou --all.",
        "written": "{triples} triplets écrits dans {path}.",
        "place-cell": "la cellule {ref}",
        "place-row": "la ligne {row} de la feuille « {sheet} »",
    },
    "en": {
        "summary": "Import: {Violation} error(s), {Warning} warning(s), {Info} info(s).",
        "Violation": "ERROR",
        "Warning": "WARNING",
        "Info": "INFO",
        "sheet": "sheet “{sheet}”",
        "row": "row {row}",
        "column": "column {letter} (“{header}”)",
        "missing-column": "column “{header}”",
        "fix": "Fix:",
        "value": "Value:",
        "resource": "Resource:",
        "rule": "Rule:",
        "title": "Spreadsheet import report",
        "file": "File:",
        "ok": "The file conforms: no error.",
        "refused": "The file has errors: no record was written.",
        "severity": "Severity",
        "where": "Location",
        "what": "Problem",
        "how": "Fix",
        "quote": "“{}”",
        "template": "Template written to {path}.",
        "exported": "{contracts} contract(s) exported to {path}.",
        "name-contracts": "Name at least one contract (identifier or IRI), or --all.",
        "written": "{triples} triples written to {path}.",
        "place-cell": "cell {ref}",
        "place-row": "row {row} of sheet “{sheet}”",
    },
}
