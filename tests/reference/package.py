"""A tiny stand-in for the npm package @etalab/decoupage-administratif, built in the tests.

It has the package's layout (``package/package.json``, ``package/README.md``,
``package/data/*.json``) and the records the shipped seed records point at (Besançon, the
départements 22, 25, 29, 52, 70 and their régions), plus records a refresh must drop or trim.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

VERSION = "9.9.9"
VINTAGE = "2031"

README = f"""# @etalab/decoupage-administratif

| Année | Version du package | NPM |
|-------|--------------------|-----|
| {VINTAGE}  | {VERSION} | `npm install @etalab/decoupage-administratif@{VERSION}` |

## Licence

Données : [Licence Ouverte](https://www.etalab.gouv.fr/licence-ouverte-open-licence)
Code : MIT
"""


def commune(code: str, nom: str, dep: str, region: str, population: int) -> dict[str, Any]:
    """A current commune as the package lists it, with fields the copy drops."""
    return {
        "code": code,
        "nom": nom,
        "type": "commune-actuelle",
        "departement": dep,
        "region": region,
        "zone": "metro",
        "siren": f"21{code}{'0' * (7 - len(code))}",
        "population": population,
        "codesPostaux": ["00000"],
        "arrondissement": f"{dep}1",
    }


def data() -> dict[str, list[dict[str, Any]]]:
    """The four files of the stand-in package."""
    communes = [
        commune("25056", "Besançon", "25", "27", 120000),
        commune("25057", "Commune voisine", "25", "27", 1500),
        commune("70310", "Lure", "70", "27", 8000),
        {**commune("25999", "Ancienne commune", "25", "27", 10), "type": "commune-deleguee"},
    ]
    departements = [
        {"code": code, "nom": nom, "region": region, "zone": "metro", "chefLieu": "x"}
        for code, nom, region in (
            ("22", "Côtes-d'Armor", "53"),
            ("25", "Doubs", "27"),
            ("29", "Finistère", "53"),
            ("52", "Haute-Marne", "44"),
            ("70", "Haute-Saône", "27"),
        )
    ]
    regions = [
        {"code": "27", "nom": "Bourgogne-Franche-Comté", "zone": "metro"},
        {"code": "44", "nom": "Grand Est", "zone": "metro"},
        {"code": "53", "nom": "Bretagne", "zone": "metro"},
    ]
    epci = [
        {
            "code": "242500361",
            "nom": "CU d'essai",
            "type": "CU",
            "modeFinancement": "FPU",
            "membres": [
                {"code": "25057", "siren": "x", "nom": "Commune voisine"},
                {"code": "25056", "siren": "y", "nom": "Besançon"},
            ],
        }
    ]
    return {"communes": communes, "departements": departements, "regions": regions, "epci": epci}


def tarball(
    folder: Path,
    files: dict[str, list[dict[str, Any]]] | None = None,
    meta: dict[str, Any] | None = None,
    readme: str = README,
    name: str = "etalab-decoupage-administratif-9.9.9.tgz",
) -> Path:
    """Write the stand-in package as an npm tarball and return its path."""
    meta = (
        meta
        if meta is not None
        else {
            "name": "@etalab/decoupage-administratif",
            "version": VERSION,
            "repository": "https://github.com/etalab/decoupage-administratif",
        }
    )
    members = {"package/package.json": json.dumps(meta), "package/README.md": readme}
    members["package/LICENSE"] = "MIT License (stand-in)"
    for stem, records in (data() if files is None else files).items():
        members[f"package/data/{stem}.json"] = json.dumps(records, ensure_ascii=False)
    path = folder / name
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            payload = text.encode("utf-8")
            info = tarfile.TarInfo(member)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return path
