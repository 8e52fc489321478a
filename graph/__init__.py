"""The data side of cls-kg: sources -> build (parse, rebase, validate) -> store.

This package knows nothing of Flask; the server reaches it through ``cls_kg.graph.store``.
"""
