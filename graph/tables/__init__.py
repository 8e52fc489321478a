"""Tabular distributions of a version (``versions/<id>/tables/``): one CSV file per kind of
resource with its Table Schema, CSV on the Web metadata, a Data Package and an XLSX workbook.

The column definitions (``columns.py``) are the one place that says what each file holds and
how each column maps to the ontology; ``writer.py`` writes the files, ``csvw.py`` reads them
back as RDF.
"""

from __future__ import annotations

from ..datadir import TABLES as FOLDER
from .columns import TABLES, Column, Table
from .writer import DATAPACKAGE, WORKBOOK, write_tables

__all__ = ["DATAPACKAGE", "FOLDER", "TABLES", "WORKBOOK", "Column", "Table", "write_tables"]
