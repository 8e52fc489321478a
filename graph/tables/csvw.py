"""CSV on the Web (W3C CSVW) metadata of the tables, and a reader of that metadata.

``metadata`` writes one ``csv-metadata.json`` (a table group, *Metadata Vocabulary for Tabular
Data*, W3C Recommendation 2015) mapping every column to the ontology: a column states
``propertyUrl`` with a ``datatype`` and ``lang`` (a literal) or a ``valueUrl`` (an IRI),
about the row's resource (``aboutUrl``) or another one (``{+periode}``, ``{+contrat}``);
convenience columns whose facts are stated elsewhere are ``suppressOutput``; a virtual column
states the row's class.

``to_rdf`` is the subset of *Generating RDF from Tabular Data on the Web* (minimal mode) that
this metadata uses: URI templates with ``{+name}`` and ``{name}``, empty cells as nulls, no
lists. The tests hold its output isomorphic to the graph's own triples for those resources.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .columns import TABLES, Column, Table, expand, literal_datatype

METADATA = "csv-metadata.json"
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
TEMPLATE = re.compile(r"\{(\+?)([a-z_]+)\}")


def property_url(column: Column) -> str | None:
    """The column's property as a full IRI (or a template), None when it states nothing."""
    if column.prop is None:
        return None
    return column.prop if column.prop.startswith("{") else expand(column.prop)


def column_metadata(column: Column) -> dict[str, Any]:
    """One column's CSVW description."""
    described: dict[str, Any] = {"name": column.name, "titles": column.name}
    described["dc:description"] = column.description
    if column.required:
        described["required"] = True
    predicate = property_url(column)
    if predicate is None:
        described["suppressOutput"] = True
        described["datatype"] = "anyURI" if column.format == "uri" else "string"
        return described
    described["propertyUrl"] = predicate
    if column.about:
        described["aboutUrl"] = column.about
    if column.value_url:
        described["valueUrl"] = column.value_url
        described["datatype"] = "anyURI" if column.format == "uri" else "string"
    else:
        described["datatype"] = literal_datatype(column).removeprefix(str(XSD))
        if column.lang:
            described["lang"] = column.lang
    return described


def foreign_keys(table: Table) -> list[dict[str, Any]]:
    """The table's foreign keys, CSVW style."""
    return [
        {
            "columnReference": c.name,
            "reference": {"resource": f"{c.references}.csv", "columnReference": "iri"},
        }
        for c in table.columns
        if c.references and c.prop is not None
    ]


def table_metadata(table: Table) -> dict[str, Any]:
    """One table's CSVW description."""
    columns = [column_metadata(c) for c in table.columns]
    if table.rdf_class:
        columns.append(
            {"virtual": True, "propertyUrl": str(RDF.type), "valueUrl": expand(table.rdf_class)}
        )
    schema: dict[str, Any] = {
        "aboutUrl": table.about,
        "primaryKey": list(table.primary_key),
        "columns": columns,
    }
    if keys := foreign_keys(table):
        schema["foreignKeys"] = keys
    return {
        "url": f"{table.name}.csv",
        "dc:title": table.title,
        "dc:description": table.description,
        "tableSchema": schema,
    }


def metadata(title: str, license_iri: str) -> dict[str, Any]:
    """The table group of every table."""
    return {
        "@context": [CSVW_CONTEXT, {"@language": "fr"}],
        "dc:title": title,
        "dc:license": {"@id": license_iri},
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ","},
        "tables": [table_metadata(t) for t in TABLES],
    }


def expand_template(template: str, row: dict[str, str]) -> str | None:
    """RFC 6570 level 2 as CSVW uses it; None when a variable is empty (no triple)."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        text = row.get(match.group(2), "")
        missing = missing or text == ""
        return text if match.group(1) else quote(text, safe="")

    expanded = TEMPLATE.sub(value, template)
    return None if missing else expanded


def cell_object(described: dict[str, Any], row: dict[str, str], text: str) -> Any:
    """The RDF term a cell stands for."""
    if "valueUrl" in described:
        target = expand_template(described["valueUrl"], row)
        return None if target is None else URIRef(target)
    if "lang" in described:
        return Literal(text, lang=described["lang"])
    datatype = described.get("datatype", "string")
    # RDF 1.1: a simple literal is an xsd:string (rdflib keeps them apart: use its form)
    return Literal(text) if datatype == "string" else Literal(text, datatype=XSD[datatype])


def row_triples(schema: dict[str, Any], row: dict[str, str]) -> Iterator[tuple[Any, Any, Any]]:
    """The triples one row stands for."""
    for described in schema["columns"]:
        if described.get("suppressOutput"):
            continue
        text = "" if described.get("virtual") else row.get(described["name"], "")
        if text == "" and not described.get("virtual"):
            continue
        subject = expand_template(described.get("aboutUrl", schema["aboutUrl"]), row)
        predicate = expand_template(described["propertyUrl"], row)
        target = cell_object(described, row, text)
        if subject and predicate and target is not None:
            yield URIRef(subject), URIRef(predicate), target


def to_rdf(folder: Path, metadata_name: str = METADATA) -> Graph:
    """The triples the CSV files of ``folder`` stand for, by their CSVW metadata."""
    described = json.loads((folder / metadata_name).read_text(encoding="utf-8"))
    graph = Graph()
    for table in described["tables"]:
        with (folder / table["url"]).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for triple in row_triples(table["tableSchema"], row):
                    graph.add(triple)
    return graph
