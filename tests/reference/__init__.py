"""Tests of the reference data, the link step and the consistency report (issue 5, data side)."""
