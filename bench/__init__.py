"""Benchmarks, run from the checkout as modules (``python -m bench.pages``): figures, not tests."""
