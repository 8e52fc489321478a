"""Test support: modules the tests (and the benchmarks) import by package path, not tests.

``national`` generates the synthetic national records; ``served`` starts ``cls-kg serve``'s
gunicorn on a data folder and talks HTTP to it; ``modules`` checks that every file of the
checkout was loaded once, under one module name.
"""
