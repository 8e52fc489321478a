"""cls-kg: knowledge graph and SPARQL service for French Contrats Locaux de Santé.

Installed, the repository folders live under this package: ``cls_kg.graph`` (graph/),
``cls_kg.server`` (server/), ``cls_kg.ontology`` (ontology/), ``cls_kg.shapes`` (shapes/).
"""

__version__ = "0.1.0"
