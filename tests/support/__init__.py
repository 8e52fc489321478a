"""Test support: modules the tests (and the benchmarks) import by package path, not tests.

``national`` generates the synthetic national records; ``modules`` checks that every file of
the checkout was loaded once, under one module name.
"""
