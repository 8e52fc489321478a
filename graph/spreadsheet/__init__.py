"""Spreadsheets in, records out: the publishers' template (XLSX, or CSV files) and its import.

The flow follows the project's: ``workbook`` reads a file into text tables, ``reading`` turns
them into typed rows with their cells, ``convert`` builds the records (stable IRIs from
``identifiers``) and remembers which cell gave each triple, ``check`` validates them with the
shapes and places each result at its cell, ``report`` shows the problems in the publisher's
terms. ``export`` is the way back, ``coverage`` says exactly what a round trip keeps, and
``layout`` is the one table all of them read.
"""
