"""Test support: modules the tests (and the benchmarks) import by package path, not tests.

Conftest files hold fixtures only; what tests import comes from here, one module per concern:
``paths`` (the checkout, the shared folder, the test data), ``apps`` (small data folders, apps
with the test settings), ``served`` (``cls-kg serve``'s gunicorn on a data folder and an HTTP
client of it), ``listener`` (a loopback stand-in of a remote host), ``pages`` (the markup graph
of the page tests, a browser's ``Accept``), ``hostile`` (the checks after each attack),
``admin`` (the admin token, uploads and their jobs), ``spreadsheet`` (the filled template and
its cases), ``queries`` (the reference tests' .rq files), ``national`` (the synthetic national
records) and ``modules`` (every file of the checkout loaded once, under one module name).
"""
